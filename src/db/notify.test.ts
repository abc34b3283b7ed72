import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../test/postgres.ts";
import type { OutboxChannel } from "../app/ports.ts";
import { connect } from "./connect.ts";
import { listenForQueued } from "./notify.ts";
import { kyselyStore } from "./store.ts";

// Across replicas on PostgreSQL, a commit that queues messages wakes every delivery loop (NOTIFY at
// commit, LISTEN in each process); a rolled-back one wakes nobody.

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const until = async (what: string, ok: () => boolean) => {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("listenForQueued on PostgreSQL", () => {
  it("is told the channel of messages queued by another process's commit, not of a rolled-back one", async () => {
    const db = await freshPostgresDatabase("notify");
    cleanup.push(() => db.drop());
    const heard: OutboxChannel[] = [];
    const listener = listenForQueued({ kind: "postgres", url: db.url }, (c) => heard.push(c));
    cleanup.push(() => listener.close());
    const store = kyselyStore(connect({ kind: "postgres", url: db.url }));
    cleanup.push(() => store.close());
    const msg = (id: string, channel: OutboxChannel) => ({ id, channel, type: "t", orderKey: "k", payload: "{}", createdAt: new Date() });
    // the LISTEN connection comes up in the background: queue until it hears
    for (let i = 0; heard.length === 0; i++) {
      if (i > 200) throw new Error("the listener never heard a commit");
      await store.outbox.add([msg(`warm-${i}`, "webhook")]);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
    heard.length = 0;
    await store.transaction(async (tx) => tx.outbox.add([msg("s1", "slack"), msg("s2", "slack")]));
    await until("slack", () => heard.includes("slack"));
    expect(heard).toEqual(["slack"]);
    await expect(
      store.transaction(async (tx) => {
        await tx.outbox.add([msg("t1", "teams")]);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await store.outbox.add([msg("w-last", "webhook")]);
    await until("webhook", () => heard.includes("webhook"));
    expect(heard).toEqual(["slack", "webhook"]);
  });
});
