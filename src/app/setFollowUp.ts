import { todayIn } from "../domain/dates.ts";
import { setFollowUp as followUp } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

export interface SetFollowUpInput extends MutationInput {
  on: string;
  note?: string | undefined;
}

export function setFollowUp(deps: Deps, input: SetFollowUpInput) {
  return mutateDispute(deps, input, "follow_up", async ({ tx, dispute, actor, now }) => {
    const today = todayIn((await tx.settings.get()).timezone, now);
    return followUp(dispute, { byEmail: actor.email, on: input.on, today, ...(input.note ? { note: input.note } : {}) }, now);
  });
}
