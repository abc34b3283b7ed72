import { reassignDispute as reassign } from "../domain/lifecycle.ts";
import { invalid } from "../domain/errors.ts";
import { mayOwnDisputes } from "../domain/permissions.ts";
import { person } from "./actors.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";
import { queueOpenerUpdate } from "./notifyOpener.ts";

export interface ReassignDisputeInput extends MutationInput {
  toEmail: string;
  note?: string | undefined;
}

export function reassignDispute(deps: Deps, input: ReassignDisputeInput) {
  return mutateDispute(deps, input, "reassign", async ({ tx, dispute, actor, now }) => {
    const to = await person(tx, input.toEmail, "toEmail");
    if (!mayOwnDisputes(to)) invalid("toEmail", "may_not_own", { email: to.email, role: to.role });
    const change = reassign(dispute, { byEmail: actor.email, toEmail: to.email, ...(input.note ? { note: input.note } : {}) }, now);
    await queueOpenerUpdate(tx, deps, change.dispute, actor, { what: "reassigned", fromEmail: dispute.ownerEmail, toEmail: to.email }, now);
    return change;
  });
}
