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
