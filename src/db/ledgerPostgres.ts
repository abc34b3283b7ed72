import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { LedgerDeps } from "../app/ledgerChanged.ts";
import { customerSearchKey } from "../domain/search.ts";
import { ErrorList, LedgerError, snapshotNotItems } from "../ledger/errors.ts";
import type { LedgerKind } from "../ledger/headers.ts";
import type { LedgerResult, LedgerWriter, ValidatedFile } from "../ledger/pipeline.ts";
import { customerMask, itemMask, personMask, type CustomerRec, type ItemRec, type LedgerRefs, type PersonRec } from "../ledger/validate.ts";
import { kyselyOnPgClient } from "./connect.ts";
import { postgresDialect } from "./dialect.ts";
import { loadPostgresRefs } from "./ledgerRefs.ts";
import { applyLedgerEffects, CUSTOMER_TABLE, ITEM_TABLE, loadEffectModules, PERSON_TABLE, timestampLiteral, upsertSql, type TableSpec } from "./ledgerSql.ts";

// The ledger import's PostgreSQL writer, on one pg client inside one transaction: valid rows are COPYed
// (pg-copy-streams, text format) into a temporary staging table batch by batch, and each batch is
// written by one set-based `INSERT ... SELECT ... ON CONFLICT ... DO UPDATE ... WHERE <changed>` (rows
// identical to the stored ones left out first, so they are neither written nor locked). The database
// works on a batch while the import's thread parses the next one. Then the snapshot's closing, the
// ledger's effects (holds, credit notes, outbox) and COMMIT, or ROLLBACK on any error.

/** Rows per staging batch (about 4 MB of COPY text for items). */
const BATCH_ROWS = 65_536;
/** Batches handed to the database and not yet written: parsing waits beyond this. */
const MAX_QUEUED = 2;
/** First size of a batch's COPY buffer (it grows when a batch needs more). */
const BUFFER_BYTES = 8 << 20;
/** Imports take turns (two imports upserting the same rows in different orders would deadlock). */
const LEDGER_LOCK_KEY = 72_707_370;

const STAGING = `"ledger_batch"`;
const SEEN = `"ledger_seen"`;

/** A value in COPY's text format. */
function copyText(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "number") return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : v;
}

const isConstraintError = (e: unknown): boolean => String((e as { code?: unknown }).code ?? "").startsWith("23");
const pgErrorMessage = (e: unknown): string => {
  const err = e as { code?: string; message?: string };
  return `${err.code ?? "error"}: ${err.message ?? String(e)}`;
};

/**
 * One batch's COPY text, as UTF-8 bytes in a reused buffer: the rows' strings die young, and nothing
 * of a batch outlives its COPY (strings kept for seconds would fill the old generation with garbage).
 */
class CopyBuffer {
  buf = Buffer.allocUnsafe(BUFFER_BYTES);
  bytes = 0;
  rows = 0;
  readonly masks = new Set<number>();

  write(text: string, mask: number): void {
    if (this.bytes + text.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.bytes + text.length * 3));
      this.buf.copy(bigger, 0, 0, this.bytes);
      this.buf = bigger;
    }
    this.bytes += this.buf.write(text, this.bytes, "utf8");
    this.rows++;
    this.masks.add(mask);
  }

  reset(): this {
    this.bytes = 0;
    this.rows = 0;
    this.masks.clear();
    return this;
  }
}

export interface PostgresImportOptions {
  snapshot: boolean;
  now: Date;
  collectionsMode: LedgerDeps["collectionsMode"];
  /** Test hook: called right before COMMIT and right after it. */
  onCommit?: (when: "before" | "after") => void;
}

export class PostgresLedgerWriter implements LedgerWriter {
  private kind: LedgerKind = "items";
  private spec: TableSpec = ITEM_TABLE;
  private open = false;
  /** The batch being filled, and buffers whose batch is written (reused). */
  private batch = new CopyBuffer();
  private readonly spare: CopyBuffer[] = [];
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private wake: (() => void) | null = null;
  private fatal: unknown = null;
  /** Rows the database refused (deleted customer, constraint): reported like validation errors. */
  private readonly errors = new ErrorList();
  private inserted = 0;
  private changed = 0;
  private readonly customers = new Set<number>();
  private readonly creditNotes: [line: number, customerId: number, ref: string][] = [];

  constructor(
    private readonly client: pg.ClientBase,
    private readonly opts: PostgresImportOptions,
  ) {}

  private q<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(text, values);
  }

  async start(kind: LedgerKind): Promise<LedgerRefs> {
    if (this.opts.snapshot && kind !== "items") throw snapshotNotItems();
    this.kind = kind;
    this.spec = kind === "items" ? ITEM_TABLE : kind === "customers" ? CUSTOMER_TABLE : PERSON_TABLE;
    await this.q("BEGIN");
    this.open = true;
    await this.q(`SELECT pg_advisory_xact_lock($1)`, [LEDGER_LOCK_KEY]);
    const columns = this.spec.columns.map((c) => `"${c.name}" ${c.pgType}`).join(", ");
    await this.q(`CREATE TEMP TABLE ${STAGING} ("line" int4 NOT NULL, ${columns}, "mask" int2 NOT NULL) ON COMMIT DROP`);
    if (this.opts.snapshot) await this.q(`CREATE TEMP TABLE ${SEEN} ("customerId" int4 NOT NULL, "ref" text NOT NULL) ON COMMIT DROP`);
    void loadEffectModules().catch(() => undefined); // needed at the end: loaded meanwhile
    return loadPostgresRefs(this.client, kind);
  }

  private add(line: string, mask: number): void {
    this.batch.write(line, mask);
    if (this.batch.rows === BATCH_ROWS) this.flush();
  }

  item(r: ItemRec): void {
    const mask = itemMask(r);
    this.add(
      `${r.line}\t${r.customerId}\t${copyText(r.ref)}\t${r.kind}\t${r.issuedOn}\t${r.dueOn}\t${r.amount}\t${r.openAmount}\t${r.currency}\t${r.dunningLevel ?? "\\N"}\t${r.lastDunnedOn ?? "\\N"}\t${mask}\n`,
      mask,
    );
  }

  private customer(r: CustomerRec): void {
    const mask = customerMask(r);
    this.add([r.line, r.ref, r.name, customerSearchKey(r), r.currency, r.salesRepEmail, r.controllerEmail, mask].map(copyText).join("\t") + "\n", mask);
  }

  private person(r: PersonRec): void {
    const mask = personMask(r);
    this.add([r.line, r.email, r.name, r.role, r.managerEmail, r.locale, r.timezone, r.slackUserId, r.teamsUserId, mask].map(copyText).join("\t") + "\n", mask);
  }

  /** Hands the current batch to the database, after the ones before it. */
  private flush(): void {
    const batch = this.batch;
    if (!batch.rows) return;
    this.batch = this.spare.pop()?.reset() ?? new CopyBuffer();
    this.queued++;
    this.chain = this.chain
      .then(() => (this.fatal ? undefined : this.write(batch)))
      .catch((e: unknown) => {
        this.fatal ??= e;
      })
      .finally(() => {
        this.spare.push(batch);
        this.queued--;
        this.wake?.();
      });
  }

  between(): Promise<void> | undefined {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.queued < MAX_QUEUED) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = () => {
        if (this.queued < MAX_QUEUED || this.fatal) {
          this.wake = null;
          resolve();
        }
      };
    });
  }

  /** The batch into the staging table; its buffer may be reused once this resolves (COPY complete). */
  private async copy(batch: CopyBuffer): Promise<void> {
    const stream = this.client.query(copyFrom(`COPY ${STAGING} FROM STDIN`));
    const done = finished(stream);
    const piece = 1 << 16;
    for (let at = 0; at < batch.bytes; at += piece) {
      if (!stream.write(batch.buf.subarray(at, Math.min(batch.bytes, at + piece)))) {
        await new Promise<void>((resolve, reject) => {
          stream.once("drain", resolve);
          stream.once("error", reject);
        });
      }
    }
    stream.end();
    await done;
  }

  private async write(batch: CopyBuffer): Promise<void> {
    await this.q(`TRUNCATE ${STAGING}`);
    await this.copy(batch);
    if (this.opts.snapshot) await this.q(`INSERT INTO ${SEEN} ("customerId", "ref") SELECT "customerId", "ref" FROM ${STAGING}`);
    // Once a row was refused the import is rejected: only look for more rows of deleted customers.
    if (this.errors.count) return this.missingCustomers();
    for (const mask of [...batch.masks].sort((a, b) => a - b)) {
      if (!(await this.upsert(mask))) return;
    }
  }

  private upsertStatement(mask: number, where: string): string {
    const upsert = upsertSql("postgres", this.spec, mask, { relation: STAGING, where: `s."mask" = ${mask}${where}` }, timestampLiteral("postgres", this.opts.now));
    if (this.kind !== "items") {
      return `WITH up AS (${upsert} RETURNING (xmax = 0) AS "inserted")
        SELECT count(*)::int AS "changed", (count(*) FILTER (WHERE "inserted"))::int AS "inserted" FROM up`;
    }
    return `WITH up AS (${upsert} RETURNING "customerId", "ref", "kind", (xmax = 0) AS "inserted")
      SELECT count(*)::int AS "changed", (count(*) FILTER (WHERE "inserted"))::int AS "inserted",
        coalesce(array_agg(DISTINCT "customerId"), '{}') AS "customers",
        (SELECT coalesce(json_agg(json_build_array(b."line", u."customerId", u."ref")), '[]')
           FROM up u JOIN ${STAGING} b ON b."customerId" = u."customerId" AND b."ref" = u."ref" WHERE u."kind" = 'credit_note') AS "creditNotes"
      FROM up`;
  }

  private tally(row: { changed: number; inserted: number; customers?: number[]; creditNotes?: [number, number, string][] }): void {
    this.changed += row.changed;
    this.inserted += row.inserted;
    for (const id of row.customers ?? []) this.customers.add(id);
    for (const cn of row.creditNotes ?? []) this.creditNotes.push(cn);
  }

  /** One mask's rows of the batch, set-based; on a refused row, row by row to name its line. false: stop writing. */
  private async upsert(mask: number): Promise<boolean> {
    await this.q("SAVEPOINT ledger_batch");
    try {
      const r = await this.q<{ changed: number; inserted: number }>(this.upsertStatement(mask, ""));
      await this.q("RELEASE SAVEPOINT ledger_batch");
      this.tally(r.rows[0]!);
      return true;
    } catch (e) {
      if (!isConstraintError(e)) throw e;
      await this.q("ROLLBACK TO SAVEPOINT ledger_batch");
      if ((e as { code?: string }).code === "23503" && this.kind === "items") {
        await this.missingCustomers();
        if (this.errors.count) return false;
      }
    }
    const lines = await this.client.query<[number]>({ text: `SELECT "line" FROM ${STAGING} WHERE "mask" = $1 ORDER BY "line"`, values: [mask], rowMode: "array" });
    const one = this.upsertStatement(mask, ` AND s."line" = $1`);
    for (const [line] of lines.rows) {
      await this.q("SAVEPOINT ledger_row");
      try {
        const r = await this.q<{ changed: number; inserted: number }>(one, [line]);
        await this.q("RELEASE SAVEPOINT ledger_row");
        this.tally(r.rows[0]!);
      } catch (e) {
        if (!isConstraintError(e)) throw e;
        await this.q("ROLLBACK TO SAVEPOINT ledger_row");
        this.errors.add(line, "row", pgErrorMessage(e));
      }
    }
    return this.errors.count === 0;
  }

  /** The batch's rows whose customer was deleted since the references were read. */
  private async missingCustomers(): Promise<void> {
    if (this.kind !== "items") return;
    const r = await this.client.query<[number]>({
      text: `SELECT b."line" FROM ${STAGING} b WHERE NOT EXISTS (SELECT 1 FROM "Customer" c WHERE c."id" = b."customerId") ORDER BY b."line"`,
      rowMode: "array",
    });
    for (const [line] of r.rows) this.errors.add(line, "customerRef", "the customer no longer exists (deleted during the import)");
  }

  async finish(file: ValidatedFile): Promise<LedgerResult> {
    if (this.kind === "customers") for (const r of file.customers) this.customer(r);
    else if (this.kind === "people") for (const r of file.people) this.person(r);
    this.flush();
    await this.chain;
    if (this.fatal) throw this.fatal;
    if (this.errors.count) throw new LedgerError(this.errors.list, this.errors.count);
    let closed = 0;
    if (this.opts.snapshot && file.customerIds.length) {
      await this.q(`ANALYZE ${SEEN}`);
      await this.q(`SET LOCAL work_mem = '256MB'`);
      const r = await this.q<{ closed: number; customers: number[] }>(
        `WITH closed AS (
           UPDATE "Item" i SET "openAmount" = 0, "updatedAt" = ${timestampLiteral("postgres", this.opts.now)}
           WHERE i."customerId" = ANY($1::int4[]) AND i."openAmount" <> 0
             AND NOT EXISTS (SELECT 1 FROM ${SEEN} s WHERE s."customerId" = i."customerId" AND s."ref" = i."ref")
           RETURNING i."customerId")
         SELECT count(*)::int AS "closed", coalesce(array_agg(DISTINCT "customerId"), '{}') AS "customers" FROM closed`,
        [file.customerIds],
      );
      closed = r.rows[0]!.closed;
      for (const id of r.rows[0]!.customers) this.customers.add(id);
    }
    const rows = file.rows;
    const updated = this.changed - this.inserted;
    const written = {
      kind: this.kind,
      rows,
      inserted: this.inserted,
      updated,
      unchanged: rows - this.inserted - updated,
      closed,
      customerIds: [...this.customers].sort((a, b) => a - b),
      creditNotes: this.creditNotes.sort((a, b) => a[0] - b[0]).map(([, customerId, ref]) => ({ customerId, ref })),
    };
    const effects = await applyLedgerEffects(kyselyOnPgClient(this.client), postgresDialect, written, { collectionsMode: this.opts.collectionsMode, now: this.opts.now });
    this.opts.onCommit?.("before");
    await this.q("COMMIT");
    this.open = false;
    this.opts.onCommit?.("after");
    return { ...written, ...effects };
  }

  async abort(): Promise<void> {
    await this.chain;
    if (this.open) {
      this.open = false;
      await this.q("ROLLBACK");
    }
  }
}
