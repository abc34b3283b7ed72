import type { DisputeBrief } from "../app/ports.ts";
import type { TeamOverview } from "../app/teamOverview.ts";
import type { WhatToDecide } from "../app/whatToDecide.ts";
import { slaDaysOver } from "../domain/followups.ts";
import { displayAmount } from "../domain/money.ts";
import type { Locale } from "../domain/types.ts";
import { encodeAction } from "./actions.ts";
import { FOLLOWUP_TEXT, overdueLine, shortDate } from "./followupText.ts";
import { MANAGER_TEXT } from "./managerText.ts";

// The manager view (issue 11) as platform-neutral view models: the team section of the home, per owner, and the
// "what to decide" block shared with the digest. Renderers decide how many owners fit and say how many did not.

export interface TeamRowView {
  disputeId: number;
  text: string;
  overdue: boolean;
  nudge: { label: string; value: string };
  reassign: { label: string; value: string };
}

export interface TeamOwnerView {
  email: string;
  header: string;
  rows: TeamRowView[];
  /** "+N more for this owner" when the owner has more open disputes than rows shown */
  more: string | null;
}

export interface DecideView {
  title: string;
  /** each list with its title and lines (empty lists read "none") */
  lists: { title: string; note: string | null; lines: string[] }[];
}

export interface TeamSectionView {
  title: string;
  summary: string;
  empty: string | null;
  owners: TeamOwnerView[];
  /** the line ending the owners when only the first ones fit */
  moreOwners: (hidden: number) => string;
  decide: DecideView;
}

export const amountsText = (r: Record<string, number>, locale: Locale) => {
  const parts = Object.entries(r)
    .filter(([, v]) => v !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, v]) => displayAmount(v, c, locale));
  return parts.length ? parts.join(" + ") : displayAmount(0, "EUR", locale);
};

/** One line of a dispute: number · customer · amount · overdue / SLA / next follow-up. */
export function briefLine(b: DisputeBrief, today: string, locale: Locale, withOwner = false): string {
  const m = MANAGER_TEXT[locale];
  const parts = [b.number, b.customerName, displayAmount(b.amount, b.currency, locale)];
  if (withOwner) parts.push(b.ownerName ?? b.ownerEmail);
  if (b.firstMissedOn) parts.push(overdueLine(b.firstMissedOn, b.unanswered, locale));
  else parts.push(b.followUpOn ? m.nextFollowUp(shortDate(b.followUpOn, locale)) : m.noFollowUp);
  const over = slaDaysOver(b.slaDueOn, today);
  if (over > 0) parts.push(FOLLOWUP_TEXT[locale].slaOver(over));
  return parts.join(" · ");
}

export function buildDecide(w: WhatToDecide, locale: Locale): DecideView {
  const m = MANAGER_TEXT[locale];
  const lines = (list: DisputeBrief[], extra?: (b: DisputeBrief) => string) =>
    list.map((b) => briefLine(b, w.today, locale, true) + (extra ? ` · ${extra(b)}` : ""));
  const thresholds = Object.entries(w.thresholds).map(([c, v]) => displayAmount(v, c, locale));
  return {
    title: m.decideTitle,
    lists: [
      { title: m.slaBreaches, note: null, lines: lines(w.slaBreaches) },
      { title: m.oldest, note: null, lines: lines(w.oldest, (b) => m.openedOn(shortDate(b.openedAt.toISOString().slice(0, 10), locale))) },
      { title: m.largest, note: null, lines: lines(w.largest) },
      { title: m.litigation, note: m.litigationWhy(thresholds.length ? thresholds.join(", ") : m.noThreshold), lines: lines(w.litigation) },
    ],
  };
}

export function buildTeamSection(team: TeamOverview, locale: Locale, opts: { rowsPerOwner: number }): TeamSectionView {
  const m = MANAGER_TEXT[locale];
  const owners = team.owners.map((o) => {
    const rows = o.rows.slice(0, opts.rowsPerOwner).map((b) => ({
      disputeId: b.disputeId,
      text: briefLine(b, team.today, locale),
      overdue: !!b.firstMissedOn,
      nudge: { label: m.nudge, value: encodeAction({ t: "nudge", d: b.disputeId }) },
      reassign: { label: m.reassign, value: encodeAction({ t: "card", a: "reassign", d: b.disputeId, v: b.version }) },
    }));
    return {
      email: o.email,
      header: m.ownerLine(o.name ?? o.email, o.count, o.overdue, amountsText(o.amounts, locale)),
      rows,
      more: o.count > rows.length ? m.ownerMoreRows(o.count - rows.length) : null,
    };
  });
  return {
    title: m.teamTitle,
    summary: m.teamSummary(team.totals.count, team.totals.overdue, amountsText(team.totals.amounts, locale), team.teamSize),
    empty: team.owners.length ? null : m.teamEmpty,
    owners,
    moreOwners: (n) => m.moreOwners(n),
    decide: buildDecide(team.decide, locale),
  };
}
