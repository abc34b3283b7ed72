import { parseLooseDate } from "../domain/dates.ts";
import { currencyDigits, tryParseAmount } from "../domain/money.ts";
import { ROLES, type DunningLevel, type ItemKind } from "../domain/types.ts";
import { normaliseHeader } from "./headers.ts";

// Reading one cell's value: text, dates (ISO or dd/mm/yyyy), amounts (decimal commas, thousands
// separators) in minor units of a currency, item kinds, dunning levels and roles with their French
// aliases. ERP files repeat the same few thousand dates and a handful of kinds, levels and currencies:
// those lookups are memoised here (the only caches of the import).

const KIND_ALIASES = new Map<string, ItemKind>();
for (const [kind, names] of [
  ["invoice", ["invoice", "facture", "fa", "fac", "fact", "f", "inv"]],
  ["credit_note", ["credit_note", "creditnote", "credit", "avoir", "av", "a", "cn"]],
  ["payment", ["payment", "paiement", "reglement", "règlement", "rg", "reg", "encaissement", "pmt", "p"]],
] as const) {
  for (const n of names) KIND_ALIASES.set(normaliseHeader(n), kind);
}

const LEVEL_ALIASES = new Map<string, DunningLevel>([
  ["0", "none"],
  ["none", "none"],
  ["aucun", "none"],
  ["aucune", "none"],
  ["notice", "notice"],
  ["prevenance", "notice"],
  ["predue", "notice"],
  ["p", "notice"],
]);
for (let i = 1; i <= 5; i++) {
  for (const k of [`${i}`, `r${i}`, `relance${i}`]) LEVEL_ALIASES.set(k, `R${i}` as DunningLevel);
}

const ROLE_ALIASES = new Map<string, (typeof ROLES)[number]>();
for (const [role, names] of [
  ["controller", ["controller", "credit_controller", "controleur", "charge_de_recouvrement", "charge_recouvrement", "recouvrement", "collector"]],
  ["sales", ["sales", "sales_rep", "commercial", "commerciale", "vendeur", "vente"]],
  ["manager", ["manager", "responsable", "directeur", "directrice", "director"]],
  ["admin", ["admin", "administrateur", "administratrice", "administrator"]],
] as const) {
  for (const n of names) ROLE_ALIASES.set(normaliseHeader(n), role);
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
export const CURRENCY = /^[A-Z]{3}$/;

// ---- memo caches ----

const dateCache = new Map<string, string | null>();
/** parseLooseDate, memoised (the cache is cleared beyond 100,000 distinct texts). */
export function cachedDate(text: string): string | null {
  let v = dateCache.get(text);
  if (v === undefined) {
    if (dateCache.size > 100_000) dateCache.clear();
    v = parseLooseDate(text);
    dateCache.set(ownString(text), v);
  }
  return v;
}

const kindCache = new Map<string, ItemKind | null>();
export function itemKindOf(t: string): ItemKind | null {
  let k = kindCache.get(t);
  if (k === undefined) {
    k = KIND_ALIASES.get(normaliseHeader(t)) ?? null;
    if (kindCache.size < 1000) kindCache.set(ownString(t), k);
  }
  return k;
}

const currencyCache = new Map<string, string | null>();
/** "eur" -> "EUR"; null when not three letters. */
export function currencyOf(t: string): string | null {
  let c = currencyCache.get(t);
  if (c === undefined) {
    const upper = t.toUpperCase();
    c = CURRENCY.test(upper) ? upper : null;
    if (currencyCache.size < 1000) currencyCache.set(ownString(t), c);
  }
  return c;
}

const levelCache = new Map<string, DunningLevel | null>();
/** A level is a word or number as written ("R2", "relance 2", "2"): no sign, decimal point or other symbol ("-1" is not R1). */
const LEVEL_TEXT = /^[\p{L}\d][\p{L}\d\s_-]*$/u;
export function dunningLevelOf(t: string): DunningLevel | null {
  let l = levelCache.get(t);
  if (l === undefined) {
    l = LEVEL_TEXT.test(t) ? (LEVEL_ALIASES.get(normaliseHeader(t)) ?? null) : null;
    if (levelCache.size < 1000) levelCache.set(ownString(t), l);
  }
  return l;
}

export function roleOf(t: string): (typeof ROLES)[number] | undefined {
  return ROLE_ALIASES.get(normaliseHeader(t));
}

// ---- amounts ----

/**
 * The common ERP shapes ("-1234,56", "1234.5", "12") parsed without regular expressions; anything else
 * (spaces, thousands separators, signs...) goes through tryParseAmount. Same results as tryParseAmount.
 */
function fastAmount(s: string, digits: number): number | undefined {
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const neg = c === 45;
  if (neg) i = 1;
  let int = 0;
  const intStart = i;
  while (i < len) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    int = int * 10 + (c - 48);
    i++;
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 15) return undefined;
  let frac = 0;
  let fracDigits = 0;
  if (i < len) {
    if (c !== 44 && c !== 46) return undefined;
    i++;
    if (i === len) return undefined;
    while (i < len) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      if (fracDigits >= digits) return undefined;
      frac = frac * 10 + (c - 48);
      fracDigits++;
      i++;
    }
  }
  const units = int * 10 ** digits + frac * 10 ** (digits - fracDigits);
  if (!Number.isSafeInteger(units)) return undefined;
  return neg && units !== 0 ? -units : units; // no negative zero, as tryParseAmount
}

/** An amount in minor units of `currency`; "1.234,56" and "1,234.56" (thousands separators) are also accepted. */
export function amountOf(text: string, currency: string): number | null {
  const fast = fastAmount(text, currencyDigits(currency));
  if (fast !== undefined) return fast;
  const direct = tryParseAmount(text, currency);
  if (direct !== null) return direct;
  const dot = text.indexOf(".");
  const comma = text.indexOf(",");
  if (dot < 0 || comma < 0) return null;
  const cleaned = dot < comma ? (/^[+-]?\d{1,3}(\.\d{3})+,\d+$/.test(text) ? text.replace(/\./g, "") : null) : /^[+-]?\d{1,3}(,\d{3})+\.\d+$/.test(text) ? text.replace(/,/g, "") : null;
  return cleaned === null ? null : tryParseAmount(cleaned, currency);
}

// ---- cells ----

/** A cell's text quoted for an error message, cut at 60 characters (a 10 MB cell is not echoed back). */
export function q(t: string | null): string {
  if (t === null) return "(empty)";
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 57)}…` : t);
}

/** A value as trimmed text; null when missing or empty. */
export function text(v: unknown): string | null {
  if (typeof v === "string") {
    if (v === "") return null;
    const c0 = v.charCodeAt(0);
    const c1 = v.charCodeAt(v.length - 1);
    if (c0 > 32 && c1 > 32 && c0 !== 160 && c1 !== 160) return v;
    const t = v.trim();
    return t === "" ? null : t;
  }
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NaN";
  return typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

export const has = (row: Readonly<Record<string, unknown>>, field: string): boolean => Object.prototype.hasOwnProperty.call(row, field);

/** A cell as text: undefined when the field is absent from the row, null when empty. */
export function cell(row: Readonly<Record<string, unknown>>, field: string): string | null | undefined {
  const v = row[field];
  if (v === undefined) return Object.prototype.hasOwnProperty.call(row, field) ? null : undefined;
  if (v === null) return null;
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? null : t;
  }
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NaN";
  return typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/**
 * A string that owns its characters. V8 keeps substrings of 13 characters or more as views of their
 * parent (the whole chunk of the file they were cut from); one kept for the rest of the import (the
 * duplicate check's refs) would keep its chunk alive.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
