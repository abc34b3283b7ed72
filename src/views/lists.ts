import type { DisputeDetails } from "../app/disputeDetails.ts";
import type { MyDisputes } from "../app/listMyDisputes.ts";
import { displayAmount } from "../domain/money.ts";
import type { Locale, Person, Reason } from "../domain/types.ts";
import { encodeAction } from "./actions.ts";
import { buildDisputeCard, personRef, reasonLabel, type DisputeCardView, type PersonRef } from "./disputeCard.ts";
import { t } from "./i18n.ts";
import { can } from "../domain/permissions.ts";
import { NUDGE_TEXT } from "./nudgeText.ts";
import { TEAMS_GAPS_TEXT } from "./teamsGapsText.ts";
import type { TeamSectionView } from "./teamView.ts";

// Lists (the /dispute list answer) and App Home as platform-neutral view models.

export interface DisputeListView {
  title: string;
  empty: string | null;
  rows: {
    disputeId: number; text: string; overdue: boolean; button: { label: string; value: string };
    /** the viewer may nudge this row's owner (issue 11): Open and Nudge in the row's menu */
    nudge?: { label: string; value: string };
    /** the owner cannot be reached in Teams (TeamsReach): said under the row, to everyone but the owner */
    warning?: string;
  }[];
  more: string | null;
}

export function buildDisputeList(list: DisputeDetails[], viewer: Person, locale: Locale, opts: { today: string; max: number; people?: Map<string, PersonRef>; unreachable?: ReadonlySet<string> }): DisputeListView {
  const m = t(locale);
  const rows = list.slice(0, opts.max).map((x) => {
    const card = buildDisputeCard(x, viewer, locale, { today: opts.today, readOnly: true, ...(opts.people ? { people: opts.people } : {}) });
    const d = x.dispute;
    const mayNudge = d.status === "open" && viewer.email !== d.ownerEmail && can(viewer, "nudge", d, x.customer);
    const unreachable = d.status === "open" && viewer.email !== d.ownerEmail && !!opts.unreachable?.has(d.ownerEmail);
    return {
      disputeId: d.id, text: card.summary, overdue: card.overdue, button: { label: m.list.open, value: encodeAction({ t: "show", d: d.id }) },
      ...(mayNudge ? { nudge: { label: NUDGE_TEXT[locale].button, value: encodeAction({ t: "nudge", d: d.id }) } } : {}),
      ...(unreachable ? { warning: TEAMS_GAPS_TEXT[locale].listUnreachable(personRef(d.ownerEmail, opts.people).name) } : {}),
    };
  });
  return {
    title: m.list.title(list.length),
    empty: list.length ? null : m.list.empty,
    rows,
    more: list.length > opts.max ? m.list.more(list.length - opts.max) : null,
  };
}

export function buildCustomerChoice(candidates: { ref: string; name: string }[], locale: Locale): DisputeListView {
  const m = t(locale);
  return {
    title: m.reply.whichCustomer,
    empty: null,
    rows: candidates.map((c, i) => ({ disputeId: i + 1, text: `${c.name} (${c.ref})`, overdue: false, button: { label: m.list.open, value: encodeAction({ t: "customer", c: c.ref }) } })),
    more: null,
  };
}

export interface HomeView {
  title: string;
  summary: string;
  newDispute: { label: string; value: string } | null;
  cards: DisputeCardView[];
  empty: string | null;
  more: string | null;
  /** the manager view (issue 11): for a person with team members (absent or null for everyone else) */
  team?: TeamSectionView | null;
  admin: null | {
    title: string;
    reasonsTitle: string;
    reasonLines: string[];
    addReason: { label: string; value: string };
    editReason: { label: string; value: string };
    templateTitle: string;
    templates: { fr: string; en: string };
    placeholders: string;
    editTemplate: { label: string; value: string };
  };
}

const totals = (r: Record<string, number>, locale: Locale) => {
  const parts = Object.entries(r).filter(([, v]) => v !== 0).map(([c, v]) => displayAmount(v, c, locale));
  return parts.length ? parts.join(" + ") : displayAmount(0, "EUR", locale);
};

export function buildHome(
  mine: MyDisputes,
  viewer: Person,
  locale: Locale,
  opts: {
    maxCards: number;
    people?: Map<string, PersonRef>;
    admin?: { reasons: Reason[]; templates: { fr: string; en: string }; placeholders: readonly string[] } | undefined;
    team?: TeamSectionView | null;
  },
): HomeView {
  const m = t(locale);
  const s = mine.summary;
  const cards = mine.disputes.slice(0, opts.maxCards).map((x) => buildDisputeCard(x, viewer, locale, { today: mine.today, maxItems: 3, ...(opts.people ? { people: opts.people } : {}) }));
  const canOpen = viewer.role === "controller" || viewer.role === "admin";
  return {
    title: m.home.title,
    summary: m.home.summary(s.count, s.overdue, totals(s.disputed, locale), totals(s.held, locale)),
    newDispute: canOpen ? { label: m.home.newDispute, value: encodeAction({ t: "new" }) } : null,
    cards,
    empty: s.count ? null : m.home.empty,
    more: mine.disputes.length > opts.maxCards ? m.home.more(mine.disputes.length - opts.maxCards) : null,
    team: opts.team ?? null,
    admin: opts.admin
      ? {
          title: m.home.admin,
          reasonsTitle: m.home.reasons,
          reasonLines: opts.admin.reasons.map((r, i) =>
            m.home.reasonLine(i + 1, r.code, r.labelFr, r.labelEn, r.followUpDays, r.slaDays, m.priority[r.priority], r.holdsDunning, r.active),
          ),
          addReason: { label: m.home.addReason, value: encodeAction({ t: "admin", a: "add_reason" }) },
          editReason: { label: m.home.editReason, value: encodeAction({ t: "admin", a: "edit_reason" }) },
          templateTitle: m.home.template,
          templates: opts.admin.templates,
          placeholders: m.form.placeholders(opts.admin.placeholders.join(" ")),
          editTemplate: { label: m.home.editTemplate, value: encodeAction({ t: "admin", a: "edit_template" }) },
        }
      : null,
  };
}

export { reasonLabel };
