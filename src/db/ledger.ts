import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { LedgerDeps } from "../app/ledgerChanged.ts";
import { LedgerError, reviveError, type SerialisedError } from "../ledger/errors.ts";
import type { LedgerFormat, LedgerKind } from "../ledger/headers.ts";
import type { LedgerResult } from "../ledger/pipeline.ts";
import type { DatabaseTarget } from "./connect.ts";
import { runLedgerJob } from "./ledgerJobs.ts";
import { applyLedgerSync } from "./ledgerSqlite.ts";

// Ledger import: people, customers and items as an ERP export gives them (CSV with `;` or `,`, decimal
// commas, dd/mm/yyyy dates, French headers) or as JSON (the REST bodies), into SQLite or PostgreSQL.
//
// The pure parts are in src/ledger/ (headers.ts aliases and kinds, read.ts streaming CSV/JSON sources,
// values.ts cell values, validate.ts line/field errors, pipeline.ts the flow); each database has its
// writer (ledgerSqlite.ts, ledgerPostgres.ts, sharing ledgerSql.ts). This module is the entry: it runs
// an import off the caller's thread, so the server's event loop never waits for a large file.
//
// - Small batches (≤ 500 rows, or text ≤ 64 KiB) inline, in the caller's thread (see INLINE_MAX_ROWS).
// - One worker for PostgreSQL (it parses while the server writes the previous batch) and for small
//   SQLite imports; from 4 MB on SQLite, two: a validator streaming valid items to a writer that upserts
//   them while the validator goes on. All or nothing either way: COMMIT only after a clean end of file.
// - The same transaction re-derives the holds of the customers whose items changed, releases the
//   disputes waiting for an imported credit note and writes the webhook outbox (src/app/ledgerChanged.ts):
//   an import killed at any point leaves either nothing or everything.
//
// Semantics worth knowing:
// - Imports are deltas, upserted by key: people by email (lower-cased), customers by ref, items by
//   (customer, ref). A row identical to what is stored is not written (its updatedAt does not move).
// - An optional field whose column is absent from the file (or whose key is absent from a JSON object)
//   keeps the stored value; a present but empty cell sets it to null / its default. So an ERP file without
//   a dunning-level column never resets the levels that Accord's dunning runs have set.
// - A snapshot import (items only) also closes (open amount 0) the open items of the file's customers
//   that the file does not list.
// - Line numbers: CSV lines are physical lines of the file (the header is line 1, so the first data row
//   is usually line 2). JSON has no header: `line` is the 1-based position of the object in the array
//   (first object = line 1). Errors about the file itself use line 1 (CSV header) or the failing line.
// - DateTime columns (createdAt, updatedAt) on SQLite are written the way Prisma 6 writes them
//   (dialect.ts toSqliteTime): TEXT `2026-03-31T08:00:00.000+00:00`; timestamptz(3) on PostgreSQL.

export { LedgerError, formatRowError, MAX_REPORTED_ERRORS, type LedgerErrorDetails, type RowError, type SerialisedError } from "../ledger/errors.ts";
export { detectLedgerKind, LEDGER_KINDS, normaliseHeader, type LedgerFormat, type LedgerKind, type LedgerRow, type LedgerValue } from "../ledger/headers.ts";
export { decodeLedgerBytes, openLedgerFile, openLedgerText, parseLedgerText, type LedgerSource, type ParsedLedger, type ParseLedgerOptions } from "../ledger/read.ts";
export type { LedgerResult } from "../ledger/pipeline.ts";
export type { ApplyLedgerOptions } from "./ledgerSqlite.ts";
export { runLedgerJob, type LedgerJobHooks } from "./ledgerJobs.ts";

/**
 * Validates rows (canonical field names, as from parseLedgerText or a REST body) against a SQLite
 * database and writes them in one IMMEDIATE transaction on the caller's connection, synchronously
 * (seeding, tests). Throws LedgerError (nothing written) when any row is wrong. Rows only: holds and
 * credit notes follow with importLedger, which is what the application uses.
 */
export const applyLedger = applyLedgerSync;

export interface ImportLedgerInput {
  /** The database (already migrated). */
  database: DatabaseTarget;
  /** The file's content, or */
  text?: string;
  /** a file the worker streams itself (large files never cross postMessage, nor sit in memory), or */
  path?: string;
  /** rows already parsed (a REST body), with canonical or alias field names (kind detected when not given). */
  rows?: readonly Record<string, unknown>[];
  format?: LedgerFormat;
  kind?: LedgerKind;
  /** Used for kind and format detection with `text` (defaults to the basename of `path`). */
  fileName?: string;
  snapshot?: boolean;
  now?: Date;
  /** Whether the holds that change are also written to the webhook outbox (COLLECTIONS_MODE); default "embedded". */
  collectionsMode?: LedgerDeps["collectionsMode"];
}

/** The job as sent to a worker (workerData): ImportLedgerInput with `now` as epoch milliseconds. */
export interface LedgerJob extends Omit<ImportLedgerInput, "now"> {
  now: number;
}

export type LedgerJobReply = { ok: true; result: LedgerResult } | { ok: false; error: SerialisedError };

/** What ledgerWorker.ts runs: the whole job, or one half of a two-thread SQLite job (see importLedger). */
export type LedgerWorkerData =
  | { role: "job"; job: LedgerJob }
  | { role: "validator"; job: LedgerJob; port: MessagePort }
  | { role: "writer"; job: LedgerJob; port: MessagePort };

/**
 * Pure-JavaScript dependencies a worker loads before tsx: imported through tsx's hooks (a round trip to
 * the hooks thread per file) kysely's few hundred modules take about 0.7 s of each worker's start; loaded
 * natively first, about 0.2 s, and the TypeScript modules then find them already loaded.
 */
const PRELOAD: Record<LedgerWorkerData["role"], readonly string[]> = { job: ["kysely", "csv-parse"], writer: ["kysely", "csv-parse"], validator: ["csv-parse"] };

/** The ESM entry of a dependency as this module resolves it (null: leave it to the normal import). */
function esmEntry(specifier: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve(`${specifier}/package.json`);
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { exports?: Record<string, unknown>; module?: string };
    let entry: unknown = (pkg.exports?.["."] as Record<string, unknown> | undefined)?.["import"] ?? pkg.module;
    if (entry && typeof entry === "object") entry = (entry as { default?: unknown }).default;
    return typeof entry === "string" ? pathToFileURL(path.join(path.dirname(pkgFile), entry)).href : null;
  } catch {
    return null;
  }
}

const workerBootstrap = new Map<LedgerWorkerData["role"], string>();
/**
 * The workers' code: preload the role's plain dependencies, register tsx's ESM hooks inside the worker,
 * then import ledgerWorker.ts. On Node 20 neither the parent's `--import tsx` nor `execArgv: ["--import",
 * "tsx"]` lets a worker load a .ts entry (ERR_UNKNOWN_FILE_EXTENSION); registering from inside the worker
 * works under the tsx CLI and vitest alike.
 */
function bootstrapCode(role: LedgerWorkerData["role"]): string {
  let code = workerBootstrap.get(role);
  if (!code) {
    const require = createRequire(import.meta.url);
    const pkgFile = require.resolve("tsx/package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { exports: Record<string, { import?: { default?: string } }> };
    const api = pkg.exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
    const apiUrl = pathToFileURL(path.join(path.dirname(pkgFile), api)).href;
    const entryUrl = new URL("./ledgerWorker.ts", import.meta.url).href;
    const preload = PRELOAD[role].map(esmEntry).filter((u): u is string => u !== null);
    code = `Promise.all(${JSON.stringify(preload)}.map((u) => import(u))).catch(() => undefined)
      .then(() => import(${JSON.stringify(apiUrl)})).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); });`;
    workerBootstrap.set(role, code);
  }
  return code;
}

/** From this size (bytes of text) a SQLite import runs over two threads. */
const PIPELINE_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Small batches (a REST call with a few people, a day's new invoices) run inline in the caller's thread:
 * starting a worker costs more than the import (each loads and transforms its own modules). Up to these
 * sizes validation and writing take a few milliseconds; the write lock is awaited without blocking.
 */
export const INLINE_MAX_ROWS = 500;
const INLINE_MAX_CHARS = 64 * 1024;
const isSmall = (job: LedgerJob): boolean =>
  job.rows !== undefined ? job.rows.length <= INLINE_MAX_ROWS : job.text !== undefined && job.text.length <= INLINE_MAX_CHARS;
/** The rows' objects die young (the input streams): a small young generation keeps the threads' memory down. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16 };

let workersStarted = 0;
/** How many import worker threads this process has started (small batches start none). */
export const ledgerWorkersStarted = (): number => workersStarted;

function startWorker(data: LedgerWorkerData, transfer: MessagePort[] = []): Worker {
  workersStarted++;
  return new Worker(bootstrapCode(data.role), { eval: true, workerData: data, transferList: transfer, resourceLimits: RESOURCE_LIMITS });
}

/**
 * Runs an import off the caller's thread, so its event loop stays free. Resolves with the result once
 * committed; rejects with LedgerError (every line and field, nothing written) or the worker's error.
 */
export async function importLedger(input: ImportLedgerInput): Promise<LedgerResult> {
  const { now, ...rest } = input;
  const job: LedgerJob = { ...rest, now: (now ?? new Date()).getTime() };
  if (isSmall(job)) return runLedgerJob(job, { inline: true });
  let size = 0;
  if (job.text !== undefined) size = job.text.length;
  else if (job.path && !job.rows) size = await fs.promises.stat(job.path).then((st) => st.size, () => 0);
  const pipelined = job.database.kind === "sqlite" && !job.rows && size >= PIPELINE_MIN_BYTES;
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

