import type { Deps } from "../app/context.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { findPeople } from "../app/findPeople.ts";
import { companyToday } from "../app/settings.ts";
import type { Locale, Person } from "../domain/types.ts";
import { buildDisputeCard, reasonLabel, type PersonRef } from "../views/disputeCard.ts";
import { renderDisputeAdaptiveCard, type AdaptiveJson } from "./cards/disputeCard.ts";

// Glue between use cases, the view model and the Adaptive Card renderer for what Teams shows in several places
// (the personal chat's `show`, card refreshes, the deliverer's copies).

/** The people a dispute's card names (owner, opener, who closed it, who the timeline speaks of). */
export const emailsOfDispute = (x: DisputeDetails): string[] => [
  x.dispute.ownerEmail,
  x.dispute.openedByEmail,
  ...(x.dispute.closedByEmail ? [x.dispute.closedByEmail] : []),
  ...(x.timeline ?? []).flatMap((e) => [e.byEmail ?? "", typeof e.data?.from === "string" ? e.data.from : "", typeof e.data?.to === "string" ? e.data.to : ""]),
  // the deputy of an absent owner, named on the card's « Absent jusqu’au … — suppléant : … » line (issue 11)
  ...(x.ownerAbsences ?? []).flatMap((a) => (a.deputyEmail ? [a.deputyEmail] : [])),
];

/**
 * The dispute's Adaptive Card as `viewer` may act on it (null: read-only), in `locale`. `userIds`: the Teams ids
 * whose clients refresh the card to their own view (the viewer's, for a personal chat copy).
 */
export async function teamsDisputeCard(deps: Deps, x: DisputeDetails, viewer: Person | null, locale: Locale, opts: { userIds?: string[]; today?: string } = {}): Promise<AdaptiveJson> {
  const [people, reasons, today] = await Promise.all([
    findPeople(deps, { emails: emailsOfDispute(x) }),
    deps.store.reasons.list({ activeOnly: true }),
    opts.today ?? companyToday(deps),
  ]);
  const refs = new Map<string, PersonRef>(people.map((p) => [p.email, { email: p.email, name: p.name }]));
  const view = buildDisputeCard(x, viewer, locale, { today, people: refs, followUp: x.followUp ?? null });
  return renderDisputeAdaptiveCard(view, locale, {
    ...(opts.userIds?.length ? { userIds: opts.userIds } : {}),
    reasons: reasons.map((r) => ({ value: r.code, label: reasonLabel(r, locale) })),
  });
}
