import type BetterSqlite3 from "better-sqlite3";
import { customerSearchKey } from "../domain/search.ts";
import type { ItemKind } from "../domain/types.ts";
import { LedgerError, MAX_REPORTED_ERRORS, snapshotNotItems, type RowError } from "../ledger/errors.ts";
import type { LedgerKind } from "../ledger/headers.ts";
import type { LedgerResult, LedgerWriter, ValidatedFile } from "../ledger/pipeline.ts";
import {
  customerMask,
  emptyRefs,
  itemMask,
  LedgerValidator,
  personMask,
  type CustomerRec,
  type ItemRec,
  type LedgerRefs,
  type PersonRec,
} from "../ledger/validate.ts";
import type { LedgerDeps } from "../app/ledgerChanged.ts";
import { sqliteDialect, toSqliteTime } from "./dialect.ts";
import { applyLedgerEffects, CUSTOMER_TABLE, ITEM_TABLE, loadEffectModules, NO_EFFECTS, PERSON_TABLE, timestampLiteral, upsertSql, type TableSpec } from "./ledgerSql.ts";
import { loadSqliteRefs } from "./ledgerRefs.ts";
import { openSqlite } from "./sqlite.ts";
import { DEFAULT_LOCK_TIMEOUT_MS, isBusy, StoreBusyError } from "./sqliteDriver.ts";

// The ledger import's SQLite writer: prepared multi-row upserts (ledgerSql.ts) inside one BEGIN IMMEDIATE
// transaction on the import's own connection, which knows exactly which rows changed; the snapshot's
// closing and the ledger's effects (holds, credit notes, outbox) in that same transaction.

/**
 * Page cache of the import's connection (the default is 2 MB): most of two Item indexes of a million
 * rows. More made no measurable difference to the bench, and it all counts in the process's memory.
 */
const IMPORT_CACHE_KIB = 32 * 1024;

/** The import's own connection: a bigger page cache for the indexes, no memory-mapped reads (they count as the process's memory). */
export function openForImport(databaseFile: string): BetterSqlite3.Database {
  const db = openSqlite(databaseFile);
  db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  db.pragma("temp_store = MEMORY"); // savepoints' sub-journals (and a snapshot's keys)
  // Foreign keys were checked by validation and are re-checked inside the write transaction
  // (ItemWriter), so SQLite's per-row FK lookups are skipped on this connection.
  db.pragma("foreign_keys = OFF");
  // The commit must not checkpoint its (large) WAL before the import answers: see SqliteLedgerWriter.finish.
  db.pragma("wal_autocheckpoint = 0");
  return db;
}

/** Prepared upserts of one table, per optional-column mask and number of rows per statement. */
class Upserts {
  private readonly statements = new Map<number, BetterSqlite3.Statement>();
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly spec: TableSpec,
    private readonly now: Date,
  ) {}

  /** Upserts `rows` rows; returns how many were inserted or actually changed (`.changes`). */
  run(mask: number, rows: number, params: unknown[]): number {
    const id = mask * 4096 + rows;
    let stmt = this.statements.get(id);
    if (!stmt) this.statements.set(id, (stmt = this.db.prepare(upsertSql("sqlite", this.spec, mask, { values: rows }, timestampLiteral("sqlite", this.now, toSqliteTime)))));
    return stmt.run(params).changes;
  }
}

const countRows = (db: BetterSqlite3.Database, table: string): number => db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get() as number;

function sqliteErrorMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return `${err.code ?? "error"}: ${err.message ?? String(e)}`;
}

const isConstraintError = (e: unknown): boolean => String((e as { code?: unknown }).code ?? "").startsWith("SQLITE_CONSTRAINT");

const ITEM_WIDTH = 10;
/** Rows per multi-row item upsert (amortises the per-statement cost of the driver). */
const ITEM_CHUNK = 64;

type RowsResult = Omit<LedgerResult, "holdChanges" | "creditNotesMatched" | "changedDisputeIds">;

/**
 * Writes items in multi-row upserts of up to ITEM_CHUNK rows, inside the caller's transaction, and knows
 * exactly which rows changed: a statement that changed none or all of its rows says so by its `.changes`;
 * in between (rare: a delta touching part of a chunk), it is rolled back to a savepoint and replayed row
 * by row. A snapshot keeps the file's keys in a temporary table and closes the rest in one statement.
 */
export class ItemWriter {
  private readonly upserts: Upserts;
  private readonly existingCustomers: Set<number>;
  private readonly countBefore: number;
  private readonly savepoint: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private readonly seen: BetterSqlite3.Statement | null = null;
  private readonly params: unknown[] = new Array(ITEM_CHUNK * ITEM_WIDTH);
  private pendingMask = -1;
  private pending = 0;
  private readonly pendingCustomer: number[] = new Array(ITEM_CHUNK);
  private readonly pendingRef: string[] = new Array(ITEM_CHUNK);
  private readonly pendingCredit: boolean[] = new Array(ITEM_CHUNK);
  private readonly pendingLine: number[] = new Array(ITEM_CHUNK);
  readonly changedCustomers = new Set<number>();
  readonly creditNotes: { customerId: number; ref: string }[] = [];
  readonly errors: RowError[] = [];
  changed = 0;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly now: Date,
    private readonly snapshot: boolean,
  ) {
    this.upserts = new Upserts(db, ITEM_TABLE, now);
    // Read inside the write transaction: validation may have seen the customers before the lock was taken.
    this.existingCustomers = new Set(db.prepare(`SELECT "id" FROM "Customer"`).pluck().all() as number[]);
    this.countBefore = countRows(db, "Item");
    this.savepoint = db.prepare("SAVEPOINT ledger_chunk");
    this.release = db.prepare("RELEASE ledger_chunk");
    this.rollback = db.prepare("ROLLBACK TO ledger_chunk");
    if (snapshot) {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS "ledger_seen" ("customerId" INTEGER NOT NULL, "ref" TEXT NOT NULL, PRIMARY KEY ("customerId", "ref")) WITHOUT ROWID`);
      db.exec(`DELETE FROM temp."ledger_seen"`);
      this.seen = db.prepare(`INSERT OR IGNORE INTO temp."ledger_seen" ("customerId", "ref") VALUES (?, ?)`);
    }
  }

  add(r: ItemRec): void {
    this.addRow(r.line, r.customerId, r.ref, r.kind, r.issuedOn, r.dueOn, r.amount, r.openAmount, r.currency, r.dunningLevel ?? null, r.lastDunnedOn ?? null, itemMask(r));
  }

  /** One item as primitives (the two-thread import decodes its chunks straight into this). mask: itemMask. */
  addRow(
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
    if (!this.existingCustomers.has(customerId)) {
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, field: "customerRef", message: "the customer no longer exists (deleted during the import)" });
      return;
    }
    this.seen?.run(customerId, ref);
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
    this.pendingCredit[j] = kind === ("credit_note" satisfies ItemKind);
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
  result(rows: number): RowsResult {
    if (this.errors.length) throw new LedgerError(this.errors);
    this.flush();
    if (this.errors.length) throw new LedgerError(this.errors);
    let closed = 0;
    if (this.snapshot) {
      const stmt = this.db.prepare(
        `UPDATE "Item" SET "openAmount" = 0, "updatedAt" = ?
         WHERE "customerId" IN (SELECT DISTINCT "customerId" FROM temp."ledger_seen") AND "openAmount" <> 0
           AND NOT EXISTS (SELECT 1 FROM temp."ledger_seen" s WHERE s."customerId" = "Item"."customerId" AND s."ref" = "Item"."ref")
         RETURNING "customerId"`,
      );
      for (const customerId of stmt.pluck().iterate(toSqliteTime(this.now)) as IterableIterator<number>) {
        closed++;
        this.changedCustomers.add(customerId);
      }
      this.db.exec(`DROP TABLE temp."ledger_seen"`);
    }
    const inserted = countRows(this.db, "Item") - this.countBefore;
    const updated = this.changed - inserted;
    return {
      kind: "items",
      rows,
      inserted,
      updated,
      unchanged: rows - inserted - updated,
      closed,
      customerIds: [...this.changedCustomers].sort((a, b) => a - b),
      creditNotes: this.creditNotes,
    };
  }
}

/** Validated people or customers (small: written one statement per row). */
export function writeSqliteRecords(db: BetterSqlite3.Database, kind: "people" | "customers", people: readonly PersonRec[], customers: readonly CustomerRec[], now: Date): RowsResult {
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
    const up = new Upserts(db, CUSTOMER_TABLE, now);
    for (const r of customers) {
      guard(r.line, () => up.run(customerMask(r), 1, [r.ref, r.name, customerSearchKey(r), r.currency ?? null, r.salesRepEmail ?? null, r.controllerEmail ?? null]));
    }
  } else {
    const up = new Upserts(db, PERSON_TABLE, now);
    for (const r of people) {
      guard(r.line, () => up.run(personMask(r), 1, [r.email, r.name, r.role, r.managerEmail ?? null, r.locale ?? null, r.timezone ?? null, r.slackUserId ?? null, r.teamsUserId ?? null]));
    }
  }
  if (errors.length) throw new LedgerError(errors);
  const rows = kind === "people" ? people.length : customers.length;
  const inserted = countRows(db, table) - before;
  return { kind, rows, inserted, updated: changed - inserted, unchanged: rows - changed, closed: 0, customerIds: [], creditNotes: [] };
}

export interface SqliteImportOptions {
  snapshot: boolean;
  now: Date;
  collectionsMode: LedgerDeps["collectionsMode"];
  /** Test hook: called right before COMMIT and right after it. */
  onCommit?: (when: "before" | "after") => void;
  /**
   * In the server's own thread (a small batch run inline): wait for the write lock with a setTimeout
   * backoff instead of SQLite's busy_timeout, which would block the event loop, and with it the server's
   * own transaction that holds the lock, until the timeout.
   */
  inline?: boolean;
}

/** BEGIN IMMEDIATE, retried after a backoff (5 ms doubling to 200 ms) while another connection writes. */
async function beginImmediateAsync(db: BetterSqlite3.Database, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<void> {
  db.pragma("busy_timeout = 0");
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      db.exec("BEGIN IMMEDIATE");
      return;
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() > deadline) throw new StoreBusyError(`the database stayed locked by another writer for ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * The SQLite side of one import (LedgerWriter) on its own connection: reads the references, then holds
 * the write lock (BEGIN IMMEDIATE) from the first item to the COMMIT that follows the ledger's effects.
 */
export class SqliteLedgerWriter implements LedgerWriter {
  private items: ItemWriter | null = null;
  private kind: LedgerKind | null = null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly opts: SqliteImportOptions & { loadRefs?: boolean },
  ) {}

  async start(kind: LedgerKind): Promise<LedgerRefs> {
    if (this.opts.snapshot && kind !== "items") throw snapshotNotItems();
    this.kind = kind;
    // Validation reads the references outside the write lock; only the writes hold it.
    const refs = this.opts.loadRefs === false ? emptyRefs() : loadSqliteRefs(this.db, kind);
    void loadEffectModules().catch(() => undefined); // needed at the end: loaded meanwhile
    if (this.opts.inline) await beginImmediateAsync(this.db);
    else this.db.exec("BEGIN IMMEDIATE");
    if (kind === "items") this.items = new ItemWriter(this.db, this.opts.now, this.opts.snapshot);
    return refs;
  }

  item(r: ItemRec): void {
    this.items!.add(r);
  }

  /** The item writer, for the two-thread import's decoder (rows straight from its chunks). */
  get itemRows(): ItemWriter | null {
    return this.items;
  }

  between(): undefined {
    return undefined;
  }

  async finish(file: ValidatedFile): Promise<LedgerResult> {
    const { db, opts } = this;
    const rows = this.items ? this.items.result(file.rows) : writeSqliteRecords(db, this.kind === "people" ? "people" : "customers", file.people, file.customers, opts.now);
    const { kyselyOnSqlite } = await import("./connect.ts");
    const { db: kysely } = kyselyOnSqlite(db);
    const effects = await applyLedgerEffects(kysely, sqliteDialect, rows, { collectionsMode: opts.collectionsMode, now: opts.now });
    opts.onCommit?.("before");
    db.exec("COMMIT");
    opts.onCommit?.("after");
    // Committed: answer now. Closing checkpoints the WAL when no other connection has the file open (else
    // the server's checkpointer does, as for its own writes); the import's thread does it after replying.
    setImmediate(() => db.close());
    return { ...rows, ...effects };
  }

  async abort(): Promise<void> {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.db.close();
  }
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
 * writes them in one IMMEDIATE transaction on the caller's connection, synchronously. Throws LedgerError
 * (nothing written) when any row is wrong. Rows only: the ledger's effects (holds, credit notes) are
 * importLedger's (seeding, tests).
 */
export function applyLedgerSync(db: BetterSqlite3.Database, kind: LedgerKind, rows: readonly Readonly<Record<string, unknown>>[], opts: ApplyLedgerOptions): LedgerResult {
  if (opts.snapshot && kind !== "items") throw snapshotNotItems();
  return db
    .transaction((): LedgerResult => {
      const items = kind === "items" ? new ItemWriter(db, opts.now, opts.snapshot ?? false) : null;
      const v = new LedgerValidator(kind, loadSqliteRefs(db, kind), items ? (r) => items.add(r) : undefined);
      rows.forEach((row, i) => v.add(row, opts.lines?.[i] ?? i + 1));
      v.finish();
      const written = items ? items.result(v.rows) : writeSqliteRecords(db, kind === "people" ? "people" : "customers", v.people, v.customers, opts.now);
      return { ...written, ...NO_EFFECTS, changedDisputeIds: [] };
    })
    .immediate();
}

