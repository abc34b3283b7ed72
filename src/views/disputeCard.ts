import { TEAMS_DELIVERY_TEXT } from "./teamsDeliveryText.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { displayDate } from "../domain/dates.ts";
import { displayAmount } from "../domain/money.ts";
import { allowedActions, can, type Action } from "../domain/permissions.ts";
import type { Locale, Person, TimelineEvent } from "../domain/types.ts";
import { CARD_ACTIONS, encodeAction, type CardAction } from "./actions.ts";
import { overdueLine } from "./followupText.ts";
import { NUDGE_TEXT } from "./nudgeText.ts";
import { awayLine, type AwayLine } from "./homeSections.ts";
import { t, type Messages } from "./i18n.ts";

// The dispute card as a platform-neutral view model: what a viewer sees of a dispute at a glance and
// the actions they may take. Slack (src/slack/blocks.ts) and Teams render it; no markup in here.

export interface PersonRef {
  email: string;
  name: string;
}

export interface CardField {
  key: "reason" | "priority" | "disputed" | "status" | "owner" | "openedBy" | "followUp" | "sla" | "dunning";
  label: string;
  value: string;
  /** a person: renderers may mention them instead of printing the name */
  person?: PersonRef;
  /** overdue follow-up, SLA passed: shown marked */
  warn?: boolean;
}

export interface CardActionView {
  action: CardAction;
  label: string;
  style?: "primary" | "danger";
  /** main buttons, or the overflow ("more") menu */
  group: "main" | "more";
  /** the encoded typed payload (src/views/actions.ts) */
  value: string;
}

export interface DisputeCardView {
  disputeId: number;
  number: string;
  version: number;
  locale: Locale;
  title: string;
  customer: { ref: string; name: string };
  status: "open" | "resolved" | "withdrawn";
  overdue: boolean;
  fields: CardField[];
  items: { label: string; lines: string[]; more: string | null };
  statement: { label: string; text: string };
  /** resolution summary, credit-note / paid suggestions */
  notes: string[];
  lastUpdate: string | null;
  actions: CardActionView[];
  /** Nudge the owner now (issue 11): for a controller, manager or admin who is not the owner, on an open dispute */
  nudge?: { label: string; value: string };
  /** the owner is away today (issue 11): « Absent jusqu’au 12 déc. — suppléant : Marie » (renderers may mention the deputy) */
  away?: AwayLine;
  /** one line for lists and notifications */
  summary: string;
}

export interface CardOptions {
  today: string;
  /** names of the people involved, by email (unknown emails are shown as is) */
  people?: Map<string, PersonRef>;
  /** how many item lines before "and N more" (default 5) */
  maxItems?: number;
  /** no actions (read-only copies, stale notices) */
  readOnly?: boolean;
  /** the dispute's follow-up record (reminders): overdue since its first missed follow-up, and how many reminders went unanswered */
  followUp?: { firstMissedOn: string | null; unanswered: number } | null;
}

const ACTION_STYLE: Partial<Record<CardAction, "primary" | "danger">> = { resolve: "primary", reopen: "primary", withdraw: "danger" };
const MORE: readonly CardAction[] = ["edit", "withdraw", "release_holds"];

export function personRef(email: string, people?: Map<string, PersonRef>): PersonRef {
  return people?.get(email) ?? { email, name: email };
}

export function formatEvent(e: TimelineEvent, m: Messages, locale: Locale, people?: Map<string, PersonRef>): string {
  const who = e.byEmail ? personRef(e.byEmail, people).name : m.timeline.system;
  const data = (e.data ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof data[k] === "string" ? (data[k] as string) : "");
  const note = e.text && e.type !== "commented" && e.type !== "opened" && e.type !== "credit_note_received" ? m.timeline.note(e.text) : "";
  switch (e.type) {
    case "opened":
      return m.timeline.opened(who);
    case "edited":
      return m.timeline.edited(who, Array.isArray(data.changes) ? (data.changes as string[]).join(", ") : "") + note;
    case "commented":
      return m.timeline.commented(who, e.text ?? "");
    case "reassigned":
      return m.timeline.reassigned(who, personRef(str("from"), people).name, personRef(str("to"), people).name) + note;
    case "follow_up_set":
      return m.timeline.follow_up_set(who, str("on") ? displayDate(str("on"), locale) : "") + note;
    case "resolved":
      return m.timeline.resolved(who, m.outcome[str("outcome") as keyof Messages["outcome"]] ?? str("outcome")) + note;
    case "withdrawn":
      return m.timeline.withdrawn(who) + note;
    case "reopened":
      return m.timeline.reopened(who) + note;
    case "holds_released":
      return m.timeline.holds_released(who) + note;
    case "credit_note_received":
      return m.timeline.credit_note_received(e.text ?? "");
    case "reminded":
      return m.timeline.reminded;
    case "escalated":
      return m.timeline.escalated;
    case "notified":
      return m.timeline.notified;
    case "nudged":
      return NUDGE_TEXT[locale].timeline(who, personRef(str("to"), people).name);
  }
}

export function reasonLabel(r: { labelFr: string; labelEn: string }, locale: Locale): string {
  return locale === "fr" ? r.labelFr : r.labelEn;
}

export function buildDisputeCard(x: DisputeDetails, viewer: Person | null, locale: Locale, opts: CardOptions): DisputeCardView {
  const m = t(locale);
  const d = x.dispute;
  const money = (v: number) => displayAmount(v, d.currency, locale);
  const date = (iso: string) => displayDate(iso, locale);
  const open = d.status === "open";
  // overdue from the first missed follow-up until the owner acts (the reminder job moves the date on meanwhile)
  const missed = open && opts.followUp?.firstMissedOn ? overdueLine(opts.followUp.firstMissedOn, opts.followUp.unanswered, locale) : null;
  const overdue = open && ((!!d.followUpOn && d.followUpOn < opts.today) || !!missed);
  const slaLate = open && !!d.slaDueOn && d.slaDueOn < opts.today;
  const owner = personRef(d.ownerEmail, opts.people);
  const openedBy = personRef(d.openedByEmail, opts.people);

  let dunning: string;
  if (d.scope === "customer") dunning = x.heldAmount > 0 ? m.card.held(money(x.heldAmount), m.card.wholeCustomer) : open ? m.card.flagged : m.card.released;
  else if (open) dunning = x.reason.holdsDunning ? m.card.held(money(x.heldAmount), money(x.disputedAmount)) : m.card.notHeld;
  else if (x.heldAmount > 0) dunning = d.resolution?.outcome === "litigation" ? m.card.litigationHeld(money(x.heldAmount)) : m.card.creditPending(money(x.heldAmount));
  else dunning = m.card.released;

  const fields: CardField[] = [
    { key: "reason", label: m.field.reason, value: reasonLabel(x.reason, locale) },
    { key: "priority", label: m.field.priority, value: m.priority[d.priority] },
    { key: "disputed", label: m.field.disputed, value: d.scope === "customer" ? m.card.wholeCustomer : money(x.disputedAmount) },
    { key: "status", label: m.field.status, value: m.status[d.status] },
    { key: "owner", label: m.field.owner, value: owner.name, person: owner },
    { key: "openedBy", label: m.field.openedBy, value: openedBy.name, person: openedBy },
    {
      key: "followUp",
      label: m.field.followUp,
      value: d.followUpOn ? `${date(d.followUpOn)}${overdue ? ` (${missed ?? m.card.overdue})` : ""}` : missed ?? m.card.none,
      ...(overdue ? { warn: true } : {}),
    },
    { key: "sla", label: m.field.sla, value: d.slaDueOn ? `${date(d.slaDueOn)}${slaLate ? ` (${m.card.late})` : ""}` : m.card.none, ...(slaLate ? { warn: true } : {}) },
    { key: "dunning", label: m.field.dunning, value: dunning },
  ];

  const max = opts.maxItems ?? 5;
  const lines =
    d.scope === "customer"
      ? [m.card.wholeCustomer]
      : x.items.slice(0, max).map((l) => m.card.itemLine(l.item.ref, date(l.item.dueOn), money(l.amount), l.held > 0 && l.held !== l.amount ? money(l.held) : null));
  const more = d.scope === "items" && x.items.length > max ? m.card.more(x.items.length - max) : null;

  const notes: string[] = [];
  if (d.resolution) notes.push(m.card.resolution(m.outcome[d.resolution.outcome], d.closedByEmail ? personRef(d.closedByEmail, opts.people).name : "", d.resolution.note));
  if (x.allPaid) notes.push(m.card.allPaid);
  // the owner's notice that could not be delivered: shown to everyone but the owner (the controller acts on it)
  // (in Teams: a person the app is not installed for, their notice kept until they can be reached; issue 13)
  for (const u of x.undelivered ?? [])
    if (viewer?.email !== u.email) notes.push(u.channel === "teams" ? TEAMS_DELIVERY_TEXT[locale].unreachable(personRef(u.email, opts.people).name) : m.delivery.undelivered(personRef(u.email, opts.people).name, u.reason));

  const last = [...(x.timeline ?? [])].reverse().find((e) => e.type === "commented");
  const lastUpdate = last ? m.card.lastUpdate(last.byEmail ? personRef(last.byEmail, opts.people).name : m.timeline.system, date(last.at.toISOString().slice(0, 10)), last.text ?? "") : null;

  const allowed: Action[] = viewer && !opts.readOnly ? allowedActions(viewer, d, x.customer) : [];
  const actions: CardActionView[] = CARD_ACTIONS.filter((a) => allowed.includes(a)).map((a) => ({
    action: a,
    label: m.action[a],
    ...(ACTION_STYLE[a] ? { style: ACTION_STYLE[a] } : {}),
    group: MORE.includes(a) ? "more" : "main",
    value: encodeAction({ t: "card", a, d: d.id, v: d.version }),
  }));

  const away = open && x.ownerAbsences?.length ? awayLine(d.ownerEmail, opts.today, x.ownerAbsences, locale, opts.people) : null;
  const mayNudge = !!viewer && !opts.readOnly && open && viewer.email !== d.ownerEmail && can(viewer, "nudge", d, x.customer);

  const title = `${d.number} · ${x.customer.name}`;
  return {
    disputeId: d.id,
    number: d.number,
    version: d.version,
    locale,
    title,
    customer: { ref: x.customer.ref, name: x.customer.name },
    status: d.status,
    overdue,
    fields,
    items: { label: m.field.items, lines, more },
    statement: { label: m.field.statement, text: d.statement },
    notes,
    lastUpdate,
    actions,
    ...(mayNudge ? { nudge: { label: NUDGE_TEXT[locale].button, value: encodeAction({ t: "nudge", d: d.id }) } } : {}),
    ...(away ? { away } : {}),
    summary: `${d.number} · ${x.customer.name} · ${reasonLabel(x.reason, locale)} · ${d.scope === "customer" ? m.card.wholeCustomer : money(x.disputedAmount)} · ${m.status[d.status]}${
      d.followUpOn && open ? ` · ${m.field.followUp} ${date(d.followUpOn)}${overdue ? ` ⚠ ${m.card.overdue}` : ""}` : ""
    }`,
  };
}
