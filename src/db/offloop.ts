import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { CompiledQuery, QueryResult } from "kysely";
import { sqliteColumnReader, toSqliteParam } from "./dialect.ts";

// Reads off the event loop on SQLite. better-sqlite3 runs a statement synchronously on the thread that
// calls it: a digest's aggregation over 100,000 disputes would hold the event loop (and every Slack ack)
// for its whole run. An OffLoopReader owns one worker thread with its own read-only connection on the same
// database file; WAL lets it read a consistent snapshot while the main connection writes.
//
// The queries are built and compiled on the main thread with the store's own Kysely instance (one place for
// dialect handling); the worker receives SQL text and parameters (converted as the main session converts
// them: Date -> DateTime text, boolean -> 0/1) and answers raw rows with the columns' declared types; the
// main thread then reads DATETIME and BOOLEAN columns as the main session does (sqliteColumnReader).
// So a query gives the same rows on either path. Writes never go this way (the connection is read-only).
//
// The worker is plain JavaScript (no TypeScript loader to start): about the start of better-sqlite3 itself.
// It starts on the first query and ends with close(); a query that fails rejects its own promise only.

interface Reply {
  id: number;
  rows?: Record<string, unknown>[];
  columns?: { name: string; type: string | null }[];
  error?: { message: string; code?: string; name?: string };
}

const WORKER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
// aggregations read many pages: the file mapped (no read() call per page) and a larger page cache than the default 2 MB
db.pragma("mmap_size = 268435456");
db.pragma("cache_size = -32768");
const statements = new Map();
parentPort.on("message", (m) => {
  if (m === "close") { db.close(); parentPort.close(); return; }
  try {
    let stmt = statements.get(m.sql);
    if (!stmt) {
      stmt = db.prepare(m.sql);
      if (statements.size >= 200) statements.clear();
      statements.set(m.sql, stmt);
    }
    if (!stmt.reader) throw Object.assign(new Error("the off-loop connection only reads"), { code: "ACCORD_OFFLOOP_WRITE" });
    const rows = stmt.all(m.parameters);
    parentPort.postMessage({ id: m.id, rows, columns: stmt.columns().map((c) => ({ name: c.name, type: c.type })) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code, name: e && e.name } });
  }
});
`;

let workersStarted = 0;
let workersRunning = 0;
/** How many off-loop reader threads this process has started (tests). */
export const offLoopWorkersStarted = (): number => workersStarted;
/** How many of them are still running (tests: closing the store ends its reader). */
export const offLoopWorkersRunning = (): number => workersRunning;

export class OffLoopReader {
  private worker: Worker | null = null;
  private exited: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: QueryResult<unknown>) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(private readonly file: string) {}

  /** Whether the worker thread is running (started lazily by the first query). */
  get running(): boolean {
    return this.worker !== null;
  }

  private start(): Worker {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const w = new Worker(WORKER_CODE, { eval: true, workerData: { file: this.file, driver } });
    workersStarted++;
    workersRunning++;
    w.on("message", (r: Reply) => this.settle(r));
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
    this.exited = new Promise((resolve) =>
      w.once("exit", () => {
        workersRunning--;
        fail(new Error("the off-loop reader stopped"));
        if (this.worker === w) this.worker = null;
        resolve();
      }),
    );
    // an idle reader never keeps the process alive; a query in flight does (ref'd while pending)
    w.unref();
    this.worker = w;
    return w;
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (r.error) {
      p.reject(Object.assign(new Error(r.error.message), r.error.code ? { code: r.error.code } : {}));
      return;
    }
    const rows = r.rows ?? [];
    const readers: [string, (v: unknown) => unknown][] = [];
    for (const c of r.columns ?? []) {
      const read = sqliteColumnReader(c.type);
      if (read) readers.push([c.name, read]);
    }
    if (readers.length) for (const row of rows) for (const [name, read] of readers) row[name] = read(row[name]);
    p.resolve({ rows });
  }

  /** Runs one compiled read query on the worker's connection. */
  run<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<QueryResult<R>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: QueryResult<unknown>) => void, reject });
      w.ref();
      w.postMessage({ id, sql: q.sql, parameters: q.parameters.map(toSqliteParam) });
    });
  }

  /** Ends the worker (queries still running are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    if (this.pending.size) void w.terminate();
    else w.postMessage("close");
    const exited = this.exited;
    const timer = setTimeout(() => void w.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  }
}

/** In-memory SQLite (or a temporary database) has no file another connection can open. */
export const canReadOffLoop = (file: string): boolean => file !== "" && file !== ":memory:" && !file.endsWith("/:memory:") && !file.includes("mode=memory");
