import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { commentDispute } from "../app/commentDispute.ts";
import type { Deps } from "../app/context.ts";
import { openDispute } from "../app/openDispute.ts";
import type { Store } from "../app/ports.ts";
import { ensureDefaultReasons } from "../app/reasons.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { setFollowUp } from "../app/setFollowUp.ts";
import Database from "better-sqlite3";
import { connect, type DatabaseTarget } from "../db/connect.ts";
import { toSqliteParam } from "../db/dialect.ts";
import { createDatabase, startPostgresServer, type PostgresServer } from "../db/postgresServer.ts";
import { joinCheckpointer } from "../db/checkpointer.ts";
import { openSqlite } from "../db/sqlite.ts";
import { kyselyStore, migrateDatabase } from "../db/store.ts";

// `npm run bench:store [-- --db sqlite|postgres|all --n 300 --rounds 3 --warmup 30 --customers 20 --items 50 --webhook]`
// The same use-case sequence on each backend, each round on fresh databases, one dispute at a time:
// open a dispute on one invoice, comment it, set its follow-up, resolve it (credit note, so its hold
// stays as credit_pending), then read it back by number. Dispute i is on customer i mod `customers`,
// each with `items` open invoices (every change re-derives the holds of its customer: its open items and
// the disputes that may hold them, so the cost grows with those). Prints mean, p99 and median per
// operation over every timed operation of every round (`--rounds`: more samples for the p99, the same
// workload in each round). The store is built as src/server.ts builds it. The floor: the SQL statements
// the store sends (captured from Kysely's compiled queries, BEGIN, COMMIT and savepoints included)
// replayed in the same order directly on better-sqlite3 prepared statements, on its own database seeded
// the same way: what the store costs beyond the driver (goal: SQLite ≤ 1.5× the floor). Each operation
// runs first on an untimed shadow store (a third database) that captures its statements; then the timed
// store and the floor run it one right after the other, taking turns going first (see `run`), and the
// timed store must have sent the shadow's very statements. Also the same table in CPU time
// (process.cpuUsage around each run): on a shared machine the wall times include waiting for a core (and
// garbage collections waiting for their helper threads), more of it for the longer of the two.
// `--n` / `--rounds` / `--warmup` / `--customers` / `--items` give a smaller run while iterating.
// PostgreSQL: TEST_DATABASE_URL, else an embedded server.

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "300" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "30" },
    customers: { type: "string", default: "20" },
    items: { type: "string", default: "50" },
    webhook: { type: "boolean", default: false },
    db: { type: "string", default: "all" },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const CUSTOMERS = Number(values.customers);
const ITEMS = Number(values.items);
const ROUNDS = Number(values.rounds);
if (![N, WARMUP, CUSTOMERS, ITEMS, ROUNDS].every((v) => Number.isSafeInteger(v) && v >= 0) || N < 1 || CUSTOMERS < 1 || ROUNDS < 1 || ITEMS * CUSTOMERS < WARMUP + N) {
  console.error("usage: npm run bench:store -- [--n N] [--rounds N] [--warmup N] [--customers N] [--items N per customer, customers x items >= warmup + n] [--webhook]");
  process.exit(2);
}
const MODE = values.webhook ? "webhook" : "embedded";
const DB = values.db;
if (DB !== "sqlite" && DB !== "postgres" && DB !== "all") {
  console.error("--db must be sqlite, postgres or all");
  process.exit(2);
}

const OPS = ["open", "comment", "follow-up", "resolve", "byNumber (read)"] as const;
type Op = (typeof OPS)[number];

const CONTROLLER = "claire@acme.test";
const SALES = "paul@acme.test";

const customerRef = (c: number) => `C${String(c).padStart(4, "0")}`;
const itemRef = (c: number, i: number) => `F-${String(c).padStart(4, "0")}-${String(i).padStart(4, "0")}`;

async function seed(store: Store): Promise<void> {
  await ensureDefaultReasons(store.reasons);
  await store.people.upsertMany([
    { email: CONTROLLER, name: "Claire Martin", role: "controller" },
    { email: SALES, name: "Paul Durand", role: "sales" },
  ]);
  for (let c = 0; c < CUSTOMERS; c++) {
    const [customer] = await store.customers.upsertMany([{ ref: customerRef(c), name: `Client ${c}`, salesRepEmail: SALES, controllerEmail: CONTROLLER }]);
    await store.items.upsertMany(
      Array.from({ length: ITEMS }, (_, i) => ({
        customerId: customer!.id,
        ref: itemRef(c, i),
        kind: "invoice" as const,
        issuedOn: "2026-01-05",
        dueOn: "2026-02-04",
        amount: 1000_00 + i,
        openAmount: 1000_00 + i,
        currency: "EUR",
      })),
    );
  }
}

type Captured = { sql: string; params: readonly unknown[] }[];

/** Replays one operation's statements on the floor's database; returns the time taken. */
type Replay = (statements: Captured) => number;

/** CPU time (ms, this process) of each operation: unlike wall time, it leaves out waiting for a core on a busy machine. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

/** The timed runs (SQLite, kept samples), in time order, and the garbage collections of the whole run: which GC began inside which run. */
const windows: { side: "store" | "floor"; op: Op; start: number; end: number }[] = [];
const collections: { start: number; duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, duration: e.duration });
});

function printCollections(): void {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const hits = new Map<string, { n: number; ms: number }>();
  for (const g of collections) {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sorted[mid]!.start <= g.start) lo = mid;
      else hi = mid - 1;
    }
    const w = sorted[lo];
    if (!w || g.start < w.start || g.start > w.end) continue;
    const k = `${w.side} ${w.op}`;
    const h = hits.get(k) ?? { n: 0, ms: 0 };
    h.n++;
    h.ms += g.duration;
    hits.set(k, h);
  }
  const cell = (side: string, op: Op) => {
    const h = hits.get(`${side} ${op}`) ?? { n: 0, ms: 0 };
    return `${side} ${h.n} (${((100 * h.n) / (ROUNDS * N)).toFixed(1)} %, ${h.ms.toFixed(1)} ms)`;
  };
  console.log(`\nGarbage collections that began inside a timed run (of ${collections.length} in the whole process; a run they land in is one of the slowest: compare with 1 % for the p99):`);
  for (const op of OPS) console.log(`${op.padEnd(18)}${cell("store", op).padEnd(34)}${cell("floor", op)}`);
}

const emptyTimes = () => Object.fromEntries(OPS.map((o) => [o, [] as number[]])) as Record<Op, number[]>;

/** One store on a fresh, seeded database, with the statements it sends captured while `capture` is set. */
async function openSide(target: DatabaseTarget, captureQueries: boolean): Promise<{ store: Store; deps: Deps; capture: Captured | null }> {
  await migrateDatabase(target);
  const side: { store: Store; deps: Deps; capture: Captured | null } = { store: null as never, deps: null as never, capture: null };
  side.store = kyselyStore(connect(target, captureQueries ? { onQuery: (sql, params) => side.capture?.push({ sql, params }) } : {}));
  await seed(side.store);
  side.deps = {
    store: side.store,
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    collectionsMode: MODE,
    publicUrl: "http://localhost:3000",
    listeners: [],
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  return side;
}

/** What a step's result must agree on between the shadow and the timed store (the same sequence on both). */
const fingerprint = (r: unknown): string => {
  const d = (r as { dispute?: { number: number; version: number } } | null)?.dispute ?? (r as { number: number; version: number } | null);
  return d ? `${d.number}:${d.version}` : "null";
};

/**
 * The use-case sequence on `target`. With `floor` (SQLite), each operation first runs on a shadow store
 * (a third database seeded the same way, untimed) whose statements are captured; then the timed store runs
 * it and the floor replays the captured statements, one right after the other, taking turns going first
 * (operation k of dispute i: the store first when i + k is even). Both see the same machine load, and
 * neither always runs the same statements right after the other did (the second runs on warmer CPU caches:
 * measured 0.012 ms before and 0.0086 ms after the store's run for the floor's byNumber, a third of that
 * operation's whole gap when the floor always went second). The timed store's statements are checked
 * against the shadow's: the same texts in the same order, every operation.
 */
async function run(
  name: string,
  target: DatabaseTarget,
  times: Record<Op, number[]>,
  floor?: { replay: Replay; times: Record<Op, number[]>; cpu: { store: Record<Op, number[]>; floor: Record<Op, number[]> }; shadow: DatabaseTarget; counted: { statements: number; ops: number } },
): Promise<void> {
  const main = await openSide(target, Boolean(floor));
  const shadow = floor ? await openSide(floor.shadow, true) : null;
  const printed = process.env.BENCH_PRINT_SQL ? WARMUP : -1;
  try {
    let i = 0;
    const timed = async <T>(op: Op, keep: boolean, call: (deps: Deps) => Promise<T>): Promise<T> => {
      if (!floor || !shadow) {
        const t0 = performance.now();
        const r = await call(main.deps);
        if (keep) times[op].push(performance.now() - t0);
        return r;
      }
      const statements: Captured = (shadow.capture = []);
      const expected = fingerprint(await call(shadow.deps));
      shadow.capture = null;
      let f = 0;
      let fc = 0;
      let fStart = 0;
      const onFloor = () => {
        const fc0 = process.cpuUsage();
        fStart = performance.now();
        f = floor.replay(statements);
        fc = cpuSince(fc0);
      };
      const storeFirst = (i + OPS.indexOf(op)) % 2 === 0;
      if (!storeFirst) onFloor();
      const ran: Captured = (main.capture = []);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await call(main.deps);
      const t = performance.now() - t0;
      const c = cpuSince(c0);
      main.capture = null;
      if (storeFirst) onFloor();
      if (fingerprint(r) !== expected || ran.length !== statements.length || ran.some((q, j) => q.sql !== statements[j]!.sql))
        throw new Error(`${op} of dispute ${i}: the timed store did not send the shadow's statements (${ran.length} against ${statements.length}): the floor would not be the same work`);
      floor.counted.statements += statements.length;
      floor.counted.ops++;
      if (keep) {
        windows.push({ side: "store", op, start: t0, end: t0 + t }, { side: "floor", op, start: fStart, end: fStart + f });
        times[op].push(t);
        floor.times[op].push(f);
        floor.cpu.store[op].push(c);
        floor.cpu.floor[op].push(fc);
      }
      if (i === printed) for (const q of statements) process.stderr.write(`${op}: ${q.sql}\n`);
      return r;
    };
    for (; i < WARMUP + N; i++) {
      const keep = i >= WARMUP;
      const c = i % CUSTOMERS;
      const { dispute } = await timed("open", keep, (deps) =>
        openDispute(deps, {
          customerRef: customerRef(c),
          items: [{ ref: itemRef(c, Math.floor(i / CUSTOMERS)), amount: "100.00" }],
          reasonCode: "price",
          statement: `Bench dispute ${i}`,
          openedByEmail: CONTROLLER,
        }),
      );
      const commented = await timed("comment", keep, (deps) => commentDispute(deps, { dispute: dispute.number, byEmail: SALES, text: `On regarde (${i}).` }));
      const f = await timed("follow-up", keep, (deps) => setFollowUp(deps, { dispute: dispute.number, byEmail: SALES, on: "2027-06-15", version: commented.version }));
      await timed("resolve", keep, (deps) =>
        resolveDispute(deps, { dispute: dispute.number, byEmail: CONTROLLER, version: f.version, outcome: "credit_note", note: "Avoir accordé", creditNoteRef: `AV-${i}`, concededAmount: "40.00" }),
      );
      await timed("byNumber (read)", keep, (deps) => deps.store.disputes.byNumber(dispute.number));
    }
  } finally {
    await main.store.close();
    await shadow?.store.close();
  }
  process.stderr.write(`${name}: done\n`);
}

/**
 * The floor: a second database seeded the same way, on which each operation's captured statements are
 * replayed directly on better-sqlite3 prepared statements (cached by text), timed the same way.
 */
async function openFloor(file: string): Promise<{ replay: Replay; close(): Promise<void> }> {
  await migrateDatabase({ kind: "sqlite", file });
  const seeded = kyselyStore(connect({ kind: "sqlite", file }));
  await seed(seeded);
  await seeded.close();
  const db: Database.Database = openSqlite(file);
  db.pragma("busy_timeout = 0");
  db.pragma("wal_autocheckpoint = 0");
  // the same connection settings as the store's, its checkpointer thread included
  const leaveCheckpointer = joinCheckpointer(file);
  const cache = new Map<string, Database.Statement>();
  return {
    replay(statements) {
      const t0 = performance.now();
      for (const q of statements) {
        let st = cache.get(q.sql);
        if (!st) cache.set(q.sql, (st = db.prepare(q.sql)));
        const params = q.params.map(toSqliteParam);
        if (st.reader) st.all(params);
        else st.run(params);
      }
      return performance.now() - t0;
    },
    async close() {
      db.close();
      await leaveCheckpointer();
    },
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
};
/** Less sensitive than the mean to the pauses of a busy machine (another process on the core, a GC). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2)).padStart(8);

function table(columns: [string, Record<Op, number[]>][], ratioOf?: [number, number]): void {
  const head = `${"operation".padEnd(18)}${columns.map(([n]) => `${`${n} mean`.padStart(16)}${`${n} p99`.padStart(15)}`).join("")}${ratioOf ? `${"mean ratio".padStart(13)}${"p99 ratio".padStart(12)}${"median ratio".padStart(13)}` : ""}`;
  console.log(head);
  const seq = (t: Record<Op, number[]>) => OPS.slice(0, 4).reduce((sum, op) => sum + mean(t[op]), 0);
  const seqMedian = (t: Record<Op, number[]>) => OPS.slice(0, 4).reduce((sum, op) => sum + median(t[op]), 0);
  for (const op of [...OPS, "4 writes, total"] as const) {
    const cells = columns.map(([, t]) => (op === "4 writes, total" ? `${ms(seq(t)).padStart(16)}${"".padStart(15)}` : `${ms(mean(t[op])).padStart(16)}${ms(p99(t[op])).padStart(15)}`));
    let ratio = "";
    if (ratioOf) {
      const a = columns[ratioOf[0]]![1];
      const b = columns[ratioOf[1]]![1];
      ratio = `x${(op === "4 writes, total" ? seq(a) / seq(b) : mean(a[op]) / mean(b[op])).toFixed(2)}`.padStart(13);
      ratio += op === "4 writes, total" ? `x${(seqMedian(a) / seqMedian(b)).toFixed(2)}`.padStart(25) : `x${(p99(a[op]) / p99(b[op])).toFixed(2)}`.padStart(12) + `x${(median(a[op]) / median(b[op])).toFixed(2)}`.padStart(13);
    }
    console.log(`${op.padEnd(18)}${cells.join("")}${ratio}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `Store bench: ${ROUNDS} round${ROUNDS > 1 ? "s" : ""} (each on fresh databases) of ${N} disputes (after ${WARMUP} warm-up) over ${CUSTOMERS} customers of ${ITEMS} open invoices, ${MODE} collections mode, Node ${process.version}; times in ms, every timed operation of every round counted (${ROUNDS * N} samples an operation)`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-store-"));
  let server: PostgresServer | null = null;
  try {
    if (DB !== "postgres") {
      const bare = emptyTimes();
      const cpu = { store: emptyTimes(), floor: emptyTimes() };
      gcObserver.observe({ entryTypes: ["gc"] });
      const counted = { statements: 0, ops: 0 };
      const lite = emptyTimes();
      for (let r = 0; r < ROUNDS; r++) {
        const f = await openFloor(path.join(dir, `floor-${r}.db`));
        try {
          await run(`sqlite, round ${r + 1}`, { kind: "sqlite", file: path.join(dir, `store-${r}.db`) }, lite, { replay: f.replay, times: bare, cpu, shadow: { kind: "sqlite", file: path.join(dir, `shadow-${r}.db`) }, counted });
        } finally {
          await f.close();
        }
      }
      console.log(
        `\nSQLite (Kysely store) against the floor (the same ${(counted.statements / counted.ops).toFixed(1)} statements per operation on average, replayed on better-sqlite3 beside each operation, the two taking turns going first); goal ≤ x1.50:`,
      );
      table(
        [
          ["sqlite", lite],
          ["floor", bare],
        ],
        [0, 1],
      );
      console.log(
        "\nThe same operations in CPU time (process.cpuUsage around each run: this process's threads, not the waits for a core that other processes on the machine cause):",
      );
      table(
        [
          ["sqlite cpu", cpu.store],
          ["floor cpu", cpu.floor],
        ],
        [0, 1],
      );
      // the observer's entries arrive on a later turn of the event loop
      await new Promise((r) => setTimeout(r, 50));
      gcObserver.disconnect();
      printCollections();
    }
    if (DB !== "sqlite") {
      server = await startPostgresServer();
      const onPg = emptyTimes();
      for (let r = 0; r < ROUNDS; r++) {
        const pgdb = await createDatabase(server.adminUrl, `bench_store_${r}`, { migrate: false });
        try {
          await run(`postgres, round ${r + 1}`, { kind: "postgres", url: pgdb.url }, onPg);
        } finally {
          await pgdb.drop();
        }
      }
      console.log(`\nPostgreSQL (${server.embedded ? "embedded server, fsync off" : "TEST_DATABASE_URL"}):`);
      table([["postgres", onPg]]);
    }
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
