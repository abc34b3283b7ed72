// The company's calendar and working hours: which days are working days (weekdays of `workingHours.days`
// that are not public holidays of the company's country, with the admins' extra and removed days), and
// when, in a person's time zone, working hours start. Pure: no clock, no I/O; date-holidays and luxon
// do the calendar maths (Easter, Ascension, Whit Monday; daylight-saving changes).
import Holidays from "date-holidays";
import { DateTime } from "luxon";
import { addDays } from "./dates.ts";
import type { CompanyCalendar, WorkingHours } from "./settings.ts";

export interface CalendarRules {
  calendar: CompanyCalendar;
  workingHours: WorkingHours;
}

const publicByCountryYear = new Map<string, Set<string>>();

/** The public holidays (not observances) of a country in a year, as ISO dates. */
export function publicHolidays(country: string, year: number): Set<string> {
  const key = `${country}:${year}`;
  let days = publicByCountryYear.get(key);
  if (!days) {
    const hd = new Holidays(country);
    days = new Set(
      (hd.getHolidays(year) || []).filter((h) => h.type === "public").map((h) => h.date.slice(0, 10)),
    );
    publicByCountryYear.set(key, days);
  }
  return days;
}

export function isHoliday(iso: string, calendar: CompanyCalendar): boolean {
  if (calendar.removedHolidays.includes(iso)) return false;
  if (calendar.extraHolidays.includes(iso)) return true;
  return publicHolidays(calendar.country, Number(iso.slice(0, 4))).has(iso);
}

/** ISO weekday of a calendar date: 1 = Monday ... 7 = Sunday. */
export function weekday(iso: string): number {
  const d = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function isWorkingDay(iso: string, rules: CalendarRules): boolean {
  return rules.workingHours.days.includes(weekday(iso)) && !isHoliday(iso, rules.calendar);
}

/** The first working day on or after `iso` (the same day when it is one). */
export function onOrAfterWorkingDay(iso: string, rules: CalendarRules): string {
  if (rules.workingHours.days.length === 0) return iso; // no working day at all: nothing to wait for
  let d = iso;
  for (let i = 0; i < 800 && !isWorkingDay(d, rules); i++) d = addDays(d, 1);
  return d;
}

/** The first working day strictly after `iso`. */
export function nextWorkingDay(iso: string, rules: CalendarRules): string {
  return onOrAfterWorkingDay(addDays(iso, 1), rules);
}

const hm = (s: string) => ({ hour: Number(s.slice(0, 2)), minute: Number(s.slice(3, 5)) });

/** The instant working hours start on a calendar day in a time zone (09:00 Paris on 2026-12-03). */
// A day's working-hour bounds in a zone are asked for again and again (the reminder job, for every candidate
// of a big morning): remembered, a few thousand at most (a time-zone computation each otherwise).
const bounds = new Map<string, number>();
function atTimeOn(iso: string, tz: string, time: string): Date {
  const k = `${iso}|${tz}|${time}`;
  let t = bounds.get(k);
  if (t === undefined) {
    t = DateTime.fromISO(iso, { zone: tz }).set({ ...hm(time), second: 0, millisecond: 0 }).toMillis();
    if (bounds.size >= 5000) bounds.clear();
    bounds.set(k, t);
  }
  return new Date(t);
}

export function workStartOn(iso: string, tz: string, hours: WorkingHours): Date {
  return atTimeOn(iso, tz, hours.start);
}

export function workEndOn(iso: string, tz: string, hours: WorkingHours): Date {
  return atTimeOn(iso, tz, hours.end);
}

/**
 * The calendar date of an instant in a time zone. Every zone's offset since the 1970s is a multiple of 15 minutes, so a local
 * midnight falls on a quarter hour of UTC: within one quarter hour the date is the same (remembered, as above).
 */
const days = new Map<string, string>();
export function dayIn(tz: string, at: Date): string {
  const k = `${tz}|${Math.floor(at.getTime() / 900_000)}`;
  let day = days.get(k);
  if (day === undefined) {
    day = DateTime.fromJSDate(at, { zone: tz }).toISODate()!;
    if (days.size >= 5000) days.clear();
    days.set(k, day);
  }
  return day;
}

/** Whether `at` falls within working hours on a working day, in the person's time zone. */
export function inWorkingHours(at: Date, tz: string, rules: CalendarRules): boolean {
  const day = dayIn(tz, at);
  if (!isWorkingDay(day, rules)) return false;
  const t = at.getTime();
  return t >= workStartOn(day, tz, rules.workingHours).getTime() && t < workEndOn(day, tz, rules.workingHours).getTime();
}

/**
 * The earliest instant at or after `at` within working hours in `tz`: `at` itself in working hours,
 * the same day's start before them, the next working day's start after them (a reminder due at night
 * waits for the morning).
 */
export function nextWorkingInstant(at: Date, tz: string, rules: CalendarRules): Date {
  if (inWorkingHours(at, tz, rules)) return at;
  const day = dayIn(tz, at);
  if (isWorkingDay(day, rules) && at.getTime() < workStartOn(day, tz, rules.workingHours).getTime()) {
    return workStartOn(day, tz, rules.workingHours);
  }
  return workStartOn(nextWorkingDay(day, rules), tz, rules.workingHours);
}
