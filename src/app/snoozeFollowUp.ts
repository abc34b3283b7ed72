import { todayIn } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { rulesOf, snoozeTarget, type SnoozeChoice } from "../domain/followups.ts";
import { setFollowUp as followUp } from "../domain/lifecycle.ts";
import type { Dispute } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

// Snooze (issue 11): the owner moves the follow-up date from a reminder (tomorrow, in 3 days, next Monday, or a
// picked date: src/domain/followups.ts snoozeTarget, from the owner's today in their time zone). It is the
// owner's action on the same path as setting a follow-up (mutateDispute): a follow_up_set line on the timeline,
// the version bumped, the unanswered count reset and the overdue episode ended. Only the owner may snooze.

export interface SnoozeInput extends Omit<MutationInput, "version"> {
  choice: SnoozeChoice;
  /** the picked date (choice "date") */
  date?: string | undefined;
}

export async function snoozeFollowUp(deps: Deps, input: SnoozeInput): Promise<Dispute> {
  const settings = await deps.store.settings.get();
  return mutateDispute(deps, input, "follow_up", async ({ dispute, actor, now }) => {
    if (actor.email !== dispute.ownerEmail) fail("forbidden", "forbidden_action", { email: actor.email, role: actor.role, action: "follow_up", number: dispute.number });
    const today = todayIn(actor.timezone || settings.timezone, now);
    const on = snoozeTarget(input.choice, today, rulesOf(settings), input.date);
    const change = followUp(dispute, { byEmail: actor.email, on, today }, now);
    return { ...change, events: change.events.map((e) => ({ ...e, data: { ...(e.data ?? {}), snoozed: input.choice } })) };
  });
}
