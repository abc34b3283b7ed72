import type { Deps } from "../app/context.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { findPeople } from "../app/findPeople.ts";
import { getHome } from "../app/getHome.ts";
import { companyToday } from "../app/settings.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import type { Locale, Person } from "../domain/types.ts";
import { buildDisputeCard, type DisputeCardView, type PersonRef } from "../views/disputeCard.ts";
import { buildHome } from "../views/lists.ts";
import { buildTeamSection } from "../views/teamView.ts";
import { homeView, type OpenerSettingView, type RenderOptions, type SlackHome } from "./blocks.ts";
import { OPENER_TEXT } from "../views/openerText.ts";
import { unreachableOwners } from "../app/teamsReach.ts";
import { teamsReachHomeText } from "../views/teamsDeliveryText.ts";
import { buildAbsencesSection, buildCalendarSection, buildEscalationSection } from "../views/homeSections.ts";

// Glue between use cases, view models and Block Kit for the things rendered in several places.

export interface PeopleIndex {
  refs: Map<string, PersonRef>;
  options: RenderOptions;
  slackIdOf: (email: string) => string | null;
}

export async function peopleIndex(deps: Deps, emails: string[], found?: Person[]): Promise<PeopleIndex> {
  const people = found ?? (await findPeople(deps, { emails }));
  const refs = new Map(people.map((p) => [p.email, { email: p.email, name: p.name }]));
  const ids = new Map(people.filter((p) => p.slackUserId).map((p) => [p.email, p.slackUserId!]));
  const slackIdOf = (email: string) => ids.get(email) ?? null;
  return { refs, slackIdOf, options: { mention: (email) => (ids.get(email) ? `<@${ids.get(email)}>` : null) } };
}

export const emailsOf = (x: DisputeDetails): string[] => [
  x.dispute.ownerEmail,
  x.dispute.openedByEmail,
  ...(x.dispute.closedByEmail ? [x.dispute.closedByEmail] : []),
  ...(x.timeline ?? []).flatMap((e) => [e.byEmail ?? "", typeof e.data?.from === "string" ? e.data.from : "", typeof e.data?.to === "string" ? e.data.to : ""]),
  ...(x.ownerAbsences ?? []).flatMap((a) => (a.deputyEmail ? [a.deputyEmail] : [])),
];

/** The company's calendar day (a use case's answer: the adapter does not work it out). */
export const today = companyToday;

export async function cardFor(deps: Deps, x: DisputeDetails, viewer: Person | null, locale: Locale, idx?: PeopleIndex, day?: string): Promise<{ card: DisputeCardView; people: PeopleIndex }> {
  const people = idx ?? (await peopleIndex(deps, emailsOf(x)));
  return { card: buildDisputeCard(x, viewer, locale, { today: day ?? (await today(deps)), people: people.refs, followUp: x.followUp ?? null }), people };
}

/** A stand-in viewer for copies seen by many (the disputes channel): the actions a controller has; each click is checked. */
export function channelViewer(locale: Locale): Person {
  return { id: 0, email: "", name: "", role: "controller", managerEmail: null, locale, timezone: "Europe/Paris", slackUserId: null, teamsUserId: null };
}

export const MAX_HOME_CARDS = 35;
/** the manager view: rows shown under each owner of the team (each with Nudge and Reassign) */
export const TEAM_ROWS_PER_OWNER = 3;

export async function renderHome(deps: Deps, viewer: Person): Promise<SlackHome> {
  const { mine, admin: settings, team: overview, absences } = await getHome(deps, { viewerEmail: viewer.email });
  const people = await peopleIndex(deps, mine.disputes.flatMap((d) => [d.dispute.ownerEmail, d.dispute.openedByEmail]));
  const admin = settings ? { reasons: settings.reasons, templates: settings.noticeTemplate, placeholders: NOTICE_PLACEHOLDERS } : undefined;
  const team = overview ? buildTeamSection(overview, viewer.locale, { rowsPerOwner: TEAM_ROWS_PER_OWNER }) : null;
  const home = buildHome(mine, viewer, viewer.locale, { maxCards: MAX_HOME_CARDS, people: people.refs, admin, team });
  // the opener's notices setting, for whoever may open disputes
  const openerUpdates = home.newDispute ? openerSetting(await deps.store.people.openerUpdates(viewer.email), viewer.locale) : null;
  // owners of these disputes Accord cannot reach in Teams (issue 13): said under the summary (no block of its own)
  const away = await unreachableOwners(deps, viewer.email, mine);
  if (away.length) home.summary = `${home.summary}\n${teamsReachHomeText(away, viewer.locale)}`;
  // issue 11: « Mes absences » for everyone, the calendar and the escalation ladder for admins
  const sections = {
    absences: buildAbsencesSection(absences, viewer, viewer.locale),
    calendar: settings ? buildCalendarSection(settings.calendar, viewer.locale) : null,
    escalation: settings ? buildEscalationSection(settings.escalation, viewer.locale) : null,
  };
  return homeView({ ...home, openerUpdates, ...sections }, people.options);
}

/** The App Home's opener's notices setting: on, with "Stop telling me"; off, with "Tell me". */
export function openerSetting(on: boolean, locale: Locale): OpenerSettingView {
  const w = OPENER_TEXT[locale];
  return { title: w.settingTitle, text: on ? w.settingOn : w.settingOff, button: on ? { label: w.turnOff, value: "off" } : { label: w.turnOn, value: "on" } };
}
