import { describe, it, expect } from "vitest";
import { addTo, currencyDigits, displayAmount, formatAmount, parseAmount, tryParseAmount } from "./money.ts";
import { addDays, daysBetween, isIsoDate, parseLooseDate, todayIn } from "./dates.ts";
import { NOW, accordError } from "../test/builders.ts";

/** Intl writes fr amounts with U+202F (narrow no-break space) and U+00A0: compare with plain spaces. */
const spaces = (s: string): string => s.replace(/[\u00a0\u202f]/g, " ");

describe("currencyDigits", () => {
  it.each([
    ["EUR", 2],
    ["USD", 2],
    ["JPY", 0],
    ["TND", 3],
    ["not a currency", 2],
  ])("%s has %i minor digits", (currency, digits) => {
    expect(currencyDigits(currency)).toBe(digits);
  });
});

describe("tryParseAmount", () => {
  it.each([
    ["1234.56", "EUR", 123456],
    ["-12,5", "EUR", -1250],
    ["1 234,56", "EUR", 123456],
    ["1\u00a0234,56", "EUR", 123456],
    ["1\u202f234,56", "EUR", 123456],
    ["1'234.56", "CHF", 123456],
    ["1234", "EUR", 123400],
    ["  42,10  ", "EUR", 4210],
    ["+7", "EUR", 700],
    ["0.05", "EUR", 5],
    ["12.50", "EUR", 1250],
    ["12.340", "EUR", 1234],
    ["1234", "JPY", 1234],
    ["1234.0", "JPY", 1234],
    ["1.234", "TND", 1234],
    ["1,5", "TND", 1500],
    ["999999999999.99", "EUR", 99999999999999],
  ] as const)("%j in %s -> %i", (text, currency, expected) => {
    expect(tryParseAmount(text, currency)).toBe(expected);
  });

  it.each([
    [".5", "EUR"],
    ["12.345", "EUR"],
    ["12.5", "JPY"],
    ["1.2345", "TND"],
    ["abc", "EUR"],
    ["", "EUR"],
    ["12a", "EUR"],
    ["1e3", "EUR"],
    ["1,234.56", "EUR"],
    ["12.", "EUR"],
    ["--5", "EUR"],
    ["€12", "EUR"],
    ["1234567890123456", "EUR"],
    ["999999999999999", "EUR"],
  ] as const)("%j in %s is not an amount", (text, currency) => {
    expect(tryParseAmount(text, currency)).toBeNull();
  });

  it.each(["-0", "-0,00", "-0.0"])("%j is zero, not negative zero (which displays as -0,00 €)", (text) => {
    const v = tryParseAmount(text, "EUR");
    expect(Object.is(v, 0)).toBe(true);
    expect(spaces(displayAmount(v ?? 1, "EUR", "fr"))).toBe("0,00 €");
  });

  it("defaults to EUR", () => {
    expect(tryParseAmount("3,14")).toBe(314);
  });

  it("parseAmount reports the field and the currency", () => {
    const err = accordError(() => parseAmount("douze", "EUR", "items[0].amount"));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items[0].amount");
    expect(err.what).toEqual({ key: "amount_invalid", params: { field: "items[0].amount", text: "douze", currency: "EUR" } });
    expect(parseAmount("12,30", "EUR", "amount")).toBe(1230);
  });
});

describe("formatAmount", () => {
  it.each([
    [123456, "EUR", "1234.56"],
    [-500, "EUR", "-5.00"],
    [5, "EUR", "0.05"],
    [0, "EUR", "0.00"],
    [1234, "JPY", "1234"],
    [-7, "JPY", "-7"],
    [1234, "TND", "1.234"],
    [5, "TND", "0.005"],
  ] as const)("%i %s -> %s", (units, currency, expected) => {
    expect(formatAmount(units, currency)).toBe(expected);
  });

  it.each([
    [123456, "EUR"],
    [-1, "EUR"],
    [99999999999999, "EUR"],
    [0, "JPY"],
    [-98765, "JPY"],
    [1, "TND"],
    [-1234567, "TND"],
  ] as const)("round trips %i %s through tryParseAmount", (units, currency) => {
    expect(tryParseAmount(formatAmount(units, currency), currency)).toBe(units);
  });
});

describe("displayAmount", () => {
  it.each([
    [123456, "EUR", "fr", "1 234,56 €"],
    [123456, "EUR", "en", "€1,234.56"],
    [-500, "EUR", "fr", "-5,00 €"],
    [-500, "EUR", "en", "-€5.00"],
    [1234, "JPY", "fr", "1 234 JPY"],
    [1234, "JPY", "en", "JP¥1,234"],
    [1234, "TND", "fr", "1,234 TND"],
    [123456, "USD", "en", "US$1,234.56"],
  ] as const)("%i %s in %s -> %s", (units, currency, locale, expected) => {
    expect(spaces(displayAmount(units, currency, locale))).toBe(expected);
  });

  it("uses no-break spaces in fr so an amount never wraps", () => {
    expect(displayAmount(123456, "EUR", "fr")).toBe("1\u202f234,56\u00a0€");
  });
});

describe("addTo", () => {
  it("keeps one total per currency", () => {
    const totals: Record<string, number> = {};
    addTo(totals, "EUR", 1000);
    addTo(totals, "USD", 250);
    addTo(totals, "EUR", -300);
    expect(totals).toEqual({ EUR: 700, USD: 250 });
  });
});

describe("parseLooseDate", () => {
  it.each([
    ["2026-03-31", "2026-03-31"],
    [" 2026-03-31 ", "2026-03-31"],
    ["31/03/2026", "2026-03-31"],
    ["1/3/2026", "2026-03-01"],
    ["31.03.2026", "2026-03-31"],
    ["31-03-2026", "2026-03-31"],
    ["29/02/2028", "2028-02-29"],
  ])("%j -> %s", (text, expected) => {
    expect(parseLooseDate(text)).toBe(expected);
  });

  it.each(["31/02/2026", "29/02/2026", "2026-02-30", "2026-13-01", "03/31/2026", "2026-3-1", "31/03/26", "demain", ""])(
    "%j is not a date",
    (text) => {
      expect(parseLooseDate(text)).toBeNull();
    },
  );

  it("isIsoDate wants a real calendar date in YYYY-MM-DD", () => {
    expect(isIsoDate("2026-04-30")).toBe(true);
    expect(isIsoDate("2026-04-31")).toBe(false);
    expect(isIsoDate("2026-04-30T00:00")).toBe(false);
  });
});

describe("addDays and daysBetween", () => {
  it.each([
    ["2026-01-31", 1, "2026-02-01"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-12-25", 7, "2027-01-01"],
    ["2026-03-01", -1, "2026-02-28"],
    // Europe/Paris changes to summer time on 2026-03-29 and back on 2026-10-25: still whole calendar days.
    ["2026-03-28", 1, "2026-03-29"],
    ["2026-03-29", 1, "2026-03-30"],
    ["2026-03-25", 7, "2026-04-01"],
    ["2026-10-24", 1, "2026-10-25"],
    ["2026-10-25", 1, "2026-10-26"],
    ["2026-03-10", 30, "2026-04-09"],
  ])("%s %+i days -> %s", (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
  });

  it.each([
    ["2026-03-28", "2026-03-30", 2],
    ["2026-10-24", "2026-10-26", 2],
    ["2026-03-10", "2026-03-01", -9],
    ["2026-02-14", "2026-03-10", 24],
  ])("from %s to %s is %i days", (a, b, expected) => {
    expect(daysBetween(a, b)).toBe(expected);
  });
});

describe("todayIn", () => {
  it.each([
    ["the fixed clock", NOW.toISOString(), "Europe/Paris", "2026-03-10"],
    ["winter, 23:59 in Paris", "2026-03-09T22:59:59Z", "Europe/Paris", "2026-03-09"],
    ["winter, 00:00 in Paris", "2026-03-09T23:00:00Z", "Europe/Paris", "2026-03-10"],
    ["winter, 00:30 in Paris is still the 9th in UTC", "2026-03-09T23:30:00Z", "UTC", "2026-03-09"],
    ["summer, 23:59 in Paris", "2026-07-01T21:59:59Z", "Europe/Paris", "2026-07-01"],
    ["summer, 00:00 in Paris", "2026-07-01T22:00:00Z", "Europe/Paris", "2026-07-02"],
    ["New York is behind UTC", "2026-03-10T03:00:00Z", "America/New_York", "2026-03-09"],
  ])("%s: %s in %s -> %s", (_, instant, zone, expected) => {
    expect(todayIn(zone, new Date(instant))).toBe(expected);
  });

  it("answers from its last second only within that second: the last millisecond before midnight, then midnight", () => {
    expect(todayIn("Europe/Paris", new Date("2026-03-09T22:59:59.000Z"))).toBe("2026-03-09");
    expect(todayIn("Europe/Paris", new Date("2026-03-09T22:59:59.999Z"))).toBe("2026-03-09");
    expect(todayIn("Europe/Paris", new Date("2026-03-09T23:00:00.000Z"))).toBe("2026-03-10");
    expect(todayIn("UTC", new Date("2026-03-09T23:00:00.000Z"))).toBe("2026-03-09");
    expect(todayIn("Europe/Paris", new Date("2026-03-09T22:59:59.999Z"))).toBe("2026-03-09");
    // a zone with a second-level historical offset (Paris mean time, +00:09:21, before 1911)
    expect(todayIn("Europe/Paris", new Date("1900-01-01T23:50:38.999Z"))).toBe("1900-01-01");
    expect(todayIn("Europe/Paris", new Date("1900-01-01T23:50:39.000Z"))).toBe("1900-01-02");
  });
});
