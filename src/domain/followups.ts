// Follow-up rules (issue 11), pure functions of `now`: when a reminder is due, where the follow-up date
// moves without an answer, the snooze targets, the escalation ladder and one `whatIsDue` that the
// reminder job calls at every tick. Days are calendar days; a date that falls on a non-working day of
// the company calendar moves to the next working day; instants wait for the person's working hours.
import { addDays } from "./dates.ts";
import { dayIn, nextWorkingDay, nextWorkingInstant, onOrAfterWorkingDay, weekday, workStartOn, type CalendarRules } from "./calendar.ts";
import type { EscalationLadder, Settings } from "./settings.ts";
import type { Priority } from "./types.ts";

export type FollowUpRules = CalendarRules & { escalation: EscalationLadder };
export const rulesOf = (s: Settings): FollowUpRules => ({ calendar: s.calendar, workingHours: s.workingHours, escalation: s.escalation });

/**
 * When the reminder of a follow-up date goes: the start of working hours, in the owner's time zone, of the
 * follow-up day or, when it is not a working day, of the next working day.
 */
export function reminderDueAt(followUpOn: string, tz: string, rules: CalendarRules): Date {
  return workStartOn(onOrAfterWorkingDay(followUpOn, rules), tz, rules.workingHours);
}

/** The next follow-up date after an unanswered reminder sent on `remindedOn`: the reason's days later, on a working day. */
export function nextFollowUp(remindedOn: string, followUpDays: number, rules: CalendarRules): string {
  return onOrAfterWorkingDay(addDays(remindedOn, Math.max(1, followUpDays)), rules);
}

export const SNOOZE_CHOICES = ["tomorrow", "in3days", "nextMonday", "date"] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

/**
 * The follow-up date a snooze choice sets, from the owner's today: tomorrow and in 3 days land on a working
 * day; next Monday is the Monday after today (a holiday Monday: the next working day); a picked date is kept.
 */
export function snoozeTarget(choice: SnoozeChoice, today: string, rules: CalendarRules, date?: string): string {
  switch (choice) {
    case "tomorrow":
      return nextWorkingDay(today, rules);
    case "in3days":
      return onOrAfterWorkingDay(addDays(today, 3), rules);
    case "nextMonday":
      return onOrAfterWorkingDay(addDays(today, 8 - weekday(today)), rules);
    case "date":
      if (!date) throw new Error("snoozeTarget: a picked date is needed");
      return date;
  }
}

/** What the follow-up of one open dispute is at: stored per dispute beside it. */
export interface FollowUpState {
  disputeId: number;
  priority: Priority;
  followUpOn: string | null;
  slaDueOn: string | null;
  /** The owner's time zone: reminders wait for their working hours. */
  ownerTz: string;
  /** The first follow-up date the owner let pass without acting (null: not overdue). */
  firstMissedOn: string | null;
  /** Reminders sent since the owner last acted. */
  unanswered: number;
  lastReminderAt: Date | null;
}

export const NOTICE_KINDS = ["reminder", "escalation.controller", "escalation.manager", "sla_breach"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * A notice due now. `dueAt` is the instant it became due, the same in every process and every tick:
 * (dispute, kind, dueAt) is the ledger's unique key, so a notice is sent once.
 */
export interface DueNotice {
  disputeId: number;
  kind: NoticeKind;
  dueAt: Date;
}

/** Whether a dispute is overdue and since when (its first missed follow-up). */
export function overdue(state: Pick<FollowUpState, "firstMissedOn" | "unanswered">): { since: string; unanswered: number } | null {
  return state.firstMissedOn ? { since: state.firstMissedOn, unanswered: state.unanswered } : null;
}

/** The instant an episode of unanswered reminders started: the due instant of its first missed follow-up. */
const episodeAt = (s: FollowUpState, rules: CalendarRules): Date => reminderDueAt(s.firstMissedOn!, s.ownerTz, rules);

/**
 * Reminders unanswered at `now`: the last one waits for its answer until the follow-up date it moved to;
 * only then, with no action of the owner, does it count.
 */
export function unansweredAt(s: Pick<FollowUpState, "unanswered" | "lastReminderAt" | "followUpOn" | "ownerTz">, now: Date, rules: CalendarRules): number {
  const waiting = s.lastReminderAt !== null && s.followUpOn !== null && reminderDueAt(s.followUpOn, s.ownerTz, rules).getTime() > now.getTime();
  return Math.max(0, s.unanswered - (waiting ? 1 : 0));
}

/**
 * The notices due at `now`, in the order they should go: reminders first (of follow-up dates reached,
 * within the owner's working hours), then escalations by the count of unanswered reminders (a reminder is
 * unanswered once the follow-up date it moved to is reached with no action of the owner), then SLA breaches
 * (the day after the SLA date). Each escalation is keyed on its episode (the first missed follow-up), so it
 * goes once until the owner acts and a new episode starts; an SLA breach goes once per SLA date.
 */
export function whatIsDue(now: Date, states: readonly FollowUpState[], rules: FollowUpRules): DueNotice[] {
  const reminders: DueNotice[] = [];
  const escalations: DueNotice[] = [];
  const breaches: DueNotice[] = [];
  for (const s of states) {
    const open = nextWorkingInstant(now, s.ownerTz, rules).getTime() === now.getTime();
    if (!open) continue; // outside the owner's working hours: everything waits for the morning
    if (s.followUpOn) {
      const at = reminderDueAt(s.followUpOn, s.ownerTz, rules);
      if (at.getTime() <= now.getTime()) reminders.push({ disputeId: s.disputeId, kind: "reminder", dueAt: at });
    }
    const missed = unansweredAt(s, now, rules);
    if (s.firstMissedOn && missed > 0) {
      const rung = rules.escalation[s.priority];
      const at = episodeAt(s, rules);
      if (rung.controllerAfter !== null && missed >= rung.controllerAfter) escalations.push({ disputeId: s.disputeId, kind: "escalation.controller", dueAt: at });
      if (rung.managerAfter !== null && missed >= rung.managerAfter) escalations.push({ disputeId: s.disputeId, kind: "escalation.manager", dueAt: at });
    }
    if (rules.escalation.slaBreach && s.slaDueOn) {
      const at = reminderDueAt(addDays(s.slaDueOn, 1), s.ownerTz, rules);
      if (at.getTime() <= now.getTime()) breaches.push({ disputeId: s.disputeId, kind: "sla_breach", dueAt: at });
    }
  }
  return [...reminders, ...escalations, ...breaches];
}

/**
 * The state after a reminder went unanswered at `now`: one more unanswered, the first missed date kept
 * (or set), and the follow-up date moved on by the reason's follow-up days (the job's move, not the owner's).
 */
export function afterReminder(s: FollowUpState, now: Date, followUpDays: number, rules: CalendarRules): FollowUpState {
  const today = dayIn(s.ownerTz, now);
  return {
    ...s,
    firstMissedOn: s.firstMissedOn ?? s.followUpOn ?? today,
    unanswered: s.unanswered + 1,
    lastReminderAt: now,
    followUpOn: nextFollowUp(today, followUpDays, rules),
  };
}

/** Any action of the owner (update, snooze, reassign, resolve, set follow-up) ends the episode. */
export function afterOwnerAction(s: FollowUpState, followUpOn: string | null): FollowUpState {
  return { ...s, firstMissedOn: null, unanswered: 0, followUpOn };
}

/** Days past the SLA date on `today` (0 or less: not breached). */
export function slaDaysOver(slaDueOn: string | null, today: string): number {
  if (!slaDueOn) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${slaDueOn}T00:00:00Z`)) / 86_400_000);
}
