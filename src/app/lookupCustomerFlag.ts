import type { Customer } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import { findCustomer } from "./findCustomer.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";

export type CustomerFlagLookup =
  | { kind: "none" }
  | { kind: "ambiguous"; candidates: Customer[] }
  | { kind: "found"; customer: Customer; flag: DisputeDetails | null };

/**
 * `customer <ref or name>`: the customer (findCustomer's rule) and its open customer-level dispute if it is
 * flagged; several matches are returned as candidates.
 */
export async function lookupCustomerFlag(deps: Deps, input: { query: string; viewerEmail: string }): Promise<CustomerFlagLookup> {
  const match = await findCustomer(deps, input);
  if (match.kind !== "found") return match;
  const open = await deps.store.disputes.openCustomerLevel(match.customer.id);
  const [flag] = open ? await loadDetails(deps.store, [open]) : [];
  return { kind: "found", customer: match.customer, flag: flag ?? null };
}
