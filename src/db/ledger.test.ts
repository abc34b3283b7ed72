import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../test/postgres.ts";
import { pgConfig, type DatabaseTarget } from "./connect.ts";
import { toSqliteTime } from "./dialect.ts";
import { applyLedger, importLedger, INLINE_MAX_ROWS, LedgerError, ledgerWorkersStarted, parseLedgerText, runLedgerJob, type LedgerKind, type LedgerResult, type RowError } from "./ledger.ts";
import { MIGRATIONS_DIRS, migrateSqlite as migrate } from "./migrate.ts";
import { openSqlite } from "./sqlite.ts";
const MIGRATIONS_DIR = MIGRATIONS_DIRS.sqlite;
import { openStore } from "./store.ts";

// The ledger import's spec. Parsing is pure; every case that touches a database runs on SQLite and on
// PostgreSQL (a fresh database per test, src/test/postgres.ts), through the code the worker runs
// (runLedgerJob, here in this thread) or through importLedger itself (worker threads).

const NOW = new Date("2026-03-15T09:00:00.000Z");
const ROOT = path.resolve(import.meta.dirname, "../..");

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

let counter = 0;
function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `accord-ledger-${process.pid}-${counter++}-`));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
}

interface ItemRow {
  customerRef: string;
  ref: string;
  kind: string;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel: string;
  lastDunnedOn: string | null;
  /** as stored on SQLite (Prisma's text); the same instant in that form on PostgreSQL */
  createdAt: string;
  updatedAt: string;
}

/** One fresh, migrated database of a backend, and what the tests read from it. */
interface TestDb {
  target: DatabaseTarget;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

type BackendName = "sqlite" | "postgres";

async function freshDb(backend: BackendName): Promise<TestDb> {
  if (backend === "sqlite") {
    const file = tempFile("accord.db");
    const db = openSqlite(file);
    migrate(db);
    cleanup.unshift(() => db.close());
    return {
      target: { kind: "sqlite", file },
      query: async <T,>(sql: string, params: unknown[] = []) => db.prepare(sql.replace(/\$\d+/g, "?")).all(...params) as T[],
    };
  }
  const fresh = await freshPostgresDatabase("ledger");
  const client = new pg.Client(pgConfig(fresh.url));
  await client.connect();
  cleanup.unshift(async () => {
    await client.end();
    await fresh.drop();
  });
  return {
    target: { kind: "postgres", url: fresh.url },
    query: async <T,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
  };
}

const stamp = (v: unknown): string => (v instanceof Date ? toSqliteTime(v) : String(v));

const count = async (db: TestDb, table: string): Promise<number> => Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`))[0]!.n);

const items = async (db: TestDb): Promise<ItemRow[]> =>
  (
    await db.query<ItemRow>(
      `SELECT c."ref" AS "customerRef", i."ref", i."kind", i."issuedOn", i."dueOn", i."amount", i."openAmount", i."currency", i."dunningLevel", i."lastDunnedOn", i."createdAt", i."updatedAt"
       FROM "Item" i JOIN "Customer" c ON c."id" = i."customerId" ORDER BY c."ref", i."ref"`,
    )
  ).map((r) => ({ ...r, amount: Number(r.amount), openAmount: Number(r.openAmount), createdAt: stamp(r.createdAt), updatedAt: stamp(r.updatedAt) }));

const customerId = async (db: TestDb, ref: string): Promise<number> => (await db.query<{ id: number }>(`SELECT "id" FROM "Customer" WHERE "ref" = $1`, [ref]))[0]!.id;

/** Rows or text through the import's own code, in this thread. */
function run(db: TestDb, input: { text?: string; path?: string; rows?: Record<string, unknown>[]; kind?: LedgerKind; fileName?: string; snapshot?: boolean; now?: Date }): Promise<LedgerResult> {
  const { now, ...rest } = input;
  return runLedgerJob({ database: db.target, ...rest, now: (now ?? NOW).getTime() });
}

const importText = (db: TestDb, text: string, opts: { fileName?: string; snapshot?: boolean; now?: Date } = {}) => run(db, { text, ...opts });

/** People and customers most tests need. */
async function seed(db: TestDb): Promise<void> {
  await run(db, {
    kind: "people",
    rows: [
      { email: "claire@acme.test", name: "Claire Martin", role: "controller" },
      { email: "paul@acme.test", name: "Paul Durand", role: "sales", managerEmail: "claire@acme.test" },
    ],
  });
  await run(db, {
    kind: "customers",
    rows: [
      { ref: "C001", name: "Boulangerie Dupont", salesRepEmail: "paul@acme.test", controllerEmail: "claire@acme.test" },
      { ref: "C002", name: "Garage Leroy", currency: "EUR" },
      { ref: "C003", name: "Yen Trading", currency: "JPY" },
    ],
  });
}

async function ledgerErrors(fn: () => unknown): Promise<RowError[]> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe("validation");
    return (e as LedgerError).details.errors;
  }
  throw new Error("expected a LedgerError");
}

const FRENCH_ERP = [
  "\ufeffNuméro pièce;Code client;Type;Date pièce;Date d'échéance;Montant TTC;Solde;Devise;Niveau relance;Date dernière relance",
  "FA-1001;C001;Facture;05/01/2026;04/02/2026;1 234,56;1234,56;EUR;R1;10/02/2026",
  "FA-1002;C001;FA;15/01/2026;14/02/2026;99,9;50;;0;",
  "AV-2001;C001;Avoir;20/01/2026;20/01/2026;-120,00;-120,00;EUR;;",
  "RG-3001;C002;Règlement;01/02/2026;01/02/2026;-500;-0,5;;prévenance;",
  "FA-1003;C003;FA;01/02/2026;03/03/2026;15000;15000;;R5;",
  "",
].join("\r\n");

describe("parseLedgerText", () => {
  it("maps French headers, detects the ; separator and strips the BOM", () => {
    const parsed = parseLedgerText(FRENCH_ERP);
    expect(parsed.kind).toBe("items");
    expect(parsed.lines).toEqual([2, 3, 4, 5, 6]);
    expect(parsed.rows[0]).toEqual({
      ref: "FA-1001",
      customerRef: "C001",
      kind: "Facture",
      issuedOn: "05/01/2026",
      dueOn: "04/02/2026",
      amount: "1 234,56",
      openAmount: "1234,56",
      currency: "EUR",
      dunningLevel: "R1",
      lastDunnedOn: "10/02/2026",
    });
    expect(parsed.rows[1]!.currency).toBeNull();
  });

  it("detects people and customers from their columns, or from the file name", () => {
    expect(parseLedgerText("email,name,role\na@b.fr,A,sales\n").kind).toBe("people");
    expect(parseLedgerText("code_client;raison_sociale\nC1;Acme\n").kind).toBe("customers");
    expect(parseLedgerText("ref;name\nC1;Acme\n").kind).toBe("customers");
    expect(parseLedgerText("[]", { fileName: "clients.json" }).kind).toBe("customers");
    expect(() => parseLedgerText("foo;bar\n1;2\n")).toThrow(LedgerError);
  });

  it("reports the missing required columns on the header line", async () => {
    const errors = await ledgerErrors(() => parseLedgerText("piece;client;type;date\nF1;C1;FA;01/01/2026\n", { kind: "items" }));
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [1, "dueOn"],
      [1, "amount"],
      [1, "openAmount"],
    ]);
  });

  it("parses quoted CSV with csv-parse and counts physical lines", () => {
    const text = 'ref,customerRef,kind,issuedOn,dueOn,amount,openAmount\n"F,1",C001,invoice,2026-01-01,2026-02-01,"1,5","1,5"\n\n"F2",C001,invoice,2026-01-01,2026-02-01,2,2\n';
    const parsed = parseLedgerText(text);
    expect(parsed.rows.map((r) => r.ref)).toEqual(["F,1", "F2"]);
    expect(parsed.rows[0]!.amount).toBe("1,5");
    expect(parsed.lines).toEqual([2, 4]);
  });
});

describe.each(["sqlite", "postgres"] as const)("import on %s", (backend) => {
  const fresh = () => freshDb(backend);

  it("imports a French ERP CSV (;, decimal commas, dd/mm/yyyy, French headers) in cents and ISO dates", async () => {
    const db = await fresh();
    await seed(db);
    const result = await importText(db, FRENCH_ERP);
    expect(result).toMatchObject({ kind: "items", rows: 5, inserted: 5, updated: 0, unchanged: 0, closed: 0 });
    const rows = await items(db);
    expect(rows.map(({ createdAt: _c, updatedAt: _u, ...r }) => r)).toEqual([
      { customerRef: "C001", ref: "AV-2001", kind: "credit_note", issuedOn: "2026-01-20", dueOn: "2026-01-20", amount: -12000, openAmount: -12000, currency: "EUR", dunningLevel: "none", lastDunnedOn: null },
      { customerRef: "C001", ref: "FA-1001", kind: "invoice", issuedOn: "2026-01-05", dueOn: "2026-02-04", amount: 123456, openAmount: 123456, currency: "EUR", dunningLevel: "R1", lastDunnedOn: "2026-02-10" },
      { customerRef: "C001", ref: "FA-1002", kind: "invoice", issuedOn: "2026-01-15", dueOn: "2026-02-14", amount: 9990, openAmount: 5000, currency: "EUR", dunningLevel: "none", lastDunnedOn: null },
      { customerRef: "C002", ref: "RG-3001", kind: "payment", issuedOn: "2026-02-01", dueOn: "2026-02-01", amount: -50000, openAmount: -50, currency: "EUR", dunningLevel: "notice", lastDunnedOn: null },
      // JPY has no minor unit: the customer's currency decides how the amount is read
      { customerRef: "C003", ref: "FA-1003", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: 15000, openAmount: 15000, currency: "JPY", dunningLevel: "R5", lastDunnedOn: null },
    ]);
    // DateTime columns as Prisma 6 (adapter-better-sqlite3, iso8601) writes them on SQLite; that instant on PostgreSQL
    expect(rows[0]!.createdAt).toBe("2026-03-15T09:00:00.000+00:00");
    expect(rows[0]!.updatedAt).toBe("2026-03-15T09:00:00.000+00:00");
  });

  it("imports a ,-separated file with ISO dates and English headers", async () => {
    const db = await fresh();
    await seed(db);
    const text = "ref,customerRef,kind,issuedOn,dueOn,amount,openAmount,currency\nINV-1,C002,invoice,2026-02-01,2026-03-03,1234.56,1000.5,EUR\nCN-1,C002,credit_note,2026-02-10,2026-02-10,-20,-20,\n";
    expect(await importText(db, text)).toMatchObject({ kind: "items", rows: 2, inserted: 2 });
    expect((await items(db)).map((r) => [r.ref, r.kind, r.issuedOn, r.dueOn, r.amount, r.openAmount])).toEqual([
      ["CN-1", "credit_note", "2026-02-10", "2026-02-10", -2000, -2000],
      ["INV-1", "invoice", "2026-02-01", "2026-03-03", 123456, 100050],
    ]);
  });

  it("imports JSON (the REST shape), with lines counted from 1 per object", async () => {
    const db = await fresh();
    await seed(db);
    const json = JSON.stringify([
      { ref: "J1", customerRef: "C001", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: "10.00", openAmount: "10.00", dunningLevel: 2 },
      { ref: "J2", customerRef: "C001", kind: "payment", issuedOn: "2026-02-05", dueOn: "2026-02-05", amount: -4, openAmount: 0 },
    ]);
    expect(await importText(db, json)).toMatchObject({ kind: "items", rows: 2, inserted: 2 });
    expect((await items(db)).map((r) => [r.ref, r.amount, r.openAmount, r.dunningLevel])).toEqual([
      ["J1", 1000, 1000, "R2"],
      ["J2", -400, 0, "none"],
    ]);
    const bad = JSON.stringify([{ ref: "J3", customerRef: "C001", kind: "invoice", issuedOn: "2026-02-30", dueOn: "2026-03-03", amount: "1", openAmount: "1" }]);
    expect(await ledgerErrors(() => importText(db, bad))).toEqual([{ line: 1, field: "issuedOn", message: '"2026-02-30" is not a date' }]);
  });

  it("rejects a file with bad lines with every line and field, and writes nothing", async () => {
    const db = await fresh();
    await seed(db);
    await importText(db, "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount\nOLD;C001;FA;01/01/2026;31/01/2026;10;10\n");
    const before = { items: await count(db, "Item"), snapshot: JSON.stringify(await items(db)) };
    const text = [
      "piece;client;type;date;echeance;montant;solde", // line 1
      "F1;C001;FA;01/02/2026;31/02/2026;100,00;100,00", // 2: bad date
      "F2;C001;FA;01/02/2026;03/03/2026;12,3,4;10", // 3: bad amount
      "F3;C999;FA;01/02/2026;03/03/2026;10;10", // 4: unknown customer
      "F4;C001;XX;01/02/2026;03/03/2026;10;10", // 5: unknown kind
      "A5;C001;AV;01/02/2026;01/02/2026;-10;5", // 6: credit note with a positive open amount
      "F6;C001;FA;01/02/2026;03/03/2026;10;10", // 7: fine
      "F6;C001;FA;01/02/2026;03/03/2026;10;10", // 8: duplicate ref
      "OLD;C001;FA;01/01/2026;31/01/2026;10;0", // 9: fine (an update)
    ].join("\n");
    const errors = await ledgerErrors(() => importText(db, text));
    expect(errors.map((e) => `line ${e.line}, field ${e.field}`)).toEqual([
      "line 2, field dueOn",
      "line 3, field amount",
      "line 4, field customerRef",
      "line 5, field kind",
      "line 6, field openAmount",
      "line 8, field ref",
    ]);
    expect(errors[0]!.message).toBe('"31/02/2026" is not a date');
    expect(errors[5]!.message).toContain("first on line 7");
    expect(await count(db, "Item")).toBe(before.items);
    expect(JSON.stringify(await items(db))).toBe(before.snapshot);
  });

  it("summarises the first errors in the message and caps the list at 100", async () => {
    const db = await fresh();
    await seed(db);
    const lines = ["ref;customerRef;kind;issuedOn;dueOn;amount;openAmount"];
    for (let i = 0; i < 150; i++) lines.push(`F${i};NOPE;FA;01/02/2026;03/03/2026;1;1`);
    try {
      await importText(db, lines.join("\n"));
      expect.unreachable();
    } catch (e) {
      const err = e as LedgerError;
      expect(err.details.errors).toHaveLength(100);
      expect(err.details.errorCount).toBe(150);
      expect(err.message).toContain('line 2, field customerRef: unknown customer "NOPE"');
      expect(err.message).toContain("147 more errors");
    }
    expect(await count(db, "Item")).toBe(0);
  });

  it("changes nothing when the same file is imported twice", async () => {
    const db = await fresh();
    await seed(db);
    await importText(db, FRENCH_ERP);
    const first = await items(db);
    const again = await importText(db, FRENCH_ERP, { now: new Date("2026-03-16T09:00:00Z") });
    expect(again).toMatchObject({ rows: 5, inserted: 0, updated: 0, unchanged: 5, closed: 0, customerIds: [], creditNotes: [] });
    expect(await items(db)).toEqual(first); // updatedAt untouched
  });

  it("updates a changed open amount, and lists its customer", async () => {
    const db = await fresh();
    await seed(db);
    await importText(db, FRENCH_ERP);
    const later = new Date("2026-03-16T09:00:00Z");
    const result = await importText(db, FRENCH_ERP.replace("FA-1002;C001;FA;15/01/2026;14/02/2026;99,9;50;", "FA-1002;C001;FA;15/01/2026;14/02/2026;99,9;0;"), { now: later });
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 4, customerIds: [await customerId(db, "C001")], creditNotes: [] });
    const row = (await items(db)).find((r) => r.ref === "FA-1002")!;
    expect(row.openAmount).toBe(0);
    expect(row.updatedAt).toBe("2026-03-16T09:00:00.000+00:00");
    expect(row.createdAt).toBe("2026-03-15T09:00:00.000+00:00");
  });

  it("keeps optional fields the file does not carry (delta semantics)", async () => {
    const db = await fresh();
    await seed(db);
    await importText(db, FRENCH_ERP); // FA-1001 at R1, dunned 2026-02-10
    const noLevels = "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount\nFA-1001;C001;FA;05/01/2026;04/02/2026;1234,56;1234,56\n";
    expect(await importText(db, noLevels)).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await items(db)).find((r) => r.ref === "FA-1001")).toMatchObject({ dunningLevel: "R1", lastDunnedOn: "2026-02-10" });
  });

  it("--snapshot closes the open items the file no longer lists, only for the file's customers", async () => {
    const db = await fresh();
    await seed(db);
    await importText(db, FRENCH_ERP);
    const snapshot = [
      "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount",
      "FA-1001;C001;FA;05/01/2026;04/02/2026;1234,56;1234,56",
      "AV-2001;C001;AV;20/01/2026;20/01/2026;-120,00;-120,00",
    ].join("\n");
    const result = await importText(db, snapshot, { snapshot: true, now: new Date("2026-03-16T09:00:00Z") });
    // FA-1002 (C001, open 50.00) is closed; RG-3001 (C002) and FA-1003 (C003) are not in the file's customers
    expect(result).toMatchObject({ rows: 2, inserted: 0, updated: 0, unchanged: 2, closed: 1, customerIds: [await customerId(db, "C001")] });
    const byRef = Object.fromEntries((await items(db)).map((r) => [r.ref, r.openAmount]));
    expect(byRef).toEqual({ "AV-2001": -12000, "FA-1001": 123456, "FA-1002": 0, "RG-3001": -50, "FA-1003": 15000 });
    expect(await importText(db, snapshot, { snapshot: true })).toMatchObject({ closed: 0, customerIds: [] });
    expect(await ledgerErrors(() => importText(db, "code_client;raison_sociale\nC1;Acme\n", { snapshot: true }))).toEqual([
      { line: 1, field: "snapshot", message: "a snapshot import applies to items only" },
    ]);
  });

  it("lists the credit notes inserted or changed", async () => {
    const db = await fresh();
    await seed(db);
    const result = await importText(db, FRENCH_ERP);
    expect(result.creditNotes).toEqual([{ customerId: await customerId(db, "C001"), ref: "AV-2001" }]);
    const ids: number[] = [];
    for (const r of ["C001", "C002", "C003"]) ids.push(await customerId(db, r)); // one connection: one query at a time
    expect(result.customerIds).toEqual(ids.sort((a, b) => a - b));
    const changed = await importText(db, FRENCH_ERP.replace("AV-2001;C001;Avoir;20/01/2026;20/01/2026;-120,00;-120,00", "AV-2001;C001;Avoir;20/01/2026;20/01/2026;-120,00;-20,00"));
    expect(changed.creditNotes).toEqual([{ customerId: await customerId(db, "C001"), ref: "AV-2001" }]);
  });

  it("imports people (manager in the same file) and customers, checking references", async () => {
    const db = await fresh();
    const people = "Email;Nom;Rôle;Manager;Langue\nboss@acme.test;Big Boss;manager;;en\nrep@acme.test;Rep One;commercial;boss@acme.test;\n";
    expect(await importText(db, people)).toMatchObject({ kind: "people", inserted: 2 });
    expect(await db.query(`SELECT "email", "role", "managerEmail", "locale", "timezone" FROM "Person" ORDER BY "email"`)).toEqual([
      { email: "boss@acme.test", role: "manager", managerEmail: null, locale: "en", timezone: "Europe/Paris" },
      { email: "rep@acme.test", role: "sales", managerEmail: "boss@acme.test", locale: "fr", timezone: "Europe/Paris" },
    ]);
    expect(await importText(db, people)).toMatchObject({ kind: "people", inserted: 0, updated: 0, unchanged: 2 });
    const customers = "code_client;raison_sociale;commercial\nC1;Acme;REP@acme.test\nC2;Beta;ghost@acme.test\nC1;Acme bis;\n";
    expect((await ledgerErrors(() => importText(db, customers))).map((e) => [e.line, e.field])).toEqual([
      [3, "salesRepEmail"],
      [4, "ref"],
    ]);
    expect(await count(db, "Customer")).toBe(0);
    expect(await importText(db, "code_client;raison_sociale;commercial\nC1;Acme;REP@acme.test\n")).toMatchObject({ kind: "customers", inserted: 1 });
    expect(await db.query(`SELECT "salesRepEmail" FROM "Customer"`)).toEqual([{ salesRepEmail: "rep@acme.test" }]);
  });

  it("reports a row the database refuses with its line (a Slack id taken meanwhile), writing nothing", async () => {
    const db = await fresh();
    await importText(db, "email;name;role;slack\na@acme.test;A;sales;U1\n");
    // validation saw U1 free (the file releases it from a@…), but the row order makes the database refuse b@… first
    const text = "email;name;role;slack\nb@acme.test;B;sales;U1\na@acme.test;A;sales;U2\n";
    const errors = await ledgerErrors(() => importText(db, text));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, field: "row" });
    expect(await db.query(`SELECT "email", "slackUserId" FROM "Person" ORDER BY "email"`)).toEqual([{ email: "a@acme.test", slackUserId: "U1" }]);
  });

  it("imported customers are searchable ignoring accents and case, and a renamed one is re-keyed", async () => {
    const db = await fresh();
    const text = "code_client;raison_sociale\nFR-1;École des Arts\nFR-2;Café du Port\nFR-3;Garage Moreau\n";
    expect(await importText(db, text)).toMatchObject({ kind: "customers", inserted: 3 });
    // the same file again writes nothing (the key is part of the unchanged-row comparison, and equal)
    expect(await importText(db, text)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const { store } = await openStore(db.target);
    try {
      const names = async (q: string) => (await store.customers.search(q, 10)).map((c) => c.name);
      for (const q of ["ecole", "ÉCOLE", "École"]) expect(await names(q)).toEqual(["École des Arts"]);
      expect(await names("cafe")).toEqual(["Café du Port"]);
      expect(await names("fr-3")).toEqual(["Garage Moreau"]);
      expect(await importText(db, "code_client;raison_sociale\nFR-2;Brasserie Lefèvre\n")).toMatchObject({ inserted: 0, updated: 1 });
      expect(await names("cafe")).toEqual([]);
      expect(await names("lefevre")).toEqual(["Brasserie Lefèvre"]);
    } finally {
      await store.close();
    }
  });

  it("streams a file from its path: Windows-1252 bytes, quoted CSV, JSON", async () => {
    const db = await fresh();
    await seed(db);
    const latin = tempFile("pieces.csv");
    fs.writeFileSync(latin, Buffer.from("Numéro pièce;Code client;Type;Date pièce;Echéance;Montant;Solde\nFA-1;C001;Facture;05/01/2026;04/02/2026;10;10\n", "latin1"));
    expect(await run(db, { path: latin })).toMatchObject({ kind: "items", inserted: 1 });
    const quoted = tempFile("quoted.csv");
    fs.writeFileSync(quoted, 'ref,customerRef,kind,issuedOn,dueOn,amount,openAmount\n"F,2",C001,invoice,2026-01-01,2026-02-01,"1,5","1,5"\n\n"F3",C001,invoice,2026-01-01,2026-02-31,2,2\n');
    expect(await ledgerErrors(() => run(db, { path: quoted }))).toEqual([{ line: 4, field: "dueOn", message: '"2026-02-31" is not a date' }]);
    const json = tempFile("export");
    fs.writeFileSync(json, JSON.stringify({ items: [{ ref: "J1", customerRef: "C001", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: "1,00", openAmount: "1,00" }] }, null, 2));
    expect(await run(db, { path: json })).toMatchObject({ kind: "items", inserted: 1 });
    expect((await items(db)).map((r) => r.ref)).toEqual(["FA-1", "J1"]);
  });
});

describe("customer search key (SQLite migration)", () => {
  it("migrating an existing database keys its customers exactly (TypeScript backfill after the SQL one)", () => {
    const file = tempFile("old.db");
    const oldDir = path.dirname(tempFile("migrations"));
    for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
      if (name < "20261123020000") fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(oldDir, name), { recursive: true });
    }
    const db = openSqlite(file);
    cleanup.unshift(() => db.close());
    migrate(db, oldDir);
    db.prepare(`INSERT INTO "Customer" ("ref", "name", "updatedAt") VALUES ('FR-1', 'ÉCOLE  des Arts', 0)`).run();
    expect(migrate(db)).toContain("20261123020000_customer_search");
    expect(db.prepare(`SELECT "searchKey" FROM "Customer"`).pluck().get()).toBe("fr-1 ecole des arts");
  });
});

describe("applyLedger (SQLite, synchronous)", () => {
  it("gives the same rows and result as the import", async () => {
    const file = tempFile("sync.db");
    const raw: BetterSqlite3.Database = openSqlite(file);
    cleanup.unshift(() => raw.close());
    migrate(raw);
    const other = await freshDb("sqlite");
    await seed(other);
    applyLedger(raw, "people", [{ email: "claire@acme.test", name: "Claire Martin", role: "controller" }, { email: "paul@acme.test", name: "Paul Durand", role: "sales", managerEmail: "claire@acme.test" }], { now: NOW });
    applyLedger(raw, "customers", [{ ref: "C001", name: "Boulangerie Dupont", salesRepEmail: "paul@acme.test", controllerEmail: "claire@acme.test" }, { ref: "C002", name: "Garage Leroy", currency: "EUR" }, { ref: "C003", name: "Yen Trading", currency: "JPY" }], { now: NOW });
    const parsed = parseLedgerText(FRENCH_ERP);
    const direct = applyLedger(raw, parsed.kind, parsed.rows, { now: NOW, lines: parsed.lines });
    expect(direct).toEqual(await importText(other, FRENCH_ERP));
    expect(raw.prepare(`SELECT COUNT(*) FROM "Item"`).pluck().get()).toBe(5);
  });
});

describe.each(["sqlite", "postgres"] as const)("importLedger (worker threads) on %s", (backend) => {
  it("gives the same result as the import in this thread", async () => {
    const a = await freshDb(backend);
    const b = await freshDb(backend);
    await seed(a);
    await seed(b);
    const direct = await importText(a, FRENCH_ERP);
    const file = tempFile("pieces.csv");
    fs.writeFileSync(file, FRENCH_ERP);
    const viaWorker = await importLedger({ database: b.target, path: file, now: NOW });
    expect(viaWorker).toEqual(direct);
    expect(await items(b)).toEqual(await items(a));
    // and text input, a second time: nothing changes
    expect(await importLedger({ database: b.target, text: FRENCH_ERP, now: NOW })).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it("rejects with a LedgerError carrying the same details", async () => {
    const db = await freshDb(backend);
    await seed(db);
    const text = "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount\nF1;C001;FA;01/02/2026;31/02/2026;1;1\n";
    const expected = await ledgerErrors(() => importText(db, text));
    const file = tempFile("bad.csv");
    fs.writeFileSync(file, text);
    const error = await importLedger({ database: db.target, path: file, now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).details.errors).toEqual(expected);
    const inline = await importLedger({ database: db.target, text, now: NOW }).catch((e: unknown) => e);
    expect((inline as LedgerError).details.errors).toEqual(expected);
  });

  it("runs small batches in this thread and large ones in a worker, with the same result", async () => {
    const a = await freshDb(backend);
    const b = await freshDb(backend);
    await seed(a);
    await seed(b);
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ref: `F-${i}`, customerRef: "C001", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: "100.00", openAmount: "100.00" }));
    const started = ledgerWorkersStarted();
    const small = await importLedger({ database: a.target, rows: rows(INLINE_MAX_ROWS), kind: "items", now: NOW });
    expect(ledgerWorkersStarted()).toBe(started);
    const large = await importLedger({ database: b.target, rows: rows(INLINE_MAX_ROWS + 1), kind: "items", now: NOW });
    expect(ledgerWorkersStarted()).toBe(started + 1);
    expect(small).toMatchObject({ rows: INLINE_MAX_ROWS, inserted: INLINE_MAX_ROWS });
    expect(large).toMatchObject({ rows: INLINE_MAX_ROWS + 1, inserted: INLINE_MAX_ROWS + 1 });
    expect((await items(b)).filter((i) => i.ref !== `F-${INLINE_MAX_ROWS}`)).toEqual(await items(a));
  });

  /** ~200,000 items over 2,000 customers, ERP style; `bad` puts a wrong date on the last line. */
  function bigFile(rows: number, bad = false): string {
    const out = ["piece;client;type;date;echeance;montant;solde"];
    for (let i = 0; i < rows; i++) {
      const last = bad && i === rows - 1;
      out.push(`F${i};B${i % 2000};FA;${(i % 28) + 1}/01/2026;${last ? "31/02/2026" : "28/02/2026"};${i % 1000},${i % 100};${i % 1000},${i % 100}`);
    }
    const file = tempFile("big.csv");
    fs.writeFileSync(file, out.join("\n"));
    return file;
  }

  const seedBig = (db: TestDb) => run(db, { kind: "customers", rows: Array.from({ length: 2000 }, (_, i) => ({ ref: `B${i}`, name: `Client ${i}` })) });

  it("keeps the event loop responsive during a 200,000-row import", async () => {
    const db = await freshDb(backend);
    await seedBig(db);
    const csv = bigFile(200_000);
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      maxGap = Math.max(maxGap, t - last);
      last = t;
    }, 10);
    try {
      const result = await importLedger({ database: db.target, path: csv, now: NOW });
      expect(result).toMatchObject({ rows: 200_000, inserted: 200_000 });
    } finally {
      clearInterval(timer);
    }
    expect(maxGap).toBeLessThan(200);
    expect(await count(db, "Item")).toBe(200_000);

    // Again with one open amount changed: one update, found in the middle of a multi-row chunk.
    const text = fs.readFileSync(csv, "utf8").replace("\nF123456;B1456;FA;5/01/2026;28/02/2026;456,56;456,56\n", "\nF123456;B1456;FA;5/01/2026;28/02/2026;456,56;6,56\n");
    fs.writeFileSync(csv, text);
    const again = await importLedger({ database: db.target, path: csv, now: new Date("2026-03-16T09:00:00Z") });
    expect(again).toMatchObject({ rows: 200_000, inserted: 0, updated: 1, unchanged: 199_999, customerIds: [await customerId(db, "B1456")] });
    expect(await db.query(`SELECT "openAmount" FROM "Item" WHERE "ref" = 'F123456'`)).toEqual([{ openAmount: 656 }]);
  }, 120_000);

  it("writes nothing when the last line of a large (pipelined) file is wrong", async () => {
    const db = await freshDb(backend);
    await seedBig(db);
    const csv = bigFile(100_000, true);
    const error = await importLedger({ database: db.target, path: csv, now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).details.errors).toEqual([{ line: 100_001, field: "dueOn", message: '"31/02/2026" is not a date' }]);
    expect(await count(db, "Item")).toBe(0);
  }, 120_000);
});

describe.each(["sqlite", "postgres"] as const)("accord import (CLI) on %s", (backend) => {
  const exec = promisify(execFile);
  async function cli(args: string[], target: DatabaseTarget): Promise<{ code: number; out: string }> {
    const url = target.kind === "sqlite" ? `file:${target.file}` : target.url;
    try {
      const { stdout, stderr } = await exec("npx", ["tsx", "src/cli.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } });
      return { code: 0, out: stdout + stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, out: (err.stdout ?? "") + (err.stderr ?? "") };
    }
  }

  it("exits 1 listing line and field on a bad file, 0 with a summary on a good one", async () => {
    const db = await freshDb(backend);
    await seed(db);
    const bad = tempFile("bad.csv");
    fs.writeFileSync(bad, "piece;client;type;date;echeance;montant;solde\nF1;C001;FA;01/02/2026;31/02/2026;10;10\nF2;C404;FA;01/02/2026;03/03/2026;10;10\n");
    const rejected = await cli(["import", bad], db.target);
    expect(rejected.code).toBe(1);
    expect(rejected.out).toContain('line 2, field dueOn: "31/02/2026" is not a date');
    expect(rejected.out).toContain("line 3, field customerRef");
    expect(await count(db, "Item")).toBe(0);

    const good = tempFile("good.csv");
    fs.writeFileSync(good, FRENCH_ERP);
    const accepted = await cli(["import", good, "--kind", "items"], db.target);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toMatch(/items, 5 rows: 5 inserted, 0 updated, 0 unchanged, 0 closed in \d+\.\d+ s/);
    expect(await count(db, "Item")).toBe(5);
  }, 60_000);
});
