import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { memorySlackState } from "../db/memorySlackState.ts";
import { openPrismaSlackState } from "../db/prismaSlackState.ts";
import { migrate, openSqlite } from "../db/sqlite.ts";
import type { SlackState } from "./ports.ts";

// One contract for the Slack state port: the in-memory fake and the Prisma adapter on a temporary SQLite file.

const backends: [string, () => Promise<{ s: SlackState; done(): Promise<void> }>][] = [
  ["memory", async () => ({ s: memorySlackState(), done: async () => undefined })],
  [
    "prisma",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-slackstate-"));
      const file = path.join(dir, "a.db");
      const db = openSqlite(file);
      migrate(db);
      db.close();
      const s = await openPrismaSlackState(file);
      return { s, done: async () => (await s.close(), fs.rmSync(dir, { recursive: true, force: true })) };
    },
  ],
];

describe.each(backends)("SlackState (%s)", (_name, make) => {
  it("keeps card copies, DM channels and seen deliveries", async () => {
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
});
