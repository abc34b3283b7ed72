import { assertCan } from "../domain/permissions.ts";
import type { Customer } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";

export type CustomerFlagLookup =
  | { kind: "none" }
  | { kind: "ambiguous"; candidates: Customer[] }
  | { kind: "found"; customer: Customer; flag: DisputeDetails | null };

/**
 * `customer <ref or name>`: the customer (an exact ref, else the only match of ref or name) and its open
 * customer-level dispute if it is flagged; several matches are returned as candidates.
 */
export async function lookupCustomerFlag(deps: Deps, input: { query: string; viewerEmail: string }): Promise<CustomerFlagLookup> {
  const tx = deps.store;
  assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "open");
  const q = input.query.trim();
  if (!q) return { kind: "none" };
  let customer = (await tx.customers.byRef(q)) ?? (await tx.customers.byRef(q.toUpperCase()));
  if (!customer) {
    const found = await tx.customers.search(q, 10);
    const exactName = found.filter((c) => c.name.toLowerCase() === q.toLowerCase());
    if (exactName.length === 1) customer = exactName[0]!;
    else if (found.length === 1) customer = found[0]!;
    else if (found.length > 1) return { kind: "ambiguous", candidates: found };
    else return { kind: "none" };
  }
  const open = await tx.disputes.openCustomerLevel(customer.id);
  const [flag] = open ? await loadDetails(tx, [open]) : [];
  return { kind: "found", customer, flag: flag ?? null };
}
