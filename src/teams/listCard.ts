import type { Deps } from "../app/context.ts";
import { findPeople } from "../app/findPeople.ts";
import { listChatDisputes } from "../app/listChatDisputes.ts";
import { companyToday } from "../app/settings.ts";
import { unreachableOwners } from "../app/teamsReach.ts";
import type { Locale, Person } from "../domain/types.ts";
import { buildDisputeList } from "../views/lists.ts";
import { teamsChatText } from "../views/teamsChatText.ts";
import { disputeListCard } from "./cards/chatCards.ts";
import type { AdaptiveJson } from "./cards/disputeCard.ts";
import type { TeamsListScope } from "./chatCommand.ts";

// The personal chat's `list [mine|overdue|all]` as a card, from the same use case and view model as Slack's
// /dispute list: the `list` command's answer, and the list shown again after a row's Nudge.

export const MAX_LIST = 20;

export async function teamsListCard(deps: Deps, viewer: Person, locale: Locale, scope: TeamsListScope): Promise<AdaptiveJson> {
  const found = await listChatDisputes(deps, { viewerEmail: viewer.email, scope });
  const people = await findPeople(deps, { emails: found.slice(0, MAX_LIST).flatMap((d) => [d.dispute.ownerEmail, d.dispute.openedByEmail]) });
  // owners Accord cannot reach in Teams (TeamsReach): said under their rows, as on the card and in App Home
  const unreachable = new Set((await unreachableOwners(deps, viewer.email, { disputes: found.slice(0, MAX_LIST) })).map((u) => u.email));
  const view = buildDisputeList(found, viewer, locale, { today: await companyToday(deps), max: MAX_LIST, people: new Map(people.map((p) => [p.email, { email: p.email, name: p.name }])), unreachable });
  return disputeListCard(view, teamsChatText(locale).listScope[scope], locale, scope);
}
