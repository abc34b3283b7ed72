import type { Dispute, TimelineEvent } from "../domain/types.ts";
import type { ChangeOrigin, Deps } from "./context.ts";
import { noticePlatform } from "./chatRouting.ts";
import type { OutboxChannel, Repos } from "./ports.ts";

// The chat effects of a committed change, as rows of the delivery queue written in the change's own
// transaction (so a crash after the commit loses none): one row per chat platform that delivers
// (deps.chatQueue), platform-neutral — what changed, not how it looks; each platform's deliverer renders
// the dispute's current state when it sends (src/slack/delivery.ts).

/** A dispute changed: update every posted card, thread the events, tell a new owner. */
export const CHAT_CHANGE = "dispute.changed";
/** A notice to the owner that could not be delivered (a dead row of its own, retried by itself). */
export const OWNER_NOTICE = "dispute.owner_notice";

export interface ChatChangePayload {
  disputeId: number;
  number: string;
  /** a new dispute: post the owner's card (with the notice, unless notifyOwner is false) and the channel's */
  opened: boolean;
  notifyOwner: boolean;
  /** the events of the change, for the cards' threads */
  events: { type: TimelineEvent["type"]; at: string; byEmail: string | null; text: string | null; data?: Record<string, unknown> }[];
  /** a comment written in a card's thread: not echoed there */
  thread: { channel: string; ts: string } | null;
  /** people whose lists changed besides the owner and the controller (a previous owner) */
  concerned: string[];
  /**
   * The platform that posts the owner's card (a new dispute, a reassignment) when several are on (issue 13: the one
   * src/domain/chatRouting.ts picks); absent: every platform's deliverer posts it (rows of older versions: Slack's).
   */
  ownerPlatform?: "slack" | "teams";
}

export interface OwnerNoticePayload {
  disputeId: number;
  number: string;
  email: string;
  /** with the notice text (a new dispute) or the card alone (reassigned) */
  notice: boolean;
}

export type ChatQueueDeps = Pick<Deps, "newId"> & { chatQueue?: readonly OutboxChannel[] | undefined };

export interface ChatChange {
  dispute: Dispute;
  before: Dispute | null;
  events: readonly TimelineEvent[];
  origin: ChangeOrigin;
  opened?: boolean;
}

/** Inside the change's transaction: one queue row per chat platform. */
export async function queueChatChange(tx: Repos, deps: ChatQueueDeps, change: ChatChange, now: Date): Promise<void> {
  const channels = deps.chatQueue ?? [];
  if (!channels.length) return;
  const payload: ChatChangePayload = {
    disputeId: change.dispute.id,
    number: change.dispute.number,
    opened: change.opened ?? false,
    notifyOwner: change.origin.notifyOwner !== false,
    events: change.events.map((e) => ({ type: e.type, at: e.at.toISOString(), byEmail: e.byEmail, text: e.text, ...(e.data ? { data: e.data } : {}) })),
    thread: change.origin.thread ?? null,
    concerned: change.before && change.before.ownerEmail !== change.dispute.ownerEmail ? [change.before.ownerEmail] : [],
  };
  // the owner's new card goes out on one platform only (issue 13)
  const ownerCard = (change.opened ?? false) || change.events.some((e) => e.type === "reassigned");
  if (ownerCard && channels.filter((c) => c === "slack" || c === "teams").length > 1) {
    const to = await noticePlatform(tx, channels, change.dispute.ownerEmail);
    if (to) payload.ownerPlatform = to;
  }
  const text = JSON.stringify(payload);
  await tx.outbox.add(channels.map((channel) => ({ id: deps.newId(), channel, type: CHAT_CHANGE, orderKey: change.dispute.number, payload: text, createdAt: now })));
}

export function eventsOf(p: ChatChangePayload): TimelineEvent[] {
  return p.events.map((e) => ({ type: e.type, at: new Date(e.at), byEmail: e.byEmail, text: e.text, ...(e.data ? { data: e.data } : {}) }));
}
