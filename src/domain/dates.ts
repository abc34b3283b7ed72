import { DateTime } from "luxon";

// Calendar-day arithmetic on ISO dates (YYYY-MM-DD) and "today" in a time zone, via luxon.
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && DateTime.fromISO(s, { zone: "UTC" }).isValid;
}

export function todayIn(timezone: string, now: Date): string {
  return DateTime.fromJSDate(now).setZone(timezone).toISODate()!;
}

export function addDays(iso: string, days: number): string {
  return DateTime.fromISO(iso, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** Whole calendar days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round(
    DateTime.fromISO(b, { zone: "UTC" }).diff(DateTime.fromISO(a, { zone: "UTC" }), "days").days,
  );
}

export function yearIn(timezone: string, now: Date): number {
  return DateTime.fromJSDate(now).setZone(timezone).year;
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

export function displayDate(iso: string, locale: string): string {
  return DateTime.fromISO(iso, { zone: "UTC" }).setLocale(locale === "fr" ? "fr-FR" : "en-GB").toLocaleString(DateTime.DATE_MED);
}
