import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { startAccord, type Accord, type AccordOptions } from "../server.ts";
import { freshPostgresDatabase } from "./postgres.ts";

// Test support: a whole Accord on a temporary SQLite file (or a fresh PostgreSQL database) and a random
// port, with a settable clock.

export type TestDatabase = "sqlite" | "postgres";

export const TOKEN = "test-token-0123456789abcdef";

export function tempDir(prefix = "accord-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export class TestClock {
  constructor(public now: Date) {}
  readonly fn = () => new Date(this.now);
  set(iso: string) {
    this.now = new Date(iso);
  }
}

export interface TestAccord extends Accord {
  clock: TestClock;
  dir: string;
  call(method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startTestAccord(env: Record<string, string> = {}, opts: AccordOptions & { now?: string; database?: TestDatabase } = {}): Promise<TestAccord> {
  const dir = tempDir();
  const clock = new TestClock(new Date(opts.now ?? "2026-03-10T09:00:00Z"));
  const pg = opts.database === "postgres" ? await freshPostgresDatabase("accord", { migrate: false }) : null;
  const databaseUrl = pg ? pg.url : `file:${path.join(dir, "accord.db")}`;
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", DATABASE_URL: databaseUrl, ACCORD_API_TOKENS: `test:${TOKEN}`, LOG_LEVEL: "silent", ...env }, dir);
  const { database: _database, now: _now, ...accordOpts } = opts;
  const accord = await startAccord(config, { clock: clock.fn, logger: createLogger(config.logLevel), ...accordOpts });
  return {
    ...accord,
    async stop() {
      await accord.stop();
      await pg?.drop();
    },
    clock,
    dir,
    async call(method, p, body, headers = {}) {
      const res = await fetch(`${accord.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

/** A small French B2B ledger: people of each role, two customers, invoices, a credit note and a payment. */
export async function seedLedger(a: Accord): Promise<void> {
  const s = a.deps.store;
  await s.people.upsertMany([
    { email: "claire@acme.fr", name: "Claire Martin", role: "controller", locale: "fr" },
    { email: "paul@acme.fr", name: "Paul Durand", role: "sales", managerEmail: "marc@acme.fr", locale: "fr" },
    { email: "sophie@acme.fr", name: "Sophie Leroy", role: "sales", managerEmail: "marc@acme.fr", locale: "en" },
    { email: "marc@acme.fr", name: "Marc Petit", role: "manager", locale: "fr" },
    { email: "ana@acme.fr", name: "Ana Admin", role: "admin", locale: "en" },
  ]);
  const [c1, c2] = await s.customers.upsertMany([
    { ref: "C001", name: "Boulangerie Dupont", currency: "EUR", salesRepEmail: "paul@acme.fr", controllerEmail: "claire@acme.fr" },
    { ref: "C002", name: "Garage Moreau", currency: "EUR", salesRepEmail: "sophie@acme.fr", controllerEmail: "claire@acme.fr" },
  ]);
  const inv = (customerId: number, ref: string, dueOn: string, amount: number, openAmount = amount) => ({
    customerId,
    ref,
    kind: "invoice" as const,
    issuedOn: "2026-01-15",
    dueOn,
    amount,
    openAmount,
    currency: "EUR",
  });
  await s.items.upsertMany([
    inv(c1!.id, "F-1001", "2026-02-01", 120000),
    inv(c1!.id, "F-1002", "2026-02-10", 50000),
    inv(c1!.id, "F-1003", "2026-04-01", 30000),
    { customerId: c1!.id, ref: "AV-2001", kind: "credit_note", issuedOn: "2026-02-01", dueOn: "2026-02-01", amount: -10000, openAmount: -10000, currency: "EUR" },
    { customerId: c1!.id, ref: "RG-3001", kind: "payment", issuedOn: "2026-02-05", dueOn: "2026-02-05", amount: -5000, openAmount: -5000, currency: "EUR" },
    inv(c2!.id, "F-2001", "2026-01-20", 80000),
  ]);
}
