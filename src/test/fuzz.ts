import crypto from "node:crypto";
import fc from "fast-check";
import type { Store } from "../app/ports.ts";

// Fuzz support: hostile JSON values (what JavaScript values cannot even hold: 1e309, -0, keys named
// __proto__, nesting thousands deep), requests built from them, a fingerprint of the database taken
// through the store, and the checks every answer must pass. Used by src/test/fuzz.test.ts.

/** Cases per property: FUZZ_RUNS (npm run fuzz) or the bounded default of `npm test`. */
export function fuzzRuns(fallback: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** JSON text put as is (numbers JavaScript cannot hold, deep nesting built as text). */
export class Raw {
  constructor(readonly text: string) {}
  toString() {
    return this.text.length > 80 ? `Raw(${this.text.slice(0, 40)}…${this.text.length} chars)` : `Raw(${this.text})`;
  }
}

/** A JSON object as its key/value pairs: keys such as __proto__ stay own keys, duplicates stay duplicates. */
export class Obj {
  constructor(readonly pairs: [string, unknown][]) {}
}

/** Short form for fast-check's counterexample reports (a 300,000-character string is not printed). */
const brief = (s: string): string => (s.length > 160 ? `${s.slice(0, 80)}…(${s.length} chars)` : s);

export function jsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return "{" + v.pairs.map(([k, x]) => JSON.stringify(k) + ":" + jsonText(x)).join(",") + "}";
  if (Array.isArray(v)) return "[" + v.map(jsonText).join(",") + "]";
  if (v && typeof v === "object") return jsonText(new Obj(Object.entries(v)));
  if (v === undefined) return "null";
  return JSON.stringify(v); // NaN and Infinity -> null; lone surrogates -> "\ud800"
}

// ---- hostile values -------------------------------------------------------------------------------

export const WEIRD_STRINGS = [
  "", " ", "\u0000", "\u0007\u001b[31m", "\ud800", "\udc00x", "a\ud83d", "😀", "\u202eevil", "\r\n", "\t", "\ufeff",
  "%", "%%", "_", "' OR 1=1 --", '"; DROP TABLE "Dispute"; --', "\\", "'", '"', "<script>alert(1)</script>", "${7*7}", "{{7*7}}", "../../etc/passwd",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
  "NaN", "Infinity", "-Infinity", "-0", "1e309", "-1e309", "0x10", "1,5", " 12.00 ", "12.345", "12.3456", "-1", "0", "0.00", "999999999999999.999", "9999999999999999", "1e3",
  "2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "+002026-03-10", "2026-03-10T00:00:00Z", "2026-3-1", "10/03/2026", "2026-03-10", "2026-03-11", "2028-03-09", "2025-03-10",
  "D-2026-0001", "d-2026-0001", "D-9999-9999", "1", "2", "3", "4", "99999999999999999999", "-1", "1.5", " 1",
  "claire@acme.fr", "CLAIRE@ACME.FR", " ana@acme.fr ", "nobody@acme.fr", "a@b", "@", "paul@acme.fr\u0000", "marc@acme.fr",
  "C001", "c001", "C002", "F-1001", "F-1002", "AV-2001", "RG-3001", "price", "other", "open", "resolved", "withdrawn", "true", "false", "null", "undefined", "[]", "{}",
  "hold", "flag", "item", "account", "admin", "controller", "sales", "manager", "Europe/Paris", "Mars/Olympus", "fr", "en", "EUR", "XXX",
];

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("x", "é", "😀", "\u0000", "%", "\ud800"), fc.constantFrom(76, 101, 256, 3001, 20_000, 300_000))
      .map(([c, n]) => c.repeat(n)),
  },
);

export const weirdNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 5, 0.5, -0.001, 1e21, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 730, 731, 365, 366),
  fc.constantFrom("1e309", "-1e309", "-0", "1e-400", "123456789012345678901234567890", "0.1e1", "1E2", "-0.0").map((t) => new Raw(t)),
  fc.integer(),
  fc.double(),
);

/** Nesting thousands deep, written as text (JSON.stringify would overflow the stack first). */
export const deepValue: fc.Arbitrary<Raw> = fc
  .tuple(fc.constantFrom(100, 2_000, 5_000, 60_000), fc.constantFrom("array", "object", "mixed"))
  .map(([n, kind]) => new Raw(kind === "array" ? "[".repeat(n) + "]".repeat(n) : kind === "object" ? '{"a":'.repeat(n) + "null" + "}".repeat(n) : '[{"a":'.repeat(n) + "1" + "}]".repeat(n)));

export const weirdKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "", "\ud800", "a.b", "0", "$where", "then", "length", "unknownField"),
  weirdString.filter((s) => s.length < 100),
);

const tree = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    fc.constantFrom(null, true, false),
    weirdNumber,
    weirdString,
    deepValue,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.tuple(weirdKey, tie("value")), { maxLength: 4 }).map((p) => new Obj(p)),
  ),
}));
/** Any hostile JSON value: wrong types, huge and deep values, lone surrogates, prototype keys. */
export const hostile: fc.Arbitrary<unknown> = tree.value;

/** A body sent as this text, JSON or not. */
export class Text {
  constructor(readonly text: string) {}
}

/** Bodies that are not JSON values at all, or not the ones expected. */
export const rawBodies = fc.constantFrom("", " ", "{", "}", "[", "nul", "null", "true", "0", '"x"', "[]", "{}", '{"a":1,"a":2}', "\u0000", "\ufeff{}", "{'a':1}", "1e309", "[1,]", '{"__proto__":{"admin":true}}').map((t) => new Text(t));

type Edit = ["set", string, unknown] | ["drop", string] | ["add", string, unknown];

function applyEdits(base: Record<string, unknown>, edits: Edit[]): Obj {
  let pairs: [string, unknown][] = Object.entries(base);
  for (const e of edits) {
    if (e[0] === "drop") pairs = pairs.filter(([k]) => k !== e[1]);
    else if (e[0] === "add") pairs.push([e[1], e[2]]);
    else {
      const i = pairs.findIndex(([k]) => k === e[1]);
      if (i >= 0) pairs[i] = [e[1], e[2]];
      else pairs.push([e[1], e[2]]);
    }
  }
  return new Obj(pairs);
}

/**
 * A valid object most of the time changed a little: a field set to a hostile value, dropped, or an unknown
 * one added; sometimes left valid, sometimes replaced by any hostile value. `fields` are the names the
 * OpenAPI document gives (so a field added to a schema is fuzzed without touching the generators).
 */
export function mutated(base: fc.Arbitrary<Record<string, unknown>>, fields: string[]): fc.Arbitrary<unknown> {
  return base.chain((b) => {
    const keys = [...new Set([...Object.keys(b), ...fields])];
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...keys), hostile).map(([k, v]): Edit => ["set", k, v]) },
      { weight: 2, arbitrary: fc.constantFrom(...keys).map((k): Edit => ["drop", k]) },
      { weight: 1, arbitrary: fc.tuple(weirdKey, hostile).map(([k, v]): Edit => ["add", k, v]) },
    );
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant(b) },
      { weight: 6, arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }).map((edits) => applyEdits(b, edits)) },
      { weight: 1, arbitrary: hostile },
    );
  });
}

/** An array body (ledger rows): a few valid rows, one of them mutated, or something else entirely. */
export function mutatedRows(row: fc.Arbitrary<Record<string, unknown>>, fields: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.array(row, { minLength: 1, maxLength: 3 }) },
    { weight: 6, arbitrary: fc.tuple(fc.array(row, { maxLength: 2 }), mutated(row, fields)).map(([ok, bad]) => [...ok, bad]) },
    { weight: 1, arbitrary: hostile.map((v) => (Array.isArray(v) ? v : [v])) },
    { weight: 1, arbitrary: hostile },
  );
}

// ---- requests -------------------------------------------------------------------------------------

export interface FuzzRequest {
  method: string;
  /** the path with its parameters, already encoded (or deliberately not) */
  path: string;
  query: [string, string][];
  /** a JSON value (Raw and Obj allowed), or Text: a body sent as this text */
  body?: unknown;
  headers: Record<string, string>;
}

/** A request, printed briefly in fast-check's counterexamples. */
export function request(r: FuzzRequest): FuzzRequest {
  return Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) });
}

/** Percent-encodes, lone surrogates included (as the bytes of their code unit: not UTF-8 the server can read). */
export function pct(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return "%" + ch.charCodeAt(0).toString(16).toUpperCase().match(/../g)!.join("%");
      }
    }).join("");
  }
}

/** Path segments that are not valid percent-encoding, or traverse. */
export const badSegments = fc.constantFrom("%", "%E0%A4%A", "%C0%80", "%FF", "%00", "..", "%2e%2e", "a%2Fb", "%20", "%ZZ", "%ED%A0%80");

export const pathParam = (good: string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...good).map(pct) }, { weight: 2, arbitrary: weirdString.filter((s) => s.length > 0 && s.length < 2000).map(pct) }, { weight: 1, arbitrary: badSegments });

export function queryOf(params: { name: string; good: string[] }[]): fc.Arbitrary<[string, string][]> {
  const one = (p: { name: string; good: string[] }) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...p.good).map((v): [string, string] => [p.name, pct(v)]) },
      { weight: 2, arbitrary: weirdString.filter((s) => s.length < 3000).map((v): [string, string] => [p.name, pct(v)]) },
      { weight: 1, arbitrary: badSegments.map((v): [string, string] => [p.name, v]) },
    );
  const extra = fc.tuple(weirdKey.filter((k) => k.length < 50), weirdString.filter((s) => s.length < 200)).map(([k, v]): [string, string] => [pct(k), pct(v)]);
  return fc
    .tuple(
      fc.subarray(params).chain((ps) => (ps.length ? fc.tuple(...ps.map(one)) : fc.constant([] as [string, string][]))),
      // the same parameter twice (express reads it as a list), or an unknown one
      fc.array(fc.oneof(params.length ? fc.constantFrom(...params).chain(one) : extra, extra), { maxLength: 2 }),
    )
    .map(([a, b]) => [...a, ...b]);
}

export interface Tokens {
  full: string;
  scoped: string[];
}

export const authHeader = (t: Tokens): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant({ authorization: `Bearer ${t.full}` }) },
    { weight: 3, arbitrary: fc.constantFrom(...t.scoped).map((s) => ({ authorization: `Bearer ${s}` })) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({}, { authorization: "Bearer" }, { authorization: `Basic ${t.full}` }, { authorization: `Bearer ${t.full}x` }, { authorization: "Bearer \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9" }) },
  );

export const bodyHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ "content-type": "application/json" }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "application/json; charset=utf-16" },
      { "content-type": "application/json; charset=latin1" },
      { "content-type": "application/json; charset=nope" },
      { "content-type": "application/merge-patch+json" },
      { "content-type": "application/json", "content-encoding": "gzip" },
      { "content-type": "application/json", "content-encoding": "br" },
      { "content-type": "application/json", "content-encoding": "deflate" },
      { "content-type": "application/json", "content-encoding": "x-nope" },
      { "content-type": "application/json", "content-encoding": "identity" },
    ),
  },
);

export function describeRequest(r: FuzzRequest): string {
  const text = bodyText(r);
  const body = text === undefined ? "" : ` ${brief(text)}`;
  return `${r.method} ${brief(urlOf(r))} ${JSON.stringify(r.headers)}${body}`;
}

export const urlOf = (r: Pick<FuzzRequest, "path" | "query">) => r.path + (r.query.length ? "?" + r.query.map(([k, v]) => `${k}=${v}`).join("&") : "");

export function bodyText(r: Pick<FuzzRequest, "body">): string | undefined {
  if (r.body === undefined) return undefined;
  if (r.body instanceof Text) return r.body.text;
  return jsonText(r.body);
}

export interface Answer {
  status: number;
  text: string;
  contentType: string;
}

export async function send(baseUrl: string, r: FuzzRequest): Promise<Answer> {
  const body = bodyText(r);
  const res = await fetch(baseUrl + urlOf(r), { method: r.method, headers: r.headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get("content-type") ?? "" };
}

// ---- what every answer must be ----------------------------------------------------------------------

const STACK = [/^\s+at .+:\d+(:\d+)?\)?$/m, /node:internal/, /file:\/\//, /\/src\/[\w/]+\.ts/, /node_modules\//, /\b(TypeError|RangeError|ReferenceError|SyntaxError): /];
export const ERROR_CODES = ["validation", "unauthorized", "forbidden", "not_found", "conflict", "stale_version", "illegal_transition", "idempotency_mismatch", "unprocessable"];

/** Problems with an answer: a 5xx, a stack trace or an error message of the runtime, an error that is not `{ error: { code, message, details } }`. */
export function answerProblems(a: Answer): string[] {
  const out: string[] = [];
  if (a.status >= 500) out.push(`status ${a.status}`);
  for (const re of STACK) if (re.test(a.text)) out.push(`looks like a stack trace or runtime error (${re})`);
  if (a.status >= 400 && a.contentType.includes("json")) {
    let e: any;
    try {
      e = JSON.parse(a.text).error;
    } catch {
      out.push("error body is not JSON");
    }
    if (e !== undefined && (!e || !ERROR_CODES.includes(e.code) || typeof e.message !== "string" || typeof e.details !== "object" || e.details === null)) {
      out.push(`error body is not { error: { code, message, details } }: ${a.text.slice(0, 200)}`);
    }
  }
  return out;
}

// ---- the database, through the store ----------------------------------------------------------------

export interface Fingerprint {
  people: number;
  customers: number;
  items: number;
  reasons: number;
  disputes: number;
  timeline: number;
  holds: number;
  outbox: number;
  runs: number;
  openSum: number;
  heldSum: number;
  /** per collection, a sha-256 of its rows (people, customers, items, reasons, disputes, holds, settings, ...) */
  digest: Record<string, string>;
}

export interface Snapshot {
  fingerprint: Fingerprint;
  /** holds above what an item still owes, or negative: none expected */
  holdProblems: string[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export async function snapshot(store: Store): Promise<Snapshot> {
  const [people, customers, reasons, disputes, holds, outbox, settings, runs] = await Promise.all([
    store.people.list(),
    store.customers.list(),
    store.reasons.list(),
    store.disputes.list({}),
    store.holds.list(),
    store.outbox.list({}),
    store.settings.get(),
    store.runs.list(1_000_000),
  ]);
  const items = customers.length ? await store.items.ofCustomers(customers.map((c) => c.id)) : [];
  const timelines = await Promise.all(disputes.map((d) => store.disputes.timeline(d.id)));
  const rows: Record<string, unknown> = { people, customers, items, reasons, disputes, holds: holds.map((h) => [h.itemId, h.disputeId, h.amount, h.kind]), settings, outbox: outbox.map((m) => m.id), runs: runs.map((r) => r.id) };
  const digest = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, crypto.createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 16)]));
  const heldOn = new Map<number, number>();
  for (const h of holds) heldOn.set(h.itemId, (heldOn.get(h.itemId) ?? 0) + h.amount);
  const holdProblems: string[] = [];
  for (const it of items) {
    const held = heldOn.get(it.id) ?? 0;
    if (held < 0 || held > Math.max(it.openAmount, 0)) holdProblems.push(`item ${it.ref} (${it.kind}) open ${it.openAmount}, held ${held}`);
  }
  return {
    fingerprint: {
      people: people.length,
      customers: customers.length,
      items: items.length,
      reasons: reasons.length,
      disputes: disputes.length,
      timeline: sum(timelines.map((t) => t.length)),
      holds: holds.length,
      outbox: outbox.length,
      runs: runs.length,
      openSum: sum(items.map((i) => i.openAmount)),
      heldSum: sum(holds.map((h) => h.amount)),
      digest,
    },
    holdProblems,
  };
}
