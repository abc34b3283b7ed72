import { mayOwnDisputes } from "../domain/permissions.ts";
import { normalizeSearch } from "../domain/search.ts";
import type { Person } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

export interface SearchPeopleInput {
  q: string;
  /** the person typing (any Accord user: an owner hands a dispute over, a controller names the owner) */
  viewerEmail: string;
  limit?: number | undefined;
}

/**
 * Type-ahead over the people who may own disputes (Teams has no people picker that knows Accord's people):
 * name or email contains q, accents and case ignored; names starting with q first, then by name.
 */
export async function searchPeople(deps: Deps, input: SearchPeopleInput): Promise<Person[]> {
  await actor(deps.store, input.viewerEmail, "viewerEmail");
  const limit = Math.min(Math.max(input.limit ?? 15, 1), 100);
  const q = normalizeSearch(input.q);
  const found = (await deps.store.people.list())
    .filter(mayOwnDisputes)
    .map((p) => ({ p, name: normalizeSearch(p.name), email: p.email.toLowerCase() }))
    .filter((x) => !q || x.name.includes(q) || x.email.includes(q));
  const starts = (x: { name: string }) => (q && x.name.startsWith(q) ? 0 : 1);
  return found
    .sort((a, b) => starts(a) - starts(b) || a.name.localeCompare(b.name) || a.email.localeCompare(b.email))
    .slice(0, limit)
    .map((x) => x.p);
}
