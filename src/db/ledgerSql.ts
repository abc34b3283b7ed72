import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { LedgerChange, LedgerDeps } from "../app/ledgerChanged.ts";
import type { Dialect, DialectName } from "./dialect.ts";
import type { Database } from "./schema.ts";

// What the two ledger writers (ledgerSqlite.ts, ledgerPostgres.ts) share: the tables' columns, the one
// upsert statement that writes only the rows that differ, the import's timestamp literal, and the
// ledger's effects (holds, awaited credit notes, outbox) run inside the import's own transaction.

export interface Column {
  name: string;
  /** PostgreSQL type of the column in the staging table. */
  pgType: string;
  /** optional columns keep the stored value when absent from the row (bit in the statement mask). */
  optional?: boolean;
  /** value inserted when an optional column is absent. */
  insertDefault?: string;
}

export interface TableSpec {
  table: "Item" | "Customer" | "Person";
  key: readonly string[];
  columns: readonly Column[];
}

export const ITEM_TABLE: TableSpec = {
  table: "Item",
  key: ["customerId", "ref"],
  columns: [
    { name: "customerId", pgType: "int4" },
    { name: "ref", pgType: "text" },
    { name: "kind", pgType: "text" },
    { name: "issuedOn", pgType: "text" },
    { name: "dueOn", pgType: "text" },
    { name: "amount", pgType: "int8" },
    { name: "openAmount", pgType: "int8" },
    { name: "currency", pgType: "text" },
    { name: "dunningLevel", pgType: "text", optional: true, insertDefault: "'none'" },
    { name: "lastDunnedOn", pgType: "text", optional: true },
  ],
};

export const CUSTOMER_TABLE: TableSpec = {
  table: "Customer",
  key: ["ref"],
  columns: [
    { name: "ref", pgType: "text" },
    { name: "name", pgType: "text" },
    // customerSearchKey(ref, name), always written and compared: a changed name re-keys the row.
    { name: "searchKey", pgType: "text" },
    { name: "currency", pgType: "text", optional: true, insertDefault: "'EUR'" },
    { name: "salesRepEmail", pgType: "text", optional: true },
    { name: "controllerEmail", pgType: "text", optional: true },
  ],
};

export const PERSON_TABLE: TableSpec = {
  table: "Person",
  key: ["email"],
  columns: [
    { name: "email", pgType: "text" },
    { name: "name", pgType: "text" },
    { name: "role", pgType: "text" },
    { name: "managerEmail", pgType: "text", optional: true },
    { name: "locale", pgType: "text", optional: true, insertDefault: "'fr'" },
    { name: "timezone", pgType: "text", optional: true, insertDefault: "'Europe/Paris'" },
    { name: "slackUserId", pgType: "text", optional: true },
    { name: "teamsUserId", pgType: "text", optional: true },
  ],
};

const q = (c: string): string => `"${c}"`;

/**
 * The import's timestamp as a constant of its statements (createdAt / updatedAt): on SQLite the text
 * `sqliteText` makes of it (dialect.ts toSqliteTime, as the store writes DateTimes), on PostgreSQL a
 * timestamptz literal.
 */
export function timestampLiteral(dialect: DialectName, now: Date, sqliteText?: (d: Date) => string): string {
  if (dialect === "postgres") return `'${now.toISOString()}'::timestamptz`;
  if (!sqliteText) throw new Error("a SQLite timestamp needs its text form");
  return `'${sqliteText(now).replace(/'/g, "''")}'`;
}

/**
 * Where the upserted rows come from: `values` rows of positional parameters (`?`, one per column in
 * `columns` order, per row), or a SELECT from a staging table `relation` (same column names) filtered
 * by `where` and ordered by its `line` column.
 */
export type UpsertSource = { values: number } | { relation: string; where: string };

/**
 * `INSERT ... ON CONFLICT (key) DO UPDATE SET <columns> WHERE <any column differs>`: a row identical to
 * the stored one is not written (its updatedAt does not move). Optional columns whose bit is not in
 * `mask` are inserted with their default and are neither updated nor compared. From a staging table,
 * rows identical to the stored ones are left out before the upsert, so they are not even locked.
 */
export function upsertSql(dialect: DialectName, spec: TableSpec, mask: number, source: UpsertSource, stamp: string): string {
  const { table, key, columns } = spec;
  const staged = "relation" in source;
  const distinct = dialect === "sqlite" ? "IS NOT" : "IS DISTINCT FROM";
  let bit = 0;
  const values: string[] = [];
  const updated: string[] = [];
  for (const c of columns) {
    let included = true;
    if (c.optional) {
      included = (mask & (1 << bit)) !== 0;
      bit++;
    }
    const param = staged ? `s.${q(c.name)}` : "?";
    values.push(!included && c.insertDefault !== undefined ? `COALESCE(${param}, ${c.insertDefault})` : param);
    if (included && !key.includes(c.name)) updated.push(c.name);
  }
  const target = `INSERT INTO ${q(table)} (${[...columns.map((c) => q(c.name)), q("createdAt"), q("updatedAt")].join(", ")})`;
  const conflict = `ON CONFLICT (${key.map(q).join(", ")}) DO UPDATE SET ${[...updated.map((c) => `${q(c)} = excluded.${q(c)}`), `"updatedAt" = excluded."updatedAt"`].join(", ")}
    WHERE ${updated.map((c) => `${q(table)}.${q(c)} ${distinct} excluded.${q(c)}`).join(" OR ")}`;
  if (!staged) {
    const tuple = `(${[...values, stamp, stamp].join(", ")})`;
    return `${target}
    VALUES ${Array.from({ length: source.values }, () => tuple).join(", ")}
    ${conflict}`;
  }
  const same = [...key.map((c) => `t.${q(c)} = s.${q(c)}`), ...updated.map((c) => `t.${q(c)} IS NOT DISTINCT FROM s.${q(c)}`)].join(" AND ");
  return `${target}
    SELECT ${[...values, stamp, stamp].join(", ")} FROM ${source.relation} s
    WHERE (${source.where}) AND NOT EXISTS (SELECT 1 FROM ${q(table)} t WHERE ${same})
    ORDER BY s."line"
    ${conflict}`;
}

// ---- the ledger's effects ----------------------------------------------------------------------

let effectModules: Promise<[typeof import("../app/ledgerChanged.ts"), typeof import("./store.ts")]> | undefined;
/**
 * The store and the use cases, loaded on first use: a validating thread never needs them, and a writing
 * thread starts loading them when its import starts (loadEffectModules() then) rather than at its end.
 */
export function loadEffectModules(): Promise<[typeof import("../app/ledgerChanged.ts"), typeof import("./store.ts")]> {
  return (effectModules ??= Promise.all([import("../app/ledgerChanged.ts"), import("./store.ts")]));
}

export interface LedgerEffectsResult {
  holdChanges: number;
  creditNotesMatched: number;
  changedDisputeIds: number[];
}

export const NO_EFFECTS: LedgerEffectsResult = { holdChanges: 0, creditNotesMatched: 0, changedDisputeIds: [] };

/**
 * Inside the import's transaction, on its connection (`db` runs every statement directly there): awaited
 * credit notes matched, holds of the customers whose items changed re-derived, outbox written (webhook).
 */
export async function applyLedgerEffects(
  db: Kysely<Database>,
  dialect: Dialect,
  change: LedgerChange,
  opts: { collectionsMode: LedgerDeps["collectionsMode"]; now: Date },
): Promise<LedgerEffectsResult> {
  if (!change.customerIds.length && !change.creditNotes.length) return NO_EFFECTS;
  const [{ applyLedgerChange }, { repositoriesOn }] = await loadEffectModules();
  const deps: LedgerDeps = { collectionsMode: opts.collectionsMode, newId: () => crypto.randomUUID() };
  const r = await applyLedgerChange(repositoriesOn(db, dialect), deps, change, opts.now);
  return { holdChanges: r.holdChanges, creditNotesMatched: r.creditNotesMatched, changedDisputeIds: r.changedDisputeIds };
}
