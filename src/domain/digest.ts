// When a channel's digest is due, and whether it has anything to say (issue 11). Pure: no clock, no I/O.
//
// A subscription names a time (HH:MM in the company's time zone) and a cadence:
// - daily: every working day of the company (`workingHours.days` minus the calendar's holidays): no digest on a
//   Saturday, a Sunday or a public holiday, when nobody reads it; Monday's digest covers the weekend;
// - weekly: the first working day of each ISO week (Monday; Tuesday when Monday is a holiday).
// The slot is that local time on that day, whatever the offset that day (a daylight-saving change moves the UTC
// instant, not the local time; a local time the change skips, 02:30 on the spring-forward night, is read as the
// same wall-clock time after it, 03:30).
// The digest due at `now` is the latest slot at or before `now`, when it is after what the subscription last
// covered and not before the subscription was made. A process down for days posts one digest, not one per slot.
import { DateTime } from "luxon";
import { isWorkingDay, weekday, type CalendarRules } from "./calendar.ts";
import { addDays } from "./dates.ts";

export const DIGEST_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "9:05" and "09:05" read as 09:05; anything else is null. */
export function parseDigestTime(text: string): string | null {
  const m = /^(\d{1,2})[:hH](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hhmm = `${m[1]!.padStart(2, "0")}:${m[2]}`;
  return DIGEST_TIME.test(hhmm) ? hhmm : null;
}

export type Cadence = "daily" | "weekly";

export interface DigestTiming {
  time: string;
  cadence: Cadence;
  createdAt: Date;
  /** what the last digest covered (its slot); null: none yet */
  coveredUntil: Date | null;
}

/** The instant of HH:MM on a calendar day in a time zone. */
export function slotOn(day: string, tz: string, time: string): Date {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  return DateTime.fromISO(day, { zone: tz }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

/** Whether a digest of this cadence goes on this calendar day. */
export function isDigestDay(day: string, cadence: Cadence, rules: CalendarRules): boolean {
  if (!isWorkingDay(day, rules)) return false;
  if (cadence === "daily") return true;
  // weekly: no working day earlier in the same ISO week
  for (let d = addDays(day, -1), n = weekday(day) - 1; n > 0; d = addDays(d, -1), n--) if (isWorkingDay(d, rules)) return false;
  return true;
}

/** The latest slot at or before `now` (looking back up to 3 weeks); null when there is none. */
export function latestSlot(now: Date, tz: string, time: string, cadence: Cadence, rules: CalendarRules): Date | null {
  let day = DateTime.fromJSDate(now, { zone: tz }).toISODate()!;
  for (let i = 0; i < 21; i++, day = addDays(day, -1)) {
    if (!isDigestDay(day, cadence, rules)) continue;
    const at = slotOn(day, tz, time);
    if (at.getTime() <= now.getTime()) return at;
  }
  return null;
}

/** The slot of the digest due at `now`, or null when none is due (already covered, or made after the latest slot). */
export function digestDueAt(s: DigestTiming, now: Date, tz: string, rules: CalendarRules): Date | null {
  const at = latestSlot(now, tz, s.time, s.cadence, rules);
  if (!at) return null;
  if (at.getTime() < s.createdAt.getTime()) return null;
  if (s.coveredUntil && at.getTime() <= s.coveredUntil.getTime()) return null;
  return at;
}

export interface DigestNews {
  opened: number;
  resolved: number;
  withdrawn: number;
  overdue: number;
  slaBreached: number;
}

/**
 * Whether a digest has something to say: a dispute opened, resolved or withdrawn since the last digest (or ever,
 * for a new subscription), one overdue, or one past its SLA. `always` posts it anyway.
 */
export function worthPosting(n: DigestNews, always: boolean): boolean {
  return always || n.opened > 0 || n.resolved > 0 || n.withdrawn > 0 || n.overdue > 0 || n.slaBreached > 0;
}
