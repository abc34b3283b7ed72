import { parentPort, workerData } from "node:worker_threads";
import { runLedgerJob, runLedgerValidator, runLedgerWriter, serialiseError, type LedgerJobReply, type LedgerWorkerData } from "./ledger.ts";

// Worker entry of importLedger (src/db/ledger.ts). Roles:
// - "job": parse, validate and apply one import on its own SQLite connection, reply once to the parent;
// - "validator" / "writer": the two halves of a pipelined (large) import, talking over a MessagePort;
//   the writer replies to the parent.
// Started by a small bootstrap that registers tsx first, so TypeScript loads under the tsx CLI and vitest.

const data = workerData as LedgerWorkerData;

if (data.role === "validator") {
  runLedgerValidator(data.job, data.port);
} else {
  let reply: LedgerJobReply;
  try {
    const result = data.role === "writer" ? await runLedgerWriter(data.job, data.port) : runLedgerJob(data.job);
    reply = { ok: true, result };
  } catch (e) {
    reply = { ok: false, error: serialiseError(e) };
  }
  parentPort?.postMessage(reply);
}
