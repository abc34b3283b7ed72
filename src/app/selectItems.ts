import { invalid } from "../domain/errors.ts";
import { validateSelection } from "../domain/lifecycle.ts";
import { parseAmount } from "../domain/money.ts";
import type { Customer, DisputedItem } from "../domain/types.ts";
import type { Repos } from "./ports.ts";

/** Item refs with the disputed part as a decimal string in the item's currency ("400.00", "400,00"). */
export type Selection = { ref: string; amount?: string | undefined }[];

/**
 * Resolves item refs of a customer and checks the selection against what other open disputes claim.
 * An amount left out means the item's undisputed remainder; amounts are read here, in the item's currency,
 * so no adapter reads a currency first.
 */
export async function selectItems(tx: Repos, customer: Customer, selection: Selection, exceptDisputeId?: number): Promise<DisputedItem[]> {
  const refs = selection.map((i) => i.ref.trim());
  const found = new Map((await tx.items.byRefs(customer.id, refs)).map((i) => [i.ref, i]));
  const missing = refs.findIndex((r) => !found.has(r));
  if (missing >= 0) invalid(`items[${missing}].ref`, "item_not_found", { itemRef: refs[missing]!, customerRef: customer.ref });
  const claims = await tx.disputes.openClaims([...found.values()].map((i) => i.id), exceptDisputeId);
  return validateSelection(
    customer,
    selection.map((sel, i) => {
      const item = found.get(refs[i]!)!;
      const others = claims.filter((c) => c.itemId === item.id).map((c) => ({ number: c.number, amount: c.amount }));
      const amount = sel.amount === undefined ? undefined : parseAmount(sel.amount, item.currency, `items[${i}].amount`);
      return { claims: { item, others }, amount };
    }),
  );
}
