import { resolveDispute as resolve, type ResolveInput } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

export type ResolveDisputeInput = MutationInput & Omit<ResolveInput, "byEmail">;

export function resolveDispute(deps: Deps, input: ResolveDisputeInput) {
  return mutateDispute(deps, input, "resolve", async ({ tx, dispute, customer, actor, now }) => {
    const change = resolve(dispute, { ...input, byEmail: actor.email }, now);
    // The credit note may already be in the ledger: then nothing stays held for it.
    const ref = change.dispute.resolution?.creditNoteRef;
    if (change.dispute.resolution?.outcome === "credit_note" && ref) {
      const [cn] = await tx.items.byRefs(customer.id, [ref]);
      if (cn && cn.kind === "credit_note") change.dispute = { ...change.dispute, creditNoteSeenAt: now };
    }
    return change;
  });
}
