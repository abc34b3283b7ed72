import { resolveDispute as resolve, type ResolveInput } from "../domain/lifecycle.ts";
import { parseAmount } from "../domain/money.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";
import { queueOpenerUpdate } from "./notifyOpener.ts";

export type ResolveDisputeInput = MutationInput &
  Omit<ResolveInput, "byEmail" | "concededAmount" | "creditNote"> & {
    /** the amount conceded, a decimal string in the dispute's currency ("400.00", "400,00") */
    concededAmount?: string | null | undefined;
  };

export function resolveDispute(deps: Deps, input: ResolveDisputeInput) {
  return mutateDispute(deps, input, "resolve", async ({ tx, dispute, customer, actor, now }) => {
    const conceded = input.concededAmount?.trim() ? parseAmount(input.concededAmount, dispute.currency, "concededAmount") : null;
    const ref = input.outcome === "credit_note" ? input.creditNoteRef?.trim() : undefined;
    const [creditNote] = ref ? await tx.items.byRefs(customer.id, [ref]) : [];
    const change = resolve(dispute, { ...input, byEmail: actor.email, concededAmount: conceded, creditNote: creditNote ?? null }, now);
    await queueOpenerUpdate(tx, deps, change.dispute, actor, { what: "resolved", outcome: input.outcome }, now);
    return change;
  });
}
