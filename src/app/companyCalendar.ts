import { closeDay, nonWorkingDays, reopenDay, type CalendarEdit, type NonWorkingDay } from "../domain/calendarDays.ts";
import { isIsoDate, todayIn } from "../domain/dates.ts";
import { invalid } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Settings } from "../domain/settings.ts";
import type { Locale } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { saveSettings } from "./settings.ts";

// The company calendar in App Home (issue 11): its non-working days for the year, and closing or reopening one
// day. Admins only; each edit is the settings change REST makes (saveSettings), in one transaction, worked out
// from the calendar as it is in that transaction.

export interface CalendarYear {
  today: string;
  year: number;
  country: string;
  days: NonWorkingDay[];
  /** closing days the company added in later years, and public holidays it works on then */
  later: { closed: string[]; worked: string[] };
}

/** The company's non-working days of this year (its time zone), holiday names in `locale`. */
export async function getCalendarYear(deps: Pick<Deps, "store" | "clock">, input: { byEmail: string; locale: Locale }): Promise<CalendarYear> {
  assertCan(await actor(deps.store, input.byEmail), "admin");
  return calendarYear(await deps.store.settings.get(), deps.clock(), input.locale);
}

export function calendarYear(settings: Settings, now: Date, locale: Locale): CalendarYear {
  const today = todayIn(settings.timezone, now);
  const year = Number(today.slice(0, 4));
  const after = (d: string) => Number(d.slice(0, 4)) > year;
  return {
    today,
    year,
    country: settings.calendar.country,
    days: nonWorkingDays(settings.calendar, year, locale),
    later: { closed: settings.calendar.extraHolidays.filter(after), worked: settings.calendar.removedHolidays.filter(after) },
  };
}

async function editDay(deps: Deps, input: { byEmail: string; on: string }, edit: (s: Settings, today: string) => CalendarEdit): Promise<Settings> {
  return deps.store.transaction((tx) =>
    saveSettings(tx, deps, input.byEmail, (current) => {
      if (!isIsoDate(input.on)) invalid("on", "date_invalid", { field: "on", value: input.on });
      const r = edit(current, todayIn(current.timezone, deps.clock()));
      if ("problem" in r) invalid("on", r.problem.key, r.problem.params as never);
      return { calendar: r.calendar };
    }),
  );
}

/** The company closes on `on` (a bridge day, 24 December) or no longer works on that public holiday. */
export function closeCalendarDay(deps: Deps, input: { byEmail: string; on: string }): Promise<Settings> {
  return editDay(deps, input, (s, today) => closeDay(s.calendar, input.on, today, s.workingHours.days));
}

/** The company works on `on`: a closing day it had added, or a public holiday it works on. */
export function reopenCalendarDay(deps: Deps, input: { byEmail: string; on: string }): Promise<Settings> {
  return editDay(deps, input, (s, today) => reopenDay(s.calendar, input.on, today));
}
