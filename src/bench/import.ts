import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pgConfig, type DatabaseTarget } from "../db/connect.ts";
import { applyLedger, importLedger, type LedgerResult } from "../db/ledger.ts";
import { createDatabase, startPostgresServer } from "../db/postgresServer.ts";
import { migrateSqlite as migrate } from "../db/migrate.ts";
import { openSqlite } from "../db/sqlite.ts";

// `npm run bench:import [-- --db sqlite|postgres --items N --customers N --keep]`
// Generates an ERP-style items CSV (`;`, decimal commas, dd/mm/yyyy, French headers; mostly invoices,
// a few credit notes and payments) into a temp dir, creates and migrates a fresh database (production
// indexes; PostgreSQL: TEST_DATABASE_URL when set, else an embedded server started here), inserts the
// customers, then imports the items file twice through importLedger — the code `accord import` runs,
// holds and all — and prints the throughput of both runs, the rows changed by the second (0), the peak
// memory, and for reference the raw driver's plain insert rate on the same machine in the same run
// (better-sqlite3 prepared INSERT in one transaction / pg COPY into a plain table).

const GOALS = { sqlite: 150_000, postgres: 100_000 } as const;
const GOAL_RSS_MB = 300;

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    items: { type: "string", default: "1000000" },
    customers: { type: "string", default: "20000" },
    keep: { type: "boolean", default: false },
    /** internal: write the CSV to this path and exit (run in a child process, so the bench's own memory stays small) */
    "generate-into": { type: "string" },
  },
});
const backend = values.db === "postgres" || values.db === "postgresql" ? "postgres" : values.db === "sqlite" ? "sqlite" : null;
const itemCount = Number(values.items);
const customerCount = Number(values.customers);
if (!backend || !Number.isSafeInteger(itemCount) || itemCount < 1 || !Number.isSafeInteger(customerCount) || customerCount < 1) {
  console.error("usage: npm run bench:import -- [--db sqlite|postgres] [--items N] [--customers N] [--keep]");
  process.exit(2);
}

const generateOnly = values["generate-into"];
const dir = generateOnly ? path.dirname(generateOnly) : fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-"));
const csvFile = generateOnly ?? path.join(dir, "items.csv");

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
/** Minor units -> "1234,56" (decimal comma, no thousands separator). */
const frAmount = (cents: number): string => {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  return `${neg ? "-" : ""}${Math.floor(abs / 100)},${pad(abs % 100)}`;
};
const dayOf = (dayOffset: number): Date => new Date(Date.UTC(2025, 0, 1) + dayOffset * 86_400_000);
const frDate = (dayOffset: number): string => {
  const d = dayOf(dayOffset);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};

interface GeneratedItem {
  customer: number;
  ref: string;
  kind: "FA" | "AV" | "RG";
  issued: number;
  due: number;
  amount: number;
  open: number;
  level: string;
}

/** The bench's items, the same on every call (a fixed seed). */
function* itemsOf(count: number): Generator<GeneratedItem> {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const customer = i % customerCount;
    const r = rand(100);
    const kind = r < 90 ? "FA" : r < 95 ? "AV" : "RG";
    const issued = rand(540);
    const due = issued + (kind === "FA" ? 30 + rand(31) : 0);
    let amount = 1_000 + rand(5_000_000);
    let open = kind === "FA" ? (rand(3) === 0 ? rand(amount + 1) : amount) : amount;
    if (kind !== "FA") {
      amount = -amount;
      open = -open;
    }
    const level = kind === "FA" ? ["0", "0", "0", "1", "2", "R3", "prévenance"][rand(7)]! : "0";
    yield { customer, ref: `F${kind}${i}`, kind, issued, due, amount, open, level };
  }
}

function generate(): { bytes: number; kinds: Record<string, number> } {
  const fd = fs.openSync(csvFile, "w");
  const kinds: Record<string, number> = { FA: 0, AV: 0, RG: 0 };
  let bytes = 0;
  let chunk: string[] = ["Numéro pièce;Code client;Type;Date pièce;Date échéance;Montant TTC;Solde;Devise;Niveau relance"];
  for (const it of itemsOf(itemCount)) {
    kinds[it.kind]!++;
    chunk.push(`${it.ref};C${it.customer};${it.kind};${frDate(it.issued)};${frDate(it.due)};${frAmount(it.amount)};${frAmount(it.open)};EUR;${it.level}`);
    if (chunk.length >= 50_000) {
      bytes += fs.writeSync(fd, chunk.join("\n") + "\n");
      chunk = [];
    }
  }
  if (chunk.length) bytes += fs.writeSync(fd, chunk.join("\n") + "\n");
  fs.closeSync(fd);
  return { bytes, kinds };
}

/** Samples the process RSS (the worker threads live in this process) while `fn` runs. */
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
 * shared VM the second core is not always there, and the import uses two threads (and PostgreSQL its own).
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
const isoDay = (d: number): string => dayOf(d).toISOString().slice(0, 10);
const KIND_NAMES = { FA: "invoice", AV: "credit_note", RG: "payment" } as const;

/** better-sqlite3's plain insert rate: the same rows, one prepared INSERT each, one transaction, a table without indexes. */
function rawSqliteRate(): number {
  const file = path.join(dir, "raw.db");
  const db = openSqlite(file);
  db.exec(`CREATE TABLE "RawItem" ("id" INTEGER PRIMARY KEY, "customerId" INTEGER NOT NULL, "ref" TEXT NOT NULL, "kind" TEXT NOT NULL, "issuedOn" TEXT NOT NULL,
    "dueOn" TEXT NOT NULL, "amount" INTEGER NOT NULL, "openAmount" INTEGER NOT NULL, "currency" TEXT NOT NULL, "dunningLevel" TEXT NOT NULL,
    "lastDunnedOn" TEXT, "createdAt" DATETIME NOT NULL, "updatedAt" DATETIME NOT NULL)`);
  const insert = db.prepare(`INSERT INTO "RawItem" ("customerId", "ref", "kind", "issuedOn", "dueOn", "amount", "openAmount", "currency", "dunningLevel", "lastDunnedOn", "createdAt", "updatedAt")
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const now = new Date().toISOString();
  const start = performance.now();
  db.transaction(() => {
    for (const it of itemsOf(itemCount)) insert.run(it.customer + 1, it.ref, KIND_NAMES[it.kind], isoDay(it.issued), isoDay(it.due), it.amount, it.open, "EUR", "none", null, now, now);
  })();
  const rate = itemCount / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

/** pg's plain insert rate: the same rows through COPY into a table without indexes. */
async function rawPostgresRate(url: string): Promise<number> {
  const client = new pg.Client(pgConfig(url));
  await client.connect();
  try {
    await client.query(`CREATE TABLE "RawItem" ("id" serial, "customerId" int4 NOT NULL, "ref" text NOT NULL, "kind" text NOT NULL, "issuedOn" text NOT NULL,
      "dueOn" text NOT NULL, "amount" int8 NOT NULL, "openAmount" int8 NOT NULL, "currency" text NOT NULL, "dunningLevel" text NOT NULL,
      "lastDunnedOn" text, "createdAt" timestamptz(3) NOT NULL, "updatedAt" timestamptz(3) NOT NULL)`);
    const now = new Date().toISOString();
    const start = performance.now();
    const stream = client.query(copyFrom(`COPY "RawItem" ("customerId", "ref", "kind", "issuedOn", "dueOn", "amount", "openAmount", "currency", "dunningLevel", "lastDunnedOn", "createdAt", "updatedAt") FROM STDIN`));
    const done = finished(stream);
    let text = "";
    for (const it of itemsOf(itemCount)) {
      text += `${it.customer + 1}\t${it.ref}\t${KIND_NAMES[it.kind]}\t${isoDay(it.issued)}\t${isoDay(it.due)}\t${it.amount}\t${it.open}\tEUR\tnone\t\\N\t${now}\t${now}\n`;
      if (text.length >= 1 << 16) {
        if (!stream.write(text)) await new Promise((r) => stream.once("drain", r));
        text = "";
      }
    }
    stream.end(text);
    await done;
    const rate = itemCount / ((performance.now() - start) / 1000);
    await client.query(`DROP TABLE "RawItem"`);
    return rate;
  } finally {
    await client.end();
  }
}

async function countItems(target: DatabaseTarget): Promise<number> {
  if (target.kind === "sqlite") {
    const db = new BetterSqlite3(target.file, { readonly: true });
    try {
      return db.prepare(`SELECT COUNT(*) FROM "Item"`).pluck().get() as number;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client(pgConfig(target.url));
  await client.connect();
  try {
    return Number((await client.query(`SELECT COUNT(*) AS n FROM "Item"`)).rows[0].n);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const b = backend!;
  console.log(`bench:import (${b}) — ${fmt(itemCount)} items over ${fmt(customerCount)} customers, ${os.cpus().length} CPU(s), Node ${process.version}`);
  let t = performance.now();
  // The file is written by a child process: its garbage never counts in this process's memory.
  const { bytes, kinds } = JSON.parse(
    execFileSync(process.execPath, [...process.execArgv, import.meta.filename, "--items", String(itemCount), "--customers", String(customerCount), "--generate-into", csvFile], { encoding: "utf8" }),
  ) as ReturnType<typeof generate>;
  console.log(`generated ${csvFile} (${mb(bytes)}; ${fmt(kinds.FA!)} invoices, ${fmt(kinds.AV!)} credit notes, ${fmt(kinds.RG!)} payments) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const customers = Array.from({ length: customerCount }, (_, i) => ({ ref: `C${i}`, name: `Client ${i} SAS`, currency: "EUR" }));
  let target: DatabaseTarget;
  const stops: (() => Promise<void>)[] = [];
  if (b === "sqlite") {
    const file = path.join(dir, "accord.db");
    const db = openSqlite(file);
    migrate(db);
    applyLedger(db, "customers", customers, { now: new Date() });
    db.close();
    target = { kind: "sqlite", file };
  } else {
    const server = await startPostgresServer();
    stops.push(() => server.stop());
    const database = await createDatabase(server.adminUrl, "bench_import");
    if (!values.keep) stops.unshift(() => database.drop());
    target = { kind: "postgres", url: database.url };
    await importLedger({ database: target, kind: "customers", rows: customers, now: new Date() });
    console.log(`PostgreSQL: ${server.embedded ? "embedded server started by the bench" : "TEST_DATABASE_URL"}`);
  }
  const where = target.kind === "sqlite" ? target.file : target.url.replace(/\/\/[^@]*@/, "//");
  console.log(`fresh migrated database ${where} with ${fmt(customerCount)} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  try {
    console.log(await cpuCheck());
    console.log(`RSS before the imports: ${mb(process.memoryUsage().rss)}`);
    const runs: { result: LedgerResult; seconds: number; peakRss: number }[] = [];
    for (const run of [1, 2]) {
      const m = await measure(() => importLedger({ database: target, path: csvFile, now: new Date() }));
      runs.push({ result: m.value, seconds: m.seconds, peakRss: m.peakRss });
      const r = m.value;
      console.log(
        `run ${run}: ${fmt(r.rows)} rows in ${m.seconds.toFixed(2)} s = ${fmt(r.rows / m.seconds)} rows/s ` +
          `(inserted ${fmt(r.inserted)}, updated ${fmt(r.updated)}, unchanged ${fmt(r.unchanged)}, closed ${r.closed}; holds ${r.holdChanges}; ` +
          `CPU ${m.cpuSeconds.toFixed(1)} s over all threads; peak RSS ${mb(m.peakRss)})`,
      );
    }
    const second = runs[1]!.result;
    const changed = second.inserted + second.updated + second.closed;
    const stored = await countItems(target);
    const rates = runs.map((r) => r.result.rows / r.seconds);
    const importPeak = Math.max(...runs.map((r) => r.peakRss));
    console.log(`rows changed by run 2: ${changed}${changed === 0 ? "" : "  <-- expected 0"}`);
    console.log(`items stored: ${fmt(stored)}`);
    console.log(`peak RSS during the imports (process incl. worker threads): ${mb(importPeak)}`);

    const raw = target.kind === "sqlite" ? rawSqliteRate() : await rawPostgresRate(target.url);
    const driver = b === "sqlite" ? "better-sqlite3 prepared INSERT, one transaction, no index" : "pg COPY into a table without indexes";
    console.log(
      `raw driver (${driver}): ${fmt(raw)} rows/s; import run 1 = ${((rates[0]! / raw) * 100).toFixed(0)} %, run 2 = ${((rates[1]! / raw) * 100).toFixed(0)} % of it`,
    );
    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(`peak RSS of the whole bench (generation and raw reference included): ${mb(maxRss)}`);
    const goal = GOALS[b];
    const ok = rates.every((r) => r >= goal) && changed === 0 && importPeak <= GOAL_RSS_MB * 1024 * 1024;
    console.log(
      `goal >= ${fmt(goal)} rows/s and <= ${GOAL_RSS_MB} MB: run 1 ${fmt(rates[0]!)}, run 2 ${fmt(rates[1]!)}, ${mb(importPeak)} -> ${ok ? "MET" : "NOT MET"}`,
    );
    console.log(await cpuCheck());
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const stop of stops) await stop().catch((e: unknown) => console.error(e));
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

if (generateOnly) process.stdout.write(JSON.stringify(generate()));
else await main();
