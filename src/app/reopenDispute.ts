import { fail } from "../domain/errors.ts";
import { reopenDispute as reopen, validateSelection } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute } from "./mutateDispute.ts";
import type { NoteInput } from "./withdrawDispute.ts";

/** Reopening re-checks what reopening would claim: another dispute may have taken the items or the flag meanwhile. */
export function reopenDispute(deps: Deps, input: NoteInput) {
  return mutateDispute(deps, input, "reopen", async ({ tx, dispute, customer, actor, now }) => {
    if (dispute.scope === "customer") {
      const other = await tx.disputes.openCustomerLevel(customer.id);
      if (other) fail("conflict", "customer_already_flagged", { ref: customer.ref, number: other.number }, { details: { disputes: [other.number] } });
    } else {
      const items = new Map((await tx.items.byIds(dispute.items.map((i) => i.itemId))).map((i) => [i.id, i]));
      const claims = await tx.disputes.openClaims([...items.keys()], dispute.id);
      validateSelection(
        customer,
        dispute.items.map((di) => ({
          claims: { item: items.get(di.itemId)!, others: claims.filter((c) => c.itemId === di.itemId).map((c) => ({ number: c.number, amount: c.amount })) },
          amount: Math.min(di.amount, items.get(di.itemId)!.openAmount),
        })),
      );
    }
    return reopen(dispute, { byEmail: actor.email, note: input.note }, now);
  });
}
