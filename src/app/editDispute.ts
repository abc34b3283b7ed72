import { invalid } from "../domain/errors.ts";
import { editDispute as edit } from "../domain/lifecycle.ts";
import type { Priority } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";
import { selectItems, type Selection } from "./selectItems.ts";

export interface EditDisputeInput extends MutationInput {
  reasonCode?: string | undefined;
  priority?: Priority | undefined;
  statement?: string | undefined;
  /** The full new item selection (items left out are released); amount defaults to the undisputed remainder. */
  items?: Selection | undefined;
  note?: string | undefined;
}

export function editDispute(deps: Deps, input: EditDisputeInput) {
  return mutateDispute(deps, input, "edit", async ({ tx, dispute, customer, actor, now }) => {
    const reason = input.reasonCode ? await tx.reasons.byCode(input.reasonCode) : undefined;
    if (input.reasonCode && !reason) invalid("reasonCode", "reason_not_found", { code: input.reasonCode });
    const items = input.items ? await selectItems(tx, customer, input.items, dispute.id) : undefined;
    return edit(
      dispute,
      {
        byEmail: actor.email,
        ...(reason ? { reason } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        ...(input.statement !== undefined ? { statement: input.statement } : {}),
        ...(items ? { items } : {}),
        ...(input.note ? { note: input.note } : {}),
      },
      now,
    );
  });
}
