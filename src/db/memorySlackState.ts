import type { PostedCard, SlackState } from "../slack/ports.ts";

// In-memory fake of the Slack adapter's state (src/slack/ports.ts), same behaviour as the Prisma adapter.
export function memorySlackState(): SlackState {
  const cards: PostedCard[] = [];
  const dms = new Map<string, string>();
  const seen = new Map<string, Date>();
  return {
    cards: {
      async add(card) {
        if (cards.some((c) => c.channel === card.channel && c.ts === card.ts)) return;
        cards.push({ ...card });
      },
      async forDispute(disputeId) {
        return cards.filter((c) => c.disputeId === disputeId).map((c) => ({ ...c }));
      },
      async byMessage(channel, ts) {
        const c = cards.find((x) => x.channel === channel && x.ts === ts);
        return c ? { ...c } : null;
      },
      async remove(channel, ts) {
        const i = cards.findIndex((x) => x.channel === channel && x.ts === ts);
        if (i >= 0) cards.splice(i, 1);
      },
    },
    dmChannels: {
      async get(id) {
        return dms.get(id) ?? null;
      },
      async put(id, channel) {
        dms.set(id, channel);
      },
    },
    async firstSeen(id, now) {
      if (seen.has(id)) return false;
      seen.set(id, now);
      return true;
    },
    async forget(id) {
      seen.delete(id);
    },
    async prune(before) {
      let n = 0;
      for (const [k, at] of seen) if (at < before) (seen.delete(k), n++);
      return n;
    },
    async close() {},
  };
}
