import fs from "node:fs";
import path from "node:path";
import { isUtf8 } from "node:buffer";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type Database from "better-sqlite3";
import { parse as parseCsvSync } from "csv-parse/sync";
import { isTimeZone, parseLooseDate } from "../domain/dates.ts";
import { AccordError } from "../domain/errors.ts";
import { currencyDigits, formatAmount, tryParseAmount } from "../domain/money.ts";
import { customerSearchKey } from "../domain/search.ts";
import { DUNNING_LEVELS, ITEM_KINDS, LOCALES, ROLES, type DunningLevel, type ItemKind } from "../domain/types.ts";
import { openSqlite } from "./sqlite.ts";

// Ledger import: people, customers and items as an ERP export gives them (CSV with `;` or `,`, decimal
// commas, dd/mm/yyyy dates, French headers) or as JSON (the REST bodies). Raw better-sqlite3 SQL only.
//
// Pipeline: text -> rows with canonical field names (parseLedgerText) -> validated records (every error
// of the file collected, with its line and field) -> one transaction of prepared upserts that write only
// the rows that differ (applyLedger). importLedger runs it off the caller's thread so the server's event
// loop never waits for a large file: one worker for small inputs; from 4 MB two, a validator streaming
// valid items to a writer that upserts them while the validator goes on, committing only after a clean
// end of file (else rolling back): all or nothing either way.
//
// Semantics worth knowing:
// - Imports are deltas, upserted by key: people by email (lower-cased), customers by ref, items by
//   (customer, ref). A row identical to what is stored is not written (its updatedAt does not move).
// - An optional field whose column is absent from the file (or whose key is absent from a JSON object)
//   keeps the stored value; a present but empty cell sets it to null / its default. So an ERP file without
//   a dunning-level column never resets the levels that Accord's dunning runs have set.
// - Line numbers: CSV lines are physical lines of the file (the header is line 1, so the first data row
//   is usually line 2). JSON has no header: `line` is the 1-based position of the object in the array
//   (first object = line 1). Errors about the file itself use line 1 (CSV header) or the failing line.
// - DateTime columns (createdAt, updatedAt) are written the way Prisma 6 with @prisma/adapter-better-sqlite3
//   writes them by default (timestampFormat "iso8601"): TEXT `2026-03-31T08:00:00.000+00:00`.

export type LedgerKind = "people" | "customers" | "items";
export const LEDGER_KINDS: readonly LedgerKind[] = ["people", "customers", "items"];
export type LedgerFormat = "csv" | "json";
export type LedgerValue = string | number | null;
export type LedgerRow = Record<string, LedgerValue>;

export interface RowError {
  line: number;
  field: string;
  message: string;
}

/** At most this many RowErrors are reported (all are counted). */
export const MAX_REPORTED_ERRORS = 100;

export type LedgerErrorDetails = {
  errors: RowError[];
  /** Number of errors found in the file, which may exceed the reported list. */
  errorCount: number;
};

function summarise(errors: readonly RowError[], total: number): string {
  const head = errors.slice(0, 3).map(formatRowError).join("; ");
  const more = total - Math.min(3, errors.length);
  return `import rejected, nothing written: ${head}${more > 0 ? ` (and ${more} more error${more === 1 ? "" : "s"})` : ""}`;
}

export function formatRowError(e: RowError): string {
  return `line ${e.line}, field ${e.field}: ${e.message}`;
}

export class LedgerError extends AccordError {
  declare readonly details: LedgerErrorDetails;
  readonly errors: RowError[];
  constructor(errors: readonly RowError[], errorCount = errors.length) {
    const list = errors.slice(0, MAX_REPORTED_ERRORS);
    super("validation", summarise(list, Math.max(errorCount, list.length)), {
      errors: list,
      errorCount: Math.max(errorCount, list.length),
    });
    this.name = "LedgerError";
    this.errors = list;
  }
}

export interface LedgerResult {
  kind: LedgerKind;
  /** Rows in the file. rows = inserted + updated + unchanged. */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Items closed by a snapshot import (open amount set to 0). */
  closed: number;
  /** Customers whose items changed (inserted, updated or closed); empty for people and customers. */
  customerIds: number[];
  /** Credit notes inserted or changed by this import. */
  creditNotes: { customerId: number; ref: string }[];
}

// ---------------------------------------------------------------------------------------------------
// Fields and header aliases

/** Lower-case, accents and everything but letters and digits removed: "Date d'échéance" -> "datedecheance". */
export function normaliseHeader(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

interface KindSpec {
  required: readonly string[];
  /** canonical field -> aliases, best first (the canonical name is always accepted). */
  aliases: Record<string, readonly string[]>;
}

const SPECS: Record<LedgerKind, KindSpec> = {
  people: {
    required: ["email", "name", "role"],
    aliases: {
      email: ["mail", "courriel", "adresse_mail", "adresse_email", "email_address", "e-mail"],
      name: ["nom", "nom_complet", "full_name", "prenom_nom", "utilisateur"],
      role: ["fonction", "profil", "profile"],
      managerEmail: ["manager", "email_manager", "responsable", "email_responsable", "n_plus_1", "superieur"],
      locale: ["langue", "language", "lang"],
      timezone: ["fuseau_horaire", "fuseau", "time_zone", "tz"],
      slackUserId: ["slack", "slack_id", "id_slack", "slack_user"],
      teamsUserId: ["teams", "teams_id", "id_teams", "teams_user"],
    },
  },
  customers: {
    required: ["ref", "name"],
    aliases: {
      ref: ["code_client", "customer_ref", "ref_client", "reference_client", "numero_client", "no_client", "n_client", "compte_client", "compte", "client", "code", "reference", "customer_code", "customer_id"],
      name: ["raison_sociale", "nom", "nom_client", "societe", "customer_name", "customer", "libelle", "denomination"],
      currency: ["devise", "monnaie"],
      salesRepEmail: ["commercial", "email_commercial", "mail_commercial", "sales_rep", "salesrep", "responsable_commercial", "vendeur"],
      controllerEmail: ["charge_de_recouvrement", "charge_recouvrement", "email_recouvrement", "recouvrement", "gestionnaire", "gestionnaire_recouvrement", "credit_controller", "controller", "controleur"],
    },
  },
  items: {
    required: ["ref", "customerRef", "kind", "issuedOn", "dueOn", "amount", "openAmount"],
    aliases: {
      ref: ["piece", "numero", "numero_piece", "num_piece", "no_piece", "n_piece", "reference", "reference_piece", "ref_piece", "document", "numero_document", "numero_facture", "n_facture", "invoice_number", "item_ref"],
      customerRef: ["code_client", "client", "customer", "customer_ref", "ref_client", "numero_client", "no_client", "n_client", "compte_client", "compte", "customer_code"],
      kind: ["type", "type_piece", "type_de_piece", "nature", "type_document", "item_kind"],
      issuedOn: ["date", "date_piece", "date_de_piece", "date_facture", "date_emission", "date_document", "date_ecriture", "issue_date", "invoice_date", "issued_on"],
      dueOn: ["echeance", "date_echeance", "date_d_echeance", "date_decheance", "due_date", "due_on"],
      amount: ["montant", "montant_ttc", "montant_initial", "montant_origine", "montant_piece", "total_ttc", "ttc", "total"],
      openAmount: ["solde", "reste_du", "reste_a_payer", "montant_restant", "montant_du", "solde_restant", "solde_du", "restant_du", "open", "balance", "open_amount"],
      currency: ["devise", "monnaie"],
      dunningLevel: ["niveau_relance", "niveau_de_relance", "relance", "niveau", "dunning_level"],
      lastDunnedOn: ["date_derniere_relance", "date_de_derniere_relance", "date_de_la_derniere_relance", "derniere_relance", "last_dunned_on", "last_dunning_date"],
    },
  },
};

/** normalised header -> [canonical field, priority] per kind. */
const ALIAS_INDEX: Record<LedgerKind, Map<string, [string, number]>> = {
  people: new Map(),
  customers: new Map(),
  items: new Map(),
};
for (const kind of LEDGER_KINDS) {
  const index = ALIAS_INDEX[kind];
  for (const [field, aliases] of Object.entries(SPECS[kind].aliases)) {
    [field, ...aliases].forEach((alias, priority) => {
      const key = normaliseHeader(alias);
      if (!index.has(key)) index.set(key, [field, priority]);
    });
  }
}

/** Which canonical field each column carries (null: ignored column). Best alias wins on a clash. */
function mapColumns(headers: readonly string[], kind: LedgerKind): (string | null)[] {
  const index = ALIAS_INDEX[kind];
  const best = new Map<string, { col: number; priority: number }>();
  headers.forEach((h, col) => {
    const hit = index.get(normaliseHeader(h));
    if (!hit) return;
    const [field, priority] = hit;
    const prev = best.get(field);
    if (!prev || priority < prev.priority) best.set(field, { col, priority });
  });
  const columns: (string | null)[] = headers.map(() => null);
  for (const [field, { col }] of best) columns[col] = field;
  return columns;
}

const FILE_NAME_HINTS: [LedgerKind, RegExp][] = [
  ["items", /item|piece|ecriture|invoice|facture|ledger|encours|balance|releve|statement/],
  ["people", /people|person|personne|user|utilisateur|equipe|team|staff|collaborateur/],
  ["customers", /customer|client|tiers|account/],
];

/** Kind from the columns (items, then people, then customers: the first whose required fields are all there), else the file name. */
export function detectLedgerKind(headers: readonly string[], fileName?: string): LedgerKind | null {
  for (const kind of ["items", "people", "customers"] as const) {
    const fields = new Set(mapColumns(headers, kind));
    if (SPECS[kind].required.every((f) => fields.has(f))) return kind;
  }
  if (fileName) {
    const base = normaliseHeader(path.basename(fileName));
    for (const [kind, re] of FILE_NAME_HINTS) if (re.test(base)) return kind;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Parsing

export interface ParseLedgerOptions {
  format?: LedgerFormat;
  kind?: LedgerKind;
  fileName?: string;
}

export interface ParsedLedger {
  kind: LedgerKind;
  rows: LedgerRow[];
  lines: number[];
}

/**
 * A parsed file: its kind, and its rows with canonical field names, visited one at a time. Lines that are
 * not rows at all (wrong number of CSV fields, broken quoting) go to `report`; without it, forEach throws
 * them as one LedgerError at the end.
 */
export interface LedgerSource {
  kind: LedgerKind;
  format: LedgerFormat;
  forEach(visit: (row: LedgerRow, line: number) => void, report?: (error: RowError) => void): void;
}

/**
 * Parses CSV or JSON into rows keyed by canonical field names (the REST names). CSV cells are trimmed
 * strings, empty cells are null; columns that map to no field are dropped. Throws LedgerError for a file
 * that cannot be read at all (unknown kind, missing required columns, broken CSV quoting, invalid JSON).
 */
export function parseLedgerText(text: string, opts: ParseLedgerOptions = {}): ParsedLedger {
  const source = openLedgerText(text, opts);
  const rows: LedgerRow[] = [];
  const lines: number[] = [];
  source.forEach((row, line) => {
    rows.push(row);
    lines.push(line);
  });
  return { kind: source.kind, rows, lines };
}

/** Bytes of a file -> text: UTF-8 (BOM stripped), else Windows-1252 as older French ERPs export. */
export function decodeLedgerBytes(buf: Buffer): string {
  let start = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const body = start ? buf.subarray(start) : buf;
  if (isUtf8(body)) return body.toString("utf8");
  try {
    return new TextDecoder("windows-1252").decode(body);
  } catch {
    return body.toString("latin1");
  }
}

function guessFormat(text: string, fileName?: string): LedgerFormat {
  const ext = fileName ? path.extname(fileName).toLowerCase() : "";
  if (ext === ".json") return "json";
  if (ext === ".csv" || ext === ".txt") return "csv";
  const m = /\S/.exec(text.slice(0, 1000));
  return m && (m[0] === "[" || m[0] === "{") ? "json" : "csv";
}

export function openLedgerText(text: string, opts: ParseLedgerOptions = {}): LedgerSource {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format = opts.format ?? guessFormat(text, opts.fileName);
  return format === "json" ? openJson(text, opts) : openCsv(text, opts);
}

const fileError = (line: number, field: string, message: string): LedgerError => new LedgerError([{ line, field, message }]);

function unknownKind(fileName?: string): LedgerError {
  return fileError(
    1,
    "kind",
    `cannot tell whether this ${fileName ? `file (${path.basename(fileName)})` : "file"} holds people, customers or items: name the columns as documented or pass the kind (--kind people|customers|items)`,
  );
}

function openJson(text: string, opts: ParseLedgerOptions): LedgerSource {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : 1;
    throw fileError(line, "json", `invalid JSON: ${msg}`);
  }
  let kind = opts.kind;
  // Also accepted: { "items": [...] } (one of people / customers / items).
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const keys = Object.keys(data).filter((k): k is LedgerKind => (LEDGER_KINDS as readonly string[]).includes(k));
    if (keys.length === 1 && Array.isArray((data as Record<string, unknown>)[keys[0]!])) {
      kind ??= keys[0];
      data = (data as Record<string, unknown>)[keys[0]!];
    }
  }
  if (!Array.isArray(data)) throw fileError(1, "json", "expected an array of objects");
  const objects = data as unknown[];
  if (!kind) {
    const keys = new Set<string>();
    for (const o of objects.slice(0, 100)) if (o && typeof o === "object") for (const k of Object.keys(o)) keys.add(k);
    kind = detectLedgerKind([...keys], opts.fileName) ?? undefined;
    if (!kind) throw unknownKind(opts.fileName);
  }
  const index = ALIAS_INDEX[kind];
  const finalKind = kind;
  return {
    kind: finalKind,
    format: "json",
    forEach(visit) {
      objects.forEach((o, i) => visit(canonicalObject(o, index), i + 1));
    },
  };
}

/** A JSON object with its keys mapped to canonical names; non-objects give an empty row (reported as missing fields). */
function canonicalObject(o: unknown, index: Map<string, [string, number]>): LedgerRow {
  const row: LedgerRow = {};
  if (!o || typeof o !== "object" || Array.isArray(o)) return row;
  const priorities: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    const hit = index.get(normaliseHeader(k));
    if (!hit) continue;
    const [field, priority] = hit;
    if (priorities[field] !== undefined && priorities[field]! <= priority) continue;
    priorities[field] = priority;
    row[field] = v === null || v === undefined ? null : typeof v === "string" || typeof v === "number" ? v : JSON.stringify(v);
  }
  return row;
}

/**
 * cells -> row object with the canonical fields, compiled once per file so every row has the same shape
 * (a plain object literal: fast to build and to read back). Field names come from the alias table.
 */
function rowFactory(mapped: readonly (readonly [number, string])[]): (cells: readonly string[]) => LedgerRow {
  const props = mapped.map(([i, f]) => `${JSON.stringify(f)}: (c = cells[${Number(i)}]) === undefined || c === "" ? null : c`);
  return new Function("cells", `let c; return { ${props.join(", ")} };`) as (cells: readonly string[]) => LedgerRow;
}

/** The delimiter of a header line: the most frequent of `;`, `,`, tab outside quotes (`;` wins ties). */
function detectDelimiter(header: string): string {
  const counts: Record<string, number> = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts[ch] !== undefined) counts[ch]!++;
  }
  let best = ";";
  for (const d of [",", "\t"]) if (counts[d]! > counts[best]!) best = d;
  return counts[best]! > 0 ? best : ",";
}

function openCsv(text: string, opts: ParseLedgerOptions): LedgerSource {
  // Skip leading blank lines; honour Excel's "sep=;" first line.
  let pos = 0;
  let line = 1;
  let delimiter: string | null = null;
  for (;;) {
    if (pos >= text.length) throw fileError(1, "file", "the file is empty");
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    const l = text.slice(pos, end).trim();
    const sep = /^sep=(.)$/i.exec(l);
    if (l !== "" && !sep) break;
    if (sep) delimiter = sep[1]!;
    pos = end + 1;
    line++;
  }
  const headerLine = line;
  let headerEnd = text.indexOf("\n", pos);
  if (headerEnd < 0) headerEnd = text.length;
  const headerText = text.slice(pos, headerEnd).replace(/\r$/, "");
  delimiter ??= detectDelimiter(headerText);
  const quoted = text.indexOf('"', pos) >= 0;
  const headers = quoted
    ? ((parseCsvSync(headerText, { delimiter, trim: true, relax_quotes: true }) as string[][])[0] ?? [])
    : headerText.split(delimiter).map((h) => h.trim());
  const kind = opts.kind ?? detectLedgerKind(headers, opts.fileName);
  if (!kind) throw unknownKind(opts.fileName);
  const columns = mapColumns(headers, kind);
  const present = new Set(columns);
  const missing = SPECS[kind].required.filter((f) => !present.has(f));
  if (missing.length) {
    throw new LedgerError(
      missing.map((f) => ({
        line: headerLine,
        field: f,
        message: `column missing (accepted headers: ${[f, ...(SPECS[kind].aliases[f] ?? [])].join(", ")})`,
      })),
    );
  }
  const mapped: [number, string][] = [];
  columns.forEach((f, i) => {
    if (f) mapped.push([i, f]);
  });
  const makeRow = rowFactory(mapped);
  const width = headers.length;
  const sep = delimiter;
  const toRow = (cells: string[], lineNo: number, visit: (row: LedgerRow, line: number) => void, report: (error: RowError) => void): void => {
    if (cells.length > width) {
      for (let i = width; i < cells.length; i++) {
        if (cells[i]!.trim() !== "") {
          report({
            line: lineNo,
            field: "row",
            message: `${cells.length} fields where the header has ${width}${sep === "," ? " (a decimal comma in a ','-separated file must be quoted)" : ""}`,
          });
          return;
        }
      }
    }
    visit(makeRow(cells), lineNo);
  };

  return {
    kind,
    format: "csv",
    forEach(visit, onError) {
      const errors: RowError[] = [];
      let errorCount = 0;
      const report =
        onError ??
        ((e: RowError): void => {
          errorCount++;
          if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
        });
      if (!quoted) {
        // Fast path (no quote character anywhere in the data): split lines and cells directly. This is
        // exactly what csv-parse does for such input, about 8 times faster.
        let p = headerEnd + 1;
        let n = headerLine + 1;
        const len = text.length;
        while (p < len) {
          let e = text.indexOf("\n", p);
          if (e < 0) e = len;
          let l = text.slice(p, e);
          if (l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
          const cells = l.split(sep);
          let empty = true;
          for (let i = 0; i < cells.length; i++) {
            const t = cells[i]!.trim();
            cells[i] = t;
            if (t !== "") empty = false;
          }
          if (!empty) toRow(cells, n, visit, report);
          p = e + 1;
          n++;
        }
      } else {
        try {
          parseCsvSync(text, {
            delimiter: sep,
            from_line: headerLine + 1,
            trim: true,
            relax_column_count: true,
            skip_empty_lines: true,
            skip_records_with_empty_values: true,
            on_record: (cells: string[], ctx) => {
              toRow(cells, ctx.lines, visit, report);
              return null;
            },
          });
        } catch (e) {
          if (e instanceof LedgerError) throw e;
          const err = e as Error & { lines?: number };
          report({ line: typeof err.lines === "number" ? err.lines : 1, field: "row", message: `CSV: ${err.message}` });
        }
      }
      if (errorCount) throw new LedgerError(errors, errorCount);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Validation

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const CURRENCY = /^[A-Z]{3}$/;

// parseLooseDate validates each date; ERP files repeat the same few thousand dates, so results are cached.
const dateCache = new Map<string, string | null>();
function cachedDate(text: string): string | null {
  let v = dateCache.get(text);
  if (v === undefined) {
    if (dateCache.size > 100_000) dateCache.clear();
    v = parseLooseDate(text);
    dateCache.set(text, v);
  }
  return v;
}

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

/** "1.234,56" and "1,234.56" (thousands separators) are also accepted. */
function amountOf(text: string, currency: string): number | null {
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

/** A value as trimmed text; null when missing or empty. */
function text(v: unknown): string | null {
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

const has = (row: Readonly<Record<string, unknown>>, field: string): boolean => Object.prototype.hasOwnProperty.call(row, field);

const kindCache = new Map<string, ItemKind | null>();
function itemKindOf(t: string): ItemKind | null {
  let k = kindCache.get(t);
  if (k === undefined) {
    k = KIND_ALIASES.get(normaliseHeader(t)) ?? null;
    if (kindCache.size < 1000) kindCache.set(t, k);
  }
  return k;
}

const currencyCache = new Map<string, string | null>();
/** "eur" -> "EUR"; null when not three letters. */
function currencyOf(t: string): string | null {
  let c = currencyCache.get(t);
  if (c === undefined) {
    const upper = t.toUpperCase();
    c = CURRENCY.test(upper) ? upper : null;
    if (currencyCache.size < 1000) currencyCache.set(t, c);
  }
  return c;
}

const levelCache = new Map<string, DunningLevel | null>();
function dunningLevelOf(t: string): DunningLevel | null {
  let l = levelCache.get(t);
  if (l === undefined) {
    l = LEVEL_ALIASES.get(normaliseHeader(t)) ?? null;
    if (levelCache.size < 1000) levelCache.set(t, l);
  }
  return l;
}

/** A cell as text: undefined when the field is absent from the row, null when empty. */
function cell(row: Readonly<Record<string, unknown>>, field: string): string | null | undefined {
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

const KIND_LABEL: Record<ItemKind, string> = { invoice: "an invoice", credit_note: "a credit note", payment: "a payment" };

interface PersonRec {
  line: number;
  email: string;
  name: string;
  role: string;
  managerEmail: string | null | undefined;
  locale: string | undefined;
  timezone: string | undefined;
  slackUserId: string | null | undefined;
  teamsUserId: string | null | undefined;
}

interface CustomerRec {
  line: number;
  ref: string;
  name: string;
  currency: string | undefined;
  salesRepEmail: string | null | undefined;
  controllerEmail: string | null | undefined;
}

interface ItemRec {
  line: number;
  customerId: number;
  ref: string;
  kind: ItemKind;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel: DunningLevel | undefined;
  lastDunnedOn: string | null | undefined;
}

/** What validation needs from the database, read once per import (no per-row SELECT). */
interface LedgerRefs {
  customers: Map<string, { id: number; currency: string }>;
  people: Set<string>;
  slackOwners: Map<string, string>;
  teamsOwners: Map<string, string>;
}

function loadRefs(db: Database.Database, kind: LedgerKind): LedgerRefs {
  const refs: LedgerRefs = { customers: new Map(), people: new Set(), slackOwners: new Map(), teamsOwners: new Map() };
  if (kind === "items") {
    for (const [id, ref, currency] of db.prepare(`SELECT "id", "ref", "currency" FROM "Customer"`).raw().iterate() as IterableIterator<[number, string, string]>) {
      refs.customers.set(ref, { id, currency });
    }
  } else {
    for (const [email, slack, teams] of db.prepare(`SELECT "email", "slackUserId", "teamsUserId" FROM "Person"`).raw().iterate() as IterableIterator<
      [string, string | null, string | null]
    >) {
      refs.people.add(email.toLowerCase());
      if (slack) refs.slackOwners.set(slack, email.toLowerCase());
      if (teams) refs.teamsOwners.set(teams, email.toLowerCase());
    }
  }
  return refs;
}

/** Validates rows one at a time into typed records, collecting every error of the file. */
class LedgerBatch {
  readonly people: PersonRec[] = [];
  readonly customers: CustomerRec[] = [];
  /** items by customer id, in the order customers first appear; their refs (-> line) for duplicates and the snapshot. */
  readonly itemsByCustomer = new Map<number, { refs: Map<string, number>; items: ItemRec[] }>();
  readonly errors: RowError[] = [];
  errorCount = 0;
  rows = 0;
  private readonly seenKeys = new Map<string, number>();

  constructor(
    readonly kind: LedgerKind,
    private readonly refs: LedgerRefs,
    /** items: receives each valid record instead of keeping it (streaming to the writer thread). */
    private readonly onItem?: (r: ItemRec) => void,
  ) {}

  error(line: number, field: string, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, field, message });
  }

  private required(row: Readonly<Record<string, unknown>>, field: string, line: number): string | null {
    const v = cell(row, field);
    if (v === null || v === undefined) {
      this.error(line, field, "is required");
      return null;
    }
    return v;
  }

  private date(text: string | null | undefined, field: string, line: number): string | null | undefined | false {
    if (text === null || text === undefined) return text;
    const d = cachedDate(text);
    if (d === null) {
      this.error(line, field, `"${text}" is not a date`);
      return false;
    }
    return d;
  }

  private email(text: string | null | undefined, field: string, line: number): string | null | undefined | false {
    if (text === null || text === undefined) return text;
    const e = text.toLowerCase();
    if (!EMAIL.test(e)) {
      this.error(line, field, `"${text}" is not an email address`);
      return false;
    }
    return e;
  }

  add(row: Readonly<Record<string, unknown>>, line: number): void {
    this.rows++;
    if (this.kind === "items") this.addItem(row, line);
    else if (this.kind === "customers") this.addCustomer(row, line);
    else this.addPerson(row, line);
  }

  private addItem(row: Readonly<Record<string, unknown>>, line: number): void {
    // Hot path (a million rows): direct property reads, cached enum and date lookups, fast amounts.
    const before = this.errorCount;
    const ref = text(row["ref"]);
    if (ref === null) this.error(line, "ref", "is required");
    const customerRef = text(row["customerRef"]);
    let customer: { id: number; currency: string } | undefined;
    if (customerRef === null) this.error(line, "customerRef", "is required");
    else {
      customer = this.refs.customers.get(customerRef);
      if (!customer) this.error(line, "customerRef", `unknown customer "${customerRef}" (import customers first)`);
    }
    const kindText = text(row["kind"]);
    let kind: ItemKind | null = null;
    if (kindText === null) this.error(line, "kind", "is required");
    else {
      kind = itemKindOf(kindText);
      if (!kind) this.error(line, "kind", `"${kindText}" is not an item kind (invoice/facture/FA, credit_note/avoir/AV, payment/reglement/RG)`);
    }
    const issuedOn = this.requiredDate(row["issuedOn"], "issuedOn", line);
    const dueOn = this.requiredDate(row["dueOn"], "dueOn", line);
    const currencyText = text(row["currency"]);
    let currency: string | null = null;
    if (currencyText !== null) {
      currency = currencyOf(currencyText);
      if (currency === null) this.error(line, "currency", `"${currencyText}" is not an ISO 4217 currency code (e.g. EUR)`);
    }
    const cur = currency ?? customer?.currency ?? "EUR";
    const amount = this.requiredAmount(row["amount"], "amount", cur, line);
    const openAmount = this.requiredAmount(row["openAmount"], "openAmount", cur, line);
    if (kind && amount !== null && openAmount !== null) {
      if (kind === "invoice") {
        if (amount < 0) this.error(line, "amount", `${KIND_LABEL[kind]}'s amount cannot be negative (got ${formatAmount(amount, cur)}); import credits as credit notes`);
        else if (openAmount < 0 || openAmount > amount)
          this.error(line, "openAmount", `${KIND_LABEL[kind]}'s open amount must be between 0 and its amount ${formatAmount(amount, cur)} (got ${formatAmount(openAmount, cur)})`);
      } else if (amount > 0) {
        this.error(line, "amount", `${KIND_LABEL[kind]}'s amount must be negative or zero (got ${formatAmount(amount, cur)})`);
      } else if (openAmount > 0 || openAmount < amount) {
        this.error(line, "openAmount", `${KIND_LABEL[kind]}'s open amount must be between its amount ${formatAmount(amount, cur)} and 0 (got ${formatAmount(openAmount, cur)})`);
      }
    }
    // Optional fields: absent (undefined) keeps the stored value; present but empty resets it.
    let dunningLevel: DunningLevel | undefined;
    const levelValue = row["dunningLevel"];
    if (levelValue !== undefined || has(row, "dunningLevel")) {
      const levelText = text(levelValue);
      dunningLevel = levelText === null ? "none" : (dunningLevelOf(levelText) ?? undefined);
      if (!dunningLevel) this.error(line, "dunningLevel", `"${levelText}" is not a dunning level (0..5, none, notice/prevenance, R1..R5)`);
    }
    let lastDunnedOn: string | null | undefined;
    const lastValue = row["lastDunnedOn"];
    if (lastValue !== undefined || has(row, "lastDunnedOn")) {
      const lastText = text(lastValue);
      lastDunnedOn = lastText === null ? null : cachedDate(lastText);
      if (lastDunnedOn === null && lastText !== null) this.error(line, "lastDunnedOn", `"${lastText}" is not a date`);
    }
    if (!customer || ref === null) return;
    let bucket = this.itemsByCustomer.get(customer.id);
    if (!bucket) this.itemsByCustomer.set(customer.id, (bucket = { refs: new Map(), items: [] }));
    const first = bucket.refs.get(ref);
    if (first !== undefined) {
      this.error(line, "ref", `duplicate item "${ref}" of customer "${customerRef}" (first on line ${first})`);
      return;
    }
    bucket.refs.set(ref, line);
    if (CONTROL_CHARS.test(ref)) this.error(line, "ref", `"${JSON.stringify(ref).slice(1, -1)}" contains control characters`);
    if (this.errorCount > 0) return; // once the file is rejected, stop keeping records
    const rec: ItemRec = {
      line,
      customerId: customer.id,
      ref,
      kind: kind!,
      issuedOn: issuedOn!,
      dueOn: dueOn!,
      amount: amount!,
      openAmount: openAmount!,
      currency: cur,
      dunningLevel,
      lastDunnedOn,
    };
    if (this.onItem) this.onItem(rec);
    else bucket.items.push(rec);
  }

  private requiredDate(value: unknown, field: string, line: number): string | null {
    const t = text(value);
    if (t === null) {
      this.error(line, field, "is required");
      return null;
    }
    const d = cachedDate(t);
    if (d === null) this.error(line, field, `"${t}" is not a date`);
    return d;
  }

  private requiredAmount(value: unknown, field: string, currency: string, line: number): number | null {
    const t = text(value);
    if (t === null) {
      this.error(line, field, "is required");
      return null;
    }
    const a = amountOf(t, currency);
    if (a === null) this.error(line, field, `"${t}" is not an amount in ${currency}`);
    return a;
  }

  private addCustomer(row: Readonly<Record<string, unknown>>, line: number): void {
    const before = this.errorCount;
    const ref = this.required(row, "ref", line);
    const name = this.required(row, "name", line);
    const currencyText = cell(row, "currency");
    let currency: string | undefined;
    if (currencyText === null) currency = "EUR";
    else if (currencyText !== undefined) {
      currency = currencyText.toUpperCase();
      if (!CURRENCY.test(currency)) this.error(line, "currency", `"${currencyText}" is not an ISO 4217 currency code (e.g. EUR)`);
    }
    const emails: Record<"salesRepEmail" | "controllerEmail", string | null | undefined> = { salesRepEmail: undefined, controllerEmail: undefined };
    for (const field of ["salesRepEmail", "controllerEmail"] as const) {
      const e = this.email(cell(row, field), field, line);
      if (e === false) continue;
      if (e && !this.refs.people.has(e)) this.error(line, field, `unknown person "${e}" (import people first)`);
      emails[field] = e;
    }
    if (ref !== null) {
      const first = this.seenKeys.get(ref);
      if (first !== undefined) this.error(line, "ref", `duplicate customer "${ref}" (first on line ${first})`);
      else this.seenKeys.set(ref, line);
    }
    if (this.errorCount !== before) return;
    this.customers.push({ line, ref: ref!, name: name!, currency, salesRepEmail: emails.salesRepEmail, controllerEmail: emails.controllerEmail });
  }

  private readonly pendingManagers: { line: number; email: string; manager: string }[] = [];
  private readonly fileSlack = new Map<string, { line: number; email: string }>();
  private readonly fileTeams = new Map<string, { line: number; email: string }>();

  private addPerson(row: Readonly<Record<string, unknown>>, line: number): void {
    const before = this.errorCount;
    const email = this.email(this.required(row, "email", line), "email", line);
    const name = this.required(row, "name", line);
    const roleText = this.required(row, "role", line);
    let role: string | undefined;
    if (roleText !== null) {
      role = ROLE_ALIASES.get(normaliseHeader(roleText));
      if (!role) this.error(line, "role", `"${roleText}" is not a role (${ROLES.join(", ")})`);
    }
    const manager = this.email(cell(row, "managerEmail"), "managerEmail", line);
    if (manager && email && manager === email) this.error(line, "managerEmail", "a person cannot be their own manager");
    else if (manager && email) this.pendingManagers.push({ line, email, manager });
    const localeText = cell(row, "locale");
    let locale: string | undefined;
    if (localeText === null) locale = "fr";
    else if (localeText !== undefined) {
      locale = localeText.slice(0, 2).toLowerCase();
      if (!(LOCALES as readonly string[]).includes(locale) || !/^[a-z]{2}([-_][a-z]{2})?$/i.test(localeText))
        this.error(line, "locale", `"${localeText}" is not a supported locale (${LOCALES.join(", ")})`);
    }
    const tzText = cell(row, "timezone");
    let timezone: string | undefined;
    if (tzText === null) timezone = "Europe/Paris";
    else if (tzText !== undefined) {
      timezone = tzText;
      if (!isTimeZone(tzText)) this.error(line, "timezone", `"${tzText}" is not an IANA time zone (e.g. Europe/Paris)`);
    }
    const slackUserId = cell(row, "slackUserId");
    const teamsUserId = cell(row, "teamsUserId");
    if (email) {
      for (const [field, id, inFile] of [
        ["slackUserId", slackUserId, this.fileSlack],
        ["teamsUserId", teamsUserId, this.fileTeams],
      ] as const) {
        if (!id) continue;
        const other = inFile.get(id);
        if (other && other.email !== email) this.error(line, field, `"${id}" is already given to ${other.email} on line ${other.line}`);
        else inFile.set(id, { line, email });
      }
      const first = this.seenKeys.get(email);
      if (first !== undefined) this.error(line, "email", `duplicate person "${email}" (first on line ${first})`);
      else this.seenKeys.set(email, line);
    }
    if (this.errorCount !== before || !email || !role) return;
    this.people.push({ line, email, name: name!, role, managerEmail: manager === false ? undefined : manager, locale, timezone, slackUserId, teamsUserId });
  }

  /** Checks that need the whole file, then throws LedgerError when anything was wrong. */
  finish(): void {
    if (this.kind === "people") {
      for (const p of this.pendingManagers) {
        if (!this.refs.people.has(p.manager) && !this.seenKeys.has(p.manager)) {
          this.error(p.line, "managerEmail", `unknown person "${p.manager}" (neither in the database nor in this file)`);
        }
      }
      const byEmail = new Map(this.people.map((p) => [p.email, p]));
      for (const [field, inFile, owners] of [
        ["slackUserId", this.fileSlack, this.refs.slackOwners],
        ["teamsUserId", this.fileTeams, this.refs.teamsOwners],
      ] as const) {
        for (const [id, { line, email }] of inFile) {
          const owner = owners.get(id);
          if (!owner || owner === email) continue;
          const ownerRow = byEmail.get(owner);
          const released = ownerRow !== undefined && ownerRow[field] !== undefined && ownerRow[field] !== id;
          if (!released) this.error(line, field, `"${id}" already belongs to ${owner}`);
        }
      }
      this.errors.sort((a, b) => a.line - b.line);
    }
    if (this.errorCount > 0) throw new LedgerError(this.errors, this.errorCount);
  }
}

// ---------------------------------------------------------------------------------------------------
// Writing

/** A DateTime as Prisma 6 stores it on SQLite through @prisma/adapter-better-sqlite3 (timestampFormat "iso8601"). */
export function sqliteDateTime(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

interface Column {
  name: string;
  /** optional columns keep the stored value when absent from the row (bit in the statement mask). */
  optional?: boolean;
  /** value inserted when an optional column is absent. */
  insertDefault?: string;
}

/**
 * `INSERT ... VALUES (...)×rows ON CONFLICT (key) DO UPDATE SET <columns> WHERE <any column differs>`.
 * Parameters are positional, per row: one per column in `columns` order; createdAt / updatedAt are the
 * import's timestamp. Optional columns whose bit is not in `mask` are inserted with their default (their
 * parameter is null) and are neither updated nor compared.
 */
function upsertSql(table: string, key: readonly string[], columns: readonly Column[], mask: number, rows: number, now: string): string {
  const q = (c: string): string => `"${c}"`;
  let bit = 0;
  const values: string[] = [];
  const updated: string[] = [];
  for (const c of columns) {
    let included = true;
    if (c.optional) {
      included = (mask & (1 << bit)) !== 0;
      bit++;
    }
    values.push(!included && c.insertDefault !== undefined ? `COALESCE(?, ${c.insertDefault})` : "?");
    if (included && !key.includes(c.name)) updated.push(c.name);
  }
  // The import's timestamp is a constant of the statement: two parameters less to bind per row.
  const stamp = `'${now.replace(/'/g, "''")}'`;
  const tuple = `(${[...values, stamp, stamp].join(", ")})`;
  return `INSERT INTO ${q(table)} (${[...columns.map((c) => q(c.name)), q("createdAt"), q("updatedAt")].join(", ")})
    VALUES ${Array.from({ length: rows }, () => tuple).join(", ")}
    ON CONFLICT (${key.map(q).join(", ")}) DO UPDATE SET ${[...updated.map((c) => `${q(c)} = excluded.${q(c)}`), `"updatedAt" = excluded."updatedAt"`].join(", ")}
    WHERE ${updated.map((c) => `${q(table)}.${q(c)} IS NOT excluded.${q(c)}`).join(" OR ")}`;
}

const ITEM_COLUMNS: Column[] = [
  { name: "customerId" },
  { name: "ref" },
  { name: "kind" },
  { name: "issuedOn" },
  { name: "dueOn" },
  { name: "amount" },
  { name: "openAmount" },
  { name: "currency" },
  { name: "dunningLevel", optional: true, insertDefault: "'none'" },
  { name: "lastDunnedOn", optional: true },
];
const CUSTOMER_COLUMNS: Column[] = [
  { name: "ref" },
  { name: "name" },
  // customerSearchKey(ref, name), always written and compared: a changed name re-keys the row.
  { name: "searchKey" },
  { name: "currency", optional: true, insertDefault: "'EUR'" },
  { name: "salesRepEmail", optional: true },
  { name: "controllerEmail", optional: true },
];
const PERSON_COLUMNS: Column[] = [
  { name: "email" },
  { name: "name" },
  { name: "role" },
  { name: "managerEmail", optional: true },
  { name: "locale", optional: true, insertDefault: "'fr'" },
  { name: "timezone", optional: true, insertDefault: "'Europe/Paris'" },
  { name: "slackUserId", optional: true },
  { name: "teamsUserId", optional: true },
];

/** Prepared upserts of one table, per optional-column mask and number of rows per statement. */
class Upserts {
  private readonly statements = new Map<number, Database.Statement>();
  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly key: readonly string[],
    private readonly columns: readonly Column[],
    private readonly now: string,
  ) {}

  /** Upserts `rows` rows; returns how many were inserted or actually changed (`.changes`). */
  run(mask: number, rows: number, params: unknown[]): number {
    const id = mask * 4096 + rows;
    let stmt = this.statements.get(id);
    if (!stmt) this.statements.set(id, (stmt = this.db.prepare(upsertSql(this.table, this.key, this.columns, mask, rows, this.now))));
    return stmt.run(params).changes;
  }
}

const countRows = (db: Database.Database, table: string): number => db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get() as number;

function sqliteErrorMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return `${err.code ?? "error"}: ${err.message ?? String(e)}`;
}

const isConstraintError = (e: unknown): boolean => String((e as { code?: unknown }).code ?? "").startsWith("SQLITE_CONSTRAINT");

const ITEM_WIDTH = 10;
/** Rows per multi-row item upsert (amortises the per-statement cost of the driver). */
const ITEM_CHUNK = 64;

/**
 * Writes items in multi-row upserts of up to ITEM_CHUNK rows, inside the caller's transaction, and knows
 * exactly which rows changed: a statement that changed none or all of its rows says so by its `.changes`;
 * in between (rare: a delta touching part of a chunk), it is rolled back to a savepoint and replayed row by row.
 */
class ItemWriter {
  private readonly upserts: Upserts;
  private readonly existingCustomers: Set<number>;
  private readonly countBefore: number;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly params: unknown[] = new Array(ITEM_CHUNK * ITEM_WIDTH);
  private pendingMask = -1;
  private pending = 0;
  private readonly pendingCustomer: number[] = new Array(ITEM_CHUNK);
  private readonly pendingRef: string[] = new Array(ITEM_CHUNK);
  private readonly pendingCredit: boolean[] = new Array(ITEM_CHUNK);
  private readonly pendingLine: number[] = new Array(ITEM_CHUNK);
  /** The file's refs per customer, for the snapshot. */
  private readonly fileRefs: Map<number, Set<string>> | null;
  readonly changedCustomers = new Set<number>();
  readonly creditNotes: { customerId: number; ref: string }[] = [];
  readonly errors: RowError[] = [];
  changed = 0;
  rows = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly now: string,
    snapshot: boolean,
  ) {
    this.upserts = new Upserts(db, "Item", ["customerId", "ref"], ITEM_COLUMNS, now);
    // Read inside the write transaction: validation may have seen the customers before the lock was taken.
    this.existingCustomers = new Set(db.prepare(`SELECT "id" FROM "Customer"`).pluck().all() as number[]);
    this.countBefore = countRows(db, "Item");
    this.savepoint = db.prepare("SAVEPOINT ledger_chunk");
    this.release = db.prepare("RELEASE ledger_chunk");
    this.rollback = db.prepare("ROLLBACK TO ledger_chunk");
    this.fileRefs = snapshot ? new Map() : null;
  }

  /** mask: bit 0 = dunningLevel given, bit 1 = lastDunnedOn given (absent fields keep the stored value). */
  add(
    line: number,
    customerId: number,
    ref: string,
    kind: ItemKind,
    issuedOn: string,
    dueOn: string,
    amount: number,
    openAmount: number,
    currency: string,
    dunningLevel: string | null,
    lastDunnedOn: string | null,
    mask: number,
  ): void {
    this.rows++;
    if (!this.existingCustomers.has(customerId)) {
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, field: "customerRef", message: "the customer no longer exists (deleted during the import)" });
      return;
    }
    if (this.fileRefs) {
      let refs = this.fileRefs.get(customerId);
      if (!refs) this.fileRefs.set(customerId, (refs = new Set()));
      refs.add(ref);
    }
    if (mask !== this.pendingMask || this.pending === ITEM_CHUNK) this.flush();
    this.pendingMask = mask;
    const j = this.pending++;
    const p = this.params;
    const o = j * ITEM_WIDTH;
    p[o] = customerId;
    p[o + 1] = ref;
    p[o + 2] = kind;
    p[o + 3] = issuedOn;
    p[o + 4] = dueOn;
    p[o + 5] = amount;
    p[o + 6] = openAmount;
    p[o + 7] = currency;
    p[o + 8] = dunningLevel;
    p[o + 9] = lastDunnedOn;
    this.pendingCustomer[j] = customerId;
    this.pendingRef[j] = ref;
    this.pendingCredit[j] = kind === "credit_note";
    this.pendingLine[j] = line;
  }

  private mark(j: number): void {
    const customerId = this.pendingCustomer[j]!;
    this.changedCustomers.add(customerId);
    if (this.pendingCredit[j]) this.creditNotes.push({ customerId, ref: this.pendingRef[j]! });
  }

  flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    const mask = this.pendingMask;
    const params = n === ITEM_CHUNK ? this.params : this.params.slice(0, n * ITEM_WIDTH);
    this.savepoint.run();
    let changes = -1;
    try {
      changes = this.upserts.run(mask, n, params);
    } catch (e) {
      if (!isConstraintError(e)) throw e;
    }
    if (changes === 0) {
      this.release.run();
      return;
    }
    if (changes === n) {
      for (let j = 0; j < n; j++) this.mark(j);
      this.changed += n;
      this.release.run();
      return;
    }
    // Part of the chunk changed (or a constraint failed): replay row by row to know which.
    this.rollback.run();
    for (let j = 0; j < n; j++) {
      try {
        const c = this.upserts.run(mask, 1, this.params.slice(j * ITEM_WIDTH, (j + 1) * ITEM_WIDTH));
        if (c) {
          this.mark(j);
          this.changed += c;
        }
      } catch (e) {
        if (!isConstraintError(e)) throw e;
        if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line: this.pendingLine[j]!, field: "row", message: sqliteErrorMessage(e) });
      }
    }
    this.release.run();
  }

  /** Flushes, applies the snapshot (closes the open items of the file's customers it does not list), counts. */
  finish(): { inserted: number; updated: number; closed: number } {
    this.flush();
    let closed = 0;
    if (this.fileRefs && this.errors.length === 0) {
      const open = this.db.prepare(`SELECT "id", "ref" FROM "Item" WHERE "customerId" = ? AND "openAmount" <> 0`).raw();
      const close = this.db.prepare(`UPDATE "Item" SET "openAmount" = 0, "updatedAt" = ? WHERE "id" = ?`);
      for (const [customerId, refs] of this.fileRefs) {
        for (const [id, ref] of open.all(customerId) as [number, string][]) {
          if (refs.has(ref)) continue;
          close.run(this.now, id);
          closed++;
          this.changedCustomers.add(customerId);
        }
      }
    }
    const inserted = countRows(this.db, "Item") - this.countBefore;
    return { inserted, updated: this.changed - inserted, closed };
  }

  result(): LedgerResult {
    if (this.errors.length) throw new LedgerError(this.errors);
    const { inserted, updated, closed } = this.finish();
    if (this.errors.length) throw new LedgerError(this.errors);
    return {
      kind: "items",
      rows: this.rows,
      inserted,
      updated,
      unchanged: this.rows - inserted - updated,
      closed,
      customerIds: [...this.changedCustomers].sort((a, b) => a - b),
      creditNotes: this.creditNotes,
    };
  }
}

const itemMask = (r: ItemRec): number => (r.dunningLevel !== undefined ? 1 : 0) | (r.lastDunnedOn !== undefined ? 2 : 0);

/** Validated people or customers (small: written one statement per row). */
function writeRecords(db: Database.Database, kind: "people" | "customers", people: readonly PersonRec[], customers: readonly CustomerRec[], now: string): LedgerResult {
  const errors: RowError[] = [];
  const table = kind === "people" ? "Person" : "Customer";
  const before = countRows(db, table);
  let changed = 0;
  const guard = (line: number, fn: () => number): void => {
    try {
      changed += fn();
    } catch (e) {
      if (!isConstraintError(e)) throw e;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, field: "row", message: sqliteErrorMessage(e) });
    }
  };
  if (kind === "customers") {
    const up = new Upserts(db, "Customer", ["ref"], CUSTOMER_COLUMNS, now);
    for (const r of customers) {
      const mask = (r.currency !== undefined ? 1 : 0) | (r.salesRepEmail !== undefined ? 2 : 0) | (r.controllerEmail !== undefined ? 4 : 0);
      guard(r.line, () => up.run(mask, 1, [r.ref, r.name, customerSearchKey(r), r.currency ?? null, r.salesRepEmail ?? null, r.controllerEmail ?? null]));
    }
  } else {
    const up = new Upserts(db, "Person", ["email"], PERSON_COLUMNS, now);
    for (const r of people) {
      const mask =
        (r.managerEmail !== undefined ? 1 : 0) |
        (r.locale !== undefined ? 2 : 0) |
        (r.timezone !== undefined ? 4 : 0) |
        (r.slackUserId !== undefined ? 8 : 0) |
        (r.teamsUserId !== undefined ? 16 : 0);
      guard(r.line, () =>
        up.run(mask, 1, [r.email, r.name, r.role, r.managerEmail ?? null, r.locale ?? null, r.timezone ?? null, r.slackUserId ?? null, r.teamsUserId ?? null]),
      );
    }
  }
  if (errors.length) throw new LedgerError(errors);
  const rows = kind === "people" ? people.length : customers.length;
  const inserted = countRows(db, table) - before;
  return { kind, rows, inserted, updated: changed - inserted, unchanged: rows - changed, closed: 0, customerIds: [], creditNotes: [] };
}

/** Writes a validated batch inside the caller's transaction. */
function writeBatch(db: Database.Database, batch: LedgerBatch, opts: { snapshot?: boolean; now: Date }): LedgerResult {
  const now = sqliteDateTime(opts.now);
  if (batch.kind !== "items") return writeRecords(db, batch.kind, batch.people, batch.customers, now);
  const writer = new ItemWriter(db, now, opts.snapshot ?? false);
  // Customer by customer: neighbouring rows of the unique index, and whole chunks of one customer.
  for (const { items } of batch.itemsByCustomer.values()) {
    for (const r of items) {
      writer.add(r.line, r.customerId, r.ref, r.kind, r.issuedOn, r.dueOn, r.amount, r.openAmount, r.currency, r.dunningLevel ?? null, r.lastDunnedOn ?? null, itemMask(r));
    }
  }
  return writer.result();
}

export interface ApplyLedgerOptions {
  /** items only: close (open amount 0) the open items of the file's customers that the file does not list. */
  snapshot?: boolean;
  now: Date;
  /** Line number of each row for error messages (default: 1-based index, as for JSON). */
  lines?: readonly number[];
}

/**
 * Validates rows (canonical field names, as from parseLedgerText or a REST body) against the database and
 * applies them in one IMMEDIATE transaction. Throws LedgerError (nothing written) when any row is wrong.
 * Synchronous: for large files use importLedger, which runs this work off the caller's event loop.
 */
export function applyLedger(db: Database.Database, kind: LedgerKind, rows: readonly Readonly<Record<string, unknown>>[], opts: ApplyLedgerOptions): LedgerResult {
  if (opts.snapshot && kind !== "items") throw fileError(1, "snapshot", "a snapshot import applies to items only");
  return db
    .transaction(() => {
      const batch = new LedgerBatch(kind, loadRefs(db, kind));
      rows.forEach((row, i) => batch.add(row, opts.lines?.[i] ?? i + 1));
      batch.finish();
      return writeBatch(db, batch, opts);
    })
    .immediate();
}

// ---------------------------------------------------------------------------------------------------
// Worker-backed import

export interface ImportLedgerInput {
  /** Absolute path of the SQLite database (already migrated). */
  databaseFile: string;
  /** The file's content, or */
  text?: string;
  /** a file the worker reads itself (large files never cross postMessage), or */
  path?: string;
  /** rows already parsed (a REST body), with canonical or alias field names (kind detected when not given). */
  rows?: readonly Record<string, unknown>[];
  format?: LedgerFormat;
  kind?: LedgerKind;
  /** Used for kind and format detection with `text` (defaults to the basename of `path`). */
  fileName?: string;
  snapshot?: boolean;
  now?: Date;
}

/** The job as sent to a worker (workerData): ImportLedgerInput with `now` as epoch milliseconds. */
export interface LedgerJob extends Omit<ImportLedgerInput, "now"> {
  now: number;
}

export type SerialisedError = { name: string; message: string; code?: string; details?: Record<string, unknown>; stack?: string };

export type LedgerJobReply = { ok: true; result: LedgerResult } | { ok: false; error: SerialisedError };

/** What ledgerWorker.ts runs: the whole job, or one half of a pipelined job (see importLedger). */
export type LedgerWorkerData =
  | { role: "job"; job: LedgerJob }
  | { role: "validator"; job: LedgerJob; port: MessagePort }
  | { role: "writer"; job: LedgerJob; port: MessagePort };

function jobSource(job: LedgerJob): LedgerSource {
  if (job.rows) {
    const rows = job.rows;
    const keys = new Set<string>();
    for (const o of rows.slice(0, 100)) if (o && typeof o === "object") for (const k of Object.keys(o)) keys.add(k);
    const kind = job.kind ?? detectLedgerKind([...keys]);
    if (!kind) throw unknownKind();
    if (job.snapshot && kind !== "items") throw fileError(1, "snapshot", "a snapshot import applies to items only");
    const index = ALIAS_INDEX[kind];
    return { kind, format: "json", forEach: (visit) => rows.forEach((o, i) => visit(canonicalObject(o, index), i + 1)) };
  }
  const fileName = job.fileName ?? (job.path ? path.basename(job.path) : undefined);
  let content: string;
  if (job.text !== undefined) content = job.text;
  else if (job.path) {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(job.path);
    } catch (e) {
      throw fileError(0, "file", `cannot read ${job.path}: ${(e as Error).message}`);
    }
    content = decodeLedgerBytes(buf);
  } else throw fileError(0, "file", "nothing to import: give text, path or rows");
  const source = openLedgerText(content, { ...(job.format ? { format: job.format } : {}), ...(job.kind ? { kind: job.kind } : {}), ...(fileName ? { fileName } : {}) });
  if (job.snapshot && source.kind !== "items") throw fileError(1, "snapshot", "a snapshot import applies to items only");
  return source;
}

/** The import's own connection: a bigger page cache for the indexes, memory-mapped reads. */
function openForImport(databaseFile: string): Database.Database {
  const db = openSqlite(databaseFile);
  db.pragma("cache_size = -131072"); // 128 MB
  db.pragma("mmap_size = 1073741824"); // reads of existing pages without a system call each
  db.pragma("temp_store = MEMORY");
  // Foreign keys were checked by validation and are re-checked inside the write transaction
  // (ItemWriter), so SQLite's per-row FK lookups are skipped on this connection.
  db.pragma("foreign_keys = OFF");
  return db;
}

/** Parse, validate and apply one import on its own connection, in one thread (small imports). */
export function runLedgerJob(job: LedgerJob): LedgerResult {
  const source = jobSource(job);
  const db = openForImport(job.databaseFile);
  try {
    // Validation reads the references outside the write lock; only the writes hold it.
    const batch = new LedgerBatch(source.kind, loadRefs(db, source.kind));
    source.forEach(
      (row, line) => batch.add(row, line),
      (e) => batch.error(e.line, e.field, e.message),
    );
    batch.finish();
    return db.transaction(() => writeBatch(db, batch, { snapshot: job.snapshot ?? false, now: new Date(job.now) })).immediate();
  } finally {
    db.close();
  }
}

// Pipelined import (large files, two threads): the validator parses and validates and streams the valid
// item records to the writer in columnar chunks; the writer upserts them inside one transaction while the
// validator goes on, then commits when the validator reports a clean file, or rolls back.

const CHUNK_ROWS = 8192;
const KIND_CODES: readonly ItemKind[] = ITEM_KINDS;
const LEVEL_CODES: readonly DunningLevel[] = DUNNING_LEVELS;
const SEP = "\u0001"; // refs cannot contain control characters (validated)

interface ItemChunk {
  n: number;
  lines: Int32Array;
  customerIds: Int32Array;
  kinds: Uint8Array;
  /** bit 0: dunningLevel given; bit 1: lastDunnedOn given. */
  masks: Uint8Array;
  levels: Uint8Array;
  amounts: Float64Array;
  openAmounts: Float64Array;
  /** issuedOn, dueOn, currency, lastDunnedOn per row (4 slots) as indexes into `table`; -1 for null. */
  codes: Int32Array;
  /** The chunk's distinct dates and currencies, joined by SEP. */
  table: string;
  /** The refs, joined by SEP. */
  refs: string;
}

type ValidatorMessage =
  | { type: "start"; kind: LedgerKind }
  | { type: "items"; chunk: ItemChunk }
  | { type: "done"; rows: number; people: PersonRec[]; customers: CustomerRec[] }
  | { type: "error"; error: SerialisedError };

class ChunkEncoder {
  private chunk = ChunkEncoder.empty();
  private refs: string[] = [];
  private table: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly port: MessagePort) {}

  private static empty(): ItemChunk {
    return {
      n: 0,
      lines: new Int32Array(CHUNK_ROWS),
      customerIds: new Int32Array(CHUNK_ROWS),
      kinds: new Uint8Array(CHUNK_ROWS),
      masks: new Uint8Array(CHUNK_ROWS),
      levels: new Uint8Array(CHUNK_ROWS),
      amounts: new Float64Array(CHUNK_ROWS),
      openAmounts: new Float64Array(CHUNK_ROWS),
      codes: new Int32Array(CHUNK_ROWS * 4),
      table: "",
      refs: "",
    };
  }

  /** Dates and currencies repeat: each distinct value travels once per chunk. */
  private code(value: string | null | undefined): number {
    if (value == null) return -1;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.table.length;
      this.table.push(value);
      this.index.set(value, i);
    }
    return i;
  }

  add(r: ItemRec): void {
    const c = this.chunk;
    const j = c.n++;
    c.lines[j] = r.line;
    c.customerIds[j] = r.customerId;
    c.kinds[j] = KIND_CODES.indexOf(r.kind);
    c.masks[j] = itemMask(r);
    c.levels[j] = r.dunningLevel === undefined ? 0 : LEVEL_CODES.indexOf(r.dunningLevel);
    c.amounts[j] = r.amount;
    c.openAmounts[j] = r.openAmount;
    const o = j * 4;
    c.codes[o] = this.code(r.issuedOn);
    c.codes[o + 1] = this.code(r.dueOn);
    c.codes[o + 2] = this.code(r.currency);
    c.codes[o + 3] = this.code(r.lastDunnedOn);
    this.refs.push(r.ref);
    if (c.n === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    const c = this.chunk;
    if (c.n === 0) return;
    c.refs = this.refs.join(SEP);
    c.table = this.table.join(SEP);
    const message: ValidatorMessage = { type: "items", chunk: c };
    const buffers = [c.lines, c.customerIds, c.kinds, c.masks, c.levels, c.amounts, c.openAmounts, c.codes].map((a) => a.buffer as ArrayBuffer);
    this.port.postMessage(message, buffers);
    this.chunk = ChunkEncoder.empty();
    this.refs = [];
    this.table = [];
    this.index.clear();
  }
}

/** Validator half of a pipelined import: never writes; streams valid items, reports errors at the end. */
export function runLedgerValidator(job: LedgerJob, port: MessagePort): void {
  const post = (m: ValidatorMessage): void => port.postMessage(m);
  try {
    const source = jobSource(job);
    post({ type: "start", kind: source.kind });
    const readDb = new BetterSqlite3(job.databaseFile, { readonly: true, fileMustExist: true });
    let refs: LedgerRefs;
    try {
      readDb.pragma("busy_timeout = 5000");
      refs = loadRefs(readDb, source.kind);
    } finally {
      readDb.close();
    }
    const encoder = source.kind === "items" ? new ChunkEncoder(port) : null;
    const batch = new LedgerBatch(source.kind, refs, encoder ? (r) => encoder.add(r) : undefined);
    source.forEach(
      (row, line) => batch.add(row, line),
      (e) => batch.error(e.line, e.field, e.message),
    );
    batch.finish();
    encoder?.flush();
    post({ type: "done", rows: batch.rows, people: batch.people, customers: batch.customers });
  } catch (e) {
    post({ type: "error", error: serialiseError(e) });
  }
}

/** Writer half of a pipelined import: one IMMEDIATE transaction, committed only after a clean "done". */
export function runLedgerWriter(job: LedgerJob, port: MessagePort): Promise<LedgerResult> {
  return new Promise<LedgerResult>((resolve, reject) => {
    const db = openForImport(job.databaseFile);
    const now = sqliteDateTime(new Date(job.now));
    let writer: ItemWriter | null = null;
    let kind: LedgerKind | null = null;
    let settled = false;
    const settle = (error: unknown, result?: LedgerResult): void => {
      if (settled) return;
      settled = true;
      try {
        if (db.inTransaction) db.exec(error ? "ROLLBACK" : "COMMIT");
      } catch (e) {
        error ??= e;
      }
      db.close();
      port.close();
      if (error) reject(error);
      else resolve(result!);
    };
    port.on("message", (m: ValidatorMessage) => {
      if (settled) return;
      try {
        switch (m.type) {
          case "start":
            kind = m.kind;
            db.exec("BEGIN IMMEDIATE");
            if (kind === "items") writer = new ItemWriter(db, now, job.snapshot ?? false);
            break;
          case "items": {
            const w = writer;
            if (!w) throw new Error("items before start");
            const c = m.chunk;
            const refs = c.refs.split(SEP);
            const table = c.table.split(SEP);
            const codes = c.codes;
            for (let j = 0; j < c.n; j++) {
              const mask = c.masks[j]!;
              const o = j * 4;
              const last = codes[o + 3]!;
              w.add(
                c.lines[j]!,
                c.customerIds[j]!,
                refs[j]!,
                KIND_CODES[c.kinds[j]!]!,
                table[codes[o]!]!,
                table[codes[o + 1]!]!,
                c.amounts[j]!,
                c.openAmounts[j]!,
                table[codes[o + 2]!]!,
                mask & 1 ? LEVEL_CODES[c.levels[j]!]! : null,
                last < 0 ? null : table[last]!,
                mask,
              );
            }
            break;
          }
          case "done":
            if (!kind) throw new Error("done before start");
            settle(null, writer ? writer.result() : writeRecords(db, kind === "people" ? "people" : "customers", m.people, m.customers, now));
            break;
          case "error":
            settle(reviveError(m.error));
            break;
        }
      } catch (e) {
        settle(e);
      }
    });
    port.on("close", () => settle(new Error("the validating thread stopped before the end of the file")));
  });
}

let workerBootstrap: string | undefined;
/**
 * The workers' code: register tsx's ESM hooks inside the worker, then import ledgerWorker.ts. On Node 20
 * neither the parent's `--import tsx` nor `execArgv: ["--import", "tsx"]` lets a worker load a .ts entry
 * (ERR_UNKNOWN_FILE_EXTENSION); registering from inside the worker works under the tsx CLI and vitest alike.
 */
function bootstrapCode(): string {
  if (!workerBootstrap) {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve("tsx/package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { exports: Record<string, { import?: { default?: string } }> };
    const api = pkg.exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
    const apiUrl = pathToFileURL(path.join(path.dirname(pkgFile), api)).href;
    const entryUrl = new URL("./ledgerWorker.ts", import.meta.url).href;
    workerBootstrap = `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); });`;
  }
  return workerBootstrap;
}

/** From this size (bytes of text) an import is pipelined over two threads. */
const PIPELINE_MIN_BYTES = 4 * 1024 * 1024;
/** A larger young generation: a million short-lived row objects, fewer promotions to the old space. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 96 };

function startWorker(data: LedgerWorkerData, transfer: MessagePort[] = []): Worker {
  return new Worker(bootstrapCode(), { eval: true, workerData: data, transferList: transfer, resourceLimits: RESOURCE_LIMITS });
}

/**
 * Runs parse + validate + apply off the caller's thread, so its event loop stays free: one worker for
 * small inputs; for large ones (≥ 4 MB) two, the validator streaming valid rows to the writer while it
 * goes on. Resolves with the result; rejects with LedgerError (same details as applyLedger, nothing
 * written) or the worker's error.
 */
export async function importLedger(input: ImportLedgerInput): Promise<LedgerResult> {
  const { now, ...rest } = input;
  const job: LedgerJob = { ...rest, now: (now ?? new Date()).getTime() };
  let size = 0;
  if (job.text !== undefined) size = job.text.length;
  else if (job.path && !job.rows) size = await fs.promises.stat(job.path).then((st) => st.size, () => 0);
  const pipelined = !job.rows && size >= PIPELINE_MIN_BYTES;
  return new Promise<LedgerResult>((resolve, reject) => {
    let settled = false;
    let validator: Worker | null = null;
    let validatorCrash: Error | undefined;
    let main: Worker;
    if (pipelined) {
      const { port1, port2 } = new MessageChannel();
      // The writer reads the job's options only; the text goes to the validator alone.
      const { text: _text, ...writerJob } = job;
      main = startWorker({ role: "writer", job: writerJob, port: port1 }, [port1]);
      validator = startWorker({ role: "validator", job, port: port2 }, [port2]);
      // The validator reports through the writer; its crash closes the channel, which the writer reports,
      // and the crash itself is what the caller gets.
      validator.on("error", (e) => {
        validatorCrash ??= e;
      });
    } else {
      main = startWorker({ role: "job", job });
    }
    const done = (error: unknown, result?: LedgerResult): void => {
      if (settled) return;
      settled = true;
      void validator?.terminate();
      if (error) reject(validatorCrash && !(error instanceof LedgerError) ? validatorCrash : error);
      else resolve(result!);
    };
    main.once("message", (reply: LedgerJobReply) => done(reply.ok ? null : reviveError(reply.error), reply.ok ? reply.result : undefined));
    main.once("error", (e) => done(e));
    main.once("exit", (code) => done(new Error(`ledger import worker exited with code ${code} before answering`)));
  });
}

/** Error -> plain object for postMessage. */
export function serialiseError(e: unknown): SerialisedError {
  if (e instanceof AccordError) return { name: e.name, message: e.message, code: e.code, details: e.details, ...(e.stack ? { stack: e.stack } : {}) };
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: "Error", message: String(e) };
}

function reviveError(e: SerialisedError): Error {
  if (e.name === "LedgerError" && e.details) {
    const d = e.details as Partial<LedgerErrorDetails>;
    return new LedgerError(d.errors ?? [], d.errorCount);
  }
  const err = e.code ? new AccordError(e.code as AccordError["code"], e.message, e.details ?? {}) : new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}
