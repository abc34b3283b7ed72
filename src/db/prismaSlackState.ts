import type { PrismaClient } from "../generated/prisma/client.ts";
import type { PostedCard, SlackState } from "../slack/ports.ts";
import { createPrismaClient } from "./prismaStore.ts";

// Prisma adapter of the Slack adapter's state (SlackCard, SlackDmChannel, SlackSeenEvent).

const isUniqueViolation = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === "P2002";

type CardRow = { disputeId: number; channel: string; ts: string; kind: string; viewerEmail: string | null; postedAt: Date };
const toCard = (r: CardRow): PostedCard => ({
  disputeId: r.disputeId,
  channel: r.channel,
  ts: r.ts,
  kind: r.kind === "channel" ? "channel" : "dm",
  viewerEmail: r.viewerEmail,
  postedAt: r.postedAt,
});

export function prismaSlackState(db: PrismaClient): SlackState {
  return {
    cards: {
      async add(card) {
        await db.slackCard.upsert({
          where: { channel_ts: { channel: card.channel, ts: card.ts } },
          create: { ...card },
          update: {},
        });
      },
      async forDispute(disputeId) {
        return (await db.slackCard.findMany({ where: { disputeId }, orderBy: { id: "asc" } })).map(toCard);
      },
      async byMessage(channel, ts) {
        const r = await db.slackCard.findUnique({ where: { channel_ts: { channel, ts } } });
        return r ? toCard(r) : null;
      },
      async remove(channel, ts) {
        await db.slackCard.deleteMany({ where: { channel, ts } });
      },
    },
    dmChannels: {
      async get(slackUserId) {
        return (await db.slackDmChannel.findUnique({ where: { slackUserId } }))?.channel ?? null;
      },
      async put(slackUserId, channel, now) {
        await db.slackDmChannel.upsert({ where: { slackUserId }, create: { slackUserId, channel, updatedAt: now }, update: { channel, updatedAt: now } });
      },
    },
    async firstSeen(id, now) {
      try {
        await db.slackSeenEvent.create({ data: { id, seenAt: now } });
        return true;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },
    async forget(id) {
      await db.slackSeenEvent.deleteMany({ where: { id } });
    },
    async prune(before) {
      return (await db.slackSeenEvent.deleteMany({ where: { seenAt: { lt: before } } })).count;
    },
    close: () => db.$disconnect(),
  };
}

/** Opens its own client on the database file (the store's client is not shared with adapters). */
export async function openPrismaSlackState(databaseFile: string): Promise<SlackState> {
  const client = createPrismaClient(databaseFile);
  await client.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  return prismaSlackState(client);
}
