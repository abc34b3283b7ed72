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
import { createPrismaClient, prismaStore } from "../db/prismaStore.ts";
import { migrate, openSqlite } from "../db/sqlite.ts";
import { sqlStore } from "../db/sqlStore.ts";

// `npm run bench:store [-- --n 300 --warmup 30 --customers 20 --items 50 --webhook]`
// The same use-case sequence on each store, each on a fresh temporary database, one dispute at a time:
// open a dispute on one invoice, comment it, set its follow-up, resolve it (credit note, so its hold
// stays as credit_pending), then read it back by number. Dispute i is on customer i mod `customers`,
// each with `items` open invoices (every change re-derives the holds of its customer: its open items and
// the disputes that may hold them, so the cost grows with those). Prints mean and p99 per operation.
// Both stores are built as src/server.ts builds them (same connection settings: WAL, synchronous NORMAL).

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "300" },
    warmup: { type: "string", default: "30" },
    customers: { type: "string", default: "20" },
    items: { type: "string", default: "50" },
    webhook: { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
const CUSTOMERS = Number(values.customers);
const ITEMS = Number(values.items);
if (![N, WARMUP, CUSTOMERS, ITEMS].every((v) => Number.isSafeInteger(v) && v >= 0) || N < 1 || CUSTOMERS < 1 || ITEMS * CUSTOMERS < WARMUP + N) {
  console.error("usage: npm run bench:store -- [--n N] [--warmup N] [--customers N] [--items N per customer, customers x items >= warmup + n] [--webhook]");
  process.exit(2);
}
const MODE = values.webhook ? "webhook" : "embedded";

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

async function run(name: string, make: (file: string) => Promise<Store>): Promise<Record<Op, number[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-bench-store-"));
  const file = path.join(dir, "accord.db");
  const raw = openSqlite(file);
  migrate(raw);
  raw.close();
  const store = await make(file);
  const times = Object.fromEntries(OPS.map((o) => [o, [] as number[]])) as Record<Op, number[]>;
  try {
    await seed(store);
    const deps: Deps = {
      store,
      clock: () => new Date(),
      newId: () => crypto.randomUUID(),
      collectionsMode: MODE,
      publicUrl: "http://localhost:3000",
      listeners: [],
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    };
    const timed = async <T>(op: Op, keep: boolean, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const r = await fn();
      if (keep) times[op].push(performance.now() - t0);
      return r;
    };
    for (let i = 0; i < WARMUP + N; i++) {
      const keep = i >= WARMUP;
      const c = i % CUSTOMERS;
      const { dispute } = await timed("open", keep, () =>
        openDispute(deps, {
          customerRef: customerRef(c),
          items: [{ ref: itemRef(c, Math.floor(i / CUSTOMERS)), amount: 100_00 }],
          reasonCode: "price",
          statement: `Bench dispute ${i}`,
          openedByEmail: CONTROLLER,
        }),
      );
      const commented = await timed("comment", keep, () => commentDispute(deps, { dispute: dispute.number, byEmail: SALES, text: `On regarde (${i}).` }));
      const f = await timed("follow-up", keep, () => setFollowUp(deps, { dispute: dispute.number, byEmail: SALES, on: "2099-01-15", version: commented.version }));
      await timed("resolve", keep, () =>
        resolveDispute(deps, { dispute: dispute.number, byEmail: CONTROLLER, version: f.version, outcome: "credit_note", note: "Avoir accordé", creditNoteRef: `AV-${i}`, concededAmount: 40_00 }),
      );
      await timed("byNumber (read)", keep, () => store.disputes.byNumber(dispute.number));
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(`${name}: done\n`);
  return times;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
};
const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2)).padStart(8);

async function main(): Promise<void> {
  console.log(
    `Store bench: ${N} disputes (after ${WARMUP} warm-up) over ${CUSTOMERS} customers of ${ITEMS} open invoices, ${MODE} collections mode, Node ${process.version}; times in ms`,
  );
  const sql = await run("sql", async (file) => sqlStore(file));
  const prisma = await run("prisma", async (file) => {
    const client = createPrismaClient(file);
    await client.$queryRawUnsafe("PRAGMA busy_timeout = 5000"); // as src/server.ts
    return prismaStore(client);
  });
  console.log("");
  console.log(`${"operation".padEnd(18)} ${"sql mean".padStart(8)} ${"sql p99".padStart(8)}   ${"prisma mean".padStart(11)} ${"prisma p99".padStart(10)}   ${"mean ratio".padStart(10)}`);
  for (const op of OPS) {
    const a = sql[op];
    const b = prisma[op];
    console.log(`${op.padEnd(18)} ${ms(mean(a))} ${ms(p99(a))}   ${ms(mean(b)).padStart(11)} ${ms(p99(b)).padStart(10)}   ${`x${(mean(b) / mean(a)).toFixed(1)}`.padStart(10)}`);
  }
  const seq = (t: Record<Op, number[]>) => OPS.slice(0, 4).reduce((s, op) => s + mean(t[op]), 0);
  console.log(`${"4 writes, total".padEnd(18)} ${ms(seq(sql))} ${"".padStart(8)}   ${ms(seq(prisma)).padStart(11)} ${"".padStart(10)}   ${`x${(seq(prisma) / seq(sql)).toFixed(1)}`.padStart(10)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
