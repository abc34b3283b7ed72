import { invalid } from "./errors.ts";

const digitsCache = new Map<string, number>();

/** Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, TND 3), from Intl. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

const DECIMAL = /^([+-])?(\d{1,15})(?:[.,](\d+))?$/;

/**
 * Parses a decimal string ("1234.56", "-12,5", "1 234,56") into integer minor units.
 * Returns null when the text is not a decimal number or has more decimals than the currency.
 */
export function tryParseAmount(text: string, currency = "EUR"): number | null {
  const cleaned = text.trim().replace(/[\s\u00a0\u202f']/g, "");
  const m = DECIMAL.exec(cleaned);
  if (!m) return null;
  const digits = currencyDigits(currency);
  const frac = m[3] ?? "";
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) return null;
  const units = Number(m[2]) * 10 ** digits + Number((frac + "0".repeat(digits)).slice(0, digits) || "0");
  if (!Number.isSafeInteger(units)) return null;
  return m[1] === "-" && units !== 0 ? -units : units;
}

export function parseAmount(text: string, currency: string, field: string): number {
  const v = tryParseAmount(text, currency);
  if (v === null) return invalid(field, "amount_invalid", { field, text, currency });
  return v;
}

/** Minor units -> canonical decimal string ("1234.56", "-5.00"). */
export function formatAmount(units: number, currency = "EUR"): string {
  const digits = currencyDigits(currency);
  const neg = units < 0;
  const abs = Math.abs(units);
  if (digits === 0) return (neg ? "-" : "") + String(abs);
  const s = String(abs).padStart(digits + 1, "0");
  return (neg ? "-" : "") + s.slice(0, -digits) + "." + s.slice(-digits);
}

/** Minor units -> human text in a locale ("1 234,56 €" / "€1,234.56"). */
const formatters = new Map<string, Intl.NumberFormat>();

export function displayAmount(units: number, currency: string, locale: string): string {
  const tag = locale === "fr" ? "fr-FR" : "en-GB";
  const key = `${tag}:${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(tag, { style: "currency", currency });
    formatters.set(key, f);
  }
  return f.format(units / 10 ** currencyDigits(currency));
}

/** Totals per currency: never summed across currencies. */
export function addTo(totals: Record<string, number>, currency: string, units: number): void {
  totals[currency] = (totals[currency] ?? 0) + units;
}
