// The company's calendar as admins edit it (issue 11): the non-working days of a year (the country's public
// holidays, those the company works on, the days it closes besides) and closing or reopening one day. Pure:
// the edits return the next calendar or the problem, on today's date given by the caller.
import Holidays from "date-holidays";
import { isHoliday, publicHolidays, weekday } from "./calendar.ts";
import type { CompanyCalendar } from "./settings.ts";
import type { Locale } from "./types.ts";

export interface NonWorkingDay {
  on: string;
  /** the holiday's name in the viewer's language (public holidays); null for a company closing day */
  name: string | null;
  /** public: a public holiday of the country; closed: a day the company closes besides */
  kind: "public" | "closed";
  /** a public holiday the company works on (listed, not off) */
  worked: boolean;
}

const names = new Map<string, Map<string, string>>();
function holidayNames(country: string, year: number, locale: Locale): Map<string, string> {
  const key = `${country}:${year}:${locale}`;
  let m = names.get(key);
  if (!m) {
    const hd = new Holidays(country);
    m = new Map((hd.getHolidays(year, locale) || []).filter((h) => h.type === "public").map((h) => [h.date.slice(0, 10), h.name]));
    names.set(key, m);
  }
  return m;
}

/** A year's non-working days in date order: public holidays (marked when worked) and the company's closing days. */
export function nonWorkingDays(calendar: CompanyCalendar, year: number, locale: Locale): NonWorkingDay[] {
  const y = String(year);
  const out: NonWorkingDay[] = [...holidayNames(calendar.country, year, locale)].map(([on, name]) => ({ on, name, kind: "public", worked: calendar.removedHolidays.includes(on) }));
  const publicDays = new Set(out.map((d) => d.on));
  for (const on of calendar.extraHolidays) if (on.startsWith(y) && !publicDays.has(on)) out.push({ on, name: null, kind: "closed", worked: false });
  return out.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

export type CalendarProblem =
  | { key: "calendar_day_past"; params: { value: string; today: string } }
  | { key: "calendar_day_off"; params: { value: string } }
  | { key: "calendar_day_not_off"; params: { value: string } };

export type CalendarEdit = { calendar: CompanyCalendar } | { problem: CalendarProblem };

const without = (list: readonly string[], on: string) => list.filter((d) => d !== on);

/**
 * The company closes `on` (from today on): a public holiday it worked on is off again, any other working
 * weekday becomes a closing day. Refused: a past day, a day already off (a holiday, a closing day, a day of
 * the week nobody works: `workingDays`).
 */
export function closeDay(calendar: CompanyCalendar, on: string, today: string, workingDays: readonly number[]): CalendarEdit {
  if (on < today) return { problem: { key: "calendar_day_past", params: { value: on, today } } };
  if (calendar.removedHolidays.includes(on)) return { calendar: { ...calendar, removedHolidays: without(calendar.removedHolidays, on) } };
  if (isHoliday(on, calendar) || !workingDays.includes(weekday(on))) return { problem: { key: "calendar_day_off", params: { value: on } } };
  return { calendar: { ...calendar, extraHolidays: [...calendar.extraHolidays, on].sort() } };
}

/**
 * The company works on `on` (from today on): a closing day is taken out, a public holiday is marked worked.
 * Refused: a past day, a day that is not off.
 */
export function reopenDay(calendar: CompanyCalendar, on: string, today: string): CalendarEdit {
  if (on < today) return { problem: { key: "calendar_day_past", params: { value: on, today } } };
  if (!isHoliday(on, calendar)) return { problem: { key: "calendar_day_not_off", params: { value: on } } };
  const extraHolidays = without(calendar.extraHolidays, on);
  const isPublic = publicHolidays(calendar.country, Number(on.slice(0, 4))).has(on);
  return { calendar: { ...calendar, extraHolidays, removedHolidays: isPublic ? [...calendar.removedHolidays, on].sort() : calendar.removedHolidays } };
}
