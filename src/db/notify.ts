import pg from "pg";
import type { OutboxChannel } from "../app/ports.ts";
import { pgConfig, type DatabaseOptions, type DatabaseTarget } from "./connect.ts";
import { OUTBOX_NOTIFY } from "./store.ts";

// Waking the delivery loops of every replica when a message is queued. A commit that queued messages
// sends a PostgreSQL NOTIFY (store.ts, outbox.add); each process holds one connection that LISTENs and
// calls `onQueued` with the channel. On SQLite (one machine) there is no cross-process signal: the
// in-process signal after a commit and the loop's polling do it. The connection is reopened after a
// failure (a restarted server, a network cut), polling covering the gap.

export interface QueueListener {
  close(): Promise<void>;
}

export interface ListenOptions extends DatabaseOptions {
  /** first wait before reconnecting, doubled up to 30 s */
  retryMs?: number;
  log?: { warn(o: object, msg: string): void };
}

export function listenForQueued(target: DatabaseTarget, onQueued: (channel: OutboxChannel) => void, opts: ListenOptions = {}): QueueListener {
  if (target.kind !== "postgres") return { close: async () => undefined };
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let wait = opts.retryMs ?? 500;
  const connectOnce = async (): Promise<void> => {
    const c = new pg.Client(pgConfig(target.url, opts));
    c.on("notification", (n) => {
      if (n.channel === OUTBOX_NOTIFY) onQueued((n.payload ?? "webhook") as OutboxChannel);
    });
    c.on("error", (err) => {
      opts.log?.warn({ err: String(err) }, "queue listener connection lost; reconnecting");
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${OUTBOX_NOTIFY}`);
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    wait = opts.retryMs ?? 500;
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connectOnce().catch((err: unknown) => {
        opts.log?.warn({ err: String(err) }, "queue listener could not connect; retrying");
        wait = Math.min(wait * 2, 30_000);
        schedule();
      });
    }, wait);
    timer.unref();
  };
  connectOnce().catch((err: unknown) => {
    opts.log?.warn({ err: String(err) }, "queue listener could not connect; retrying");
    schedule();
  });
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
