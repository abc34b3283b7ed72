// Words of follow-ups (issue 11), kept apart from i18n.ts. In French a follow-up is « suivi », its
// reminder « rappel » (never « relance », which credit teams read as dunning); a no-break space comes
// before « : ; ! ? ».
import { displayDate } from "../domain/dates.ts";
import type { Locale } from "../domain/types.ts";

/** Ends a sentence whose last word may be an abbreviated date (« 8 déc. »): one full stop, never two. */
const sentenceEnd = (s: string): string => (String(s).endsWith(".") ? String(s) : `${s}.`);

const NBSP = "\u00a0";

export const FOLLOWUP_TEXT = {
  en: {
    overdueSince: (since: string) => `overdue since ${since}`,
    unanswered: (n: number) => (n === 1 ? "1 reminder unanswered" : `${n} reminders unanswered`),
    slaOver: (days: number) => `SLA exceeded by ${days} d`,
    reminderTitle: "Follow-up due",
    snooze: "Snooze",
    snoozeTomorrow: "Tomorrow",
    snoozeIn3Days: "In 3 days",
    snoozeNextMonday: "Next Monday",
    snoozePickDate: "Pick a date",
    snoozed: (on: string) => `Follow-up moved to ${on}.`,
    snoozeOwnerOnly: "Only the dispute's owner can snooze its follow-up.",
    reminderDue: (number: string, on: string) => `Reminder: the follow-up of dispute ${number} was due on ${on}.`,
    nextReminder: (on: string) => `Without an action, the next reminder comes on ${on}.`,
    escalatedTo: (owner: string, n: number, number: string) => `Escalation: ${owner} has not answered ${n === 1 ? "1 reminder" : `${n} reminders`} on dispute ${number}.`,
    slaBreached: (number: string, owner: string) => `SLA exceeded: dispute ${number} (owner ${owner}) is past its SLA date.`,
  },
  fr: {
    overdueSince: (since: string) => `en retard depuis le ${since}`,
    unanswered: (n: number) => (n === 1 ? "1 rappel sans réponse" : `${n} rappels sans réponse`),
    slaOver: (days: number) => `SLA dépassé de ${days}${NBSP}j`,
    reminderTitle: "Suivi à faire",
    snooze: "Reporter",
    snoozeTomorrow: "Demain",
    snoozeIn3Days: "Dans 3 jours",
    snoozeNextMonday: "Lundi prochain",
    snoozePickDate: "Choisir une date",
    snoozed: (on: string) => `Suivi reporté au ${sentenceEnd(on)}`,
    snoozeOwnerOnly: "Seul le chargé de résolution du litige peut reporter son suivi.",
    reminderDue: (number: string, on: string) => `Rappel${NBSP}: le suivi du litige ${number} était prévu le ${sentenceEnd(on)}`,
    nextReminder: (on: string) => `Sans action de votre part, prochain rappel le ${sentenceEnd(on)}`,
    escalatedTo: (owner: string, n: number, number: string) => `Escalade${NBSP}: ${owner} n’a pas répondu à ${n === 1 ? "1 rappel" : `${n} rappels`} sur le litige ${number}.`,
    slaBreached: (number: string, owner: string) => `SLA dépassé${NBSP}: le litige ${number} (chargé de résolution ${owner}) a passé sa date SLA.`,
  },
} as const;

/** A short date without the year: « 3 déc. » / "3 Dec". */
export function shortDate(iso: string, locale: Locale): string {
  return displayDate(iso, locale).replace(/\s\d{4}$/, "");
}

/** « en retard depuis le 3 déc., 2 rappels sans réponse » / "overdue since 3 Dec, 2 reminders unanswered". */
export function overdueLine(since: string, unanswered: number, locale: Locale): string {
  const t = FOLLOWUP_TEXT[locale];
  const head = t.overdueSince(shortDate(since, locale));
  return unanswered > 0 ? `${head}, ${t.unanswered(unanswered)}` : head;
}
