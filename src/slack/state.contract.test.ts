import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../db/connect.ts";
import { kyselyStore, migrateDatabase } from "../db/store.ts";
import { freshPostgresDatabase } from "../test/postgres.ts";
import { slackState, type SlackState } from "./ports.ts";

// The Slack state as the adapter uses it, over the store's Slack rows, on SQLite and on PostgreSQL.

type Make = () => Promise<{ s: SlackState; done(): Promise<void> }>;

const onSqlite: Make = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-slackstate-"));
  const file = path.join(dir, "a.db");
  await migrateDatabase({ kind: "sqlite", file });
  const store = kyselyStore(connect({ kind: "sqlite", file }));
  return { s: slackState(store.slack), done: async () => (await store.close(), fs.rmSync(dir, { recursive: true, force: true })) };
};

const onPostgres: Make = async () => {
  const db = await freshPostgresDatabase("slackstate");
  const store = kyselyStore(connect({ kind: "postgres", url: db.url }));
  return { s: slackState(store.slack), done: async () => (await store.close(), await db.drop()) };
};

const backends: [string, Make][] = [
  ["sqlite", onSqlite],
  ["postgres", onPostgres],
];

// In CI, the suite fails if any backend ran no test.
const ran: Record<string, number> = Object.fromEntries(backends.map(([name]) => [name, 0]));
afterAll(() => {
  if (!process.env.CI) return;
  for (const [backend, n] of Object.entries(ran)) {
    if (n === 0) throw new Error(`the ${backend} backend ran no Slack state contract test`);
  }
});

describe.each(backends)("SlackState (%s)", (name, make) => {
  it("keeps card copies, DM channels and seen deliveries", async () => {
    ran[name] = (ran[name] ?? 0) + 1;
    const { s, done } = await make();
    try {
      const at = new Date("2026-03-10T09:00:00Z");
      await s.cards.add({ disputeId: 1, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
      await s.cards.add({ disputeId: 1, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
      await s.cards.add({ disputeId: 1, channel: "C1", ts: "2.2", kind: "channel", viewerEmail: null, postedAt: at });
      expect(await s.cards.forDispute(1)).toEqual([
        { disputeId: 1, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at },
        { disputeId: 1, channel: "C1", ts: "2.2", kind: "channel", viewerEmail: null, postedAt: at },
      ]);
      expect(await s.cards.byMessage("C1", "2.2")).toMatchObject({ disputeId: 1, kind: "channel" });
      await s.cards.remove("C1", "2.2");
      expect(await s.cards.byMessage("C1", "2.2")).toBeNull();
      expect(await s.dmChannels.get("U1")).toBeNull();
      await s.dmChannels.put("U1", "D1", at);
      await s.dmChannels.put("U1", "D2", at);
      expect(await s.dmChannels.get("U1")).toBe("D2");
      expect(await s.firstSeen("ev1", at)).toBe(true);
      expect(await s.firstSeen("ev1", at)).toBe(false);
      await s.forget("ev1");
      expect(await s.firstSeen("ev1", at)).toBe(true);
      expect(await s.prune(new Date(at.getTime() + 1))).toBe(1);
      expect(await s.firstSeen("ev1", at)).toBe(true);
    } finally {
      await done();
    }
  });

  it("a card recorded twice keeps its first copy", async () => {
    ran[name] = (ran[name] ?? 0) + 1;
    const { s, done } = await make();
    try {
      const at = new Date("2026-03-10T09:00:00Z");
      await s.cards.add({ disputeId: 1, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
      await s.cards.add({ disputeId: 2, channel: "D1", ts: "1.1", kind: "channel", viewerEmail: null, postedAt: new Date(at.getTime() + 1000) });
      expect(await s.cards.byMessage("D1", "1.1")).toEqual({ disputeId: 1, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
      expect(await s.cards.forDispute(2)).toEqual([]);
      await s.cards.remove("nope", "0");
      await s.forget("never-seen");
      expect(await s.prune(at)).toBe(0);
    } finally {
      await done();
    }
  });
});
