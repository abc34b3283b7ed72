import type { MessagePort } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { runLedgerPipeline, RemoteLedgerWriter, serveLedgerWriter, type LedgerResult } from "../ledger/pipeline.ts";
import { openLedgerInput } from "../ledger/read.ts";
import type { LedgerJob } from "./ledger.ts";
import { loadSqliteRefs } from "./ledgerRefs.ts";

// What the import's worker threads run (ledgerWorker.ts), also callable in the caller's thread (tests).
// Each worker thread loads (and, under tsx, transforms) its own copy of what it imports, which is most of
// its start-up time and memory: the validating thread of a two-thread import loads the pure ledger code
// and better-sqlite3 only; a writer loads its dialect's module when its job starts (and the store with
// the use cases for the ledger's effects while it writes).

/** Test hooks of a run (the crash tests kill the process there). */
export interface LedgerJobHooks {
  onCommit?: (when: "before" | "after") => void;
  /** Run in the server's own thread (a small batch): never block its event loop waiting for SQLite's write lock. */
  inline?: boolean;
}

const writerOptions = (job: LedgerJob, hooks: LedgerJobHooks) => ({
  snapshot: job.snapshot ?? false,
  now: new Date(job.now),
  collectionsMode: job.collectionsMode ?? "embedded",
  ...(hooks.onCommit ? { onCommit: hooks.onCommit } : {}),
  ...(hooks.inline ? { inline: true } : {}),
});

/** Parse, validate and write one import on its own connection, in this thread (what the "job" worker runs). */
export async function runLedgerJob(job: LedgerJob, hooks: LedgerJobHooks = {}): Promise<LedgerResult> {
  const source = await openLedgerInput(job);
  if (job.database.kind === "sqlite") {
    const { openForImport, SqliteLedgerWriter } = await import("./ledgerSqlite.ts");
    return runLedgerPipeline(source, new SqliteLedgerWriter(openForImport(job.database.file), writerOptions(job, hooks)));
  }
  const [{ default: pg }, { pgConfig }, { PostgresLedgerWriter }] = await Promise.all([import("pg"), import("./connect.ts"), import("./ledgerPostgres.ts")]);
  const client = new pg.Client(pgConfig(job.database.url));
  client.on("error", () => undefined); // reported by the query that fails
  await client.connect();
  try {
    return await runLedgerPipeline(source, new PostgresLedgerWriter(client, writerOptions(job, hooks)));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Validator half of a two-thread SQLite import: never writes; streams valid items to the writer, reports errors. */
export async function runLedgerValidator(job: LedgerJob, port: MessagePort): Promise<void> {
  const database = job.database;
  const remote = new RemoteLedgerWriter(port, async (kind) => {
    if (database.kind !== "sqlite") throw new Error("two-thread imports are for SQLite");
    const readDb = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
    try {
      readDb.pragma("busy_timeout = 5000");
      return loadSqliteRefs(readDb, kind);
    } finally {
      readDb.close();
    }
  });
  try {
    await runLedgerPipeline(await openLedgerInput(job), remote);
  } catch (e) {
    remote.fail(e);
  }
}

/** Writer half of a two-thread SQLite import: one IMMEDIATE transaction, committed only after a clean "done". */
export async function runLedgerWriter(job: LedgerJob, port: MessagePort, hooks: LedgerJobHooks = {}): Promise<LedgerResult> {
  if (job.database.kind !== "sqlite") throw new Error("two-thread imports are for SQLite");
  const { openForImport, SqliteLedgerWriter } = await import("./ledgerSqlite.ts");
  return serveLedgerWriter(port, new SqliteLedgerWriter(openForImport(job.database.file), { ...writerOptions(job, hooks), loadRefs: false }));
}
