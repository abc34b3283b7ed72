import type { Deps } from "./context.ts";
import type { MyDisputes } from "./listMyDisputes.ts";

// The owners of a viewer's open disputes whom Accord cannot reach in Teams (issue 13), for App Home: their notices
// wait until they open Accord in Teams. The viewer themself is left out (their own home is not where to learn it).

export interface UnreachableOwner {
  email: string;
  name: string;
  since: Date;
}

export async function unreachableOwners(deps: Pick<Deps, "store">, viewerEmail: string, mine: Pick<MyDisputes, "disputes">): Promise<UnreachableOwner[]> {
  const owners = [...new Set(mine.disputes.filter((d) => d.dispute.status === "open" && d.dispute.ownerEmail !== viewerEmail).map((d) => d.dispute.ownerEmail))];
  if (!owners.length) return [];
  const away = await deps.store.teams.unreachable(owners);
  if (!away.length) return [];
  const names = new Map((await deps.store.people.byEmails(away.map((u) => u.email))).map((p) => [p.email, p.name]));
  return away.map((u) => ({ email: u.email, name: names.get(u.email) ?? u.email, since: u.since }));
}
