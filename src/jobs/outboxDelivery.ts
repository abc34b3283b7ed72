import crypto from "node:crypto";
import type { Deps } from "../app/context.ts";

// Delivers the webhook outbox to the collections system: at least once, in order per dispute,
// across restarts (the outbox is in the database, written in the same transaction as the change),
// with any number of replicas delivering: each claims due messages with a lease (LEASE_MS) in a short
// transaction, calls the webhook outside any transaction, and records the outcome in another one; a
// lease left by a process that died expires and the message is claimed again (hence "at least once":
// the receiver dedupes on `Idempotency-Key`).
// Retries with exponential backoff from 2 s up to 1 h between attempts, for 72 hours; then the
// message is "dead" and shows in GET /api/v1/outbox?status=failed.

export const RETRY_FOR_MS = 72 * 3600_000;
/** How long a claimed message is a replica's (OUTBOX_LEASE_MS): a message whose deliverer died is claimed again after it. */
export const LEASE_MS = 30_000;

export function backoffMs(attempts: number): number {
  return Math.min(2000 * 2 ** Math.max(attempts - 1, 0), 3600_000);
}

export function sign(secret: string, body: string, unixSeconds: number): string {
  const mac = crypto.createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

export interface DeliveryOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  /** the claim's lease; the request times out at half of it at most */
  leaseMs?: number;
  fetch?: typeof fetch;
}

/** Delivers what is due now; returns how many were delivered. One pass; the loop calls it again. */
export async function deliverDue(deps: Deps, opts: DeliveryOptions, limit = 50): Promise<{ delivered: number; failed: number }> {
  const doFetch = opts.fetch ?? fetch;
  let delivered = 0;
  let failed = 0;
  // Head-of-line per dispute: after a delivery the next message of that dispute becomes due, so loop.
  for (;;) {
    const due = await deps.store.outbox.claim({ channel: "webhook", now: deps.clock(), leaseMs: opts.leaseMs ?? LEASE_MS, limit });
    if (!due.length) break;
    let progressed = false;
    await Promise.all(
      due.map(async (m) => {
        const now = deps.clock();
        try {
          const res = await doFetch(opts.url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "accord-signature": sign(opts.secret, m.payload, Math.floor(now.getTime() / 1000)),
              "idempotency-key": m.id,
              "user-agent": "Accord-Webhooks/1",
            },
            body: m.payload,
            signal: AbortSignal.timeout(Math.min(opts.timeoutMs ?? 10_000, (opts.leaseMs ?? LEASE_MS) / 2)),
          });
          if (res.status >= 200 && res.status < 300) {
            await deps.store.outbox.markDelivered(m.id, deps.clock());
            delivered++;
            progressed = true;
            return;
          }
          throw new Error(`HTTP ${res.status}`);
        } catch (err) {
          failed++;
          const attempts = m.attempts + 1;
          const next = new Date(now.getTime() + backoffMs(attempts));
          const giveUp = next.getTime() - m.createdAt.getTime() > RETRY_FOR_MS;
          await deps.store.outbox.markFailed(m.id, err instanceof Error ? err.message : String(err), giveUp ? null : next);
          deps.log.warn({ id: m.id, type: m.type, attempts, giveUp, err: String(err) }, "webhook delivery failed");
        }
      }),
    );
    if (!progressed) break;
  }
  return { delivered, failed };
}

/** Polls the outbox; `kick()` delivers right away (called after each committed change). */
export function startOutboxLoop(deps: Deps, opts: DeliveryOptions & { pollMs: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let again = false;
  let stopped = false;
  const tick = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await deliverDue(deps, opts);
        } catch (err) {
          deps.log.error({ err }, "outbox pass failed");
        }
      } while (again && !stopped);
    })();
    await running;
    running = null;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick();
      schedule();
    }, opts.pollMs);
  };
  schedule();
  return {
    kick: () => void tick(),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
