import { reminderCover } from "../domain/absence.ts";
import { dayIn } from "../domain/calendar.ts";
import { fail } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Dispute, TimelineEvent } from "../domain/types.ts";
import { actor, customerOf, findDispute } from "./actors.ts";
import { queueChatChange } from "./chatQueue.ts";
import { noticeChannels } from "./chatRouting.ts";
import { emit, type Deps } from "./context.ts";
import { REMINDER, type ReminderPayload } from "./remindFollowUps.ts";

// Nudge (issue 11): a controller, manager or admin sends the owner of an open dispute a reminder at once (the
// card, the list rows). An owner does not nudge themselves. At most one nudge per dispute per hour: a nudge
// sent less than an hour ago refuses the next one and says when it becomes possible. In one transaction (the
// dispute's customer locked, so two clicks take turns): the nudge in the notice ledger (kind "nudge", keyed by
// its hour: a second row of the same hour cannot be written), the delivery-queue row that carries the owner's
// DM (a REMINDER of kind "nudge", delivered like reminders), a "nudged" line on the timeline and the chat change
// that updates the cards and threads. The dispute's version does not change (an owner's open form stays valid).
// An owner away today (their local date; the reminders' rule, reminderCover) is covered by their deputy: the
// nudge goes to the deputy, on the owner's behalf (payload onBehalfOf); with no deputy at hand, to the owner.

export const NUDGE_EVERY_MS = 60 * 60 * 1000;

export interface NudgeInput {
  dispute: string | number;
  byEmail: string | undefined;
}

export type NudgeResult =
  | { sent: true; dispute: Dispute; ownerEmail: string; at: Date; /** the owner is away: the nudge went to this deputy */ deputyEmail?: string }
  /** refused: a nudge went at `lastAt`; the next one is possible from `nextAt` */
  | { sent: false; dispute: Dispute; lastAt: Date; nextAt: Date };

const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / NUDGE_EVERY_MS) * NUDGE_EVERY_MS);

export async function nudgeDispute(deps: Deps, input: NudgeInput): Promise<NudgeResult> {
  const now = deps.clock();
  const r = await deps.store.transaction(async (tx) => {
    const who = await actor(tx, input.byEmail);
    const found = await findDispute(tx, input.dispute);
    const d = (await tx.customers.lock([found.customerId])) ? ((await tx.disputes.byId(found.id)) ?? found) : found;
    const customer = await customerOf(tx, d);
    assertCan(who, "nudge", d, customer);
    if (who.email === d.ownerEmail) fail("forbidden", "forbidden_action", { email: who.email, role: who.role, action: "nudge", number: d.number });
    if (d.status !== "open") fail("illegal_transition", "illegal_transition", { number: d.number, status: d.status, command: "remind" });
    const last = (await tx.followUps.notices(d.id)).filter((n) => n.kind === "nudge").at(-1);
    if (last && now.getTime() - last.createdAt.getTime() < NUDGE_EVERY_MS) {
      return { sent: false as const, dispute: d, lastAt: last.createdAt, nextAt: new Date(last.createdAt.getTime() + NUDGE_EVERY_MS) };
    }
    const ids = (deps.chatQueue ?? []).map(() => deps.newId());
    if (!(await tx.followUps.addNotice({ disputeId: d.id, kind: "nudge", dueAt: hourOf(now), outboxId: ids[0] ?? deps.newId(), createdAt: now }))) {
      // a nudge of this hour was recorded meanwhile (within the hour, by the check above)
      const again = (await tx.followUps.notices(d.id)).filter((n) => n.kind === "nudge").at(-1)!;
      return { sent: false as const, dispute: d, lastAt: again.createdAt, nextAt: new Date(again.createdAt.getTime() + NUDGE_EVERY_MS) };
    }
    const owner = await tx.people.byEmail(d.ownerEmail);
    const ownerDay = dayIn(owner?.timezone ?? (await tx.settings.get()).timezone, now);
    const cover = reminderCover(d.ownerEmail, ownerDay, await tx.absences.absentOn(ownerDay));
    const deputyEmail = cover.kind === "deputy" ? cover.deputyEmail : undefined;
    const payload: ReminderPayload = {
      disputeId: d.id, number: d.number, kind: "nudge", email: deputyEmail ?? d.ownerEmail, firstMissedOn: null, unanswered: 0, followUpOn: d.followUpOn, dueAt: now.toISOString(), byEmail: who.email,
      ...(cover.kind === "deputy" ? { onBehalfOf: { email: d.ownerEmail, name: owner?.name ?? null, untilOn: cover.untilOn } } : {}),
    };
    // one platform when several are on (issue 13, src/app/chatRouting.ts)
    const routed = (await noticeChannels(tx, deps.chatQueue, [payload.email])).get(payload.email) ?? [];
    await tx.outbox.add((deps.chatQueue ?? []).flatMap((channel, j) => (routed.includes(channel) ? [{ id: ids[j]!, channel, type: REMINDER, orderKey: d.number, payload: JSON.stringify(payload), createdAt: now }] : [])));
    const events: TimelineEvent[] = [{ type: "nudged", at: now, byEmail: who.email, text: null, data: { to: deputyEmail ?? d.ownerEmail, ...(deputyEmail ? { onBehalfOf: d.ownerEmail } : {}) } }];
    await tx.disputes.appendEvents(d.id, events);
    await queueChatChange(tx, deps, { dispute: d, before: d, events, origin: {} }, now);
    return { sent: true as const, dispute: d, ownerEmail: d.ownerEmail, at: now, who, events, deputyEmail };
  });
  if (!r.sent) return r;
  await emit(deps, { kind: "dispute.changed", dispute: r.dispute, before: r.dispute, events: r.events, actor: r.who, origin: {} });
  return { sent: true, dispute: r.dispute, ownerEmail: r.ownerEmail, at: r.at, ...(r.deputyEmail ? { deputyEmail: r.deputyEmail } : {}) };
}
