import { resolveDispute as resolve, type ResolveInput } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

export type ResolveDisputeInput = MutationInput & Omit<ResolveInput, "byEmail">;

export function resolveDispute(deps: Deps, input: ResolveDisputeInput) {
  return mutateDispute(deps, input, "resolve", async ({ tx, dispute, customer, actor, now }) => {
    const ref = input.outcome === "credit_note" ? input.creditNoteRef?.trim() : undefined;
    const [creditNote] = ref ? await tx.items.byRefs(customer.id, [ref]) : [];
    return resolve(dispute, { ...input, byEmail: actor.email, creditNote: creditNote ?? null }, now);
  });
}
