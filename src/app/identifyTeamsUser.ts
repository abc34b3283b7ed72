import type { Person } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import type { TeamsIdentity } from "./ports.ts";

export interface TeamsMember {
  email?: string | null;
  userPrincipalName?: string | null;
  aadObjectId?: string | null;
}

export interface IdentifyTeamsUserInput {
  /** what the activity says of the user: the Teams id (29:…) and, usually, the Entra object id */
  teamsUserId: string;
  aadObjectId?: string | null | undefined;
  /** asks Teams for the member's email and UPN (the Bot Connector's member lookup), only when the ids are not pinned yet */
  memberOf: () => Promise<TeamsMember | null>;
}

export interface IdentifiedTeamsUser {
  person: Person | null;
  /** the email / UPN Teams gave for an unknown person (to tell them what was looked for) */
  lookedFor: string | null;
}

/**
 * The Accord person behind a Teams user: by the pinned Entra object id or Teams id, else matched by the member's
 * email (any case), then by their user principal name (Person.upn, or a UPN equal to the email), and pinned then
 * (Teams id, aadObjectId, UPN stored on the person), so the next message needs no lookup and Accord can write to
 * them first. Null when nobody matches.
 */
export async function identifyTeamsUser(deps: Deps, input: IdentifyTeamsUserInput): Promise<IdentifiedTeamsUser> {
  const tx = deps.store;
  const ids: TeamsIdentity = { teamsUserId: input.teamsUserId, aadObjectId: input.aadObjectId ?? null };
  const pinned = await tx.teams.matchPerson(ids);
  if (pinned) {
    // the Teams id of a person pinned by aadObjectId alone (or the reverse) is completed
    await tx.teams.pin(pinned, ids);
    const p = await tx.people.byEmail(pinned);
    if (p) return { person: p, lookedFor: null };
  }
  const member = await input.memberOf();
  const email = member?.email?.trim() || null;
  const upn = member?.userPrincipalName?.trim() || null;
  const aadObjectId = input.aadObjectId ?? member?.aadObjectId ?? null;
  const found = email || upn ? await tx.teams.matchPerson({ email, upn }) : null;
  if (!found) return { person: null, lookedFor: email ?? upn };
  await tx.teams.pin(found, { teamsUserId: input.teamsUserId, aadObjectId, upn });
  const person = await tx.people.byEmail(found);
  return { person, lookedFor: person ? null : (email ?? upn) };
}
