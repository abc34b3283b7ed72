import path from "node:path";
import type Database from "better-sqlite3";
import { joinCheckpointer } from "./checkpointer.ts";
import { openSqlite } from "./sqlite.ts";

// The runtime shared by the raw-SQL adapters (src/db/sqlStore.ts, src/db/sqlSlackState.ts): one
// better-sqlite3 connection, a cache of prepared statements, and the locking that lets async use cases
// run synchronous SQL safely.
//
// Locking, in-process:
// - `conn` is held while a write transaction is open on the connection (and while a read runs when it
//   has to wait): a read never sees another caller's uncommitted writes, never lands inside them.
// - `writers` orders the writers (transactions and top-level writes) first come, first served. It is
//   shared by every session of this process on the same file (the store's and the Slack state's
//   connections): they queue for each other here rather than meet as SQLITE_BUSY and back off (a
//   store transaction holds the write lock across its awaits).
// Locking, across connections of other threads or processes (the ledger import's worker thread):
// `busy_timeout` is 0, so a `BEGIN IMMEDIATE` that meets another connection's write lock fails at once
// with SQLITE_BUSY instead of sleeping synchronously (which would freeze the event loop: Slack acks must
// go out within 3 s). The writer then lets go of `conn` (reads go on meanwhile: WAL readers do not
// block) and retries after a setTimeout backoff, 5 ms doubling up to 200 ms, for up to `lockTimeoutMs`
// (60 s) before failing.

type Statement = Database.Statement<unknown[], unknown>;

export interface SqlSessionOptions {
  /** How long a writer waits for the database write lock (and any caller for the in-process locks). Default 60 s. */
  lockTimeoutMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const FIRST_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 200;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY...). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** A UNIQUE or PRIMARY KEY violation (what Prisma reports as P2002). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The database stayed locked by another connection (or this one stayed busy) for too long. */
export class StoreBusyError extends Error {
  readonly code = "SQLITE_BUSY";
  constructor(message: string) {
    super(message);
    this.name = "StoreBusyError";
  }
}

/** An update of a row that does not exist (Prisma's P2025 "Record to update not found"). */
export class RecordNotFoundError extends Error {
  constructor(what: string) {
    super(`Record to update not found: ${what}`);
    this.name = "RecordNotFoundError";
  }
}

// ---- DateTime columns ---------------------------------------------------------------------------

/**
 * A DateTime as Prisma 6 writes it on SQLite through @prisma/adapter-better-sqlite3 (timestampFormat
 * "iso8601", the default): TEXT `2026-03-10T09:00:00.000+00:00`. (src/db/ledger.ts writes the same.)
 */
export function toDbTime(d: Date | string | number): string {
  return (d instanceof Date ? d : new Date(d)).toISOString().replace("Z", "+00:00");
}

export const toDbTimeOrNull = (d: Date | string | number | null | undefined): string | null => (d == null ? null : toDbTime(d));

/**
 * Reads a DateTime column the way Prisma does: ISO text with any offset, text without an offset as UTC
 * (SQLite's CURRENT_TIMESTAMP `2026-03-10 09:00:00`), a date alone as UTC midnight, an integer as epoch ms.
 */
export function fromDbTime(v: unknown): Date {
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  if (typeof v !== "string") throw new TypeError(`not a DateTime column value: ${String(v)}`);
  const n = v.length;
  const last = v.charCodeAt(n - 1);
  // Fast path: our own format (…+00:00) and …Z.
  if (last === 90 /* Z */ || last === 122 /* z */ || (n > 6 && (v[n - 6] === "+" || v[n - 6] === "-") && v[n - 3] === ":")) return new Date(v);
  if (n <= 10) return new Date(v); // YYYY-MM-DD: UTC in JS already
  if (/[+-]\d\d(:?\d\d)?$/.test(v.slice(10))) return new Date(v);
  return new Date(`${v.replace(" ", "T")}Z`);
}

export const fromDbTimeOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : fromDbTime(v));

/** Money and other BigInt columns: the same conversion (and the same failure on a non-integer) as the Prisma adapter. */
export const big = (v: number): bigint => BigInt(v);

/** A list parameter: `"col" IN (SELECT value FROM json_each(?))` takes it as one JSON text, so one statement serves every length. */
export const jsonList = (xs: readonly (number | string)[]): string => JSON.stringify(xs);

// ---- locks --------------------------------------------------------------------------------------

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout | null;
}

/** FIFO async mutex; ownership is handed to the next waiter directly (no barging). */
export class Mutex {
  private held = false;
  private readonly waiters: Waiter[] = [];

  get locked(): boolean {
    return this.held;
  }

  /** Resolves once held; rejects after `timeoutMs` of waiting. */
  acquire(timeoutMs: number, what: string): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        grant: () => {
          if (w.timer) clearTimeout(w.timer);
          resolve();
        },
        timer: null,
      };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new StoreBusyError(`${what}: waited ${timeoutMs} ms for another transaction of this process (is the top-level store used inside transaction()?)`));
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One writers' queue per database file for all the sessions of this process, counted by users. */
const writerQueues = new Map<string, { mutex: Mutex; users: number }>();
function writerQueue(file: string): { mutex: Mutex; release(): void } {
  const key = path.resolve(file);
  let q = writerQueues.get(key);
  if (!q) writerQueues.set(key, (q = { mutex: new Mutex(), users: 0 }));
  q.users++;
  const entry = q;
  return {
    mutex: q.mutex,
    release() {
      if (--entry.users === 0 && writerQueues.get(key) === entry) writerQueues.delete(key);
    },
  };
}

// ---- session ------------------------------------------------------------------------------------

export class SqlSession {
  readonly db: Database.Database;
  readonly lockTimeoutMs: number;
  private readonly statements = new Map<string, Statement>();
  private readonly conn = new Mutex();
  private readonly writers: Mutex;
  private readonly leaveQueue: () => void;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private closed = false;
  private readonly leaveCheckpointer: () => Promise<void>;

  constructor(file: string, opts: SqlSessionOptions = {}) {
    this.lockTimeoutMs = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.db = openSqlite(file);
    const queue = writerQueue(file);
    this.writers = queue.mutex;
    this.leaveQueue = queue.release;
    // Never sleep inside SQLite: a busy database is retried asynchronously (see above).
    this.db.pragma("busy_timeout = 0");
    // Checkpoints run in a worker thread, not in our commits (see checkpointer.ts).
    this.db.pragma("wal_autocheckpoint = 0");
    this.leaveCheckpointer = joinCheckpointer(file);
    this.begin = this.db.prepare("BEGIN IMMEDIATE");
    this.commit = this.db.prepare("COMMIT");
    this.rollback = this.db.prepare("ROLLBACK");
  }

  /** A prepared statement, prepared on first use and cached by its text. */
  sql(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text) as Statement;
      this.statements.set(text, s);
    }
    return s;
  }

  /**
   * Runs a synchronous read outside any transaction of this connection (waiting for the open one to end).
   * Reads do not take the database write lock; a rare SQLITE_BUSY of a read is retried like a writer's.
   */
  read<T>(body: () => T): Promise<T> {
    if (!this.conn.locked) {
      try {
        return Promise.resolve(body());
      } catch (e) {
        if (!isBusy(e)) return Promise.reject(e);
      }
    }
    return this.readSlow(body);
  }

  private async readSlow<T>(body: () => T): Promise<T> {
    const deadline = Date.now() + this.lockTimeoutMs;
    let delay = FIRST_BACKOFF_MS;
    for (;;) {
      await this.conn.acquire(this.lockTimeoutMs, "read");
      try {
        return body();
      } catch (e) {
        if (!isBusy(e)) throw e;
      } finally {
        this.conn.release();
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new StoreBusyError(`the database stayed busy for ${this.lockTimeoutMs} ms`);
      await sleep(Math.min(left, delay));
      delay = Math.min(MAX_BACKOFF_MS, delay * 2);
    }
  }

  /**
   * One write transaction: `BEGIN IMMEDIATE` (retried asynchronously while another connection holds the
   * write lock), `fn`, then `COMMIT`, or `ROLLBACK` if `fn` throws. One at a time, in arrival order.
   */
  async write<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.writers.acquire(this.lockTimeoutMs, "transaction");
    try {
      await this.beginImmediate();
      try {
        const result = await fn();
        this.commit.run();
        return result;
      } catch (e) {
        if (this.db.open && this.db.inTransaction) this.rollback.run();
        throw e;
      } finally {
        this.conn.release();
      }
    } finally {
      this.writers.release();
    }
  }

  /** Takes `conn` and opens the write transaction; on return both are held. */
  private async beginImmediate(): Promise<void> {
    const deadline = Date.now() + this.lockTimeoutMs;
    let delay = FIRST_BACKOFF_MS;
    for (;;) {
      await this.conn.acquire(this.lockTimeoutMs, "transaction");
      try {
        this.begin.run();
        return;
      } catch (e) {
        this.conn.release();
        if (!isBusy(e)) throw e;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new StoreBusyError(`the database stayed locked by another connection for ${this.lockTimeoutMs} ms`);
      // a little jitter so that two connections of this process do not retry in lockstep; a last try at the deadline
      await sleep(Math.min(left, delay * (0.8 + Math.random() * 0.4)));
      delay = Math.min(MAX_BACKOFF_MS, delay * 2);
    }
  }

  /** Inside a write: runs `body` atomically (a SAVEPOINT), so a failing port call leaves nothing behind. */
  atomic<T>(body: () => T): T {
    this.sql("SAVEPOINT port_call").run();
    try {
      const r = body();
      this.sql("RELEASE port_call").run();
      return r;
    } catch (e) {
      if (this.db.inTransaction) {
        this.sql("ROLLBACK TO port_call").run();
        this.sql("RELEASE port_call").run();
      }
      throw e;
    }
  }

  /** Waits for the running transaction, closes the connection; later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const writer = await this.writers.acquire(this.lockTimeoutMs, "close").then(() => true, () => false);
    const conn = await this.conn.acquire(this.lockTimeoutMs, "close").then(() => true, () => false);
    this.statements.clear();
    this.db.close();
    await this.leaveCheckpointer();
    if (conn) this.conn.release();
    if (writer) this.writers.release();
    this.leaveQueue();
  }
}
