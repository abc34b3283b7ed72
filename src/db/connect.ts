import fs from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  DefaultQueryExecutor,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type QueryResult,
} from "kysely";
import pg from "pg";
import { parse as parsePgUrl } from "pg-connection-string";
import { joinCheckpointer } from "./checkpointer.ts";
import { dialects, type Dialect, type DialectName } from "./dialect.ts";
import type { Database } from "./schema.ts";
import { canReadOffLoop, OffLoopReader } from "./offloop.ts";
import { openSqlite } from "./sqlite.ts";
import { runOn, SqliteSession, type SessionToken, type SqliteSessionOptions } from "./sqliteDriver.ts";

// Opening the database named by DATABASE_URL: `file:…` -> SQLite (better-sqlite3), `postgres://…` or
// `postgresql://…` -> PostgreSQL (pg). Both give a Kysely<Database> with the same value types.

export type DatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

export interface DatabaseOptions {
  /** PostgreSQL: connections in the pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** PostgreSQL: CA certificate file for TLS (DATABASE_CA_FILE). */
  caFile?: string;
  /** SQLite: how long a transaction waits for another connection's write lock. */
  lockTimeoutMs?: number;
  /** Captures each statement (bench). SQLite only. */
  onQuery?: SqliteSessionOptions["onQuery"];
}

/** Parses DATABASE_URL (relative SQLite paths against `cwd`); throws with the reason when it is neither. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith("file:")) return { kind: "sqlite", file: path.resolve(cwd, url.slice("file:".length)) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL), not ${JSON.stringify(url.slice(0, 20))}`);
}

/** The database for messages: the SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(t: DatabaseTarget): string {
  if (t.kind === "sqlite") return t.file;
  try {
    const u = new URL(t.url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "PostgreSQL";
  }
}

export interface Connection {
  readonly target: DatabaseTarget;
  readonly dialect: Dialect;
  /** Top-level queries: each on its own (SQLite: waiting for an open transaction of this process). */
  readonly db: Kysely<Database>;
  /** One transaction: `fn`'s queries through `trx`, committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * One compiled read query off the event loop: SQLite on a worker thread's read-only connection
   * (offloop.ts; in-memory databases on the main connection), PostgreSQL on the pool (pg is async), each in a
   * read-only transaction planned as for a cached database (pgReaderRun).
   */
  readOffLoop<R>(q: CompiledQuery): Promise<QueryResult<R>>;
  /** Kysely whose every query goes through `readOffLoop` (read-only on both: the digest's facts). */
  readonly offLoopDb: Kysely<Database>;
  close(): Promise<void>;
}

// Kysely builds and compiles the queries; running them is ours. Kysely's own execution path (runtime
// driver, connection provider, a few awaits and a connection mutex per query) cost more than the SQL
// itself on SQLite (bench:store), so each Kysely instance here gets an executor whose executeQuery goes
// straight to the session (SQLite: synchronous, a resolved promise) or to one pg client or the pool.

type Run = (q: CompiledQuery) => Promise<QueryResult<unknown>>;

class DirectExecutor extends DefaultQueryExecutor {
  constructor(
    compiler: SqliteQueryCompiler | PostgresQueryCompiler,
    adapter: SqliteAdapter | PostgresAdapter,
    private readonly runQuery: Run,
  ) {
    super(compiler, adapter, { provideConnection: (consumer: (c: DatabaseConnection) => Promise<unknown>) => consumer({ executeQuery: runQuery as never, streamQuery: () => { throw new Error("streaming is not used"); } }) } as never);
  }
  override executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.runQuery(compiledQuery) as Promise<QueryResult<R>>;
  }
}

const SQLITE = { compiler: new SqliteQueryCompiler(), adapter: new SqliteAdapter(), dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createQueryCompiler: () => new SqliteQueryCompiler(), createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db) } as KyselyDialect };
const POSTGRES = { compiler: new PostgresQueryCompiler(), adapter: new PostgresAdapter(), dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createQueryCompiler: () => new PostgresQueryCompiler(), createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db) } as KyselyDialect };

function kyselyOver(kind: DialectName, run: Run): Kysely<Database> {
  const k = kind === "sqlite" ? SQLITE : POSTGRES;
  const executor = new DirectExecutor(k.compiler, k.adapter, run);
  return new Kysely<Database>({ config: { dialect: k.dialect }, executor, dialect: k.dialect, driver: new DummyDriver() } as never);
}

/** A query result as Kysely expects it from pg's. */
function pgResult(r: pg.QueryResult): QueryResult<unknown> {
  const counted = r.command === "INSERT" || r.command === "UPDATE" || r.command === "DELETE" || r.command === "MERGE";
  return { rows: r.rows ?? [], ...(counted ? { numAffectedRows: BigInt(r.rowCount ?? 0) } : {}) };
}

/** The pool: each query takes a client of its own. */
const pgPoolRun =
  (pool: pg.Pool): Run =>
  (q) =>
    pool.query(q.sql, q.parameters as unknown[]).then(pgResult);

/**
 * The off-loop reads on PostgreSQL (the digest's facts): each in a read-only transaction of its own that plans as
 * for a database held in memory (`random_page_cost` 1.1 instead of the default 4, for spinning disks). The facts
 * group every open dispute; priced at 4, a read of a narrow covering index looks dearer to the planner than a
 * sequential scan of the whole table, which then spends about 2.5× the CPU unpacking its wide rows
 * (bench:digest). Two round trips more a statement (BEGIN and SET LOCAL in one, then COMMIT); nothing else changes.
 */
export const READER_BEGIN = "BEGIN READ ONLY; SET LOCAL random_page_cost = 1.1";
const pgReaderRun =
  (pool: pg.Pool): Run =>
  async (q) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(READER_BEGIN);
      try {
        return pgResult(await client.query(q.sql, q.parameters as unknown[]));
      } finally {
        await client.query("COMMIT").catch((err: Error) => (broken = err));
      }
    } finally {
      client.release(broken);
    }
  };

/** One Kysely per pooled client, made at its first transaction and reused by the next ones (the store's repositories over it too). */
const onClient = new WeakMap<pg.ClientBase, Kysely<Database>>();
function kyselyOfClient(client: pg.ClientBase): Kysely<Database> {
  let k = onClient.get(client);
  if (!k) onClient.set(client, (k = kyselyOver("postgres", pgRun(client))));
  return k;
}

/** One client (a transaction): queries a use case starts together (Promise.all) are sent one after the other. */
function pgRun(client: pg.ClientBase): Run {
  let tail: Promise<unknown> = Promise.resolve();
  return (q) => {
    const r = tail.then(() => client.query(q.sql, q.parameters as unknown[]));
    tail = r.catch(() => undefined);
    return r.then(pgResult);
  };
}

const INT8 = 20;
const NUMERIC = 1700;

/** int8 and numeric (money sums) as JS numbers; a value beyond 2^53 is an error, never a silent rounding. */
function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && !(Number.isFinite(n) && !Number.isInteger(n))) throw new RangeError(`database value ${text} is beyond the safe integer range`);
  return n;
}

export const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * pg options from a URL. pg lets `sslmode` in the URL override an explicit `ssl` object (and reads
 * `sslmode=require` as verify-full), so the URL is parsed here and the CA added to what it asks for.
 */
export function pgConfig(url: string, opts: DatabaseOptions = {}): pg.PoolConfig {
  const parsed = parsePgUrl(url);
  const { ssl, ...rest } = parsed;
  const ca = opts.caFile ? fs.readFileSync(opts.caFile, "utf8") : undefined;
  let tls: pg.PoolConfig["ssl"] = undefined;
  if (ssl) tls = typeof ssl === "object" ? ({ ...ssl, ...(ca ? { ca } : {}) } as pg.PoolConfig["ssl"]) : ca ? { ca } : Boolean(ssl);
  else if (ca) tls = { ca };
  return {
    ...(rest as pg.PoolConfig),
    port: rest.port ? Number(rest.port) : 5432,
    ...(tls !== undefined ? { ssl: tls } : {}),
    max: opts.poolSize ?? 10,
    types: pgTypes,
    application_name: "accord",
  } as pg.PoolConfig;
}

/** Kysely over a SQLite connection that the caller owns (and closes), for work inside a transaction the caller opened (the ledger import). */
export function kyselyOnSqlite(db: BetterSqlite3.Database, opts: SqliteSessionOptions = {}): { db: Kysely<Database>; session: SqliteSession } {
  const session = new SqliteSession(db, opts);
  const token: SessionToken = {};
  return { db: kyselyOver("sqlite", (q) => runOn(session, token, q)), session };
}

/** Kysely over one pg client that the caller owns, for work inside a transaction the caller opened (the ledger import). */
export function kyselyOnPgClient(client: pg.ClientBase): Kysely<Database> {
  return kyselyOver("postgres", pgRun(client));
}

/** Opens the database (already migrated: see migrate.ts / openDatabase in store.ts). */
export function connect(target: DatabaseTarget, opts: DatabaseOptions = {}): Connection {
  if (target.kind === "sqlite") {
    const raw = openSqlite(target.file);
    // Never sleep inside SQLite (sqliteDriver.ts), and checkpoint off the event loop (checkpointer.ts).
    raw.pragma("busy_timeout = 0");
    raw.pragma("wal_autocheckpoint = 0");
    const leaveCheckpointer = joinCheckpointer(target.file);
    const session = new SqliteSession(raw, { ...(opts.lockTimeoutMs ? { lockTimeoutMs: opts.lockTimeoutMs } : {}), ...(opts.onQuery ? { onQuery: opts.onQuery } : {}) });
    // top level: a fresh token per query, so it waits for any open transaction
    const db = kyselyOver("sqlite", (q) => runOn(session, {}, q));
    // Transactions: one Kysely for all of them, running on the token of the transaction open now (this
    // connection runs one at a time), so the store builds its repositories over it once, not per
    // transaction (bench:store). The store hands use cases guarded repositories that refuse calls once
    // their transaction has ended, so an old transaction's handle never reaches a later one.
    let current: SessionToken = {};
    const trx = kyselyOver("sqlite", (q) => runOn(session, current, q));
    const offLoop = canReadOffLoop(target.file) ? new OffLoopReader(target.file) : null;
    let closed: Promise<void> | null = null;
    return {
      target,
      dialect: dialects.sqlite,
      db,
      async transaction(fn) {
        const token: SessionToken = {};
        await session.begin(token);
        current = token;
        let result;
        try {
          result = await fn(trx);
        } catch (e) {
          current = {};
          session.end(token, "ROLLBACK");
          throw e;
        }
        current = {};
        session.end(token, "COMMIT");
        return result;
      },
      readOffLoop: <R>(q: CompiledQuery) => (offLoop ? offLoop.run<R>(q) : (runOn(session, {}, q) as Promise<QueryResult<R>>)),
      offLoopDb: offLoop ? kyselyOver("sqlite", (q) => offLoop.run(q)) : db,
      close: () =>
        (closed ??= (async () => {
          await offLoop?.close();
          await session.closeWhenIdle();
          await leaveCheckpointer();
        })()),
    };
  }
  const pool = new pg.Pool(pgConfig(target.url, opts));
  pool.on("error", () => undefined); // an idle client's error: the next query reconnects
  const db = kyselyOver("postgres", pgPoolRun(pool));
  const reader = pgReaderRun(pool);
  let closed: Promise<void> | null = null;
  return {
    target,
    dialect: dialects.postgres,
    db,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        let result;
        try {
          result = await fn(kyselyOfClient(client));
        } catch (e) {
          await client.query("ROLLBACK").catch((err: Error) => (broken = err));
          throw e;
        }
        await client.query("COMMIT");
        return result;
      } finally {
        // a client whose ROLLBACK failed is dropped from the pool, not reused
        client.release(broken);
      }
    },
    readOffLoop: <R>(q: CompiledQuery) => reader(q) as Promise<QueryResult<R>>,
    offLoopDb: kyselyOver("postgres", reader),
    close: () => (closed ??= pool.end()),
  };
}

export type { DialectName };
