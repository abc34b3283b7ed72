import { fail } from "../domain/errors.ts";
import { available, type Command } from "../domain/lifecycle.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Deps } from "./context.ts";
import type { DisputeDetails } from "./disputeDetails.ts";
import { getDispute } from "./getDispute.ts";

export type DisputeAction = Exclude<Command, "remind">;

/**
 * Before a card's form opens: the dispute as the viewer may see it, once it is known that they may take
 * this action and that its status allows it (the same checks the action itself runs when submitted).
 */
export async function prepareDisputeAction(deps: Deps, input: { dispute: string | number; action: DisputeAction; viewerEmail: string }): Promise<DisputeDetails> {
  const x = await getDispute(deps, { dispute: input.dispute, viewerEmail: input.viewerEmail });
  const viewer = (await deps.store.people.byEmail(input.viewerEmail.trim().toLowerCase()))!;
  assertCan(viewer, input.action, x.dispute, x.customer);
  if (!available(x.dispute, input.action)) {
    if (input.action === "release_holds") fail("illegal_transition", "no_holds_to_release", { number: x.dispute.number });
    fail("illegal_transition", "illegal_transition", { number: x.dispute.number, status: x.dispute.status, command: input.action });
  }
  return x;
}
