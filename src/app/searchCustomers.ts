import { assertCan } from "../domain/permissions.ts";
import type { Customer } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

export interface SearchCustomersInput {
  q: string;
  /** the person typing: only those who may open disputes search customers */
  viewerEmail: string;
  limit?: number | undefined;
}

/** Type-ahead over customers (ref or name contains q); an exact ref comes first. */
export async function searchCustomers(deps: Deps, input: SearchCustomersInput): Promise<Customer[]> {
  const tx = deps.store;
  assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "open");
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 100);
  const q = input.q.trim();
  const [exact, found] = await Promise.all([q ? tx.customers.byRef(q) : null, tx.customers.search(q, limit)]);
  const list = exact ? [exact, ...found.filter((c) => c.id !== exact.id)] : found;
  return list.slice(0, limit);
}
