import { fail } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Item } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

export interface SearchItemsInput {
  customerRef: string;
  q: string;
  viewerEmail: string;
  limit?: number | undefined;
  /** when editing a dispute: its own claims do not count */
  exceptDisputeId?: number | undefined;
}

export interface ItemChoice {
  item: Item;
  /** open amount not already claimed by other open disputes */
  undisputed: number;
  /** numbers of the other open disputes on this item */
  disputes: string[];
}

/** Type-ahead over a customer's open invoices that can still be disputed (ref contains q), by due date. */
export async function searchItems(deps: Deps, input: SearchItemsInput): Promise<ItemChoice[]> {
  const tx = deps.store;
  assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "open");
  const customer = await tx.customers.byRef(input.customerRef.trim());
  if (!customer) return fail("not_found", "customer_not_found", { ref: input.customerRef });
  const q = input.q.trim().toLowerCase();
  const open = (await tx.items.ofCustomer(customer.id, { openOnly: true })).filter(
    (i) => i.kind === "invoice" && i.openAmount > 0 && (!q || i.ref.toLowerCase().includes(q)),
  );
  const claims = open.length ? await tx.disputes.openClaims(open.map((i) => i.id), input.exceptDisputeId) : [];
  const out: ItemChoice[] = [];
  for (const item of open) {
    const mine = claims.filter((c) => c.itemId === item.id);
    const undisputed = item.openAmount - mine.reduce((s, c) => s + c.amount, 0);
    if (undisputed > 0) out.push({ item, undisputed, disputes: mine.map((c) => c.number) });
  }
  return out.slice(0, Math.min(Math.max(input.limit ?? 100, 1), 500));
}
