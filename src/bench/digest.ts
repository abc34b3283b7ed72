import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { ensureDefaultReasons } from "../app/reasons.ts";
import { connect, READER_BEGIN, type Connection, type DatabaseTarget } from "../db/connect.ts";
import { createDatabase, startPostgresServer, type PostgresServer } from "../db/postgresServer.ts";
import { kyselyStore, migrateDatabase } from "../db/store.ts";
import { renderChartPngOffThread, stopChartThread } from "../views/chartThread.ts";
import { renderChartPng, renderChartPngAsync, type DigestChartCell } from "../views/digestChart.ts";
import type { AgeBucket } from "../views/digestChartText.ts";
import { DAY, invoiceAmount, isoDay, itemIdOf, postgresSink, seedLedger, sqliteSink, type Sink, type Value } from "./seed.ts";

// `npm run bench:digest [-- --db sqlite|postgres|all --disputes 100000 --items 1000000 --n 30 --warmup 5]`
// The daily digest at scale (issue 11, goal ≤ 150 ms a digest on each backend, chart included). Builds, in a
// temporary directory (SQLite) or a fresh database (embedded PostgreSQL, or TEST_DATABASE_URL's server):
// `disputes` open disputes over `items` items (20,000 customers in EUR, USD and GBP; 500 owners under 25
// managers; every reason; one in four overdue with a follow-up row; the older ones past their SLA; plus one
// resolved dispute for five open ones, a third of them closed in the last days). Then, per backend, after
// `warmup` runs, `n` runs of: the digest's facts (store.digest.facts, on SQLite off the event loop through
// Connection.offLoopDb), the chart's aggregation alone (for reference), the chart's PNG, and one whole digest
// (facts + PNG); the ratio to the goal and the CPU time this process spent (the machine is shared: wall times
// grow with its load, printed too); the baseline is a bare `SELECT count(*)` of the open disputes by the same path.
// Small sizes to iterate (`--disputes 10000 --items 200000`), the full size for figures. The rows are written
// as the store writes them (a dispute's disputed total and first missed follow-up, a hold's currency, the holds
// summed per dispute); PostgreSQL
// is vacuumed and analysed after the load, as autovacuum leaves it.

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "all" },
    disputes: { type: "string", default: "100000" },
    items: { type: "string", default: "1000000" },
    n: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    /** PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of each of the facts' statements, after the figures */
    explain: { type: "boolean", default: false },
  },
});
const DISPUTES = Number(values.disputes);
const ITEMS = Number(values.items);
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const DB = values.db;
const CUSTOMERS = 20_000;
const PER_CUSTOMER = Math.floor(ITEMS / CUSTOMERS);
/** items of one open dispute: the first OPEN_ITEMS of a run of ten (the tenth is a credit note) */
const OPEN_ITEMS = 5;
const SLOTS = Math.floor(PER_CUSTOMER / 10);
if (![DISPUTES, ITEMS, N].every((v) => Number.isSafeInteger(v) && v > 0) || !Number.isSafeInteger(WARMUP) || WARMUP < 0 || (DB !== "sqlite" && DB !== "postgres" && DB !== "all") || DISPUTES > CUSTOMERS * SLOTS) {
  console.error(`usage: npm run bench:digest -- [--db sqlite|postgres|all] [--disputes N ≤ items/10] [--items N ≥ 200000] [--n runs] [--warmup runs]`);
  process.exit(2);
}
const GOAL_MS = 150;

const OWNERS = 500;
const MANAGERS = 25;
const CONTROLLERS = 10;
const ownerEmail = (o: number) => `owner${o}@acme.test`;
const managerEmail = (m: number) => `manager${m}@acme.test`;
const controllerEmail = (c: number) => `controller${c}@acme.test`;
const CURRENCIES = ["EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "USD", "GBP"] as const;
const currencyOf = (c: number) => CURRENCIES[c % CURRENCIES.length]!;

/** Customer c (1..CUSTOMERS) has items (c-1)*PER+1..; open dispute k is on customer k mod CUSTOMERS, run k div CUSTOMERS of ten items. */
async function build(sink: Sink, reasons: { id: number; slaDays: number }[], now: number): Promise<void> {
  const t = (ms: number) => new Date(ms);
  await sink.table(
    "Person",
    ["email", "name", "role", "managerEmail", "locale", "timezone", "notifyOpenerUpdates", "createdAt", "updatedAt"],
    [
      ...Array.from({ length: MANAGERS }, (_, m): Value[] => [managerEmail(m), `Manager ${m}`, "manager", null, m % 3 ? "fr" : "en", "Europe/Paris", true, t(now), t(now)]),
      ...Array.from({ length: CONTROLLERS }, (_, c): Value[] => [controllerEmail(c), `Controller ${c}`, "controller", managerEmail(c % MANAGERS), "fr", "Europe/Paris", true, t(now), t(now)]),
      ...Array.from({ length: OWNERS }, (_, o): Value[] => [ownerEmail(o), `Owner ${o}`, "sales", managerEmail(o % MANAGERS), "fr", "Europe/Paris", true, t(now), t(now)]),
    ],
  );
  await seedLedger(sink, { customers: CUSTOMERS, perCustomer: PER_CUSTOMER, now, currencyOf, salesRepOf: (c) => ownerEmail(c % OWNERS), controllerOf: (c) => controllerEmail(c % CONTROLLERS) });
  const itemId = (c: number, i: number) => itemIdOf({ perCustomer: PER_CUSTOMER }, c, i);
  const amountOf = invoiceAmount;
  // a partial dispute on every third item of a dispute
  const disputed = (n: number, item: number) => (n % 3 === 2 ? Math.floor(amountOf(item) / 2) : amountOf(item));
  const RESOLVED = Math.floor(DISPUTES / 5);
  const span = 365 * DAY;
  // k < DISPUTES: open; DISPUTES ≤ k < DISPUTES + RESOLVED: resolved, on items 5..6 of the customer's first run
  const dispute = (k: number) => {
    const open = k < DISPUTES;
    const j = open ? k : k - DISPUTES;
    const c = (j % CUSTOMERS) + 1;
    const run = open ? Math.floor(j / CUSTOMERS) : 0;
    const items = open ? Array.from({ length: OPEN_ITEMS }, (_, i) => itemId(c, run * 10 + i)) : [itemId(c, 5), itemId(c, 6)];
    const reasonIx = (k * 7) % reasons.length;
    const openedAt = now - span + Math.floor(((j * 7919) % DISPUTES) * (span / DISPUTES));
    return { id: k + 1, c, open, items, reason: reasons[reasonIx]!, openedAt, overdue: open && k % 4 === 0, closedAt: open ? null : j % 3 === 0 ? now - (j % 5) * DAY : openedAt + 20 * DAY };
  };
  const ALL = DISPUTES + RESOLVED;
  /** the first missed follow-up of an overdue dispute (on FollowUp and, mirrored, on Dispute) */
  const missedOn = (k: number) => now - ((k % 20) + 1) * DAY;
  const PRIORITIES = ["low", "normal", "normal", "high", "urgent"];
  await sink.table(
    "Dispute",
    ["id", "number", "customerId", "scope", "reasonId", "priority", "status", "statement", "ownerEmail", "openedByEmail", "followUpOn", "slaDueOn", "currency", "outcome", "closedAt", "closedByEmail", "version", "openedAt", "updatedAt", "disputedAmount", "firstMissedOn"],
    (function* () {
      for (let k = 0; k < ALL; k++) {
        const d = dispute(k);
        const followUp = d.overdue ? now - ((k % 20) + 1) * DAY : now + ((k % 10) + 1) * DAY;
        yield [
          d.id, `D-${new Date(d.openedAt).getUTCFullYear()}-${String(d.id).padStart(6, "0")}`, d.c, "items", d.reason.id, PRIORITIES[k % PRIORITIES.length]!, d.open ? "open" : "resolved",
          `Le client conteste la facture F-${d.items[0]} : prix non conforme au devis n°${k}.`, ownerEmail((k * 13) % OWNERS), controllerEmail(k % CONTROLLERS),
          d.open ? isoDay(followUp) : null, isoDay(d.openedAt + d.reason.slaDays * DAY), currencyOf(d.c), d.open ? null : "credit_note",
          d.closedAt === null ? null : t(d.closedAt), d.open ? null : controllerEmail(k % CONTROLLERS), d.open ? 1 : 2, t(d.openedAt), t(d.closedAt ?? d.openedAt),
          d.items.reduce((s, item, n) => s + disputed(n, item), 0), d.overdue ? isoDay(missedOn(k)) : null,
        ];
      }
    })(),
  );
  await sink.table(
    "DisputeItem",
    ["disputeId", "itemId", "amount"],
    (function* () {
      for (let k = 0; k < ALL; k++) {
        const d = dispute(k);
        for (const [n, item] of d.items.entries()) yield [d.id, item, disputed(n, item)];
      }
    })(),
  );
  await sink.table(
    "Hold",
    ["itemId", "disputeId", "amount", "kind", "since", "currency"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        // one reason in four does not hold dunning: no hold rows for its disputes
        if (d.reason.id % 4 === 0) continue;
        for (const [n, item] of d.items.entries()) yield [item, d.id, disputed(n, item), "dispute", t(d.openedAt), currencyOf(d.c)];
      }
    })(),
  );
  await sink.table(
    "DisputeHeld",
    ["disputeId", "currency", "amount"],
    (function* () {
      for (let k = 0; k < DISPUTES; k++) {
        const d = dispute(k);
        if (d.reason.id % 4 !== 0) yield [d.id, currencyOf(d.c), d.items.reduce((s, item, n) => s + disputed(n, item), 0)];
      }
    })(),
  );
  await sink.table(
    "FollowUp",
    ["disputeId", "firstMissedOn", "unanswered", "lastReminderAt", "updatedAt"],
    (function* () {
      for (let k = 0; k < DISPUTES; k += 4) {
        const d = dispute(k);
        yield [d.id, isoDay(missedOn(k)), k % 6, t(now - DAY), t(now - DAY)];
      }
    })(),
  );
}

// ---- the measured queries -----------------------------------------------------------------------

/** The chart's aggregation in SQL: disputed amount (stored on Dispute) of open disputes in one currency, by age bucket (days since opened) and reason. */
function chartQuery(conn: Connection, currency: string, now: Date) {
  const d30 = new Date(now.getTime() - 30 * DAY);
  const d60 = new Date(now.getTime() - 60 * DAY);
  const d90 = new Date(now.getTime() - 90 * DAY);
  return conn.db
    .selectFrom("Dispute as d")
    .innerJoin("Reason as r", "r.id", "d.reasonId")
    .select([
      sql<string>`CASE WHEN d."openedAt" >= ${d30} THEN '0-30' WHEN d."openedAt" >= ${d60} THEN '31-60' WHEN d."openedAt" >= ${d90} THEN '61-90' ELSE '90+' END`.as("bucket"),
      "r.labelFr as reason",
      "r.sortOrder as sortOrder",
      sql<number>`sum(d."disputedAmount")`.as("amount"),
    ])
    .where("d.status", "=", "open")
    .where("d.currency", "=", currency)
    .groupBy(["bucket", "r.labelFr", "r.sortOrder"])
    .orderBy("r.sortOrder")
    .orderBy("bucket")
    .compile();
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * CPU time (ms) a local PostgreSQL server has used so far: its postmaster with the children it reaped (parallel
 * workers) plus its live children (the backends), from /proc (Linux; null elsewhere or for a remote server).
 */
async function serverCpuProbe(conn: Connection): Promise<(() => number) | null> {
  if (process.platform !== "linux") return null;
  const stat = (pid: number | string): number[] | null => {
    try {
      const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return text.slice(text.lastIndexOf(")") + 2).split(" ").map(Number); // fields from the 3rd (state) on
    } catch {
      return null;
    }
  };
  const backend = Number((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn.db)).rows[0]!.pid);
  const postmaster = stat(backend)?.[1]; // ppid
  if (!postmaster || !stat(postmaster)) return null;
  const tick = 1000 / 100; // USER_HZ
  return () => {
    const own = stat(postmaster)!;
    let ticks = own[11]! + own[12]! + own[13]! + own[14]!; // utime, stime, cutime, cstime
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const f = stat(pid);
      if (f?.[1] === postmaster) ticks += f[11]! + f[12]!;
    }
    return ticks * tick;
  };
}

/**
 * p50 and p95 of the wall time; the median CPU time of this process (all its threads: the SQLite reader's too);
 * and, given a probe, the mean CPU time of the PostgreSQL server a run.
 */
async function measure(what: string, fn: () => Promise<unknown>, server: (() => number) | null = null): Promise<{ what: string; p50: number; p95: number; cpu: number; serverCpu: number | null }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  const s0 = server?.() ?? 0;
  for (let i = 0; i < N; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const serverCpu = server ? (server() - s0) / N : null;
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { what, p50: pct(times, 50), p95: pct(times, 95), cpu: pct(cpu, 50), serverCpu };
}

/**
 * The server's side of one facts call: each statement it ran (caught at pg.Client#query, the reader's BEGIN and
 * COMMIT left out), run again under EXPLAIN (ANALYZE, BUFFERS) on a connection of its own, in a transaction
 * with the reader's settings (connect.ts): its execution time, buffers and plan.
 */
async function explainFacts(url: string, facts: () => Promise<unknown>): Promise<void> {
  const seen: { text: string; values: unknown[] }[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, text: unknown, params?: unknown) {
    if (typeof text === "string" && !/^(BEGIN|COMMIT)\b/.test(text)) seen.push({ text, values: (params as unknown[] | undefined) ?? [] });
    return (original as (...a: unknown[]) => unknown).call(this, text, params);
  } as typeof original;
  try {
    await facts();
  } finally {
    pg.Client.prototype.query = original;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the ${seen.length} statements of one facts call:`);
    for (const [i, q] of seen.entries()) {
      await client.query(READER_BEGIN);
      const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
      await client.query("COMMIT");
      const lines = r.rows.map((row: Record<string, string>) => row["QUERY PLAN"]!);
      const time = lines.find((l) => l.startsWith("Execution Time"));
      console.log(`-- statement ${i + 1}: ${q.text.replace(/\s+/g, " ").trim().slice(0, 100)}… ${time ?? ""}`);
      for (const l of lines) if (!l.startsWith("Execution Time")) console.log(`   ${l}`);
    }
  } finally {
    await client.end();
  }
}

/** The measure, with the longest event-loop stall seen while it ran (what a Slack ack beside the digest would wait). */
async function stalls<T extends { what: string }>(run: () => Promise<T>): Promise<T> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  try {
    const r = await run();
    return { ...r, what: `${r.what} [loop stall ≤ ${(h.max / 1e6).toFixed(0)} ms]` };
  } finally {
    h.disable();
  }
}

async function benchOne(label: string, target: DatabaseTarget, buildData: (reasons: { id: number; slaDays: number }[], now: number) => Promise<void>): Promise<void> {
  const now = Date.now();
  const t0 = performance.now();
  await migrateDatabase(target);
  {
    const store = kyselyStore(connect(target));
    await ensureDefaultReasons(store.reasons);
    const reasons = (await store.reasons.list()).map((r) => ({ id: r.id, slaDays: r.slaDays }));
    await store.close();
    await buildData(reasons, now);
  }
  console.log(`\n${label}: data built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const conn = connect(target);
  try {
    const count = conn.db.selectFrom("Dispute").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "open").compile();
    const open = Number((await conn.readOffLoop<{ n: number }>(count)).rows[0]!.n);
    if (open !== DISPUTES) throw new Error(`${open} open disputes, expected ${DISPUTES}`);
    const store = kyselyStore(conn);
    const query = { timezone: "Europe/Paris", now: new Date(now).toISOString(), since: new Date(now - DAY).toISOString(), ownerLimit: 40, oldestLimit: 5 };
    const facts = () => store.digest.facts(query);
    const chartOf = (f: Awaited<ReturnType<typeof facts>>): DigestChartCell[] =>
      f.chart.filter((c) => c.currency === "EUR").map((c) => ({ bucket: c.bucket as AgeBucket, reason: c.labelFr, amount: c.amount }));
    const sample = await facts();
    if (sample.open.count !== DISPUTES || chartOf(sample).length === 0 || sample.late.owners.length === 0) throw new Error("the digest's facts do not match the data");
    const q = chartQuery(conn, "EUR", new Date(now));
    const server = target.kind === "postgres" ? await serverCpuProbe(conn) : null;
    const cells = chartOf(sample);
    const rows = [
      await stalls(() => measure("baseline: SELECT count(*) of open disputes (off the loop)", () => conn.readOffLoop(count), server)),
      await measure("digest facts (store.digest.facts, off the loop)", facts, server),
      await measure("  (part) chart aggregation alone, EUR", () => conn.readOffLoop(q), server),
      await measure("chart PNG (echarts SVG + resvg, on the chart thread)", () => renderChartPngOffThread({ currency: "EUR", cells }, "fr"), server),
      await stalls(() => measure("one digest: facts + chart PNG (the goal)", async () => renderChartPngOffThread({ currency: "EUR", cells: chartOf(await facts()) }, "fr"), server)),
      await stalls(() => measure("  (reference) the PNG drawn on the loop, rasterised on libuv's pool", async () => renderChartPngAsync({ currency: "EUR", cells: chartOf(await facts()) }, "fr"), server)),
      await stalls(() => measure("  (reference) the PNG all on the event loop", async () => renderChartPng({ currency: "EUR", cells: chartOf(await facts()) }, "fr"), server)),
    ];
    const base = rows[0]!.p50;
    const withServer = rows.some((r) => r.serverCpu !== null);
    console.log(`${"".padEnd(86)} ${"p50".padStart(9)} ${"p95".padStart(9)} ${"× baseline".padStart(11)} ${"÷ goal".padStart(8)} ${"CPU p50".padStart(10)}${withServer ? " server CPU" : ""}`);
    for (const r of rows) {
      console.log(`${r.what.padEnd(86)} ${r.p50.toFixed(1).padStart(6)} ms ${r.p95.toFixed(1).padStart(6)} ms ${(r.p50 / base).toFixed(1).padStart(10)}× ${(r.p95 / GOAL_MS).toFixed(2).padStart(8)} ${r.cpu.toFixed(1).padStart(7)} ms${r.serverCpu !== null ? ` ${r.serverCpu.toFixed(1).padStart(7)} ms` : ""}`);
    }
    if (values.explain && target.kind === "postgres") await explainFacts(target.url, facts);
    console.log(`(÷ goal: p95 / ${GOAL_MS} ms; CPU p50: this process's threads${withServer ? "; server CPU: the PostgreSQL server's, mean a run" : ""}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`);
  } finally {
    await stopChartThread();
    await conn.close();
  }
}

async function main(): Promise<void> {
  console.log(`bench:digest: ${DISPUTES.toLocaleString("en")} open disputes (+${Math.floor(DISPUTES / 5).toLocaleString("en")} resolved) over ${(CUSTOMERS * PER_CUSTOMER).toLocaleString("en")} items, ${OWNERS} owners, ${N} runs after ${WARMUP} warm-up; goal ≤ ${GOAL_MS} ms (p95) a digest; Node ${process.version}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-digest-"));
  let server: PostgresServer | null = null;
  try {
    if (DB !== "postgres") {
      const file = path.join(dir, "accord.db");
      await benchOne("SQLite", { kind: "sqlite", file }, async (reasons, now) => {
        const sink = sqliteSink(file, { analyze: true });
        try {
          await build(sink, reasons, now);
        } finally {
          sink.close();
        }
      });
    }
    if (DB !== "sqlite") {
      server = await startPostgresServer();
      const db = await createDatabase(server.adminUrl, "bench_digest", { migrate: false });
      try {
        await benchOne(`PostgreSQL (${server.embedded ? "embedded server, fsync off" : "TEST_DATABASE_URL"})`, { kind: "postgres", url: db.url }, async (reasons, now) => {
          const client = new pg.Client({ connectionString: db.url });
          await client.connect();
          try {
            await build(postgresSink(client), reasons, now);
            await client.query("VACUUM ANALYZE"); // what autovacuum does after a bulk load: statistics and the visibility map (index-only scans)
          } finally {
            await client.end();
          }
        });
      } finally {
        await db.drop();
      }
    }
    console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
