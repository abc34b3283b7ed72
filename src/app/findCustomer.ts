import { assertCan } from "../domain/permissions.ts";
import { normalizeSearch } from "../domain/search.ts";
import type { Customer } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

export type CustomerMatch = { kind: "none" } | { kind: "ambiguous"; candidates: Customer[] } | { kind: "found"; customer: Customer };

/**
 * The customer someone means by a ref or a name (`/dispute new <customer>`, `/dispute customer <customer>`):
 * an exact ref (any case), else the one customer with exactly that name (accents and case aside), else the
 * only match of ref or name; several matches are candidates. Only those who may open disputes look customers up.
 */
export async function findCustomer(deps: Deps, input: { query: string; viewerEmail: string }): Promise<CustomerMatch> {
  const tx = deps.store;
  assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "open");
  const q = input.query.trim();
  if (!q) return { kind: "none" };
  const byRef = (await tx.customers.byRef(q)) ?? (await tx.customers.byRef(q.toUpperCase()));
  if (byRef) return { kind: "found", customer: byRef };
  const found = await tx.customers.search(q, 10);
  const exactName = found.filter((c) => normalizeSearch(c.name) === normalizeSearch(q));
  if (exactName.length === 1) return { kind: "found", customer: exactName[0]! };
  if (found.length === 1) return { kind: "found", customer: found[0]! };
  return found.length ? { kind: "ambiguous", candidates: found } : { kind: "none" };
}
