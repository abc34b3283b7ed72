// Calendar-day arithmetic on ISO dates (YYYY-MM-DD) and "today" in a time zone.
// Plain UTC arithmetic for calendar days (no time zone can shift them) and the platform's Intl for
// time zones and display, with the formatters cached: these run on every card render.
import { invalid } from "./errors.ts";

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const utc = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
const isoOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && isoOf(utc(s)) === s;
}

/** Whether the platform knows this IANA time zone (Europe/Paris, America/New_York...). */
export function isTimeZone(name: string): boolean {
  try {
    dayFormatter(name);
    return true;
  } catch {
    return false;
  }
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timezone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormatters.set(timezone, f);
  }
  return f;
}

/**
 * The last answer per time zone and the UTC second it is for. Every offset in the time zone database is
 * a whole number of seconds, so a zone's date changes only on a whole UTC second: within one second the
 * answer is the same (a use case asks several times; Intl's formatToParts costs microseconds each).
 */
const lastToday = new Map<string, { second: number; date: string }>();

/** The calendar date of `now` in a time zone (IANA name). */
export function todayIn(timezone: string, now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  const last = lastToday.get(timezone);
  if (last && last.second === second) return last.date;
  const parts = dayFormatter(timezone).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  if (Number.isFinite(second)) lastToday.set(timezone, { second, date });
  return date;
}

export function addDays(iso: string, days: number): string {
  return isoOf(utc(iso) + days * DAY_MS);
}

/** Whole calendar days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utc(b) - utc(a)) / DAY_MS);
}

export function yearIn(timezone: string, now: Date): number {
  return Number(todayIn(timezone, now).slice(0, 4));
}

/** Parses ISO (2026-03-31) or French dd/mm/yyyy (31/03/2026) dates; null when invalid. */
export function parseLooseDate(text: string): string | null {
  const t = text.trim();
  let iso: string | null = null;
  if (ISO_DATE.test(t)) iso = t;
  else {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    if (m) iso = `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
  }
  return iso && isIsoDate(iso) ? iso : null;
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** "23 nov. 2026" / "23 Nov 2026". */
export function displayDate(iso: string, locale: string): string {
  const tag = locale === "fr" ? "fr-FR" : "en-GB";
  let f = displayFormatters.get(tag);
  if (!f) {
    f = new Intl.DateTimeFormat(tag, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
    displayFormatters.set(tag, f);
  }
  return f.format(utc(iso));
}

/** How far from today each kind of date may be (calendar days). */
export const DATE_BOUNDS = {
  /** follow-ups: from today to two years ahead */
  followUpDaysAhead: 730,
  /** dunning runs and previews, aged balance: within a year of today */
  reportDays: 366,
} as const;

/**
 * A real calendar date (YYYY-MM-DD) within [min, max] (inclusive, either optional), or a validation error
 * naming the field, with the bounds as parameters.
 */
export function checkDate(field: string, value: string, bounds: { min?: string; max?: string } = {}): string {
  if (typeof value !== "string" || !isIsoDate(value)) return invalid(field, "date_invalid", { field, value: String(value) });
  if ((bounds.min && value < bounds.min) || (bounds.max && value > bounds.max)) {
    return invalid(field, "date_out_of_range", { field, value, ...(bounds.min ? { min: bounds.min } : {}), ...(bounds.max ? { max: bounds.max } : {}) });
  }
  return value;
}
