import type { ReminderPayload } from "../app/remindFollowUps.ts";
import { dayIn } from "../domain/calendar.ts";
import type { Dispute, Locale } from "../domain/types.ts";
import { onBehalfOfLine } from "./absenceText.ts";
import { FOLLOWUP_TEXT, overdueLine, shortDate } from "./followupText.ts";
import { NUDGE_TEXT } from "./nudgeText.ts";

/**
 * The first line of a reminder, a nudge, an escalation or an SLA breach (on top of the card), in the recipient's
 * language: the same words on every chat platform (Slack's and Teams' deliverers).
 */
export function reminderLine(p: ReminderPayload, d: Pick<Dispute, "number" | "ownerEmail">, nameOf: (email: string) => string, recipient: { locale: Locale; timezone: string }): string {
  const locale = recipient.locale;
  const w = FOLLOWUP_TEXT[locale];
  const ownerName = nameOf(d.ownerEmail);
  const wasDue = p.wasDueOn ?? dayIn(recipient.timezone, new Date(p.dueAt));
  const overdue = p.firstMissedOn ? overdueLine(p.firstMissedOn, p.unanswered, locale) : null;
  const away = p.onBehalfOf ? onBehalfOfLine(p.onBehalfOf.name ?? ownerName, p.onBehalfOf.untilOn, locale) : "";
  if (p.kind === "nudge") return away + NUDGE_TEXT[locale].line(p.byEmail ? nameOf(p.byEmail) : "Accord", d.number);
  if (p.kind === "reminder") return away + [w.reminderDue(d.number, shortDate(wasDue, locale)), ...(p.followUpOn ? [w.nextReminder(shortDate(p.followUpOn, locale))] : [])].join(" ");
  if (p.kind === "sla_breach") return w.slaBreached(d.number, ownerName);
  return `${w.escalatedTo(ownerName, p.unanswered, d.number)}${overdue ? ` (${overdue})` : ""}`;
}

/** What a reminder's copy is about (the copy's notice, JSON): the reminder, and who owned the dispute when it was sent. */
export type ReminderNotice = ReminderPayload & { ownerEmail: string };

/**
 * The line of a reminder's copy, as posted and as rendered again after each later change (Slack's and Teams'
 * deliverers): what stays true stays (the follow-up that was due, who escalated, who nudged); what was about the
 * state then follows it: the next reminder only while the dispute is open with a follow-up date and still theirs,
 * an escalation's overdue line only while the dispute is overdue. `at` overrides the follow-up date (the post: the
 * job's date after this reminder).
 */
export function reminderCopyLine(
  x: { dispute: Pick<Dispute, "number" | "status" | "ownerEmail" | "followUpOn">; followUp?: { firstMissedOn: string | null } | null },
  p: ReminderNotice,
  nameOf: (email: string) => string,
  recipient: { locale: Locale; timezone: string },
  at?: { followUpOn: string | null },
): string {
  const d = x.dispute;
  const open = d.status === "open";
  const stillTheirs = open && d.ownerEmail === (p.onBehalfOf?.email ?? p.email);
  const next = at ? at.followUpOn : stillTheirs ? d.followUpOn : null;
  const overdueNow = !!at || (open && !!x.followUp?.firstMissedOn);
  return reminderLine({ ...p, followUpOn: next, firstMissedOn: overdueNow ? p.firstMissedOn : null }, { number: d.number, ownerEmail: p.ownerEmail }, nameOf, recipient);
}
