import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that crosses
// the threshold, on the committing thread: 10-20 ms every few hundred commits, which lands in the tail
// of Slack acks. Connections of the server turn it off and this worker thread checkpoints the file
// (PASSIVE: never blocks readers or the writer) every second instead. One worker per file, shared by
// every connection of this process; stopped when the last one closes.

const DRIVER = createRequire(import.meta.url).resolve("better-sqlite3");

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 1000");
const checkpoint = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); checkpoint(); db.close(); process.exit(0); });
`;

const running = new Map<string, { worker: Worker; users: number }>();

/** Starts (or joins) the checkpointer of a database file; returns a function to leave it, resolved once it has closed the file. */
export function joinCheckpointer(file: string, everyMs = 1000): () => Promise<void> {
  let entry = running.get(file);
  if (!entry) {
    const worker = new Worker(SOURCE, { eval: true, workerData: { file, driver: DRIVER, everyMs } });
    worker.unref();
    worker.on("error", () => running.delete(file));
    entry = { worker, users: 0 };
    running.set(file, entry);
  }
  entry.users++;
  let left = false;
  return async () => {
    if (left) return;
    left = true;
    const e = running.get(file);
    if (!e || --e.users > 0) return;
    running.delete(file);
    const exited = new Promise<void>((resolve) => e.worker.once("exit", () => resolve()));
    e.worker.ref(); // keep the process alive until the worker has closed the file
    e.worker.postMessage("stop");
    await exited;
  };
}
