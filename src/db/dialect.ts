import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";

// Everything that differs between SQLite and PostgreSQL, in one place. Queries elsewhere are plain
// Kysely; they ask this module for the few fragments that cannot be written once.
//
// Values: on both backends the store sees DateTime columns as Date, Boolean as boolean and BigInt money
// as number. PostgreSQL gives that through pg's type parsers (connect.ts: int8 -> number); on SQLite
// the driver (sqliteDriver.ts) converts parameters (Date -> ISO text, boolean -> 0/1) and result
// columns by their declared type (DATETIME -> Date, BOOLEAN -> boolean) with the functions below.
// Bytes (BLOB on SQLite, bytea on PostgreSQL: Chart.png) need nothing here: better-sqlite3 and pg both bind
// a Buffer as is and read the column back as a Buffer.

export type DialectName = "sqlite" | "postgres";

export interface Dialect {
  readonly name: DialectName;
  /** `ref IN (values)` with one parameter whatever the length (one statement text, no parameter limit). */
  inList(ref: Expression<unknown> | string, values: readonly (number | string)[]): RawBuilder<SqlBool>;
  /** The one parameter of an `inList`: JSON text on SQLite, an array on PostgreSQL. */
  listParam(values: readonly (number | string)[]): unknown;
  /** `inList` with its parameter given (from `listParam`, or a placeholder of one in a query shape). */
  inListParam(ref: Expression<unknown> | string, param: unknown): RawBuilder<SqlBool>;
  /** `position of needle in ref > 0`: a plain substring test, no wildcards. */
  contains(ref: string, needle: string): RawBuilder<SqlBool>;
  /** JSON array `[[itemId, amount], …]` of a dispute's items, as a scalar sub-select (parse with `jsonValue`). */
  disputeItemsJson(disputeIdRef: string): RawBuilder<unknown>;
  /** A JSON column or aggregate as it arrives: text on SQLite, already parsed on PostgreSQL. */
  jsonValue<T>(v: unknown): T;
  /** Row locks for the rest of the transaction (`FOR UPDATE`); SQLite's write lock already serialises writers. */
  readonly rowLocks: boolean;
  /** A UNIQUE or PRIMARY KEY violation. */
  isUniqueViolation(e: unknown): boolean;
  /** Whole seconds from DateTime `from` to DateTime `to` (an integer). */
  secondsBetween(fromRef: string, toRef: string): RawBuilder<number>;
  /** A text column compared byte by byte in ORDER BY (PostgreSQL's collation would order punctuation otherwise). */
  byteOrder(ref: string): RawBuilder<string>;
}

const refOf = (ref: Expression<unknown> | string) => (typeof ref === "string" ? sql.ref(ref) : ref);

export const sqliteDialect: Dialect = {
  name: "sqlite",
  inList: (ref, values) => sqliteDialect.inListParam(ref, JSON.stringify(values)),
  listParam: (values) => JSON.stringify(values),
  inListParam: (ref, param) => sql<SqlBool>`${refOf(ref)} IN (SELECT value FROM json_each(${param}))`,
  contains: (ref, needle) => sql<SqlBool>`instr(${sql.ref(ref)}, ${needle}) > 0`,
  disputeItemsJson: (d) =>
    sql`(SELECT json_group_array(json_array(di."itemId", di."amount")) FROM "DisputeItem" di WHERE di."disputeId" = ${sql.ref(d)})`,
  jsonValue: <T>(v: unknown) => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T)),
  rowLocks: false,
  isUniqueViolation: (e) => {
    const code = (e as { code?: unknown } | null)?.code;
    return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  },
  // julianday reads the ISO text DateTime forms (with an offset or Z)
  secondsBetween: (a, b) => sql<number>`cast(round((julianday(${sql.ref(b)}) - julianday(${sql.ref(a)})) * 86400) as integer)`,
  byteOrder: (ref) => sql<string>`${sql.ref(ref)}`,
};

export const postgresDialect: Dialect = {
  name: "postgres",
  // pg sends a JS array as an array literal; PostgreSQL infers its element type from the column.
  inList: (ref, values) => postgresDialect.inListParam(ref, values),
  listParam: (values) => values,
  inListParam: (ref, param) => sql<SqlBool>`${refOf(ref)} = ANY(${param})`,
  contains: (ref, needle) => sql<SqlBool>`strpos(${sql.ref(ref)}, ${needle}) > 0`,
  disputeItemsJson: (d) =>
    sql`(SELECT coalesce(json_agg(json_build_array(di."itemId", di."amount")), '[]'::json) FROM "DisputeItem" di WHERE di."disputeId" = ${sql.ref(d)})`,
  jsonValue: <T>(v: unknown) => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T)),
  rowLocks: true,
  isUniqueViolation: (e) => (e as { code?: unknown } | null)?.code === "23505",
  secondsBetween: (a, b) => sql<number>`cast(round(extract(epoch from (${sql.ref(b)} - ${sql.ref(a)}))) as bigint)`,
  byteOrder: (ref) => sql<string>`${sql.ref(ref)} COLLATE "C"`,
};

export const dialects: Record<DialectName, Dialect> = { sqlite: sqliteDialect, postgres: postgresDialect };

// ---- SQLite value conversion ------------------------------------------------------------------

/** The last instant written and its text. */
let lastWritten = { ms: Number.NaN, text: "" };

/**
 * A DateTime as Prisma 6 writes it on SQLite (timestampFormat "iso8601"): TEXT `2026-03-10T09:00:00.000+00:00`.
 * Existing databases hold this form, so the store keeps writing it.
 */
export function toSqliteTime(d: Date): string {
  // a use case writes the same instant several times (its `now`: updatedAt, the timeline's at, a hold's since)
  const ms = d.getTime();
  if (ms === lastWritten.ms) return lastWritten.text;
  const text = d.toISOString().replace("Z", "+00:00");
  lastWritten = { ms, text };
  return text;
}

/**
 * Reads a SQLite DateTime: ISO text with any offset, text without an offset as UTC (CURRENT_TIMESTAMP
 * `2026-03-10 09:00:00`), a date alone as UTC midnight, an integer as epoch ms (Prisma's default writer).
 */
export function fromSqliteTime(v: unknown): Date {
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  if (typeof v !== "string") throw new TypeError(`not a DateTime column value: ${String(v)}`);
  const n = v.length;
  const last = v.charCodeAt(n - 1);
  if (last === 90 /* Z */ || last === 122 /* z */ || (n > 6 && (v[n - 6] === "+" || v[n - 6] === "-") && v[n - 3] === ":")) return new Date(v);
  if (n <= 10) return new Date(v);
  if (/[+-]\d\d(:?\d\d)?$/.test(v.slice(10))) return new Date(v);
  return new Date(`${v.replace(" ", "T")}Z`);
}

/** A parameter as better-sqlite3 binds it: Date -> DateTime text, boolean -> 0/1; the rest as is. */
export function toSqliteParam(v: unknown): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return toSqliteTime(v);
  return v;
}

/**
 * DateTime texts read lately and their instants: a use case reads the same rows again and again (a
 * customer's disputes for every hold re-derivation), and a Map lookup costs less than parsing the text.
 * Each read still gets a Date of its own. Emptied when full.
 */
const readTimes = new Map<string, number>();
const MAX_READ_TIMES = 20_000;

function readSqliteTime(v: unknown): Date {
  if (typeof v !== "string") return fromSqliteTime(v);
  const ms = readTimes.get(v);
  if (ms !== undefined) return new Date(ms);
  const d = fromSqliteTime(v);
  if (readTimes.size >= MAX_READ_TIMES) readTimes.clear();
  readTimes.set(v, d.getTime());
  return d;
}

/** How a result column is read back, from its declared type; null: as it comes. */
export function sqliteColumnReader(declaredType: string | null): ((v: unknown) => unknown) | null {
  switch (declaredType?.toUpperCase()) {
    case "DATETIME":
      return (v) => (v === null ? null : readSqliteTime(v));
    case "BOOLEAN":
      return (v) => (v === null ? null : v !== 0 && v !== 0n);
    default:
      return null;
  }
}
