import type BetterSqlite3 from "better-sqlite3";
import type { QueryResult } from "kysely";
import { sqliteColumnReader, toSqliteParam } from "./dialect.ts";

// Running Kysely's compiled queries on one better-sqlite3 connection (connect.ts builds the Kysely
// instances around it), with what Accord needs beyond Kysely's stock SqliteDialect:
// - prepared statements are cached by their text (the stock driver prepares every query again);
// - parameters and results are converted (dialect.ts): DATETIME columns read as Date, BOOLEAN as boolean;
// - a transaction starts with BEGIN IMMEDIATE and never sleeps inside SQLite while another connection
//   (the ledger import's thread or another process) holds the write lock: `busy_timeout` is 0 and the
//   BEGIN is retried after a setTimeout backoff (5 ms doubling to 200 ms, up to `lockTimeoutMs`), so the
//   event loop stays free (Slack acks must go within 3 s). Reads go on meanwhile (WAL readers do not block);
// - in-process: one transaction at a time, in arrival order; a query outside the open transaction waits
//   for it to end (it must neither see nor land inside another caller's uncommitted writes).

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
/** The result columns read back (dialect.ts), as two lists: names[i] read by reads[i]. */
type Reader = { names: string[]; reads: ((v: unknown) => unknown)[] };
type Prepared = { stmt: Statement; returnsRows: boolean; reader: Reader | null };

const FIRST_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 200;
const MAX_CACHED_STATEMENTS = 2000;
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** SQLITE_BUSY and its extended codes. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** The database stayed locked by another connection (or this process stayed busy) for too long. */
export class StoreBusyError extends Error {
  readonly code = "SQLITE_BUSY";
  constructor(message: string) {
    super(message);
    this.name = "StoreBusyError";
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** FIFO async mutex with a timeout; ownership passes to the next waiter directly. */
export class Mutex {
  private held = false;
  private readonly waiters: { grant(): void; timer: NodeJS.Timeout | null }[] = [];

  get locked(): boolean {
    return this.held;
  }

  /** Takes the mutex if it is free, without waiting: whether it did. */
  tryAcquire(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  acquire(timeoutMs: number, what: string): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w = {
        grant: () => {
          if (w.timer) clearTimeout(w.timer);
          resolve();
        },
        timer: null as NodeJS.Timeout | null,
      };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new StoreBusyError(`${what}: waited ${timeoutMs} ms for another transaction of this process`));
      }, timeoutMs);
      w.timer.unref?.();
      this.waiters.push(w);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}

export interface SqliteSessionOptions {
  lockTimeoutMs?: number;
  /** Captures every statement run (bench: the SQL floor). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

/** The shared state of one better-sqlite3 connection used by Kysely. */
export class SqliteSession {
  private readonly statements = new Map<string, Prepared>();
  private readonly writers = new Mutex();
  private owner: SessionToken | null = null;
  private idle: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  readonly lockTimeoutMs: number;

  constructor(
    readonly db: BetterSqlite3.Database,
    private readonly opts: SqliteSessionOptions = {},
  ) {
    this.lockTimeoutMs = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  private prepared(text: string): Prepared {
    let p = this.statements.get(text);
    if (!p) {
      const stmt = this.db.prepare(text) as Statement;
      let reader: Reader | null = null;
      if (stmt.reader) {
        const r: Reader = { names: [], reads: [] };
        for (const c of stmt.columns()) {
          const read = sqliteColumnReader(c.type);
          if (read) {
            r.names.push(c.name);
            r.reads.push(read);
          }
        }
        reader = r.names.length ? r : null;
      }
      p = { stmt, returnsRows: stmt.reader, reader };
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      this.statements.set(text, p);
    }
    return p;
  }

  /** Runs one statement now, synchronously. */
  run(text: string, parameters: readonly unknown[]): QueryResult<unknown> {
    this.opts.onQuery?.(text, parameters);
    const { stmt, returnsRows, reader } = this.prepared(text);
    let params = parameters as unknown[];
    for (let i = 0; i < params.length; i++) {
      const v = params[i];
      if (typeof v === "boolean" || v instanceof Date) {
        params = params.map(toSqliteParam);
        break;
      }
    }
    if (returnsRows) {
      const rows = stmt.all(params) as Record<string, unknown>[];
      if (reader) {
        // indexed loops: iterating with destructuring allocated an iterator and a pair per column per row
        const { names, reads } = reader;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          for (let c = 0; c < names.length; c++) row[names[c]!] = reads[c]!(row[names[c]!]);
        }
      }
      return { rows };
    }
    const { changes, lastInsertRowid } = stmt.run(params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  /** Waits until no transaction of another connection handle is open. */
  async waitFor(c: SessionToken): Promise<void> {
    // made when someone first waits: most transactions end with no one waiting for them
    while (this.owner && this.owner !== c) await (this.idle ??= new Promise<void>((r) => (this.wake = r)));
  }

  /**
   * Begins a transaction at once when nothing stands in the way (no other transaction of this process,
   * no other connection holding the write lock): true. False: nothing was done, `begin` waits its turn.
   * The usual case costs no promise (bench:store).
   */
  tryBegin(c: SessionToken): boolean {
    if (!this.writers.tryAcquire()) return false;
    try {
      this.run("BEGIN IMMEDIATE", []);
    } catch (e) {
      this.writers.release();
      if (isBusy(e)) return false;
      throw e;
    }
    this.owner = c;
    return true;
  }

  isFree(c: SessionToken): boolean {
    return this.owner === null || this.owner === c;
  }

  async begin(c: SessionToken): Promise<void> {
    await this.writers.acquire(this.lockTimeoutMs, "transaction");
    try {
      const deadline = Date.now() + this.lockTimeoutMs;
      let delay = FIRST_BACKOFF_MS;
      for (;;) {
        try {
          this.run("BEGIN IMMEDIATE", []);
          break;
        } catch (e) {
          if (!isBusy(e)) throw e;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new StoreBusyError(`the database stayed locked by another connection for ${this.lockTimeoutMs} ms`);
        await sleep(Math.min(left, delay * (0.8 + Math.random() * 0.4)));
        delay = Math.min(MAX_BACKOFF_MS, delay * 2);
      }
    } catch (e) {
      this.writers.release();
      throw e;
    }
    this.owner = c;
  }

  end(c: SessionToken, how: "COMMIT" | "ROLLBACK"): void {
    if (this.owner !== c) throw new Error("no transaction of this connection is open");
    try {
      if (how === "COMMIT") this.run("COMMIT", []);
      else if (this.db.inTransaction) this.run("ROLLBACK", []);
    } catch (e) {
      // a failed COMMIT leaves the transaction open: roll it back so the connection is usable again
      if (this.db.open && this.db.inTransaction) this.run("ROLLBACK", []);
      throw e;
    } finally {
      this.owner = null;
      const wake = this.wake;
      this.idle = this.wake = null;
      this.writers.release();
      wake?.();
    }
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /** Waits for the open transaction (and queued ones) to end, then closes the connection. */
  async closeWhenIdle(): Promise<void> {
    const held = await this.writers.acquire(this.lockTimeoutMs, "close").then(() => true, () => false);
    this.close();
    if (held) this.writers.release();
  }
}

/** Who is asking: a transaction's token, or a fresh one for each top-level call. */
export type SessionToken = object;

/** Runs a compiled query on the session for `token` (waiting for another token's open transaction). */
export function runOn(session: SqliteSession, token: SessionToken, q: { sql: string; parameters: readonly unknown[] }): Promise<QueryResult<unknown>> {
  if (session.isFree(token)) {
    try {
      return Promise.resolve(session.run(q.sql, q.parameters));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return session.waitFor(token).then(() => session.run(q.sql, q.parameters));
}
