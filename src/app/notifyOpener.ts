import type { Dispute, Outcome, Person } from "../domain/types.ts";
import type { ChatQueueDeps } from "./chatQueue.ts";
import { actor } from "./actors.ts";
import { noticeChannels } from "./chatRouting.ts";
import type { Deps } from "./context.ts";
import type { Repos } from "./ports.ts";

// The controller who opened a dispute is told when someone else resolves, withdraws or reassigns it (issue 11):
// one delivery-queue row per chat platform, written in the change's own transaction, platform-neutral (what
// happened and by whom); each deliverer renders it with the dispute's card at send time (src/slack/delivery.ts).
// Not sent when the opener did it themself, nor when the opener turned these notices off (Person.notifyOpenerUpdates).

export const OPENER_UPDATE = "dispute.opener_update";

export type OpenerUpdate =
  | { what: "resolved"; outcome: Outcome }
  | { what: "withdrawn" }
  | { what: "reassigned"; fromEmail: string; toEmail: string };

export type OpenerUpdatePayload = OpenerUpdate & {
  disputeId: number;
  number: string;
  /** who gets it: the opener */
  email: string;
  byEmail: string;
  at: string;
};

/** Inside the change's transaction. */
export async function queueOpenerUpdate(tx: Repos, deps: ChatQueueDeps, dispute: Dispute, actor: Person, update: OpenerUpdate, now: Date): Promise<void> {
  const to = dispute.openedByEmail;
  if (!deps.chatQueue?.length || !to || to === actor.email) return;
  if ((await tx.people.openerUpdatesOff([to])).length) return;
  // one platform when several are on (issue 13, src/app/chatRouting.ts)
  const channels = (await noticeChannels(tx, deps.chatQueue, [to])).get(to) ?? [];
  const payload: OpenerUpdatePayload = { ...update, disputeId: dispute.id, number: dispute.number, email: to, byEmail: actor.email, at: now.toISOString() };
  const text = JSON.stringify(payload);
  await tx.outbox.add(channels.map((channel) => ({ id: deps.newId(), channel, type: OPENER_UPDATE, orderKey: dispute.number, payload: text, createdAt: now })));
}

/** A person turns their own opener's notices on or off (App Home, REST). */
export async function setOpenerUpdates(deps: Pick<Deps, "store">, input: { byEmail: string | undefined; on: boolean }): Promise<boolean> {
  return deps.store.transaction(async (tx) => {
    const who = await actor(tx, input.byEmail);
    await tx.people.setOpenerUpdates(who.email, input.on);
    return input.on;
  });
}
