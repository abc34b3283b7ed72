import type { PostedCard, SlackRows } from "../app/ports.ts";

// The Slack adapter's own state, as the adapter uses it: where each dispute card was posted (to update
// it in place and thread the timeline under it), the DM channel of each user, and the deliveries already
// handled. The rows live in the one store (src/app/ports.ts SlackRows, src/db/store.ts).

export type { PostedCard };

export interface SlackState {
  cards: {
    add(card: PostedCard): Promise<void>;
    forDispute(disputeId: number): Promise<PostedCard[]>;
    byMessage(channel: string, ts: string): Promise<PostedCard | null>;
    remove(channel: string, ts: string): Promise<void>;
  };
  dmChannels: {
    get(slackUserId: string): Promise<string | null>;
    put(slackUserId: string, channel: string, now: Date): Promise<void>;
  };
  /** Records a delivery id; true the first time it is seen, false for a retry or a double submission. */
  firstSeen(id: string, now: Date): Promise<boolean>;
  /** Forgets one delivery id (its handling failed: a new attempt must run). */
  forget(id: string): Promise<void>;
  /** Forgets delivery ids older than `before`. */
  prune(before: Date): Promise<number>;
}

/** The Slack state over the store's Slack rows. */
export function slackState(rows: SlackRows): SlackState {
  return {
    cards: {
      add: (card) => rows.addCard(card),
      forDispute: (disputeId) => rows.cardsOf(disputeId),
      byMessage: (channel, ts) => rows.cardAt(channel, ts),
      remove: (channel, ts) => rows.removeCard(channel, ts),
    },
    dmChannels: {
      get: (id) => rows.dmChannel(id),
      put: (id, channel, now) => rows.putDmChannel(id, channel, now),
    },
    firstSeen: (id, now) => rows.firstSeen(id, now),
    forget: (id) => rows.forget(id),
    prune: (before) => rows.prune(before),
  };
}
