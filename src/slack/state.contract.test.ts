import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memorySlackState } from "../db/memorySlackState.ts";
import { openPrismaSlackState } from "../db/prismaSlackState.ts";
import { sqlSlackState } from "../db/sqlSlackState.ts";
import { migrate, openSqlite } from "../db/sqlite.ts";
import type { SlackState } from "./ports.ts";

// One contract for the Slack state port: the in-memory fake, the Prisma adapter and the raw-SQL one
// (each on a temporary SQLite file); then the Prisma and SQL adapters on one file.

function tempDatabase(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-slackstate-"));
  const file = path.join(dir, "a.db");
  const db = openSqlite(file);
  migrate(db);
  db.close();
  return { dir, file };
}

type Make = () => Promise<{ s: SlackState; done(): Promise<void> }>;

const onFile = (open: (file: string) => Promise<SlackState> | SlackState): Make => async () => {
  const { dir, file } = tempDatabase();
  const s = await open(file);
  return { s, done: async () => (await s.close(), fs.rmSync(dir, { recursive: true, force: true })) };
};

const backends: [string, Make][] = [
  ["memory", async () => ({ s: memorySlackState(), done: async () => undefined })],
  ["prisma", onFile(openPrismaSlackState)],
  ["sql", onFile((file) => sqlSlackState(file))],
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

describe("SlackState: prisma and sql adapters on one database", () => {
  const dump = (file: string) => {
    const db = openSqlite(file);
    try {
      return Object.fromEntries(
        ["SlackCard", "SlackDmChannel", "SlackSeenEvent"].map((t) => {
          const cols = (db.pragma(`table_info("${t}")`) as { name: string }[]).map((c) => c.name);
          return [t, db.prepare(`SELECT ${cols.map((c) => `quote("${c}")`).join(", ")} FROM "${t}" ORDER BY rowid`).raw().all()];
        }),
      );
    } finally {
      db.close();
    }
  };
  const scenario = async (s: SlackState) => {
    const at = new Date("2026-03-10T09:00:00.250Z");
    await s.cards.add({ disputeId: 7, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
    await s.cards.add({ disputeId: 7, channel: "D1", ts: "1.1", kind: "dm", viewerEmail: "a@x", postedAt: at });
    await s.cards.add({ disputeId: 7, channel: "C1", ts: "2.2", kind: "channel", viewerEmail: null, postedAt: at });
    await s.cards.add({ disputeId: 8, channel: "C1", ts: "3.3", kind: "channel", viewerEmail: null, postedAt: at });
    await s.cards.remove("C1", "3.3");
    await s.dmChannels.put("U1", "D1", at);
    await s.dmChannels.put("U1", "D2", new Date(at.getTime() + 5));
    await s.firstSeen("ev1", at);
    await s.firstSeen("ev2", new Date(at.getTime() + 60_000));
    await s.firstSeen("ev2", at);
  };

  it("write the same rows and read each other's", async () => {
    const a = tempDatabase();
    const b = tempDatabase();
    const opened: SlackState[] = [];
    const open = async (o: Promise<SlackState> | SlackState) => {
      const s = await o;
      opened.push(s);
      return s;
    };
    try {
      await scenario(await open(openPrismaSlackState(a.file)));
      await scenario(await open(sqlSlackState(b.file)));
      expect(dump(b.file)).toEqual(dump(a.file));
      for (const file of [a.file, b.file]) {
        const p = await open(openPrismaSlackState(file));
        const q = await open(sqlSlackState(file));
        expect(await q.cards.forDispute(7)).toEqual(await p.cards.forDispute(7));
        expect(await q.cards.byMessage("D1", "1.1")).toEqual(await p.cards.byMessage("D1", "1.1"));
        expect(await q.dmChannels.get("U1")).toBe("D2");
        expect(await q.firstSeen("ev1", new Date())).toBe(false);
        expect(await p.firstSeen("ev2", new Date())).toBe(false);
        expect(await q.prune(new Date("2026-03-10T09:00:30Z"))).toBe(1);
        expect(await p.prune(new Date("2026-03-10T09:02:00Z"))).toBe(1);
      }
    } finally {
      for (const s of opened) await s.close();
      fs.rmSync(a.dir, { recursive: true, force: true });
      fs.rmSync(b.dir, { recursive: true, force: true });
    }
  });
});
