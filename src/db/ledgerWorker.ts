import { parentPort, workerData } from "node:worker_threads";
import { serialiseError } from "../ledger/errors.ts";
import type { LedgerJobReply, LedgerWorkerData } from "./ledger.ts";
import { runLedgerJob, runLedgerValidator, runLedgerWriter } from "./ledgerJobs.ts";

// Worker entry of importLedger (src/db/ledger.ts). Roles:
// - "job": parse, validate and write one import on its own connection (SQLite or PostgreSQL), reply once;
// - "validator" / "writer": the two halves of a two-thread SQLite import, talking over a MessagePort;
//   the writer replies to the parent.
// Started by a small bootstrap that registers tsx first, so TypeScript loads under the tsx CLI and vitest.

const data = workerData as LedgerWorkerData;

if (data.role === "validator") {
  await runLedgerValidator(data.job, data.port);
} else {
  let reply: LedgerJobReply;
  try {
    const result = data.role === "writer" ? await runLedgerWriter(data.job, data.port) : await runLedgerJob(data.job);
    reply = { ok: true, result };
  } catch (e) {
    reply = { ok: false, error: serialiseError(e) };
  }
  parentPort?.postMessage(reply);
}
