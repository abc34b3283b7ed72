import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { toSqliteParam } from "../db/dialect.ts";
import { openSqlite } from "../db/sqlite.ts";
import { customerSearchKey } from "../domain/search.ts";

// The benches' database seeding (bench:digest, bench:reads): rows written straight into a migrated database,
// as the store writes them, far faster than through the use cases: one SQLite transaction of prepared inserts, or
// COPY on PostgreSQL. Each bench generates its own people and disputes; the ledger (customers and their items)
// is the same shape in both.

/** Dates go in as Date (SQLite gets the store's DateTime text, PostgreSQL ISO text), booleans as boolean. */
export type Value = string | number | boolean | Date | null;

export interface Sink {
  /** Writes rows of one table (columns in this order). */
  table(name: string, columns: string[], rows: Iterable<Value[]>): Promise<void>;
}

export const DAY = 86_400_000;
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A SQLite file written without fsync; `close` runs ANALYZE first when asked (the planner's statistics). */
export function sqliteSink(file: string, opts: { analyze?: boolean } = {}): Sink & { close(): void } {
  const db = openSqlite(file);
  db.pragma("synchronous = OFF");
  return {
    async table(name, columns, rows) {
      const insert = db.prepare(`INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      db.transaction(() => {
        for (const r of rows) insert.run(r.map(toSqliteParam) as unknown[]);
      })();
    },
    close: () => {
      if (opts.analyze) db.exec("ANALYZE");
      db.close();
    },
  };
}

/** COPY … FROM STDIN (CSV) on a connected client, 1 MB chunks; a table with an `id` column gets its sequence moved past the rows. */
export function postgresSink(client: pg.Client): Sink {
  const cell = (v: Value) =>
    v === null ? "" : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "true" : "false") : v instanceof Date ? v.toISOString() : `"${v.replace(/"/g, '""')}"`;
  return {
    async table(name, columns, rows) {
      const copy = client.query(copyFrom(`COPY "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN WITH (FORMAT csv)`));
      async function* lines() {
        let chunk = "";
        for (const r of rows) {
          chunk += r.map(cell).join(",") + "\n";
          if (chunk.length > 1 << 20) {
            yield chunk;
            chunk = "";
          }
        }
        if (chunk) yield chunk;
      }
      await pipeline(lines(), copy);
      if (columns[0] === "id") await client.query(`SELECT setval(pg_get_serial_sequence('"${name}"', 'id'), (SELECT max(id) FROM "${name}"))`);
    },
  };
}

export interface Ledger {
  customers: number;
  /** items per customer */
  perCustomer: number;
  now: number;
  currencyOf(customer: number): string;
  salesRepOf(customer: number): string;
  controllerOf(customer: number): string;
}

/** `C000042`: customer c's reference. */
export const customerRef = (c: number): string => `C${String(c).padStart(6, "0")}`;
/** Customer c (1..customers) owns items (c-1)·perCustomer+1 ..; i from 0. */
export const itemIdOf = (l: Pick<Ledger, "perCustomer">, c: number, i: number): number => (c - 1) * l.perCustomer + i + 1;
/** An invoice's amount (minor units). */
export const invoiceAmount = (id: number): number => 10_000 + (id % 97) * 1_000;
/** Every tenth item of a customer (i mod 10 = 9) is a credit note. */
export const isCreditNote = (i: number): boolean => i % 10 === 9;

/**
 * The customers (ids 1..customers, `Client c SARL`) and their items: mostly overdue invoices (due 1..120 days
 * ago), every tenth a credit note of −50.00, each open for its whole amount, in the customer's currency.
 */
export async function seedLedger(sink: Sink, l: Ledger): Promise<void> {
  const t = new Date(l.now);
  await sink.table(
    "Customer",
    ["id", "ref", "name", "currency", "salesRepEmail", "controllerEmail", "searchKey", "createdAt", "updatedAt"],
    (function* () {
      for (let c = 1; c <= l.customers; c++) {
        const ref = customerRef(c);
        const name = `Client ${c} SARL`;
        yield [c, ref, name, l.currencyOf(c), l.salesRepOf(c), l.controllerOf(c), customerSearchKey({ ref, name }), t, t];
      }
    })(),
  );
  await sink.table(
    "Item",
    ["id", "customerId", "ref", "kind", "issuedOn", "dueOn", "amount", "openAmount", "currency", "dunningLevel", "createdAt", "updatedAt"],
    (function* () {
      for (let c = 1; c <= l.customers; c++) {
        const currency = l.currencyOf(c);
        for (let i = 0; i < l.perCustomer; i++) {
          const id = itemIdOf(l, c, i);
          const due = l.now - ((id % 120) + 1) * DAY;
          const credit = isCreditNote(i);
          const amount = credit ? -5_000 : invoiceAmount(id);
          yield [id, c, `${credit ? "AV" : "F"}-${id}`, credit ? "credit_note" : "invoice", isoDay(due - 30 * DAY), isoDay(due), amount, amount, currency, "none", t, t];
        }
      }
    })(),
  );
}
