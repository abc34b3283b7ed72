import type { PostedCard, SlackState } from "../slack/ports.ts";
import { fromDbTime, SqlSession, toDbTime, type SqlSessionOptions } from "./sqlSession.ts";

// The Slack adapter's state (SlackCard, SlackDmChannel, SlackSeenEvent) on raw SQL, on its own
// connection, with the same locking as src/db/sqlStore.ts (writes never sleep inside SQLite while the
// ledger import holds the write lock: Slack acks must not wait). Same rows and behaviour as
// src/db/prismaSlackState.ts.

interface CardRow {
  disputeId: number;
  channel: string;
  ts: string;
  kind: string;
  viewerEmail: string | null;
  postedAt: string;
}

const toCard = (r: CardRow): PostedCard => ({
  disputeId: r.disputeId,
  channel: r.channel,
  ts: r.ts,
  kind: r.kind === "channel" ? "channel" : "dm",
  viewerEmail: r.viewerEmail,
  postedAt: fromDbTime(r.postedAt),
});

export function sqlSlackState(file: string, opts: SqlSessionOptions = {}): SlackState {
  const s = new SqlSession(file, opts);
  return {
    cards: {
      add: (card) =>
        s.write(() => {
          // A copy already recorded stays as it is (the Prisma adapter's upsert with an empty update). Looked
          // up first rather than `ON CONFLICT DO NOTHING`, which would use up an AUTOINCREMENT id as Prisma does not.
          if (s.sql(`SELECT 1 FROM "SlackCard" WHERE "channel" = ? AND "ts" = ?`).get(card.channel, card.ts)) return;
          s.sql(`INSERT INTO "SlackCard" ("disputeId", "channel", "ts", "kind", "viewerEmail", "postedAt") VALUES (?, ?, ?, ?, ?, ?)`).run(
            card.disputeId,
            card.channel,
            card.ts,
            card.kind,
            card.viewerEmail ?? null,
            toDbTime(card.postedAt),
          );
        }),
      forDispute: (disputeId) =>
        s.read(() => (s.sql(`SELECT * FROM "SlackCard" WHERE "disputeId" = ? ORDER BY "id"`).all(disputeId) as CardRow[]).map(toCard)),
      byMessage: (channel, ts) =>
        s.read(() => {
          const r = s.sql(`SELECT * FROM "SlackCard" WHERE "channel" = ? AND "ts" = ?`).get(channel, ts) as CardRow | undefined;
          return r ? toCard(r) : null;
        }),
      remove: (channel, ts) =>
        s.write(() => {
          s.sql(`DELETE FROM "SlackCard" WHERE "channel" = ? AND "ts" = ?`).run(channel, ts);
        }),
    },
    dmChannels: {
      get: (slackUserId) =>
        s.read(() => (s.sql(`SELECT "channel" FROM "SlackDmChannel" WHERE "slackUserId" = ?`).pluck().get(slackUserId) as string | undefined) ?? null),
      put: (slackUserId, channel, now) =>
        s.write(() => {
          s.sql(
            `INSERT INTO "SlackDmChannel" ("slackUserId", "channel", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("slackUserId") DO UPDATE SET "channel" = excluded."channel", "updatedAt" = excluded."updatedAt"`,
          ).run(slackUserId, channel, toDbTime(now));
        }),
    },
    firstSeen: (id, now) =>
      s.write(() => s.sql(`INSERT INTO "SlackSeenEvent" ("id", "seenAt") VALUES (?, ?) ON CONFLICT ("id") DO NOTHING`).run(id, toDbTime(now)).changes === 1),
    forget: (id) =>
      s.write(() => {
        s.sql(`DELETE FROM "SlackSeenEvent" WHERE "id" = ?`).run(id);
      }),
    // seenAt is compared as text, as Prisma does with a DateTime filter (both sides in the same ISO form)
    prune: (before) => s.write(() => s.sql(`DELETE FROM "SlackSeenEvent" WHERE "seenAt" < ?`).run(toDbTime(before)).changes),
    close: () => s.close(),
  };
}
