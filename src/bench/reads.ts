import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../config.ts";
import { connect, type DatabaseTarget } from "../db/connect.ts";
import { createDatabase, startPostgresServer, type PostgresServer } from "../db/postgresServer.ts";
import { kyselyStore, migrateDatabase } from "../db/store.ts";
import { ensureDefaultReasons } from "../app/reasons.ts";
import { reconcileHolds } from "../app/ledgerChanged.ts";
import { createLogger } from "../logger.ts";
import { startAccord, type Accord } from "../server.ts";
import { customerRef, DAY, invoiceAmount, isoDay as iso, itemIdOf, postgresSink, seedLedger, sqliteSink, type Sink, type Value } from "./seed.ts";

// `npm run bench:reads [-- --db sqlite|postgres --disputes 100000 --items 1000000 --customers 20000 --export 10000 --n 200]`
// Large reads against an Accord started in this process (so the event loop measured is the server's):
// - GET /api/v1/disputes?limit=100 with `disputes` disputes (walking the pages through `next`): p50/p99;
// - GET /api/v1/dunning/preview?customer=<ref> with `items` open items over `customers` customers: p50/p99
//   (and the first page of the unfiltered preview, `?limit=100` customers, for reference);
// - the longest event-loop stall (monitorEventLoopDelay, 1 ms resolution) while a CSV and an XLSX export
//   of `export` disputes (one reason's) are streamed to a client in this process.
// Baseline in the same run: GET /healthz p50/p99 alone. Goals: p99 ≤ 50 ms, ≤ 50 ms, stall ≤ 50 ms.
// The data is written straight into the migrated database (one SQLite transaction of prepared inserts;
// COPY on PostgreSQL), holds as Accord derives them. PostgreSQL: TEST_DATABASE_URL, else an embedded server.

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    disputes: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    customers: { type: "string", default: "20000" },
    export: { type: "string", default: "10000" },
    n: { type: "string", default: "200" },
    /** keep the SQLite file (its path is printed) and stop after building it */
    "build-only": { type: "boolean", default: false },
  },
});
const DISPUTES = Number(values.disputes);
const ITEMS = Number(values.items);
const CUSTOMERS = Number(values.customers);
const EXPORT = Number(values.export);
const N = Number(values.n);
const DB = values.db;
const PER_CUSTOMER = Math.floor(ITEMS / CUSTOMERS);
if (
  ![DISPUTES, ITEMS, CUSTOMERS, EXPORT, N].every((v) => Number.isSafeInteger(v) && v > 0) ||
  PER_CUSTOMER < 1 ||
  DISPUTES > CUSTOMERS * PER_CUSTOMER ||
  EXPORT > DISPUTES ||
  (DB !== "sqlite" && DB !== "postgres") ||
  (values["build-only"] && DB !== "sqlite")
) {
  console.error("usage: npm run bench:reads -- [--db sqlite|postgres] [--disputes N ≤ items] [--items N] [--customers N ≤ items] [--export N ≤ disputes] [--n requests] [--build-only, SQLite]");
  process.exit(2);
}

const TOKEN = "bench-token-0123456789abcdef";
const CONTROLLER = "claire@acme.test";
const REPS = 20;
const repEmail = (r: number) => `rep${r}@acme.test`;
/** The ledger and the disputes, generated: customer c has items c*PER..; dispute k is on customer k mod CUSTOMERS, its (k div CUSTOMERS)th item. */
async function build(sink: Sink, reasonIds: Map<string, number>): Promise<{ exportReason: string }> {
  const now = Date.now();
  const t = (ms: number) => new Date(ms);
  await sink.table(
    "Person",
    ["email", "name", "role", "locale", "timezone", "createdAt", "updatedAt"],
    [[CONTROLLER, "Claire Martin", "controller", "fr", "Europe/Paris", t(now), t(now)], ...Array.from({ length: REPS }, (_, r): Value[] => [repEmail(r), `Rep ${r}`, "sales", "fr", "Europe/Paris", t(now), t(now)])],
  );
  // items: mostly overdue invoices (due 1..120 days ago), every 10th a credit note
  await seedLedger(sink, { customers: CUSTOMERS, perCustomer: PER_CUSTOMER, now, currencyOf: () => "EUR", salesRepOf: (c) => repEmail(c % REPS), controllerOf: () => CONTROLLER });
  const itemId = (c: number, i: number) => itemIdOf({ perCustomer: PER_CUSTOMER }, c, i);
  const amountOf = invoiceAmount;
  // disputes: newest last (openedAt grows with the id), EXPORT of them (spread evenly) of the export's reason, one in 5 resolved
  const codes = [...reasonIds.keys()];
  const exportReason = "quality";
  const others = codes.filter((c) => c !== exportReason);
  const span = 365 * DAY;
  const dispute = (k: number) => {
    const c = (k % CUSTOMERS) + 1;
    const i = Math.floor(k / CUSTOMERS);
    // never on a credit note: skip the 10th item of each run of ten
    const item = itemId(c, i + Math.floor(i / 9));
    return { id: k + 1, c, item, openedAt: now - span + Math.floor((k * span) / DISPUTES), resolved: k % 5 === 4, reason: Math.floor((k * EXPORT) / DISPUTES) !== Math.floor(((k + 1) * EXPORT) / DISPUTES) ? exportReason : others[k % others.length]!, amount: amountOf(item) };
  };
  if (Math.floor((DISPUTES - 1) / CUSTOMERS) + Math.floor((DISPUTES - 1) / CUSTOMERS / 9) >= PER_CUSTOMER) throw new Error("not enough invoices per customer for that many disputes");
  await sink.table(
    "Dispute",
    ["id", "number", "customerId", "scope", "reasonId", "priority", "status", "statement", "ownerEmail", "openedByEmail", "followUpOn", "slaDueOn", "currency", "outcome", "outcomeNote", "closedAt", "closedByEmail", "version", "openedAt", "updatedAt", "disputedAmount"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        const year = new Date(d.openedAt).getUTCFullYear();
        yield [
          d.id, `D-${year}-${String(d.id).padStart(6, "0")}`, d.c, "items", reasonIds.get(d.reason)!, "normal", d.resolved ? "resolved" : "open",
          `Le client conteste la facture F-${d.item} : prix non conforme au devis n°${k}.`, repEmail(d.c % REPS), CONTROLLER,
          iso(d.openedAt + 5 * DAY), iso(d.openedAt + 20 * DAY), "EUR", d.resolved ? "rejected" : null, d.resolved ? "Refusé" : null,
          d.resolved ? t(d.openedAt + DAY) : null, d.resolved ? CONTROLLER : null, d.resolved ? 2 : 1, t(d.openedAt), t(d.openedAt), d.amount,
        ];
      }
    })(),
  );
  await sink.table(
    "DisputeItem",
    ["disputeId", "itemId", "amount"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        yield [d.id, d.item, d.amount];
      }
    })(),
  );
  await sink.table(
    "Hold",
    ["itemId", "disputeId", "amount", "kind", "since", "currency"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        if (!d.resolved) yield [d.item, d.id, d.amount, "dispute", t(d.openedAt), "EUR"];
      }
    })(),
  );
  await sink.table(
    "DisputeHeld",
    ["disputeId", "currency", "amount"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        if (!d.resolved) yield [d.id, "EUR", d.amount];
      }
    })(),
  );
  return { exportReason };
}

// ---- measuring --------------------------------------------------------------------------------

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function timed(n: number, url: (i: number) => string, check?: (body: any, i: number) => void): Promise<{ p50: number; p99: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    const t0 = performance.now();
    const res = await fetch(url(i), { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as any;
    const dt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${url(i)}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    check?.(body, i);
    if (i >= 5) times.push(dt);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1]! };
}

/** Streams a URL's body to nowhere while the event-loop delay is sampled; the longest stall and the size. */
async function stallDuring(url: string): Promise<{ stall: number; bytes: number; seconds: number; body: Buffer }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const chunks: Buffer[] = [];
  h.enable();
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  await pipeline(
    res.body as unknown as AsyncIterable<Uint8Array>,
    new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        cb();
      },
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  const body = Buffer.concat(chunks);
  return { stall: h.max / 1e6, bytes: body.length, seconds, body };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-reads-"));
  let server: PostgresServer | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  let accord: Accord | undefined;
  let keep = false;
  try {
    let target: DatabaseTarget;
    let url: string;
    if (DB === "postgres") {
      server = await startPostgresServer();
      const db = await createDatabase(server.adminUrl, "bench_reads", { migrate: false });
      dropDb = db.drop;
      url = db.url;
      target = { kind: "postgres", url };
    } else {
      url = `file:${path.join(dir, "accord.db")}`;
      target = { kind: "sqlite", file: path.join(dir, "accord.db") };
    }
    console.log(`bench:reads on ${DB}: ${DISPUTES.toLocaleString("en")} disputes, ${(CUSTOMERS * PER_CUSTOMER).toLocaleString("en")} items over ${CUSTOMERS.toLocaleString("en")} customers, export of ${EXPORT.toLocaleString("en")}, ${N} requests per figure`);
    const t0 = performance.now();
    await migrateDatabase(target);
    const store = kyselyStore(connect(target));
    await ensureDefaultReasons(store.reasons);
    const reasonIds = new Map((await store.reasons.list()).map((r) => [r.code, r.id]));
    await store.close();
    let exportReason: string;
    if (target.kind === "sqlite") {
      const sink = sqliteSink(target.file);
      ({ exportReason } = await build(sink, reasonIds));
      sink.close();
    } else {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      ({ exportReason } = await build(postgresSink(client), reasonIds));
      await client.query("ANALYZE");
      await client.end();
    }
    console.log(`data built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (values["build-only"]) {
      console.log(`kept: ${url}`);
      keep = true;
      return;
    }

    const t1 = performance.now();
    const config = loadConfig({ NODE_ENV: "production", PORT: "0", DATABASE_URL: url, ACCORD_API_TOKENS: `bench:${TOKEN}`, LOG_LEVEL: "warn", ACCORD_SANDBOX: "false" }, dir);
    accord = await startAccord(config, { logger: createLogger("warn") });
    const healed = await reconcileHolds(accord.deps);
    console.log(`Accord started in ${((performance.now() - t1) / 1000).toFixed(1)} s (holds re-derived after start: ${healed} changes, expected 0)`);
    const base = accord.url;

    // [what, figure, value against the goal, goal]
    const results: [string, string, number | null, number?][] = [];
    const health = await timed(N, () => `${base}/healthz`);
    results.push(["GET /healthz alone (baseline)", `p50 ${ms(health.p50)}  p99 ${ms(health.p99)}`, null]);

    let cursor: string | null = null;
    const list = await timed(
      N,
      () => `${base}/api/v1/disputes?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      (body) => {
        if (body.disputes.length !== 100 && body.next) throw new Error("short page");
        cursor = body.next;
      },
    );
    results.push([`GET /disputes?limit=100 (${DISPUTES.toLocaleString("en")} disputes, pages 1..${N + 5})`, `p50 ${ms(list.p50)}  p99 ${ms(list.p99)}`, list.p99, 50]);

    const preview = await timed(N, (i) => `${base}/api/v1/dunning/preview?customer=${customerRef(((i * 7919) % CUSTOMERS) + 1)}`, (body) => {
      if (!Array.isArray(body.letters)) throw new Error("no letters");
    });
    results.push([`GET /dunning/preview?customer= (${(CUSTOMERS * PER_CUSTOMER).toLocaleString("en")} items)`, `p50 ${ms(preview.p50)}  p99 ${ms(preview.p99)}`, preview.p99, 50]);
    let pcursor: string | null = null;
    const previewPage = await timed(Math.min(N, 50), () => `${base}/api/v1/dunning/preview?limit=100${pcursor ? `&cursor=${pcursor}` : ""}`, (body) => {
      pcursor = body.next ?? null;
    });
    results.push(["  (reference) GET /dunning/preview?limit=100 customers a page", `p50 ${ms(previewPage.p50)}  p99 ${ms(previewPage.p99)}`, null]);

    let worst = 0;
    for (const format of ["csv", "xlsx"] as const) {
      const r = await stallDuring(`${base}/api/v1/disputes/export.${format}?reason=${exportReason}`);
      if (format === "csv") {
        const rows = r.body.toString("utf8").trim().split(/\r?\n/).length - 1;
        if (rows !== EXPORT) throw new Error(`CSV export: ${rows} rows, expected ${EXPORT}`);
      }
      worst = Math.max(worst, r.stall);
      results.push([`  export.${format} of ${EXPORT.toLocaleString("en")} disputes: ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s`, `longest stall ${ms(r.stall)}`, null]);
    }
    results.push([`longest event-loop stall during a ${EXPORT.toLocaleString("en")}-row export`, ms(worst), worst, 50]);

    console.log("");
    results.forEach(([what, figure, value, goal]) => {
      const verdict = value === null || goal === undefined ? "" : value <= goal ? `  goal ≤ ${goal} ms: met` : `  goal ≤ ${goal} ms: MISSED`;
      console.log(`${what.padEnd(72)} ${figure}${verdict}`);
    });
    console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await accord?.stop();
    await dropDb?.().catch(() => {});
    await server?.stop();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
