import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { applyLedger, importLedger, type LedgerResult } from "../db/ledger.ts";
import { migrate, openSqlite } from "../db/sqlite.ts";

// `npm run bench:import [-- --items N --customers N --keep]`
// Generates an ERP-style items CSV (`;`, decimal commas, dd/mm/yyyy, French headers; mostly invoices,
// a few credit notes and payments) into a temp dir, creates and migrates a fresh database (production
// indexes), inserts the customers, then imports the items file twice through importLedger — the code
// `accord import` runs — and prints the throughput of both runs, the rows changed by the second (0) and
// the peak memory.

const GOAL_ROWS_PER_SECOND = 100_000;

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000000" },
    customers: { type: "string", default: "20000" },
    keep: { type: "boolean", default: false },
  },
});
const itemCount = Number(values.items);
const customerCount = Number(values.customers);
if (!Number.isSafeInteger(itemCount) || itemCount < 1 || !Number.isSafeInteger(customerCount) || customerCount < 1) {
  console.error("usage: npm run bench:import -- [--items N] [--customers N] [--keep]");
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-"));
const csvFile = path.join(dir, "items.csv");
const dbFile = path.join(dir, "accord.db");

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
/** Minor units -> "1234,56" (decimal comma, no thousands separator). */
const frAmount = (cents: number): string => {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  return `${neg ? "-" : ""}${Math.floor(abs / 100)},${pad(abs % 100)}`;
};
const frDate = (dayOffset: number): string => {
  const d = new Date(Date.UTC(2025, 0, 1) + dayOffset * 86_400_000);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};

function generate(): { bytes: number; kinds: Record<string, number> } {
  const fd = fs.openSync(csvFile, "w");
  const kinds: Record<string, number> = { FA: 0, AV: 0, RG: 0 };
  let bytes = 0;
  let chunk: string[] = ["Numéro pièce;Code client;Type;Date pièce;Date échéance;Montant TTC;Solde;Devise;Niveau relance"];
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < itemCount; i++) {
    const customer = i % customerCount;
    const r = rand(100);
    const kind = r < 90 ? "FA" : r < 95 ? "AV" : "RG";
    kinds[kind]!++;
    const issued = rand(540);
    const due = issued + (kind === "FA" ? 30 + rand(31) : 0);
    let amount = 1_000 + rand(5_000_000);
    let open = kind === "FA" ? (rand(3) === 0 ? rand(amount + 1) : amount) : amount;
    if (kind !== "FA") {
      amount = -amount;
      open = -open;
    }
    const level = kind === "FA" ? ["0", "0", "0", "1", "2", "R3", "prévenance"][rand(7)]! : "0";
    chunk.push(`F${kind}${i};C${customer};${kind};${frDate(issued)};${frDate(due)};${frAmount(amount)};${frAmount(open)};EUR;${level}`);
    if (chunk.length >= 50_000) {
      const s = chunk.join("\n") + "\n";
      bytes += fs.writeSync(fd, s);
      chunk = [];
    }
  }
  if (chunk.length) bytes += fs.writeSync(fd, chunk.join("\n") + "\n");
  fs.closeSync(fd);
  return { bytes, kinds };
}

/** Samples the process RSS (the worker thread lives in this process) while `fn` runs. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  const cpu = process.cpuUsage();
  try {
    const value = await fn();
    const used = process.cpuUsage(cpu);
    return {
      value,
      seconds: (performance.now() - start) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRss: Math.max(peakRss, process.memoryUsage().rss),
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * This machine's CPU availability right now: the same busy loop on one thread, then on two at once. On a
 * shared VM the second core is not always there, and the import uses two threads for large files.
 */
async function cpuCheck(): Promise<string> {
  const code = `const { parentPort } = require("node:worker_threads"); let x = 0; const t = performance.now(); for (let i = 0; i < 1e8; i++) x = (x * 31 + i) | 0; parentPort.postMessage(performance.now() - t + (x & 0));`;
  const spin = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once("message", (ms: number) => {
        resolve(ms);
        void w.terminate();
      });
      w.once("error", reject);
    });
  const one = await spin();
  const two = await Promise.all([spin(), spin()]);
  const parallel = one / Math.max(...two);
  return `CPU check: one thread ${one.toFixed(0)} ms, two threads ${two.map((t) => t.toFixed(0)).join(" / ")} ms -> ${(1 + parallel).toFixed(1)} cores available`;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  console.log(`bench:import — ${fmt(itemCount)} items over ${fmt(customerCount)} customers, ${os.cpus().length} CPU(s), Node ${process.version}`);
  let t = performance.now();
  const { bytes, kinds } = generate();
  console.log(`generated ${csvFile} (${mb(bytes)}; ${fmt(kinds.FA!)} invoices, ${fmt(kinds.AV!)} credit notes, ${fmt(kinds.RG!)} payments) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const db = openSqlite(dbFile);
  migrate(db);
  const customers = Array.from({ length: customerCount }, (_, i) => ({ ref: `C${i}`, name: `Client ${i} SAS`, currency: "EUR" }));
  applyLedger(db, "customers", customers, { now: new Date() });
  db.close();
  console.log(`fresh migrated database ${dbFile} with ${fmt(customerCount)} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  console.log(await cpuCheck());
  const runs: { result: LedgerResult; seconds: number; peakRss: number }[] = [];
  for (const run of [1, 2]) {
    const m = await measure(() => importLedger({ databaseFile: dbFile, path: csvFile, now: new Date() }));
    runs.push({ result: m.value, seconds: m.seconds, peakRss: m.peakRss });
    const r = m.value;
    console.log(
      `run ${run}: ${fmt(r.rows)} rows in ${m.seconds.toFixed(2)} s = ${fmt(r.rows / m.seconds)} rows/s ` +
        `(inserted ${fmt(r.inserted)}, updated ${fmt(r.updated)}, unchanged ${fmt(r.unchanged)}, closed ${r.closed}; ` +
        `CPU ${m.cpuSeconds.toFixed(1)} s over all threads; peak RSS ${mb(m.peakRss)})`,
    );
  }
  const second = runs[1]!.result;
  const changed = second.inserted + second.updated + second.closed;
  const check = openSqlite(dbFile);
  const stored = check.prepare(`SELECT COUNT(*) FROM "Item"`).pluck().get() as number;
  check.close();
  const rates = runs.map((r) => r.result.rows / r.seconds);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(`rows changed by run 2: ${changed}${changed === 0 ? "" : "  <-- expected 0"}`);
  console.log(`items stored: ${fmt(stored)}`);
  console.log(`peak RSS (process incl. worker, whole bench): ${mb(maxRss)}`);
  const ok = rates.every((r) => r >= GOAL_ROWS_PER_SECOND) && changed === 0;
  console.log(
    `goal >= ${fmt(GOAL_ROWS_PER_SECOND)} rows/s: run 1 ${fmt(rates[0]!)}, run 2 ${fmt(rates[1]!)} -> ${ok ? "MET" : "NOT MET"}`,
  );
  console.log(await cpuCheck());
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
  process.exitCode = ok ? 0 : 1;
}

await main();
