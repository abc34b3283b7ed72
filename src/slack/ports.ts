// The Slack adapter's own state, as a port: where each dispute card was posted (to update it in place
// and thread the timeline under it), the DM channel of each user, and the deliveries already handled.
// Adapters: src/db/sqlSlackState.ts (raw SQL, the default), src/db/prismaSlackState.ts (SQLite via Prisma)
// and src/db/memorySlackState.ts (tests).

export interface PostedCard {
  disputeId: number;
  channel: string;
  ts: string;
  kind: "dm" | "channel";
  /** Whose permissions the copy shows: the person of the DM; null for a channel copy. */
  viewerEmail: string | null;
  postedAt: Date;
}

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
  close(): Promise<void>;
}
