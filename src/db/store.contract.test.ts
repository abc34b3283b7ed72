import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CustomerInput, ItemInput, PersonInput, Store } from "../app/ports.ts";
import { AccordError, type ErrorCode } from "../domain/errors.ts";
import { DEFAULT_SETTINGS, settingsSchema } from "../domain/settings.ts";
import type { Customer, Dispute, Item, Person, Reason, Resolution, TimelineEvent } from "../domain/types.ts";
import { connect } from "./connect.ts";
import { openSqlite } from "./sqlite.ts";
import { kyselyStore, migrateDatabase } from "./store.ts";
import { customerIn, dispute, itemIn, personIn, reasonIn, resolution as baseResolution } from "../test/builders.ts";
import { freshPostgresDatabase, type FreshPostgresDatabase } from "../test/postgres.ts";
import { sql } from "kysely";
import fc from "fast-check";

// One contract, two databases: the one store (src/db/store.ts) on a temporary SQLite file per test and
// on a fresh PostgreSQL database for this file, emptied before each test (ids restart at 1).
// Where the order of a result is not part of the port (byIds, byEmails, openClaims...), the test sorts.

interface Backend {
  store: Store;
  /** Another store on the same database: a second replica (closed by dispose). */
  replica(): Store;
  dispose(): Promise<void>;
}

/** A fresh migrated database file in a temporary directory. */
async function tempDatabase(): Promise<{ dir: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-contract-"));
  const file = path.join(dir, "accord.db");
  await migrateDatabase({ kind: "sqlite", file });
  return { dir, file };
}

const sqliteFactory = async (): Promise<Backend> => {
  const { dir, file } = await tempDatabase();
  const store = kyselyStore(connect({ kind: "sqlite", file }));
  const replicas: Store[] = [];
  return {
    store,
    replica: () => {
      const r = kyselyStore(connect({ kind: "sqlite", file }));
      replicas.push(r);
      return r;
    },
    dispose: async () => {
      for (const r of replicas) await r.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

let pgDatabase: FreshPostgresDatabase | null = null;
afterAll(async () => {
  await pgDatabase?.drop();
});

const postgresFactory = async (): Promise<Backend> => {
  pgDatabase ??= await freshPostgresDatabase("contract");
  const conn = connect({ kind: "postgres", url: pgDatabase.url }, { poolSize: 4 });
  const tables = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`.execute(conn.db);
  await sql.raw(`TRUNCATE ${tables.rows.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`).execute(conn.db);
  const store = kyselyStore(conn);
  const replicas: Store[] = [];
  const url = pgDatabase.url;
  return {
    store,
    replica: () => {
      const r = kyselyStore(connect({ kind: "postgres", url }, { poolSize: 4 }));
      replicas.push(r);
      return r;
    },
    dispose: async () => {
      for (const r of replicas) await r.close();
      await store.close();
    },
  };
};

// ---- builders ---------------------------------------------------------------------------------

const T0 = new Date("2025-03-03T08:00:00.123Z");
const later = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

let numberSeq = 0;
/** A valid Dispute literal: an open item-level dispute opened at T0, overridable field by field. */
const disputeOf = (over: Partial<Dispute> & Pick<Dispute, "customerId" | "reasonId">): Dispute =>
  dispute({
    id: 0,
    number: `LIT-${String(++numberSeq).padStart(4, "0")}`,
    statement: "Le prix facturé ne correspond pas au devis.",
    ownerEmail: "rep@acme.test",
    openedByEmail: "cc@acme.test",
    followUpOn: "2025-03-10",
    slaDueOn: "2025-04-02",
    items: [],
    version: 1,
    openedAt: T0,
    updatedAt: T0,
    ...over,
  });
const resolution = (over: Partial<Resolution> = {}): Resolution => baseResolution({ outcome: "credit_note", note: "Avoir accordé", creditNoteRef: "AV-1", concededAmount: 30_00, ...over });
const resolved = (d: Dispute, res: Resolution, extra: Partial<Dispute> = {}): Dispute => ({
  ...d,
  status: "resolved",
  resolution: res,
  closedAt: later(60),
  closedByEmail: "cc@acme.test",
  version: d.version + 1,
  updatedAt: later(60),
  ...extra,
});

async function one<T>(p: Promise<T[]>): Promise<T> {
  const [v] = await p;
  if (v === undefined) throw new Error("expected one row");
  return v;
}
const addPerson = (s: Store, email: string, over: Partial<PersonInput> = {}): Promise<Person> => one(s.people.upsertMany([personIn(email, over)]));
const addCustomer = (s: Store, ref: string, over: Partial<CustomerInput> = {}): Promise<Customer> =>
  one(s.customers.upsertMany([customerIn(ref, over)]));
const addItem = (s: Store, customerId: number, ref: string, over: Partial<ItemInput> = {}): Promise<Item> =>
  one(s.items.upsertMany([itemIn(customerId, ref, over)]));

/** Two customers, a reason and three invoices (two of Acme, one of Beta). */
async function seed(s: Store) {
  const acme = await addCustomer(s, "C001", { name: "Acme", salesRepEmail: "rep@acme.test" });
  const beta = await addCustomer(s, "C002", { name: "Beta", salesRepEmail: "other@acme.test" });
  const reason = await s.reasons.create(reasonIn("price"));
  const f1 = await addItem(s, acme.id, "F1");
  const f2 = await addItem(s, acme.id, "F2", { dueOn: "2025-01-15" });
  const f3 = await addItem(s, beta.id, "F3");
  return { acme, beta, reason, f1, f2, f3 };
}

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AccordError);
  expect((e as AccordError).code).toBe(code);
}

const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort((a, b) => a - b);

// ---- the contract -------------------------------------------------------------------------------

// In CI, the suite fails if any backend ran no test (a skipped or emptied backend must not go unnoticed).
const ran: Record<string, number> = { sqlite: 0, postgres: 0 };
afterAll(() => {
  if (!process.env.CI) return;
  for (const [backend, n] of Object.entries(ran)) {
    if (n === 0) throw new Error(`the ${backend} backend ran no contract test`);
  }
});

describe.each([
  ["sqlite", sqliteFactory],
  ["postgres", postgresFactory],
] as const)("%s store", (backend, factory) => {
  let b: Backend;
  let s: Store;
  const t = (name: string) => `[${backend}] ${name}`;

  beforeEach(async () => {
    ran[backend] = (ran[backend] ?? 0) + 1;
    numberSeq = 0;
    b = await factory();
    s = b.store;
  });
  afterEach(async () => {
    await b.dispose();
  });

  // -- people --

  it(t("people: upsert creates with defaults and autoincrement ids"), async () => {
    const [a, c] = await s.people.upsertMany([personIn("ann@acme.test"), personIn("carl@acme.test", { role: "sales" })]);
    expect(a).toEqual({
      id: 1,
      email: "ann@acme.test",
      name: "ann",
      role: "controller",
      managerEmail: null,
      locale: "fr",
      timezone: "Europe/Paris",
      slackUserId: null,
      teamsUserId: null,
    });
    expect(c?.id).toBe(2);
  });

  it(t("people: upsert by email keeps the fields not given, null clears"), async () => {
    const first = await addPerson(s, "ann@acme.test", {
      managerEmail: "boss@acme.test",
      locale: "en",
      timezone: "Europe/London",
      slackUserId: "U1",
      teamsUserId: "T1",
    });
    const again = await addPerson(s, "ann@acme.test", { name: "Ann Smith", role: "manager" });
    expect(again).toEqual({ ...first, name: "Ann Smith", role: "manager" });
    const cleared = await addPerson(s, "ann@acme.test", { name: "Ann Smith", role: "manager", slackUserId: null, managerEmail: null });
    expect(cleared).toEqual({ ...again, slackUserId: null, managerEmail: null });
    expect(await s.people.byEmail("ann@acme.test")).toEqual(cleared);
    expect(await s.people.list()).toHaveLength(1);
  });

  it(t("people: the opener's notices are on by default, turned off and on again; an upsert keeps the choice"), async () => {
    await s.people.upsertMany([personIn("ann@acme.test"), personIn("bob@acme.test")]);
    expect(await s.people.openerUpdates("ann@acme.test")).toBe(true);
    expect(await s.people.openerUpdatesOff(["ann@acme.test", "bob@acme.test"])).toEqual([]);
    expect(await s.people.setOpenerUpdates("ann@acme.test", false)).toBe(true);
    expect(await s.people.openerUpdates("ann@acme.test")).toBe(false);
    expect(await s.people.openerUpdates("bob@acme.test")).toBe(true);
    await addPerson(s, "ann@acme.test", { name: "Ann Again" });
    expect(await s.people.openerUpdatesOff(["ann@acme.test", "bob@acme.test", "x@y"])).toEqual(["ann@acme.test"]);
    expect(await s.people.openerUpdatesOff([])).toEqual([]);
    expect(await s.people.setOpenerUpdates("ann@acme.test", true)).toBe(true);
    expect(await s.people.openerUpdates("ann@acme.test")).toBe(true);
    expect(await s.people.setOpenerUpdates("nobody@acme.test", false)).toBe(false);
    expect(await s.people.openerUpdates("nobody@acme.test")).toBe(false);
  });

  it(t("people: lookups by email, emails, slack id; list by name with role filter"), async () => {
    await s.people.upsertMany([
      personIn("zoe@acme.test", { name: "Zoe", role: "sales", slackUserId: "UZ" }),
      personIn("bob@acme.test", { name: "Bob", role: "controller" }),
      personIn("amy@acme.test", { name: "Amy", role: "sales" }),
    ]);
    expect((await s.people.byEmail("bob@acme.test"))?.name).toBe("Bob");
    expect(await s.people.byEmail("BOB@acme.test")).toBeNull();
    expect(await s.people.byEmail("nobody@acme.test")).toBeNull();
    expect((await s.people.byEmails(["zoe@acme.test", "amy@acme.test", "x@y"])).map((p) => p.name).sort()).toEqual(["Amy", "Zoe"]);
    expect(await s.people.byEmails([])).toEqual([]);
    expect((await s.people.bySlackId("UZ"))?.email).toBe("zoe@acme.test");
    expect(await s.people.bySlackId("U404")).toBeNull();
    expect((await s.people.list()).map((p) => p.name)).toEqual(["Amy", "Bob", "Zoe"]);
    expect((await s.people.list({ role: "sales" })).map((p) => p.name)).toEqual(["Amy", "Zoe"]);
  });

  it(t("people: a slack id already used by someone else is refused"), async () => {
    await addPerson(s, "ann@acme.test", { slackUserId: "U1" });
    await expect(addPerson(s, "bob@acme.test", { slackUserId: "U1" })).rejects.toThrow();
    expect(await s.people.byEmail("bob@acme.test")).toBeNull();
  });

  // -- customers --

  it(t("customers: upsert by ref keeps the fields not given; lookups; list by ref"), async () => {
    const c = await addCustomer(s, "C2", { name: "Acme", currency: "USD", salesRepEmail: "rep@acme.test", controllerEmail: "cc@acme.test" });
    expect(c).toEqual({ id: 1, ref: "C2", name: "Acme", currency: "USD", salesRepEmail: "rep@acme.test", controllerEmail: "cc@acme.test" });
    const d = await addCustomer(s, "C1");
    expect(d).toMatchObject({ id: 2, currency: "EUR", salesRepEmail: null, controllerEmail: null });
    const again = await addCustomer(s, "C2", { name: "Acme SA" });
    expect(again).toEqual({ ...c, name: "Acme SA" });
    const cleared = await addCustomer(s, "C2", { name: "Acme SA", salesRepEmail: null });
    expect(cleared.salesRepEmail).toBeNull();
    expect(await s.customers.byRef("C2")).toEqual(cleared);
    expect(await s.customers.byRef("c2")).toBeNull();
    expect(await s.customers.byId(d.id)).toEqual(d);
    expect(await s.customers.byId(99)).toBeNull();
    expect(ids(await s.customers.byIds([2, 1, 99]))).toEqual([1, 2]);
    expect(ids(await s.customers.byRefs(["C1", "nope"]))).toEqual([d.id]);
    expect((await s.customers.list()).map((x) => x.ref)).toEqual(["C1", "C2"]);
  });

  it(t("customers: search on ref or name, case-insensitive, by name, limited"), async () => {
    await s.customers.upsertMany([
      customerIn("K-100", { name: "Zeta Industries" }),
      customerIn("K-200", { name: "acme corp" }),
      customerIn("ACM-1", { name: "Mercury" }),
      customerIn("K-300", { name: "Beta" }),
    ]);
    expect((await s.customers.search("ACME", 10)).map((c) => c.name)).toEqual(["acme corp"]);
    // ref matches too; binary order puts upper case before lower case
    expect((await s.customers.search("acm", 10)).map((c) => c.name)).toEqual(["Mercury", "acme corp"]);
    expect((await s.customers.search("  k-  ", 10)).map((c) => c.ref)).toEqual(["K-300", "K-100", "K-200"]);
    expect((await s.customers.search("k-", 2)).map((c) => c.ref)).toEqual(["K-300", "K-100"]);
    expect((await s.customers.search("", 10)).map((c) => c.name)).toEqual(["Beta", "Mercury", "Zeta Industries", "acme corp"]);
    expect(await s.customers.search("nothing", 10)).toEqual([]);
  });

  it(t("customers: search ignores accents and case (French names), % and _ are literal"), async () => {
    await s.customers.upsertMany([
      customerIn("C_1", { name: "École Zèbre" }),
      customerIn("CX1", { name: "Électricité" }),
      customerIn("C3", { name: "ÉCOLE" }),
    ]);
    for (const q of ["ÉCOLE", "école", "ecole", "Ecole"]) expect((await s.customers.search(q, 10)).map((c) => c.ref).sort()).toEqual(["C3", "C_1"]);
    expect((await s.customers.search("zèbre", 10)).map((c) => c.ref)).toEqual(["C_1"]);
    expect((await s.customers.search("ZEBRE", 10)).map((c) => c.ref)).toEqual(["C_1"]);
    expect((await s.customers.search("c_1", 10)).map((c) => c.ref)).toEqual(["C_1"]);
    expect(await s.customers.search("%", 10)).toEqual([]);
    expect(await s.customers.search("c_", 10)).toHaveLength(1);
  });

  it(t("customers: search finds French names whatever the accents, on ref or name"), async () => {
    await s.customers.upsertMany([
      customerIn("FR-001", { name: "École des Arts" }),
      customerIn("FR-002", { name: "Café du Port" }),
      customerIn("FR-003", { name: "Garage Moreau" }),
      customerIn("FR-004", { name: "Remise 10% SARL" }),
    ]);
    const names = async (q: string) => (await s.customers.search(q, 10)).map((c) => c.name);
    for (const q of ["ecole", "ÉCOLE", "École", "  écOLE   des  "]) expect(await names(q)).toEqual(["École des Arts"]);
    expect(await names("cafe")).toEqual(["Café du Port"]);
    expect(await names("CAFÉ DU")).toEqual(["Café du Port"]);
    expect(await names("moreau")).toEqual(["Garage Moreau"]);
    expect(await names("fr-002")).toEqual(["Café du Port"]);
    expect(await names("FR-00")).toEqual(["Café du Port", "Garage Moreau", "Remise 10% SARL", "École des Arts"]);
    expect(await names("%")).toEqual(["Remise 10% SARL"]);
    expect(await names("10%")).toEqual(["Remise 10% SARL"]);
    expect(await names("_")).toEqual([]);
    // a rename re-keys the row
    await s.customers.upsertMany([customerIn("FR-002", { name: "Brasserie Lefèvre" })]);
    expect(await names("cafe")).toEqual([]);
    expect(await names("lefevre")).toEqual(["Brasserie Lefèvre"]);
  });

  // -- items --

  it(t("items: upsert by (customer, ref) keeps dunning state unless given"), async () => {
    const acme = await addCustomer(s, "C1");
    const beta = await addCustomer(s, "C2");
    const it1 = await addItem(s, acme.id, "F1", { dunningLevel: "R2", lastDunnedOn: "2025-02-20" });
    expect(it1).toEqual({
      id: 1,
      customerId: acme.id,
      ref: "F1",
      kind: "invoice",
      issuedOn: "2025-01-01",
      dueOn: "2025-02-01",
      amount: 100_00,
      openAmount: 100_00,
      currency: "EUR",
      dunningLevel: "R2",
      lastDunnedOn: "2025-02-20",
    });
    const paid = await addItem(s, acme.id, "F1", { openAmount: 40_00 });
    expect(paid).toEqual({ ...it1, openAmount: 40_00 });
    const other = await addItem(s, beta.id, "F1");
    // a new row gets a higher id (exact values may skip: SQLite's native upsert uses up an id even when it updates)
    expect(other.id).toBeGreaterThan(it1.id);
    expect(other.dunningLevel).toBe("none");
    expect(other.lastDunnedOn).toBeNull();
    expect(ids(await s.items.byIds([other.id, it1.id, 42]))).toEqual([it1.id, other.id]);
    expect(await s.items.byRefs(acme.id, ["F1", "F9"])).toEqual([paid]);
    expect(await s.items.byRefs(beta.id, ["F1"])).toEqual([other]);
  });

  it(t("items: ofCustomer(s) by due date then ref, openOnly; allOpen"), async () => {
    const acme = await addCustomer(s, "C1");
    const beta = await addCustomer(s, "C2");
    await s.items.upsertMany([
      itemIn(acme.id, "F3", { dueOn: "2025-02-01" }),
      itemIn(acme.id, "F2", { dueOn: "2025-02-01", openAmount: 0 }),
      itemIn(acme.id, "AV1", { kind: "credit_note", dueOn: "2025-03-01", amount: -20_00, openAmount: -20_00 }),
      itemIn(acme.id, "F1", { dueOn: "2025-01-10" }),
      itemIn(beta.id, "G1", { dueOn: "2024-12-01" }),
      itemIn(beta.id, "G0", { dueOn: "2025-05-01", openAmount: 0 }),
    ]);
    expect((await s.items.ofCustomer(acme.id)).map((i) => i.ref)).toEqual(["F1", "F2", "F3", "AV1"]);
    expect((await s.items.ofCustomer(acme.id, { openOnly: true })).map((i) => i.ref)).toEqual(["F1", "F3", "AV1"]);
    expect((await s.items.ofCustomers([acme.id, beta.id], { openOnly: true })).map((i) => i.ref)).toEqual(["G1", "F1", "F3", "AV1"]);
    expect((await s.items.ofCustomers([beta.id])).map((i) => i.ref)).toEqual(["G1", "G0"]);
    // what the hold rules read of the same open items, in the same order
    expect(await s.items.openForHolds([acme.id, beta.id])).toEqual(
      (await s.items.ofCustomers([acme.id, beta.id], { openOnly: true })).map((i) => ({ id: i.id, customerId: i.customerId, kind: i.kind, openAmount: i.openAmount })),
    );
    expect(await s.items.openForHolds([])).toEqual([]);
    expect((await s.items.allOpen()).map((i) => i.ref)).toEqual(["F1", "F3", "AV1", "G1"]);
    expect((await s.items.allOpen({ customerIds: [beta.id] })).map((i) => i.ref)).toEqual(["G1"]);
    expect(await s.items.allOpen({ customerIds: [] })).toEqual([]);
  });

  it(t("items: openCustomerIds pages the customers with open items by id; allOpen by customer id range"), async () => {
    const [a, b, c, d] = await s.customers.upsertMany(["C1", "C2", "C3", "C4"].map((ref) => customerIn(ref)));
    await s.items.upsertMany([
      itemIn(a!.id, "A1"),
      itemIn(a!.id, "A2", { dueOn: "2025-01-01" }),
      itemIn(b!.id, "B1", { openAmount: 0 }), // b: nothing open
      itemIn(c!.id, "CR", { kind: "credit_note", amount: -5_00, openAmount: -5_00 }), // a credit is open too
      itemIn(d!.id, "D1"),
    ]);
    expect(await s.items.openCustomerIds({ limit: 10 })).toEqual([a!.id, c!.id, d!.id]);
    expect(await s.items.openCustomerIds({ limit: 2 })).toEqual([a!.id, c!.id]);
    expect(await s.items.openCustomerIds({ afterCustomerId: c!.id, limit: 2 })).toEqual([d!.id]);
    expect(await s.items.openCustomerIds({ afterCustomerId: d!.id, limit: 2 })).toEqual([]);
    expect((await s.items.allOpen({ customerIdRange: { from: a!.id, to: c!.id } })).map((i) => i.ref)).toEqual(["A2", "A1", "CR"]);
    expect((await s.items.allOpen({ customerIdRange: { from: b!.id, to: b!.id } })).map((i) => i.ref)).toEqual([]);
    expect((await s.items.allOpen({ customerIdRange: { from: d!.id, to: d!.id + 5 } })).map((i) => i.ref)).toEqual(["D1"]);
  });

  it(t("items: setDunning records level and date"), async () => {
    const acme = await addCustomer(s, "C1");
    const f1 = await addItem(s, acme.id, "F1");
    const f2 = await addItem(s, acme.id, "F2");
    await s.items.setDunning([
      { itemId: f1.id, level: "R1", lastDunnedOn: "2025-03-03" },
      { itemId: f2.id, level: "notice", lastDunnedOn: "2025-03-01" },
    ]);
    const [a, c] = await s.items.ofCustomer(acme.id);
    expect([a?.dunningLevel, a?.lastDunnedOn, c?.dunningLevel, c?.lastDunnedOn]).toEqual(["R1", "2025-03-03", "notice", "2025-03-01"]);
    await s.items.setDunning([]);
  });

  it(t("items: an item of an unknown customer is refused"), async () => {
    await expect(addItem(s, 404, "F1")).rejects.toThrow();
    expect(await s.items.allOpen()).toEqual([]);
  });

  // -- reasons --

  it(t("reasons: create with defaults, duplicate code is a conflict"), async () => {
    const r = await s.reasons.create(reasonIn("price"));
    expect(r).toEqual({
      id: 1,
      code: "price",
      labelFr: "Motif price",
      labelEn: "Reason price",
      active: true,
      sortOrder: 0,
      followUpDays: 7,
      slaDays: 30,
      priority: "normal",
      holdsDunning: true,
    });
    await expectCode(s.reasons.create(reasonIn("price", { labelEn: "again" })), "conflict");
    expect(await s.reasons.list()).toEqual([r]);
    expect(await s.reasons.byCode("price")).toEqual(r);
    expect(await s.reasons.byId(r.id)).toEqual(r);
    expect(await s.reasons.byCode("nope")).toBeNull();
    expect(await s.reasons.byId(99)).toBeNull();
  });

  it(t("reasons: update patches only what is given; unknown code is not_found"), async () => {
    const r = await s.reasons.create(reasonIn("quality", { priority: "high", slaDays: 10, holdsDunning: false }));
    const u = await s.reasons.update("quality", { labelEn: "Defect", active: false });
    expect(u).toEqual({ ...r, labelEn: "Defect", active: false });
    expect(await s.reasons.byCode("quality")).toEqual(u);
    await expectCode(s.reasons.update("nope", { active: false }), "not_found");
  });

  it(t("reasons: list by sort order then code, activeOnly"), async () => {
    await s.reasons.create(reasonIn("other", { sortOrder: 99 }));
    await s.reasons.create(reasonIn("quantity", { sortOrder: 1 }));
    await s.reasons.create(reasonIn("price", { sortOrder: 1 }));
    await s.reasons.create(reasonIn("dup", { sortOrder: 0, active: false }));
    expect((await s.reasons.list()).map((r) => r.code)).toEqual(["dup", "price", "quantity", "other"]);
    expect((await s.reasons.list({ activeOnly: true })).map((r) => r.code)).toEqual(["price", "quantity", "other"]);
    await s.reasons.update("other", { sortOrder: -1 });
    expect((await s.reasons.list()).map((r) => r.code)).toEqual(["other", "dup", "price", "quantity"]);
  });

  it(t("reasons: inUse once a dispute uses the reason"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const unused = await s.reasons.create(reasonIn("other"));
    expect(await s.reasons.inUse(reason.id)).toBe(false);
    await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 10_00 }] }));
    expect(await s.reasons.inUse(reason.id)).toBe(true);
    expect(await s.reasons.inUse(unused.id)).toBe(false);
  });

  // -- disputes --

  it(t("disputes: create ignores the given id and returns the stored dispute; byId, byNumber"), async () => {
    const { acme, reason, f1, f2 } = await seed(s);
    const input = disputeOf({
      id: 77,
      customerId: acme.id,
      reasonId: reason.id,
      items: [
        { itemId: f2.id, amount: 25_00 },
        { itemId: f1.id, amount: 100_00 },
      ],
    });
    const created = await s.disputes.create(input);
    expect(created.id).toBe(1);
    const expected: Dispute = { ...input, id: 1, items: [...input.items].sort((a, b) => a.itemId - b.itemId) };
    expect(created).toEqual(expected);
    expect(created.openedAt).toBeInstanceOf(Date);
    expect(await s.disputes.byId(1)).toEqual(expected);
    expect(await s.disputes.byNumber(input.number)).toEqual(expected);
    expect(await s.disputes.byId(2)).toBeNull();
    expect(await s.disputes.byNumber("LIT-9999")).toBeNull();
    const second = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    expect(second.id).toBe(2);
  });

  it(t("disputes: a number already used is a conflict"), async () => {
    const { acme, reason } = await seed(s);
    await s.disputes.create(disputeOf({ number: "LIT-1", customerId: acme.id, reasonId: reason.id }));
    await expectCode(s.disputes.create(disputeOf({ number: "LIT-1", customerId: acme.id, reasonId: reason.id })), "conflict");
    expect(await s.disputes.list({})).toHaveLength(1);
  });

  it(t("disputes: unknown customer, reason or item is refused and nothing is written"), async () => {
    const { acme, reason, f1 } = await seed(s);
    await expect(s.disputes.create(disputeOf({ customerId: 404, reasonId: reason.id }))).rejects.toThrow();
    await expect(s.disputes.create(disputeOf({ customerId: acme.id, reasonId: 404 }))).rejects.toThrow();
    await expect(
      s.disputes.create(
        disputeOf({
          customerId: acme.id,
          reasonId: reason.id,
          items: [
            { itemId: f1.id, amount: 1 },
            { itemId: 404, amount: 1 },
          ],
        }),
      ),
    ).rejects.toThrow();
    expect(await s.disputes.list({})).toEqual([]);
    expect(await s.disputes.openClaims([f1.id])).toEqual([]);
    await expect(s.disputes.appendEvents(404, [{ type: "commented", at: T0, byEmail: null, text: "x" }])).rejects.toThrow();
  });

  it(t("disputes: update checks the version (stale_version) and replaces the items"), async () => {
    const { acme, reason, f1, f2, f3 } = await seed(s);
    const d = await s.disputes.create(
      disputeOf({
        customerId: acme.id,
        reasonId: reason.id,
        items: [
          { itemId: f1.id, amount: 10_00 },
          { itemId: f2.id, amount: 20_00 },
        ],
      }),
    );
    const next: Dispute = {
      ...d,
      ownerEmail: "support@acme.test",
      followUpOn: null,
      items: [
        { itemId: f3.id, amount: 5_00 },
        { itemId: f2.id, amount: 15_00 },
      ],
      version: 2,
      updatedAt: later(5),
    };
    await s.disputes.update(next, 1);
    expect(await s.disputes.byId(d.id)).toEqual({ ...next, items: [...next.items].sort((a, b) => a.itemId - b.itemId) });
    await expectCode(s.disputes.update({ ...next, statement: "lost update", version: 3 }, 1), "stale_version");
    expect((await s.disputes.byId(d.id))?.statement).toBe(d.statement);
    await expectCode(s.disputes.update({ ...next, id: 999, version: 2 }, 1), "stale_version");

    const done = resolved({ ...next, version: 2 }, resolution({ rootCause: "pricing" }));
    await s.disputes.update(done, 2);
    const back = await s.disputes.byId(d.id);
    expect(back?.status).toBe("resolved");
    expect(back?.resolution).toEqual(resolution({ rootCause: "pricing" }));
    expect(back?.closedAt).toEqual(later(60));
    expect(back?.version).toBe(3);
  });

  it(t("disputes: moveFollowUp moves the follow-up date only, version and updatedAt kept; a stale version is refused"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 10_00 }] }));
    await s.disputes.moveFollowUp(d.id, "2026-03-19", d.version);
    expect(await s.disputes.byId(d.id)).toEqual({ ...d, followUpOn: "2026-03-19" });
    // an owner's change meanwhile (a snooze: version 2) wins: the job's move is refused and nothing changes
    await s.disputes.update({ ...d, followUpOn: "2026-04-01", version: 2, updatedAt: later(5) }, d.version);
    await expectCode(s.disputes.moveFollowUp(d.id, "2026-03-26", d.version), "stale_version");
    expect((await s.disputes.byId(d.id))?.followUpOn).toBe("2026-04-01");
    await s.disputes.moveFollowUp(d.id, null, 2);
    expect(await s.disputes.byId(d.id)).toMatchObject({ followUpOn: null, version: 2, updatedAt: later(5) });
    await expectCode(s.disputes.moveFollowUp(999, "2026-03-26", 1), "stale_version");
  });

  it(t("disputes: openClaims of open disputes on the items asked, except one dispute"), async () => {
    const { acme, reason, f1, f2 } = await seed(s);
    const a = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 30_00 }] }));
    const b2 = await s.disputes.create(
      disputeOf({
        customerId: acme.id,
        reasonId: reason.id,
        items: [
          { itemId: f1.id, amount: 50_00 },
          { itemId: f2.id, amount: 10_00 },
        ],
      }),
    );
    const c = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 5_00 }] }));
    await s.disputes.update({ ...c, status: "withdrawn", version: 2 }, 1);
    const sortClaims = (xs: { itemId: number; disputeId: number }[]) =>
      [...xs].sort((x, y) => x.itemId - y.itemId || x.disputeId - y.disputeId);
    expect(sortClaims(await s.disputes.openClaims([f1.id]))).toEqual([
      { itemId: f1.id, disputeId: a.id, number: a.number, amount: 30_00 },
      { itemId: f1.id, disputeId: b2.id, number: b2.number, amount: 50_00 },
    ]);
    expect(sortClaims(await s.disputes.openClaims([f1.id, f2.id], b2.id))).toEqual([
      { itemId: f1.id, disputeId: a.id, number: a.number, amount: 30_00 },
    ]);
    expect(await s.disputes.openClaims([])).toEqual([]);
  });

  it(t("disputes: at most one open customer-level dispute per customer (conflict)"), async () => {
    const { acme, beta, reason } = await seed(s);
    expect(await s.disputes.openCustomerLevel(acme.id)).toBeNull();
    const flag = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer" }));
    expect(await s.disputes.openCustomerLevel(acme.id)).toEqual(flag);
    await expectCode(s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer" })), "conflict");
    // item-level disputes and other customers are not concerned
    await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const betaFlag = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id, scope: "customer" }));
    expect(await s.disputes.openCustomerLevel(beta.id)).toEqual(betaFlag);
    // clearing the flag (withdrawing) frees the slot
    await s.disputes.update({ ...flag, status: "withdrawn", version: 2 }, 1);
    expect(await s.disputes.openCustomerLevel(acme.id)).toBeNull();
    const again = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer" }));
    expect((await s.disputes.openCustomerLevel(acme.id))?.id).toBe(again.id);
    // reopening the old flag while another is open is a conflict too, and changes nothing
    await expectCode(s.disputes.update({ ...flag, status: "open", version: 3 }, 2), "conflict");
    expect((await s.disputes.byId(flag.id))?.status).toBe("withdrawn");
  });

  it(t("disputes: flaggedCustomers are those with an open customer-level dispute"), async () => {
    const { acme, beta, reason } = await seed(s);
    const gamma = await addCustomer(s, "C003");
    expect(await s.disputes.flaggedCustomers()).toEqual([]);
    const flag = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer" }));
    await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id })); // item-level: not a flag
    const gammaFlag = await s.disputes.create(disputeOf({ customerId: gamma.id, reasonId: reason.id, scope: "customer" }));
    expect(await s.disputes.flaggedCustomers()).toEqual([acme.id, gamma.id]);
    expect(await s.disputes.flaggedCustomers([beta.id, gamma.id])).toEqual([gamma.id]);
    expect(await s.disputes.flaggedCustomers([])).toEqual([]);
    await s.disputes.update({ ...flag, status: "withdrawn", version: 2 }, 1);
    await s.disputes.update(resolved(gammaFlag, resolution({ outcome: "rejected", creditNoteRef: null, concededAmount: null })), 1);
    expect(await s.disputes.flaggedCustomers()).toEqual([]);
  });

  it(t("disputes: list pages with a keyset cursor, ties on openedAt broken by id"), async () => {
    const { acme, reason } = await seed(s);
    const made: Dispute[] = [];
    // openedAt: three at the same instant, one later, one earlier
    for (const m of [0, 0, 0, 10, -10]) made.push(await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, openedAt: later(m) })));
    const order = [made[3]!, made[2]!, made[1]!, made[0]!, made[4]!].map((d) => d.number);
    const seen: string[] = [];
    let after: { openedAt: Date; id: number } | undefined;
    for (let n = 0; n < 10; n++) {
      const page = await s.disputes.list({ limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.map((d) => d.number));
      const last = page[page.length - 1];
      if (page.length < 2 || !last) break;
      after = { openedAt: last.openedAt, id: last.id };
    }
    expect(seen).toEqual(order);
    // a page carries the items as a whole list does
    expect(await s.disputes.list({ limit: 5 })).toEqual(await s.disputes.list({}));
  });

  it(t("disputes: list filters and newest first"), async () => {
    const { acme, beta, reason } = await seed(s);
    const other = await s.reasons.create(reasonIn("quality"));
    const d1 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, openedAt: later(0), followUpOn: "2025-03-05" }));
    const d2 = await s.disputes.create(
      disputeOf({ customerId: beta.id, reasonId: other.id, openedAt: later(10), ownerEmail: "support@acme.test", followUpOn: null }),
    );
    const d3 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, openedAt: later(10), followUpOn: "2025-03-20" }));
    const d4 = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id, openedAt: later(-10), followUpOn: "2025-03-01" }));
    await s.disputes.update(resolved(d4, resolution({ outcome: "rejected", creditNoteRef: null, concededAmount: null })), 1);
    const numbers = (xs: Dispute[]) => xs.map((x) => x.number);
    expect(numbers(await s.disputes.list({}))).toEqual([d3.number, d2.number, d1.number, d4.number]);
    expect(numbers(await s.disputes.list({ limit: 2 }))).toEqual([d3.number, d2.number]);
    expect(numbers(await s.disputes.list({ status: "open" }))).toEqual([d3.number, d2.number, d1.number]);
    expect(numbers(await s.disputes.list({ status: "resolved" }))).toEqual([d4.number]);
    expect(numbers(await s.disputes.list({ reasonId: other.id }))).toEqual([d2.number]);
    expect(numbers(await s.disputes.list({ ownerEmail: "support@acme.test" }))).toEqual([d2.number]);
    expect(numbers(await s.disputes.list({ customerId: acme.id }))).toEqual([d3.number, d1.number]);
    // follow-up before a date: open disputes only, disputes without a follow-up date never match
    expect(numbers(await s.disputes.list({ followUpBefore: "2025-03-10" }))).toEqual([d1.number]);
    expect(numbers(await s.disputes.list({ followUpBefore: "2025-03-21" }))).toEqual([d3.number, d1.number]);
    // followUpBefore implies open, whatever status says (the adapter's where clause overrides it)
    expect(numbers(await s.disputes.list({ followUpBefore: "2025-03-21", status: "resolved" }))).toEqual([d3.number, d1.number]);
    expect(numbers(await s.disputes.list({ salesRepEmail: "other@acme.test" }))).toEqual([d2.number, d4.number]);
    expect(numbers(await s.disputes.list({ salesRepEmail: "rep@acme.test", status: "open", reasonId: reason.id }))).toEqual([
      d3.number,
      d1.number,
    ]);
  });

  it(t("disputes: holdingFor and customersWithHoldingDisputes follow mayHold"), async () => {
    const { acme, beta, reason, f1, f3 } = await seed(s);
    const gamma = await addCustomer(s, "C003");
    const delta = await addCustomer(s, "C004");
    const items = [{ itemId: f1.id, amount: 40_00 }];
    const mk = async (customerId: number, after?: (d: Dispute) => Dispute) => {
      const d = await s.disputes.create(disputeOf({ customerId, reasonId: reason.id, items: customerId === beta.id ? [{ itemId: f3.id, amount: 1 }] : items }));
      if (!after) return d;
      const next = after(d);
      await s.disputes.update(next, d.version);
      return next;
    };
    const open = await mk(acme.id);
    await mk(acme.id, (d) => ({ ...d, status: "withdrawn", version: 2 }));
    const creditPending = await mk(acme.id, (d) => resolved(d, resolution()));
    await mk(acme.id, (d) => resolved(d, resolution(), { creditNoteSeenAt: later(90) }));
    await mk(acme.id, (d) => resolved(d, resolution({ outcome: "rejected", creditNoteRef: null, concededAmount: null })));
    const litigation = await mk(beta.id, (d) => resolved(d, resolution({ outcome: "litigation", creditNoteRef: null, concededAmount: null })));
    await mk(beta.id, (d) => resolved(d, resolution({ outcome: "litigation", creditNoteRef: null, concededAmount: null }), { holdsReleasedAt: later(120) }));
    // gamma: only a credit note resolution that concedes nothing; delta: one with no conceded amount at all
    await mk(gamma.id, (d) => resolved(d, resolution({ concededAmount: 0 })));
    await mk(delta.id, (d) => resolved(d, resolution({ concededAmount: null })));

    expect(ids(await s.disputes.holdingFor([acme.id]))).toEqual([open.id, creditPending.id]);
    expect(ids(await s.disputes.holdingFor([acme.id, beta.id, gamma.id, delta.id]))).toEqual([open.id, creditPending.id, litigation.id]);
    expect(await s.disputes.holdingFor([gamma.id])).toEqual([]);
    expect(await s.disputes.holdingFor([])).toEqual([]);
    expect((await s.disputes.customersWithHoldingDisputes()).sort((a, b) => a - b)).toEqual([acme.id, beta.id]);
    // only what the hold rules read, each as the whole dispute has it
    for (const h of await s.disputes.holdingFor([acme.id, beta.id])) {
      const d = (await s.disputes.byId(h.id))!;
      expect(h).toEqual({
        id: d.id,
        customerId: d.customerId,
        scope: d.scope,
        status: d.status,
        reasonId: d.reasonId,
        items: d.items,
        resolution: d.resolution ? { outcome: d.resolution.outcome, concededAmount: d.resolution.concededAmount } : null,
        creditNoteSeenAt: d.creditNoteSeenAt,
        holdsReleasedAt: d.holdsReleasedAt,
        openedAt: d.openedAt,
      });
    }
    expect((await s.disputes.holdingFor([acme.id]))[1]!.resolution).toEqual({ outcome: "credit_note", concededAmount: resolution().concededAmount });
  });

  it(t("disputes: awaitingCreditNotes of a customer by credit note ref"), async () => {
    const { acme, beta, reason, f1, f3 } = await seed(s);
    const mk = async (customerId: number, itemId: number, res: Resolution, extra: Partial<Dispute> = {}) => {
      const d = await s.disputes.create(disputeOf({ customerId, reasonId: reason.id, items: [{ itemId, amount: 40_00 }] }));
      const next = resolved(d, res, extra);
      await s.disputes.update(next, 1);
      return next;
    };
    const av1 = await mk(acme.id, f1.id, resolution({ creditNoteRef: "AV-1" }));
    const av2 = await mk(acme.id, f1.id, resolution({ creditNoteRef: "AV-2" }));
    await mk(acme.id, f1.id, resolution({ creditNoteRef: "AV-3" }), { creditNoteSeenAt: later(100) });
    await mk(beta.id, f3.id, resolution({ creditNoteRef: "AV-1" }));
    await mk(acme.id, f1.id, resolution({ outcome: "other", creditNoteRef: "AV-1" }));
    await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    expect(await s.disputes.awaitingCreditNotes(acme.id, ["AV-1"])).toEqual([av1]);
    expect(ids(await s.disputes.awaitingCreditNotes(acme.id, ["AV-1", "AV-2", "AV-3", "AV-9"]))).toEqual([av1.id, av2.id]);
    expect(await s.disputes.awaitingCreditNotes(acme.id, [])).toEqual([]);
  });

  it(t("disputes: timeline appends in order and reads back with data"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const other = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const events: TimelineEvent[] = [
      { type: "opened", at: later(0), byEmail: "cc@acme.test", text: null, data: { items: [1, 2], total: 40_00 } },
      { type: "commented", at: later(5), byEmail: "rep@acme.test", text: "On regarde." },
    ];
    await s.disputes.appendEvents(d.id, events);
    await s.disputes.appendEvents(other.id, [{ type: "opened", at: later(1), byEmail: null, text: null }]);
    // an older instant appended later still comes after: insertion order, not time order
    await s.disputes.appendEvents(d.id, [{ type: "reminded", at: later(-30), byEmail: null, text: "relance", data: { level: 1, nested: { ok: true } } }]);
    const tl = await s.disputes.timeline(d.id);
    expect(tl).toEqual([...events, { type: "reminded", at: later(-30), byEmail: null, text: "relance", data: { level: 1, nested: { ok: true } } }]);
    expect(tl[0]?.at).toBeInstanceOf(Date);
    expect("data" in (tl[1] ?? {})).toBe(false);
    expect(await s.disputes.timeline(other.id)).toEqual([{ type: "opened", at: later(1), byEmail: null, text: null }]);
    expect(await s.disputes.timeline(999)).toEqual([]);
  });

  it(t("disputes: lastSnooze reads a person's latest snoozed choice from the timeline"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const other = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    expect(await s.disputes.lastSnooze("rep@acme.test")).toBeNull();
    await s.disputes.appendEvents(d.id, [{ type: "follow_up_set", at: later(0), byEmail: "rep@acme.test", text: null, data: { on: "2026-03-16", snoozed: "in3days" } }]);
    await s.disputes.appendEvents(other.id, [{ type: "follow_up_set", at: later(1), byEmail: "rep@acme.test", text: null, data: { on: "2026-03-20", snoozed: "date" } }]);
    // a follow-up set without Snooze, and someone else's snooze, do not count
    await s.disputes.appendEvents(d.id, [
      { type: "follow_up_set", at: later(2), byEmail: "rep@acme.test", text: null, data: { on: "2026-03-25" } },
      { type: "follow_up_set", at: later(3), byEmail: "cc@acme.test", text: null, data: { on: "2026-03-26", snoozed: "tomorrow" } },
    ]);
    expect(await s.disputes.lastSnooze("rep@acme.test")).toBe("date");
    expect(await s.disputes.lastSnooze("cc@acme.test")).toBe("tomorrow");
    expect(await s.disputes.lastSnooze("nobody@acme.test")).toBeNull();
  });

  // -- holds --

  it(t("holds: replaceForCustomers reports changes and keeps since of holds that stay"), async () => {
    const { acme, beta, reason, f1, f2, f3 } = await seed(s);
    const d1 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const d2 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, openedAt: later(1) }));
    const d3 = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id }));
    const t1 = later(0);
    const t2 = later(60);

    const first = await s.holds.replaceForCustomers(
      [acme.id, beta.id],
      [
        { itemId: f1.id, disputeId: d1.id, amount: 30_00, kind: "dispute" },
        { itemId: f1.id, disputeId: d2.id, amount: 20_00, kind: "dispute" },
        { itemId: f2.id, disputeId: d1.id, amount: 50_00, kind: "dispute" },
        { itemId: f3.id, disputeId: d3.id, amount: 10_00, kind: "customer" },
      ],
      t1,
    );
    expect(first).toEqual([
      { itemId: f1.id, disputeId: d1.id, before: 0, after: 30_00 },
      { itemId: f1.id, disputeId: d2.id, before: 0, after: 20_00 },
      { itemId: f2.id, disputeId: d1.id, before: 0, after: 50_00 },
      { itemId: f3.id, disputeId: d3.id, before: 0, after: 10_00 },
    ]);

    // Acme only: f1/d1 unchanged, f1/d2 shrinks, f2/d1 changes kind only, f2/d2 is new; Beta's hold stays.
    const second = await s.holds.replaceForCustomers(
      [acme.id],
      [
        { itemId: f1.id, disputeId: d1.id, amount: 30_00, kind: "dispute" },
        { itemId: f1.id, disputeId: d2.id, amount: 5_00, kind: "dispute" },
        { itemId: f2.id, disputeId: d1.id, amount: 50_00, kind: "litigation" },
        { itemId: f2.id, disputeId: d2.id, amount: 1_00, kind: "dispute" },
      ],
      t2,
    );
    expect(second).toEqual([
      { itemId: f1.id, disputeId: d2.id, before: 20_00, after: 5_00 },
      { itemId: f2.id, disputeId: d2.id, before: 0, after: 1_00 },
    ]);
    expect(await s.holds.list()).toEqual([
      { itemId: f1.id, disputeId: d1.id, amount: 30_00, kind: "dispute", since: t1 },
      { itemId: f1.id, disputeId: d2.id, amount: 5_00, kind: "dispute", since: t1 },
      { itemId: f2.id, disputeId: d1.id, amount: 50_00, kind: "litigation", since: t1 },
      { itemId: f2.id, disputeId: d2.id, amount: 1_00, kind: "dispute", since: t2 },
      { itemId: f3.id, disputeId: d3.id, amount: 10_00, kind: "customer", since: t1 },
    ]);

    // Dropping holds reports them with after 0.
    const third = await s.holds.replaceForCustomers([acme.id], [{ itemId: f2.id, disputeId: d2.id, amount: 1_00, kind: "dispute" }], later(120));
    expect([...third].sort((a, b) => a.itemId - b.itemId || a.disputeId - b.disputeId)).toEqual([
      { itemId: f1.id, disputeId: d1.id, before: 30_00, after: 0 },
      { itemId: f1.id, disputeId: d2.id, before: 5_00, after: 0 },
      { itemId: f2.id, disputeId: d1.id, before: 50_00, after: 0 },
    ]);
    expect(await s.holds.list({ customerIds: [acme.id] })).toEqual([{ itemId: f2.id, disputeId: d2.id, amount: 1_00, kind: "dispute", since: t2 }]);
    expect(await s.holds.replaceForCustomers([], [], later(180))).toEqual([]);
  });

  it(t("holds: rows for unknown items or disputes, or the same new row twice, are refused"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    await expect(s.holds.replaceForCustomers([acme.id], [{ itemId: 404, disputeId: d.id, amount: 1, kind: "dispute" }], T0)).rejects.toThrow();
    await expect(s.holds.replaceForCustomers([acme.id], [{ itemId: f1.id, disputeId: 404, amount: 1, kind: "dispute" }], T0)).rejects.toThrow();
    const row = { itemId: f1.id, disputeId: d.id, amount: 1, kind: "dispute" as const };
    await expect(s.holds.replaceForCustomers([acme.id], [row, row], T0)).rejects.toThrow();
  });

  it(t("holds: list filters by customers and disputes"), async () => {
    const { acme, beta, reason, f1, f2, f3 } = await seed(s);
    const d1 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const d2 = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id }));
    await s.holds.replaceForCustomers(
      [acme.id, beta.id],
      [
        { itemId: f2.id, disputeId: d1.id, amount: 2, kind: "dispute" },
        { itemId: f1.id, disputeId: d1.id, amount: 1, kind: "dispute" },
        { itemId: f3.id, disputeId: d2.id, amount: 3, kind: "credit_pending" },
      ],
      T0,
    );
    const amounts = (xs: { amount: number }[]) => xs.map((x) => x.amount);
    expect(amounts(await s.holds.list())).toEqual([1, 2, 3]);
    expect(amounts(await s.holds.list({ customerIds: [beta.id] }))).toEqual([3]);
    expect(amounts(await s.holds.list({ disputeIds: [d1.id] }))).toEqual([1, 2]);
    expect(amounts(await s.holds.list({ customerIds: [acme.id], disputeIds: [d2.id] }))).toEqual([]);
    expect(amounts(await s.holds.list({ customerIds: [] }))).toEqual([]);
  });

  // -- settings --

  it(t("settings: read for update in a transaction: the defaults first, what was saved, what the transaction saved"), async () => {
    expect(await s.transaction((tx) => tx.settings.getForUpdate())).toEqual(DEFAULT_SETTINGS);
    expect(await s.settings.get()).toEqual(DEFAULT_SETTINGS);
    const next = { ...DEFAULT_SETTINGS, calendar: { ...DEFAULT_SETTINGS.calendar, extraHolidays: ["2026-12-24"] } };
    await s.transaction(async (tx) => {
      const cur = await tx.settings.getForUpdate();
      await tx.settings.save({ ...cur, calendar: next.calendar });
      expect(await tx.settings.getForUpdate()).toEqual(next);
    });
    expect(await s.settings.get()).toEqual(next);
    await s.settings.save(DEFAULT_SETTINGS);
  });

  it(t("settings: two transactions editing one calendar day each keep both"), async () => {
    await s.settings.save(DEFAULT_SETTINGS);
    let firstRead!: () => void;
    const read = new Promise<void>((r) => (firstRead = r));
    const add = (day: string, gap: boolean) =>
      s.transaction(async (tx) => {
        const cur = await tx.settings.getForUpdate();
        if (gap) {
          firstRead();
          await new Promise((r) => setTimeout(r, 30)); // room for the other to read the same settings, were it not kept waiting
        }
        await tx.settings.save({ ...cur, calendar: { ...cur.calendar, extraHolidays: [...cur.calendar.extraHolidays, day].sort() } });
      });
    const first = add("2026-12-24", true);
    await read;
    await Promise.all([first, add("2026-12-31", false)]);
    expect((await s.settings.get()).calendar.extraHolidays).toEqual(["2026-12-24", "2026-12-31"]);
    await s.settings.save(DEFAULT_SETTINGS);
  });

  it(t("settings: defaults first, then what was saved"), async () => {
    const s0 = await s.settings.get();
    expect(s0).toEqual(DEFAULT_SETTINGS);
    s0.customerPolicy = "hold"; // a caller mutating what it got changes nothing stored
    expect(await s.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.customerPolicy).toBe("flag");
    const next = settingsSchema.parse({
      customerPolicy: "hold",
      dunningMode: "account",
      scenario: { noticeOffsetDays: null, offsets: [3, 10, 20, 30, 40], minGapDays: 5 },
      escalation: [{ afterDaysOverdue: 1, notify: "manager" }],
    });
    await s.settings.save(next);
    expect(await s.settings.get()).toEqual(next);
    await s.settings.save({ ...next, timezone: "America/New_York" });
    expect((await s.settings.get()).timezone).toBe("America/New_York");
  });

  // -- outbox --

  const msg = (id: string, orderKey: string, createdAt: Date) => ({ id, type: "slack.post", orderKey, payload: JSON.stringify({ id }), createdAt });

  it(t("outbox: due gives only the head of each order key once its time has come"), async () => {
    await s.outbox.add([msg("a1", "A", later(0)), msg("b1", "B", later(1)), msg("a2", "A", later(2)), msg("c1", "C", later(30))]);
    const due0 = await s.outbox.due(later(5), 10);
    expect(due0.map((m) => m.id)).toEqual(["a1", "b1"]);
    expect(due0[0]).toEqual({
      seq: expect.any(Number),
      id: "a1",
      channel: "webhook",
      claimedUntil: null,
      type: "slack.post",
      orderKey: "A",
      payload: '{"id":"a1"}',
      status: "pending",
      attempts: 0,
      nextAttemptAt: later(0),
      lastError: null,
      createdAt: later(0),
      deliveredAt: null,
    });
    expect((await s.outbox.due(later(60), 10)).map((m) => m.id)).toEqual(["a1", "b1", "c1"]);
    expect((await s.outbox.due(later(60), 2)).map((m) => m.id)).toEqual(["a1", "b1"]);
    expect(await s.outbox.due(later(-1), 10)).toEqual([]);
    await s.outbox.markDelivered("a1", later(6));
    // heads come oldest first: b1 was added before a2
    expect((await s.outbox.due(later(6), 10)).map((m) => m.id)).toEqual(["b1", "a2"]);
    const delivered = await s.outbox.list({ status: "delivered" });
    expect(delivered.map((m) => [m.id, m.status, m.deliveredAt])).toEqual([["a1", "delivered", later(6)]]);
  });

  it(t("outbox: markFailed retries later and blocks its key; null makes it dead"), async () => {
    await s.outbox.add([msg("a1", "A", later(0)), msg("a2", "A", later(1)), msg("b1", "B", later(2))]);
    await s.outbox.markFailed("a1", "HTTP 429", later(10));
    const [a1] = await s.outbox.list({ status: "failed" });
    expect(a1).toMatchObject({ id: "a1", status: "pending", attempts: 1, lastError: "HTTP 429", nextAttemptAt: later(10) });
    // a1 waits, and a2 waits behind it
    expect((await s.outbox.due(later(5), 10)).map((m) => m.id)).toEqual(["b1"]);
    expect((await s.outbox.due(later(10), 10)).map((m) => m.id)).toEqual(["a1", "b1"]);
    await s.outbox.markFailed("a1", "x".repeat(2000), null);
    const dead = await s.outbox.list({ status: "dead" });
    expect(dead.map((m) => [m.id, m.attempts, m.lastError?.length])).toEqual([["a1", 2, 1000]]);
    // a dead message no longer blocks its key
    expect((await s.outbox.due(later(10), 10)).map((m) => m.id)).toEqual(["a2", "b1"]);
    await s.outbox.markFailed("b1", "timeout", later(20));
    expect((await s.outbox.list({ status: "failed" })).map((m) => m.id)).toEqual(["a1", "b1"]);
    expect((await s.outbox.list({ status: "pending" })).map((m) => m.id)).toEqual(["a2", "b1"]);
    expect((await s.outbox.list({})).map((m) => m.id)).toEqual(["a1", "a2", "b1"]);
    expect((await s.outbox.list({ limit: 1 })).map((m) => m.id)).toEqual(["a1"]);
    await s.outbox.markDelivered("b1", later(21));
    const b1 = (await s.outbox.list({ status: "delivered" }))[0];
    expect(b1).toMatchObject({ id: "b1", status: "delivered", attempts: 1, lastError: null });
    expect((await s.outbox.list({ status: "failed" })).map((m) => m.id)).toEqual(["a1"]);
  });

  it(t("outbox: claim leases the heads of one channel; the next of a key waits for delivery; an expired lease is claimed again"), async () => {
    await s.outbox.add([msg("a1", "A", later(0)), msg("a2", "A", later(1)), msg("b1", "B", later(2)), { ...msg("s1", "S", later(0)), channel: "slack" }]);
    const lease = 10 * 60_000; // ten minutes
    const first = await s.outbox.claim({ channel: "webhook", now: later(5), leaseMs: lease, limit: 10 });
    expect(first.map((m) => [m.id, m.claimedUntil])).toEqual([
      ["a1", new Date(later(5).getTime() + lease)],
      ["b1", new Date(later(5).getTime() + lease)],
    ]);
    // claimed: nobody else gets them, and a2 waits behind a1
    expect(await s.outbox.claim({ channel: "webhook", now: later(5), leaseMs: lease, limit: 10 })).toEqual([]);
    expect((await s.outbox.claim({ channel: "slack", now: later(5), leaseMs: lease, limit: 10 })).map((m) => m.id)).toEqual(["s1"]);
    await s.outbox.markDelivered("a1", later(6));
    expect((await s.outbox.claim({ channel: "webhook", now: later(6), leaseMs: lease, limit: 10 })).map((m) => m.id)).toEqual(["a2"]);
    // b1's claimer died: once its lease is over, b1 is claimed again
    expect(await s.outbox.claim({ channel: "webhook", now: later(14), leaseMs: lease, limit: 10 })).toEqual([]);
    expect((await s.outbox.claim({ channel: "webhook", now: later(15), leaseMs: lease, limit: 10 })).map((m) => m.id)).toEqual(["b1"]);
    // a failure ends the lease: due again at its next attempt
    await s.outbox.markFailed("b1", "HTTP 503", later(17));
    // (a2's lease, taken at 6, ends at 16: claimed again then; b1 waits for its next attempt)
    expect((await s.outbox.claim({ channel: "webhook", now: later(16), leaseMs: lease, limit: 10 })).map((m) => m.id)).toEqual(["a2"]);
    expect((await s.outbox.claim({ channel: "webhook", now: later(17), leaseMs: lease, limit: 10 })).map((m) => m.id)).toEqual(["b1"]);
    expect((await s.outbox.list({ channel: "slack" })).map((m) => m.id)).toEqual(["s1"]);
  });

  it(t("outbox: claim takes the oldest heads up to its limit, past keys with a backlog, and says which were claimed before"), async () => {
    // key A has a backlog of 8 ahead of everyone else; then one row each for B..E
    await s.outbox.add([...Array.from({ length: 8 }, (_, i) => msg(`a${i}`, "A", later(0))), ...["B", "C", "D", "E"].map((k) => msg(`${k.toLowerCase()}1`, k, later(1)))]);
    // not due yet: nothing
    expect(await s.outbox.claim({ channel: "webhook", now: new Date(later(0).getTime() - 1), leaseMs: 1000, limit: 3 })).toEqual([]);
    const first = await s.outbox.claim({ channel: "webhook", now: later(2), leaseMs: 1000, limit: 3 });
    expect(first.map((m) => [m.id, m.reclaimed])).toEqual([
      ["a0", false],
      ["b1", false],
      ["c1", false],
    ]);
    expect((await s.outbox.claim({ channel: "webhook", now: later(2), leaseMs: 1000, limit: 3 })).map((m) => m.id)).toEqual(["d1", "e1"]);
    // the leases run out with no outcome: claimed again, flagged as such
    const again = await s.outbox.claim({ channel: "webhook", now: later(5), leaseMs: 1000, limit: 10 });
    expect(again.map((m) => [m.id, m.reclaimed])).toEqual(["a0", "b1", "c1", "d1", "e1"].map((id) => [id, true]));
  });

  it(t("outbox: replicas claiming together never get the same message"), async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `K${i % 20}`);
    await s.outbox.add(keys.map((k, i) => msg(`m${i}`, k, later(0))));
    const replicas = [s, b.replica(), b.replica()];
    const claimed: string[] = [];
    // three replicas, each claiming and delivering in rounds, until everything is delivered
    for (let round = 0; round < 60; round++) {
      const got = await Promise.all(replicas.map((r) => r.outbox.claim({ channel: "webhook", now: later(1), leaseMs: 60_000, limit: 5 })));
      const ids = got.flat().map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [i, r] of replicas.entries()) for (const m of got[i]!) await r.outbox.markDelivered(m.id, later(1));
      claimed.push(...ids);
      if (!ids.length) break;
    }
    expect(claimed.sort()).toEqual(keys.map((_, i) => `m${i}`).sort());
    // in order per key: m0, m20, m40 share K0 and went one per round (the next is claimed only once the one before is delivered)
    const roundOf = new Map<string, number>();
    let r = 0;
    for (const id of claimed) roundOf.set(id, r++);
    expect(roundOf.get("m0")!).toBeLessThan(roundOf.get("m20")!);
    expect(roundOf.get("m20")!).toBeLessThan(roundOf.get("m40")!);
  });

  it(t("outbox: retry puts a dead message back in the queue, not a delivered one"), async () => {
    await s.outbox.add([msg("a1", "A", later(0)), msg("b1", "B", later(0))]);
    await s.outbox.markFailed("a1", "channel_not_found", null);
    await s.outbox.markDelivered("b1", later(1));
    expect(await s.outbox.retry("b1", later(2))).toBeNull();
    expect(await s.outbox.retry("nope", later(2))).toBeNull();
    expect(await s.outbox.retry("a1", later(2))).toMatchObject({ id: "a1", status: "pending", attempts: 1, lastError: "channel_not_found", nextAttemptAt: later(2), claimedUntil: null });
    expect((await s.outbox.claim({ channel: "webhook", now: later(2), leaseMs: 1000, limit: 10 })).map((m) => m.id)).toEqual(["a1"]);
  });

  it(t("outbox: a lease that ran out is told on the next claim (reclaimed); defer waits without counting an attempt"), async () => {
    await s.outbox.add([{ ...msg("s1", "S", later(0)), channel: "slack" }, { ...msg("s2", "S", later(1)), channel: "slack" }, { ...msg("s3", "S", later(2)), channel: "slack" }]);
    const [first] = await s.outbox.claim({ channel: "slack", now: later(5), leaseMs: 1000, limit: 10 });
    expect(first).toMatchObject({ id: "s1", reclaimed: false });
    // its deliverer died: the next claimer is told, to look for what was sent before sending again
    expect(await s.outbox.claim({ channel: "slack", now: later(6), leaseMs: 1000, limit: 10 })).toMatchObject([{ id: "s1", reclaimed: true }]);
    // paced: not due before 20, no attempt counted, nothing sent yet
    await s.outbox.defer("s1", later(20));
    expect(await s.outbox.claim({ channel: "slack", now: later(19), leaseMs: 1000, limit: 10 })).toEqual([]);
    expect(await s.outbox.claim({ channel: "slack", now: later(20), leaseMs: 1000, limit: 10 })).toMatchObject([{ id: "s1", reclaimed: false, attempts: 0 }]);
    // deferred after sending part of it: the next claim reconciles
    await s.outbox.defer("s1", later(30), { sent: true });
    expect(await s.outbox.claim({ channel: "slack", now: later(30), leaseMs: 1000, limit: 10 })).toMatchObject([{ id: "s1", reclaimed: true, attempts: 0 }]);
    // two more changes of S wait behind it: its card update can be left to the last one
    const [s1] = await s.outbox.list({ channel: "slack", orderKey: "S", limit: 1 });
    expect(await s.outbox.pendingAfter({ channel: "slack", orderKey: "S", seq: s1!.seq, type: "slack.post" })).toBe(2);
    expect(await s.outbox.pendingAfter({ channel: "webhook", orderKey: "S", seq: s1!.seq, type: "slack.post" })).toBe(0);
    expect(await s.outbox.pendingAfter({ channel: "slack", orderKey: "S", seq: s1!.seq, type: "other" })).toBe(0);
  });

  it(t("rates: one call per interval per key, a burst at once, all keys or none; a block holds every caller"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const channel = { key: "slack:channel:C1", intervalMs: 1000 };
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 3 };
    expect(await s.rates.take([ws, channel], at(0))).toBe(0);
    // the channel allows the next at 1000: 400 ms to wait, and the workspace slot is not spent
    expect(await s.rates.take([ws, channel], at(600))).toBe(400);
    expect(await s.rates.take([ws, { key: "slack:channel:C2", intervalMs: 1000 }], at(600))).toBe(0);
    expect(await s.rates.take([ws, channel], at(1000))).toBe(0);
    // a burst of 3 on the workspace: three at once, the fourth waits one interval
    const other = b.replica();
    expect(await other.rates.take([ws], at(5000))).toBe(0);
    expect(await s.rates.take([ws], at(5000))).toBe(0);
    expect(await other.rates.take([ws], at(5000))).toBe(0);
    expect(await s.rates.take([ws], at(5000))).toBe(100);
    // a 429's Retry-After blocks the key for every replica
    await s.rates.block(channel.key, at(9000), "ratelimited", at(6000));
    expect(await other.rates.take([channel], at(6000))).toBe(3000);
    expect(await other.rates.get(channel.key)).toMatchObject({ blockedUntil: at(9000), reason: "ratelimited" });
    expect(await other.rates.take([channel], at(9000))).toBe(0);
    await s.rates.block("slack:workspace", at(999_999), "token_revoked", at(9000));
    expect(await other.rates.take([ws], at(10_000))).toBe(989_999);
    await other.rates.unblock("slack:workspace", at(10_000));
    expect(await s.rates.take([ws], at(10_000))).toBe(0);
    expect(await s.rates.get("slack:workspace")).toMatchObject({ blockedUntil: null, reason: null });
    expect(await s.rates.get("nope")).toBeNull();
    // a call that left late pushes the next slot to its completion plus the interval, never back
    expect(await s.rates.take([channel], at(20_000))).toBe(0);
    await other.rates.notBefore(channel.key, at(21_300), at(20_300));
    expect(await s.rates.take([channel], at(21_000))).toBe(300);
    await s.rates.notBefore(channel.key, at(20_500), at(20_500));
    expect(await s.rates.take([channel], at(21_300))).toBe(0);
    await s.rates.notBefore("slack:channel:new", at(30_000), at(29_000));
    expect(await s.rates.take([{ key: "slack:channel:new", intervalMs: 1000 }], at(29_500))).toBe(500);
  });

  it(t("rates: replicas taking one key together never get more than its rate"), async () => {
    const key = { key: "slack:channel:C9", intervalMs: 1000 };
    const replicas = [s, b.replica(), b.replica()];
    const got = await Promise.all(replicas.flatMap((r) => [r.rates.take([key], T0), r.rates.take([key], T0)]));
    expect(got.filter((w) => w === 0)).toHaveLength(1);
  });

  it(t("rates: a window key lets a window's worth through at once, then one as each earlier call leaves the window, for every replica"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    // at most 3 calls in any 300 ms
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 3, window: true };
    const other = b.replica();
    // a call as the deliverer makes it: a reservation for now, then settled when it came back (here at once)
    const call = async (r: Store, ms: number) => {
      const got = await r.rates.reserve([ws], at(ms), 0);
      if (got.taken) await r.rates.settle([ws], at(ms), at(ms), at(ms));
      return got.taken ? 0 : got.waitMs;
    };
    expect(await call(s, 0)).toBe(0);
    expect(await call(other, 10)).toBe(0);
    expect(await call(s, 20)).toBe(0);
    // the fourth waits for the first to leave the window (at 300), not one interval
    expect(await call(other, 30)).toBe(270);
    expect(await call(s, 300)).toBe(0);
    expect(await call(s, 305)).toBe(5);
    expect(await call(other, 310)).toBe(0);
    // after a quiet spell the whole window at once again
    for (const r of [s, other, s]) expect(await call(r, 2000)).toBe(0);
    expect(await call(other, 2000)).toBe(300);
    // a block on the key holds its window too
    await s.rates.block(ws.key, at(5000), "ratelimited", at(4000));
    expect(await call(other, 4000)).toBe(1000);
    expect(await call(other, 5000)).toBe(0);
    // a call not settled yet (still out, or its process died) holds its slot for two windows
    for (const ms of [6000, 6000]) expect(await call(s, ms)).toBe(0);
    expect((await s.rates.reserve([ws], at(6000), 0)).taken).toBe(true);
    for (const r of [s, other]) expect(await call(r, 6300)).toBe(0);
    expect(await call(s, 6300)).toBe(300);
  });

  it(t("rates: a reservation takes every key's slot for the earliest instant they all allow, or nothing beyond the wait asked for"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 2, window: true };
    const channel = { key: "slack:channel:C1", intervalMs: 1000 };
    const other = b.replica();
    expect(await s.rates.reserve([ws, channel], at(0), 0)).toEqual({ taken: true, inMs: 0 });
    // the channel allows the next at 1000: not within 500 ms, nothing is taken
    expect(await other.rates.reserve([ws, channel], at(100), 500)).toEqual({ taken: false, waitMs: 900 });
    expect(await other.rates.reserve([ws, { key: "slack:channel:C2", intervalMs: 1000 }], at(100), 0)).toEqual({ taken: true, inMs: 0 });
    // within 2 s: taken for 1000 (the workspace's window is then free again)
    expect(await other.rates.reserve([ws, channel], at(100), 2000)).toEqual({ taken: true, inMs: 900 });
    // the next callers queue behind those reservations instead of all trying again at once (a slot not settled
    // yet is held for two windows)
    expect(await s.rates.reserve([ws, { key: "slack:channel:C3", intervalMs: 1000 }], at(150), 2000)).toEqual({ taken: true, inMs: 350 });
    expect(await s.rates.reserve([ws, { key: "slack:channel:C4", intervalMs: 1000 }], at(150), 2000)).toEqual({ taken: true, inMs: 750 });
    // a blocked key: reserved for the end of its block when that is near enough, refused when it is not
    await s.rates.block(channel.key, at(4000), "ratelimited", at(3000));
    expect(await other.rates.reserve([channel], at(3000), 500)).toEqual({ taken: false, waitMs: 1000 });
    expect(await other.rates.reserve([channel], at(3000), 1000)).toEqual({ taken: true, inMs: 1000 });
  });

  it(t("rates: replicas reserving a window key together never get more than its window's worth"), async () => {
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 2, window: true };
    const replicas = [s, b.replica(), b.replica()];
    const got = await Promise.all(replicas.flatMap((r) => [r.rates.reserve([ws], T0, 0), r.rates.reserve([ws], T0, 0)]));
    expect(got.filter((g) => g.taken)).toHaveLength(2);
  });

  it(t("rates: a call that came back late keeps its window slot, and a burst-1 key, taken until its completion plus the window"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 2, window: true };
    const channel = { key: "slack:channel:C1", intervalMs: 1000 };
    expect(await s.rates.reserve([ws, channel], at(0), 0)).toEqual({ taken: true, inMs: 0 });
    expect(await s.rates.reserve([ws], at(10), 0)).toEqual({ taken: true, inMs: 0 });
    await s.rates.settle([ws], at(10), at(10), at(10));
    // the first call took 150 ms: its slot is free at 350, not 200; its channel at 1150, not 1000
    await b.replica().rates.settle([ws, channel], at(0), at(150), at(150));
    expect(await s.rates.take([ws], at(200))).toBe(10);
    expect(await s.rates.take([ws], at(210))).toBe(0);
    expect(await s.rates.take([ws], at(300))).toBe(50);
    expect(await s.rates.take([channel], at(1000))).toBe(150);
    // settled again (a retry of the write): nothing moves
    await s.rates.settle([ws, channel], at(0), at(50), at(400));
    expect(await s.rates.take([ws], at(300))).toBe(50);
    expect(await s.rates.take([channel], at(1100))).toBe(50);
  });

  it(t("rates: a reservation left unused is given back: its window slot and its channel are free again from its instant, never before another call's"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const ws = { key: "slack:workspace", intervalMs: 100, burst: 2, window: true };
    const channel = { key: "slack:channel:C1", intervalMs: 1000 };
    const other = b.replica();
    // two calls fill the window; a third is reserved for when the first leaves it (300)
    expect(await s.rates.reserve([ws, { key: "slack:channel:C2", intervalMs: 1000 }], at(0), 0)).toEqual({ taken: true, inMs: 0 });
    await s.rates.settle([ws], at(0), at(0), at(0));
    expect(await s.rates.reserve([ws], at(50), 0)).toEqual({ taken: true, inMs: 0 });
    await s.rates.settle([ws], at(50), at(50), at(50));
    expect(await s.rates.reserve([ws, channel], at(100), 2000)).toEqual({ taken: true, inMs: 100 });
    // a 429 blocks the workspace until 1000 before it leaves: unused, given back (twice: the second changes nothing)
    await other.rates.block(ws.key, at(1000), "ratelimited", at(150));
    await s.rates.release([ws, channel], at(200), at(200));
    await other.rates.release([ws, channel], at(200), at(210));
    // reserved again for the block's end: neither its own window slot nor its own channel holds it back
    expect(await other.rates.reserve([ws, channel], at(250), 2000)).toEqual({ taken: true, inMs: 750 });
    expect(await s.rates.reserve([ws], at(250), 2000)).toEqual({ taken: true, inMs: 750 });
    // the window is full again (both slots held for 1000): nothing before a slot is settled
    expect(await s.rates.reserve([ws], at(250), 0)).toMatchObject({ taken: false });
    // a channel another reservation moved on since stays where that one put it
    expect(await s.rates.reserve([{ key: "slack:channel:C3", intervalMs: 1000 }], at(0), 0)).toEqual({ taken: true, inMs: 0 });
    expect(await other.rates.reserve([{ key: "slack:channel:C3", intervalMs: 1000 }], at(500), 1000)).toEqual({ taken: true, inMs: 500 });
    await s.rates.release([{ key: "slack:channel:C3", intervalMs: 1000 }], at(0), at(600));
    expect(await s.rates.take([{ key: "slack:channel:C3", intervalMs: 1000 }], at(1000))).toBe(1000);
  });

  it(t("rates: a block is never shortened: a shorter Retry-After leaves a longer one (or a token pause) in place"), async () => {
    const at = (ms: number) => new Date(T0.getTime() + ms);
    await s.rates.block("slack:workspace", at(999_999), "token_revoked", at(0));
    await b.replica().rates.block("slack:workspace", at(2000), "ratelimited", at(1000));
    expect(await s.rates.get("slack:workspace")).toMatchObject({ blockedUntil: at(999_999), reason: "token_revoked" });
    await s.rates.unblock("slack:workspace", at(3000));
    await s.rates.block("slack:workspace", at(5000), "ratelimited", at(3000));
    await s.rates.block("slack:workspace", at(4000), "ratelimited", at(3500));
    expect(await s.rates.get("slack:workspace")).toMatchObject({ blockedUntil: at(5000), reason: "ratelimited" });
    await s.rates.block("slack:workspace", at(6000), "ratelimited", at(3600));
    expect(await s.rates.get("slack:workspace")).toMatchObject({ blockedUntil: at(6000) });
  });

  it(t("outbox: a message id is added once"), async () => {
    await s.outbox.add([msg("a1", "A", later(0))]);
    await expect(s.outbox.add([msg("a1", "B", later(1))])).rejects.toThrow();
    expect((await s.outbox.list({})).map((m) => m.orderKey)).toEqual(["A"]);
  });

  // -- follow-ups --

  it(t("followUps: candidates are open disputes whose follow-up or SLA date has come, or overdue, with the owner's time zone"), async () => {
    const { acme, reason } = await seed(s);
    await addPerson(s, "rep@acme.test", { timezone: "America/New_York" });
    const due = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, followUpOn: "2025-03-10", slaDueOn: null }));
    const later1 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, followUpOn: "2025-03-11", slaDueOn: null }));
    const sla = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, followUpOn: null, slaDueOn: "2025-03-09", ownerEmail: "who@acme.test" }));
    const missed = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, followUpOn: "2025-03-20", slaDueOn: null }));
    const closed = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, followUpOn: "2025-03-01" }));
    await s.disputes.update(resolved(closed, resolution()), closed.version);
    await s.followUps.put({ disputeId: missed.id, firstMissedOn: "2025-03-06", unanswered: 2, lastReminderAt: later(5) }, later(5));
    const got = await s.followUps.candidates({ on: "2025-03-10", afterId: 0, limit: 10 });
    expect(got.map((c) => c.number)).toEqual([due.number, sla.number, missed.number]);
    expect(got[0]).toEqual({
      disputeId: due.id, number: due.number, priority: "normal", reasonId: reason.id, followUpOn: "2025-03-10", slaDueOn: null,
      ownerEmail: "rep@acme.test", openedByEmail: "cc@acme.test", ownerTz: "America/New_York", firstMissedOn: null, unanswered: 0, lastReminderAt: null,
    });
    expect(got[1]!.ownerTz).toBeNull(); // an owner Accord does not know
    expect(got[2]).toMatchObject({ firstMissedOn: "2025-03-06", unanswered: 2, lastReminderAt: later(5) });
    // paged by dispute id
    expect((await s.followUps.candidates({ on: "2025-03-10", afterId: due.id, limit: 1 })).map((c) => c.number)).toEqual([sla.number]);
    expect(later1.id).toBeGreaterThan(due.id);
  });

  it(t("followUps: ensure creates the record (lock takes only an existing one), put and reset change it"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    expect(await s.followUps.get(d.id)).toBeNull();
    expect(await s.transaction((tx) => tx.followUps.lock(d.id))).toBe(false);
    await s.followUps.ensure([d.id], later(1));
    await s.followUps.ensure([d.id], later(1)); // once
    expect(await s.transaction((tx) => tx.followUps.lock(d.id))).toBe(true);
    expect(await s.followUps.get(d.id)).toEqual({ disputeId: d.id, firstMissedOn: null, unanswered: 0, lastReminderAt: null });
    await s.followUps.put({ disputeId: d.id, firstMissedOn: "2025-03-10", unanswered: 3, lastReminderAt: later(2) }, later(2));
    expect(await s.followUps.get(d.id)).toEqual({ disputeId: d.id, firstMissedOn: "2025-03-10", unanswered: 3, lastReminderAt: later(2) });
    await s.followUps.reset(d.id, later(3));
    expect(await s.followUps.get(d.id)).toEqual({ disputeId: d.id, firstMissedOn: null, unanswered: 0, lastReminderAt: later(2) });
  });

  it(t("followUps: a record another process holds is skipped, not waited for (PostgreSQL) or waited for (SQLite's write lock)"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    await s.followUps.ensure([d.id], later(1));
    const other = b.replica();
    let second: Promise<boolean> | null = null;
    await s.transaction(async (tx) => {
      expect(await tx.followUps.lock(d.id)).toBe(true);
      second = other.transaction((tx2) => tx2.followUps.lock(d.id));
      if (s.dialect === "postgres") expect(await second).toBe(false); // skipped while held
    });
    if (s.dialect === "sqlite") expect(await second).toBe(true); // after the first committed
  });

  const notice = (disputeId: number, kind: string, dueAt: Date, outboxId: string) => ({ disputeId, kind, dueAt, outboxId, createdAt: later(10) });

  it(t("followUps: a notice is recorded once per dispute, kind and due instant, also by replicas at once"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    expect(await s.followUps.addNotice(notice(d.id, "reminder", later(0), "o1"))).toBe(true);
    expect(await s.followUps.addNotice(notice(d.id, "reminder", later(0), "o2"))).toBe(false);
    expect(await s.followUps.addNotice(notice(d.id, "escalation.controller", later(0), "o3"))).toBe(true);
    expect(await s.followUps.addNotice(notice(d.id, "reminder", later(1), "o4"))).toBe(true);
    const replicas = [s, b.replica(), b.replica()];
    const got = await Promise.all(replicas.map((r, i) => r.transaction((tx) => tx.followUps.addNotice(notice(d.id, "sla_breach", later(2), `r${i}`)))));
    expect(got.filter(Boolean)).toHaveLength(1);
    expect((await s.followUps.notices(d.id)).map((n) => [n.kind, n.dueAt, n.outboxId])).toEqual([
      ["reminder", later(0), "o1"],
      ["escalation.controller", later(0), "o3"],
      ["reminder", later(1), "o4"],
      ["sla_breach", later(2), `r${got.indexOf(true)}`],
    ]);
  });

  it(t("followUps: a notice and its queue row are written together or not at all (a crash mid-run sends it later, once)"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    const send = (id: string, crash: boolean) =>
      s.transaction(async (tx) => {
        if (!(await tx.followUps.addNotice(notice(d.id, "reminder", later(0), id)))) return false;
        await tx.outbox.add([{ id, channel: "slack", type: "dispute.reminder", orderKey: d.number, payload: "{}", createdAt: later(0) }]);
        if (crash) throw new Error("killed");
        return true;
      });
    await expect(send("x1", true)).rejects.toThrow("killed");
    expect(await s.followUps.notices(d.id)).toEqual([]);
    expect(await s.outbox.list({ channel: "slack" })).toEqual([]);
    expect(await send("x2", false)).toBe(true);
    expect(await send("x3", false)).toBe(false);
    expect((await s.outbox.list({ channel: "slack" })).map((m) => m.id)).toEqual(["x2"]);
  });

  // -- charts (the digest's PNG) --

  it(t("charts: the bytes come back exactly until the chart expires, then it is gone and cleaned up"), async () => {
    // every byte value, a NUL and bytes that are not UTF-8 included: stored as BLOB / bytea, not as text
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
    const at = new Date("2026-12-04T09:00:00.000Z");
    const day = 86_400_000;
    await s.charts.put({ token: "tok-a", png, createdAt: at, expiresAt: new Date(at.getTime() + 30 * day) });
    await s.charts.put({ token: "tok-b", png: Buffer.from([1, 2, 3]), createdAt: at, expiresAt: new Date(at.getTime() + day) });
    const got = await s.charts.get("tok-a", at);
    expect(Buffer.isBuffer(got?.png)).toBe(true);
    expect(got!.png.equals(png)).toBe(true);
    expect(got!.expiresAt).toEqual(new Date(at.getTime() + 30 * day));
    expect(await s.charts.get("tok-unknown", at)).toBeNull();
    expect([...(await s.charts.get("tok-b", new Date(at.getTime() + day - 1)))!.png]).toEqual([1, 2, 3]);
    // expired at its expiry instant
    expect(await s.charts.get("tok-b", new Date(at.getTime() + day))).toBeNull();
    expect(await s.charts.deleteExpired(new Date(at.getTime() + day))).toBe(1);
    expect(await s.charts.deleteExpired(new Date(at.getTime() + day))).toBe(0);
    expect((await s.charts.get("tok-a", new Date(at.getTime() + day)))!.png.equals(png)).toBe(true);
    // the token is the key: a second chart with the same token is refused
    await expect(s.charts.put({ token: "tok-a", png, createdAt: at, expiresAt: at })).rejects.toThrow();
  });

  // -- absences --

  it(t("absences: add, list a person's by start date, who is absent on a date (inclusive ends), remove only one's own"), async () => {
    const at = new Date("2026-12-01T10:00:00Z");
    const a1 = await s.absences.add({ personEmail: "ann@acme.test", fromOn: "2026-12-10", untilOn: "2026-12-12", deputyEmail: "bob@acme.test", createdAt: at });
    const a0 = await s.absences.add({ personEmail: "ann@acme.test", fromOn: "2026-12-01", untilOn: "2026-12-02", deputyEmail: null, createdAt: at });
    const c1 = await s.absences.add({ personEmail: "carl@acme.test", fromOn: "2026-12-12", untilOn: "2026-12-20", deputyEmail: null, createdAt: at });
    expect(a1.id).not.toBe(a0.id);
    expect(await s.absences.listFor("ann@acme.test")).toEqual([a0, a1]);
    expect(await s.absences.listFor("nobody@acme.test")).toEqual([]);
    expect((await s.absences.absentOn("2026-12-09")).map((a) => a.id)).toEqual([]);
    expect((await s.absences.absentOn("2026-12-10")).map((a) => a.id)).toEqual([a1.id]);
    expect((await s.absences.absentOn("2026-12-12")).map((a) => a.id)).toEqual([a1.id, c1.id]);
    expect((await s.absences.absentOn("2026-12-12", ["carl@acme.test"])).map((a) => a.id)).toEqual([c1.id]);
    expect(await s.absences.absentOn("2026-12-12", [])).toEqual([]);
    expect((await s.absences.absentOn("2026-12-13")).map((a) => a.id)).toEqual([c1.id]);
    expect(await s.absences.remove("carl@acme.test", a1.id)).toBe(false); // not carl's
    expect(await s.absences.remove("ann@acme.test", a1.id)).toBe(true);
    expect(await s.absences.remove("ann@acme.test", a1.id)).toBe(false);
    expect(await s.absences.listFor("ann@acme.test")).toEqual([a0]);
  });

  it(t("absences: those not over on a date, earliest first, of some people or all, within a limit"), async () => {
    const at = new Date("2026-12-01T10:00:00Z");
    const past = await s.absences.add({ personEmail: "dan@acme.test", fromOn: "2026-11-01", untilOn: "2026-11-30", deputyEmail: null, createdAt: at });
    const later = await s.absences.add({ personEmail: "dan@acme.test", fromOn: "2027-01-04", untilOn: "2027-01-08", deputyEmail: "eva@acme.test", createdAt: at });
    const now = await s.absences.add({ personEmail: "eva@acme.test", fromOn: "2026-11-28", untilOn: "2026-12-01", deputyEmail: null, createdAt: at });
    const ids = async (o?: Parameters<typeof s.absences.endingFrom>[1]) => (await s.absences.endingFrom("2026-12-01", o)).map((a) => a.id);
    expect(await ids({ personEmails: ["dan@acme.test", "eva@acme.test"] })).toEqual([now.id, later.id]);
    expect(await ids({ personEmails: ["dan@acme.test"] })).toEqual([later.id]);
    expect(await ids({ personEmails: [] })).toEqual([]);
    expect((await ids()).filter((id) => [past.id, now.id, later.id].includes(id))).toEqual([now.id, later.id]);
    expect((await s.absences.endingFrom("2026-12-01", { personEmails: ["dan@acme.test", "eva@acme.test"], limit: 1 })).map((a) => a.id)).toEqual([now.id]);
  });

  // -- teams (issue 13) --

  it(t("teams: a conversation reference is stored, refreshed in place, and found by user or by person"), async () => {
    const at = new Date("2026-12-05T10:00:00Z");
    const ref = {
      conversationId: "a:1", kind: "personal" as const, serviceUrl: "https://smba.example/emea/", tenantId: "T1",
      teamsUserId: "29:ann", aadObjectId: "aad-ann", teamId: null, channelId: null, updatedAt: at,
    };
    await s.teams.putConversation(ref);
    await s.teams.putConversation({ conversationId: "19:chan@thread.tacv2", kind: "channel", serviceUrl: "https://smba.example/emea/", tenantId: "T1", teamsUserId: null, aadObjectId: null, teamId: "19:team", channelId: "19:chan@thread.tacv2", updatedAt: at });
    expect(await s.teams.conversation("a:1")).toEqual(ref);
    const moved = { ...ref, serviceUrl: "https://smba.example/amer/", updatedAt: later(5) };
    await s.teams.putConversation(moved);
    expect(await s.teams.conversation("a:1")).toEqual(moved);
    expect(await s.teams.conversation("nope")).toBeNull();
    expect((await s.teams.conversation("19:chan@thread.tacv2"))?.kind).toBe("channel");
    expect(await s.teams.personalConversation({ teamsUserId: "29:ann" })).toEqual(moved);
    expect(await s.teams.personalConversation({ aadObjectId: "aad-ann" })).toEqual(moved);
    expect(await s.teams.personalConversation({ teamsUserId: "29:bob" })).toBeNull();
    expect(await s.teams.personalConversation({})).toBeNull();
    // the latest personal chat wins
    await s.teams.putConversation({ ...ref, conversationId: "a:2", updatedAt: later(9) });
    expect((await s.teams.personalConversation({ teamsUserId: "29:ann" }))?.conversationId).toBe("a:2");
    await addPerson(s, "ann@acme.test");
    expect(await s.teams.personalConversationOf("ann@acme.test")).toBeNull(); // not pinned yet
    expect(await s.teams.pin("ann@acme.test", { aadObjectId: "aad-ann" })).toBe(true);
    expect((await s.teams.personalConversationOf("ann@acme.test"))?.conversationId).toBe("a:2");
    expect(await s.teams.personalConversationOf("nobody@acme.test")).toBeNull();
  });

  it(t("teams: card copies are recorded once, listed per dispute, found and removed by conversation and activity"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 100_00 }] }));
    const dm = { disputeId: d.id, conversationId: "a:1", activityId: "act-1", kind: "dm" as const, viewerEmail: "ann@acme.test", postedAt: later(1) };
    const chan = { disputeId: d.id, conversationId: "19:chan", activityId: "act-2", kind: "channel" as const, viewerEmail: null, postedAt: later(2) };
    await s.teams.addCard(dm);
    await s.teams.addCard(chan);
    await s.teams.addCard({ ...dm, viewerEmail: "bob@acme.test", postedAt: later(3) }); // already recorded: stays
    expect(await s.teams.cardsOf(d.id)).toEqual([dm, chan]);
    expect(await s.teams.cardAt("a:1", "act-1")).toEqual(dm);
    expect(await s.teams.cardAt("a:1", "act-2")).toBeNull();
    expect(await s.slack.cardsOf(d.id)).toEqual([]); // the Slack copies are other rows
    await s.teams.removeCard("a:1", "act-1");
    expect(await s.teams.cardsOf(d.id)).toEqual([chan]);
  });

  it(t("slack: card and reminder copies are recorded once, listed per dispute in posting order; a reminder's copy keeps its notice"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 100_00 }] }));
    const dm = { disputeId: d.id, channel: "D1", ts: "1.000100", kind: "dm" as const, viewerEmail: "ann@acme.test", postedAt: later(1) };
    const chan = { disputeId: d.id, channel: "C1", ts: "1.000200", kind: "channel" as const, viewerEmail: null, postedAt: later(2) };
    const reminder = { disputeId: d.id, channel: "D1", ts: "2.000100", kind: "reminder" as const, viewerEmail: "ann@acme.test", postedAt: later(3), notice: '{"kind":"reminder","wasDueOn":"2026-03-12"}' };
    await s.slack.addCard(dm);
    await s.slack.addCard(chan);
    await s.slack.addCard(reminder);
    await s.slack.addCard({ ...reminder, notice: "{}", postedAt: later(4) }); // already recorded: stays
    expect(await s.slack.cardsOf(d.id)).toEqual([dm, chan, reminder]);
    expect(await s.slack.cardAt("D1", "2.000100")).toEqual(reminder);
    expect(await s.slack.cardAt("D1", "1.000100")).toEqual(dm); // a card has no notice
    await s.slack.removeCard("D1", "2.000100");
    expect(await s.slack.cardsOf(d.id)).toEqual([dm, chan]);
  });

  it(t("teams: a reminder's copy is recorded once with its notice, listed with the cards in posting order"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 100_00 }] }));
    const dm = { disputeId: d.id, conversationId: "a:1", activityId: "act-1", kind: "dm" as const, viewerEmail: "ann@acme.test", postedAt: later(1) };
    const reminder = { disputeId: d.id, conversationId: "a:1", activityId: "act-3", kind: "reminder" as const, viewerEmail: "ann@acme.test", postedAt: later(2), notice: '{"kind":"reminder","wasDueOn":"2026-03-12"}' };
    await s.teams.addCard(dm);
    await s.teams.addCard(reminder);
    await s.teams.addCard({ ...reminder, notice: "{}", postedAt: later(4) }); // already recorded: stays
    expect(await s.teams.cardsOf(d.id)).toEqual([dm, reminder]);
    expect(await s.teams.cardAt("a:1", "act-3")).toEqual(reminder);
    expect(await s.teams.cardAt("a:1", "act-1")).toEqual(dm); // a card has no notice
    await s.teams.removeCard("a:1", "act-3");
    expect(await s.teams.cardsOf(d.id)).toEqual([dm]);
  });

  it(t("teams: a person is matched by pinned id, then email (any case), then UPN; pinning and the last platform"), async () => {
    await addPerson(s, "ann@acme.test");
    await addPerson(s, "bob@acme.test");
    expect(await s.teams.matchPerson({ email: "Ann@ACME.test" })).toBe("ann@acme.test");
    expect(await s.teams.matchPerson({ upn: "BOB@acme.test" })).toBe("bob@acme.test"); // a UPN that is the email
    expect(await s.teams.matchPerson({ email: "x@other.test", upn: "y@other.test", aadObjectId: "aad-x" })).toBeNull();
    expect(await s.teams.matchPerson({})).toBeNull();
    // a UPN unlike the email, pinned: matches from then on
    expect(await s.teams.pin("bob@acme.test", { upn: "b.smith@acme.onmicrosoft.com" })).toBe(true);
    expect(await s.teams.matchPerson({ upn: "B.Smith@acme.onmicrosoft.com" })).toBe("bob@acme.test");
    // the pinned aadObjectId wins over an email that names someone else
    expect(await s.teams.pin("ann@acme.test", { teamsUserId: "29:ann", aadObjectId: "aad-ann" })).toBe(true);
    expect(await s.teams.matchPerson({ aadObjectId: "aad-ann", email: "bob@acme.test" })).toBe("ann@acme.test");
    expect(await s.teams.matchPerson({ teamsUserId: "29:ann" })).toBe("ann@acme.test");
    expect(await s.teams.pin("nobody@acme.test", { aadObjectId: "aad-z" })).toBe(false);
    expect(await s.teams.pin("ann@acme.test", {})).toBe(true);
    // pinning keeps the ids not given
    await s.teams.pin("ann@acme.test", { upn: "ann@acme.onmicrosoft.com" });
    expect(await s.teams.matchPerson({ aadObjectId: "aad-ann" })).toBe("ann@acme.test");
    // one aadObjectId is one person
    await expect(s.teams.pin("bob@acme.test", { aadObjectId: "aad-ann" })).rejects.toThrow();
    expect(await s.teams.lastPlatform("ann@acme.test")).toBeNull();
    await s.teams.setLastPlatform("ann@acme.test", "teams");
    expect(await s.teams.lastPlatform("ann@acme.test")).toBe("teams");
    await s.teams.setLastPlatform("ann@acme.test", "slack");
    expect(await s.teams.lastPlatform("ann@acme.test")).toBe("slack");
    expect(await s.teams.lastPlatform("nobody@acme.test")).toBeNull();
    expect((await s.people.byEmail("ann@acme.test"))?.teamsUserId).toBe("29:ann");
  });

  it(t("teams: routing facts, the profile's platform, people marked unreachable and found reachable again"), async () => {
    await addPerson(s, "ann@acme.test");
    await addPerson(s, "bob@acme.test");
    await s.people.upsertMany([{ email: "bob@acme.test", name: "bob", role: "controller", slackUserId: "UBOB" }]);
    await s.teams.pin("ann@acme.test", { aadObjectId: "aad-ann" });
    await s.teams.setLastPlatform("ann@acme.test", "teams");
    expect(await s.teams.routes(["bob@acme.test", "ann@acme.test", "nobody@acme.test", "ann@acme.test"])).toEqual([
      { email: "ann@acme.test", slackUserId: null, teams: true, teamsUserId: null, aadObjectId: "aad-ann", lastPlatform: "teams", chatPlatform: null, teamsUnreachable: false },
      { email: "bob@acme.test", slackUserId: "UBOB", teams: false, teamsUserId: null, aadObjectId: null, lastPlatform: null, chatPlatform: null, teamsUnreachable: false },
    ]);
    expect(await s.teams.routes([])).toEqual([]);
    expect(await s.teams.setChatPlatform("bob@acme.test", "teams")).toBe(true);
    expect(await s.teams.setChatPlatform("nobody@acme.test", "slack")).toBe(false);
    expect((await s.teams.routes(["bob@acme.test"]))[0]?.chatPlatform).toBe("teams");
    await s.teams.setChatPlatform("bob@acme.test", null);
    expect((await s.teams.routes(["bob@acme.test"]))[0]?.chatPlatform).toBeNull();

    // marked: the first instant stays, the latest reason is kept
    await s.teams.markUnreachable("ann@acme.test", "not_installed", later(1));
    await s.teams.markUnreachable("ann@acme.test", "403 Forbidden", later(2));
    await s.teams.markUnreachable("bob@acme.test", "not_installed", later(1));
    expect(await s.teams.unreachable(["ann@acme.test"])).toEqual([{ email: "ann@acme.test", reason: "403 Forbidden", since: later(1) }]);
    expect((await s.teams.unreachable()).map((u) => u.email)).toEqual(["ann@acme.test", "bob@acme.test"]);
    expect(await s.teams.unreachable([])).toEqual([]);
    expect((await s.teams.routes(["ann@acme.test"]))[0]?.teamsUnreachable).toBe(true);
    // a personal chat stored before the mark says nothing; one stored after it (installed, wrote) does
    const chat = { conversationId: "a:ann", kind: "personal" as const, serviceUrl: "https://smba.example/", tenantId: "T1", teamsUserId: null, aadObjectId: "aad-ann", teamId: null, channelId: null };
    await s.teams.putConversation({ ...chat, updatedAt: later(0) });
    expect(await s.teams.reachableAgain()).toEqual([]);
    await s.teams.putConversation({ ...chat, updatedAt: later(3) });
    await s.teams.putConversation({ ...chat, conversationId: "19:chan", kind: "channel", aadObjectId: null, updatedAt: later(3) });
    expect(await s.teams.reachableAgain()).toEqual(["ann@acme.test"]);
    expect(await s.teams.markReachable("ann@acme.test")).toBe(true);
    expect(await s.teams.markReachable("ann@acme.test")).toBe(false);
    expect(await s.teams.reachableAgain()).toEqual([]);
    expect((await s.teams.unreachable()).map((u) => u.email)).toEqual(["bob@acme.test"]);
  });

  // -- overview (manager view, digest) --

  /** Ann manages rep and sam; zoe is someone else's. Disputes in EUR and USD, one overdue, one customer-level. */
  async function team(s: Store) {
    const { acme, beta, reason, f1, f2, f3 } = await seed(s);
    await addPerson(s, "ann@acme.test", { name: "Ann Boss", role: "manager" });
    await addPerson(s, "rep@acme.test", { name: "Rémi Rep", role: "sales", managerEmail: "ann@acme.test" });
    await addPerson(s, "sam@acme.test", { name: "Sam Sales", role: "sales", managerEmail: "ann@acme.test" });
    await addPerson(s, "zoe@acme.test", { name: "Zoé", role: "sales", managerEmail: "max@acme.test" });
    const usd = await addItem(s, beta.id, "F4", { currency: "USD", amount: 900_00, openAmount: 900_00 });
    const a = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 100_00 }, { itemId: f2.id, amount: 50_00 }], slaDueOn: "2025-03-01", openedAt: later(3) }));
    const b2 = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id, items: [{ itemId: f3.id, amount: 700_00 }], slaDueOn: "2025-04-01", openedAt: later(1) }));
    const c = await s.disputes.create(disputeOf({ customerId: beta.id, reasonId: reason.id, currency: "USD", items: [{ itemId: usd.id, amount: 900_00 }], ownerEmail: "sam@acme.test", slaDueOn: "2025-03-05", openedAt: later(2) }));
    const flag = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer", items: [], ownerEmail: "sam@acme.test", slaDueOn: null, openedAt: later(4) }));
    const other = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 1_00 }], ownerEmail: "zoe@acme.test", openedAt: later(0) }));
    const closed = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f2.id, amount: 2_00 }] }));
    await s.disputes.update(resolved(closed, resolution()), closed.version);
    await s.followUps.put({ disputeId: c.id, firstMissedOn: "2025-03-04", unanswered: 3, lastReminderAt: later(5) }, later(5));
    await s.followUps.ensure([a.id], later(5)); // a record that is not overdue
    return { a, b2, c, flag, other };
  }

  it(t("overview: reportCount counts the people whose manager is this email"), async () => {
    await team(s);
    expect(await s.overview.reportCount("ann@acme.test")).toBe(2);
    expect(await s.overview.reportCount("max@acme.test")).toBe(1);
    expect(await s.overview.reportCount("rep@acme.test")).toBe(0);
  });

  it(t("overview: ownerTotals groups the team's open disputes by owner and currency, with overdue counts and amounts"), async () => {
    await team(s);
    expect(await s.overview.ownerTotals("ann@acme.test")).toEqual([
      { ownerEmail: "rep@acme.test", ownerName: "Rémi Rep", currency: "EUR", count: 2, overdue: 0, amount: 850_00 },
      { ownerEmail: "sam@acme.test", ownerName: "Sam Sales", currency: "EUR", count: 1, overdue: 0, amount: 0 },
      { ownerEmail: "sam@acme.test", ownerName: "Sam Sales", currency: "USD", count: 1, overdue: 1, amount: 900_00 },
    ]);
    expect(await s.overview.ownerTotals("nobody@acme.test")).toEqual([]);
  });

  it(t("overview: briefs of a team, overdue first, with amount, customer, owner and the overdue episode"), async () => {
    const { a, b2, c, flag } = await team(s);
    const got = await s.overview.briefs({ managerEmail: "ann@acme.test", order: "overdue", limit: 10 });
    expect(got.map((x) => x.number)).toEqual([c.number, a.number, b2.number, flag.number]);
    expect(got[0]).toEqual({
      disputeId: c.id, number: c.number, version: 1, customerName: "Beta", ownerEmail: "sam@acme.test", ownerName: "Sam Sales", priority: "normal",
      currency: "USD", amount: 900_00, followUpOn: "2025-03-10", slaDueOn: "2025-03-05", openedAt: later(2), firstMissedOn: "2025-03-04", unanswered: 3,
    });
    expect(got[3]).toMatchObject({ amount: 0, firstMissedOn: null, unanswered: 0 });
    expect((await s.overview.briefs({ managerEmail: "ann@acme.test", order: "overdue", limit: 2 })).length).toBe(2);
  });

  it(t("overview: briefs ordered by age, SLA and amount (per currency), company-wide or per team"), async () => {
    const { a, b2, c, flag, other } = await team(s);
    const nums = async (q: Parameters<Store["overview"]["briefs"]>[0]) => (await s.overview.briefs(q)).map((x) => x.number);
    expect(await nums({ order: "oldest", limit: 3 })).toEqual([other.number, b2.number, c.number]);
    expect(await nums({ managerEmail: "ann@acme.test", order: "sla", slaBefore: "2025-03-10", limit: 5 })).toEqual([a.number, c.number]);
    expect(await nums({ managerEmail: "ann@acme.test", order: "largest", limit: 5 })).toEqual([c.number, b2.number, a.number, flag.number]);
    // the first of each currency: EUR then USD
    expect(await nums({ order: "largest", perCurrency: true, limit: 1 })).toEqual([b2.number, c.number]);
    expect(await nums({ order: "largest", perCurrency: true, limit: 2 })).toEqual([b2.number, a.number, c.number]);
  });

  it(t("overview: litigation candidates are past their SLA with enough reminders unanswered, or at or above their currency's threshold"), async () => {
    const { b2, c } = await team(s);
    const nums = async (thresholds: Record<string, number>, minUnanswered = 3) =>
      (await s.overview.briefs({ managerEmail: "ann@acme.test", order: "largest", litigation: { today: "2025-03-10", minUnanswered, thresholds }, limit: 5 })).map((x) => x.number);
    expect(await nums({})).toEqual([c.number]); // past SLA (03-05) with 3 unanswered; a (past SLA) has none
    expect(await nums({}, 4)).toEqual([]);
    expect(await nums({ EUR: 700_00 })).toEqual([c.number, b2.number]); // b2: 700.00 EUR reaches the threshold
    expect(await nums({ EUR: 700_01 })).toEqual([c.number]);
    expect(await nums({ USD: 1 }, 50)).toEqual([c.number]); // by amount alone
  });

  // -- digest facts (issue 11) --

  /** The team, plus a second reason (an old quality dispute), holds, and disputes resolved / withdrawn at known instants. */
  async function digestData(s: Store) {
    const base = await team(s);
    const { acme } = { acme: (await s.customers.byRef("C001"))! };
    const price = (await s.reasons.byCode("price"))!;
    const quality = await s.reasons.create(reasonIn("quality", { sortOrder: 2 }));
    const f5 = await addItem(s, acme.id, "F5", { amount: 300_00, openAmount: 300_00 });
    const q1 = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: quality.id, items: [{ itemId: f5.id, amount: 300_00 }], openedAt: new Date("2025-01-01T10:00:00Z") }));
    const closeAt = async (opened: string, closed: string, status: "resolved" | "withdrawn") => {
      const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: price.id, items: [], openedAt: new Date(opened) }));
      const at = new Date(closed);
      await s.disputes.update(status === "resolved" ? resolved(d, resolution(), { closedAt: at }) : { ...d, status, closedAt: at, closedByEmail: "cc@acme.test", version: 2 }, d.version);
    };
    await closeAt("2025-03-01T08:00:00Z", "2025-03-05T08:00:00Z", "resolved"); // 4 days
    await closeAt("2025-02-01T00:00:00Z", "2025-03-09T00:00:00Z", "resolved"); // 36 days
    await closeAt("2025-03-02T00:00:00Z", "2025-03-06T00:00:00Z", "withdrawn");
    const f1 = (await s.items.byRefs(acme.id, ["F1"]))[0]!;
    const f4 = (await s.items.byRefs((await s.customers.byRef("C002"))!.id, ["F4"]))[0]!;
    await s.holds.replaceForCustomers(
      [acme.id, f4.customerId],
      [
        { itemId: f1.id, disputeId: base.a.id, amount: 100_00, kind: "dispute" },
        { itemId: f5.id, disputeId: q1.id, amount: 250_00, kind: "dispute" },
        { itemId: f4.id, disputeId: base.c.id, amount: 900_00, kind: "dispute" },
      ],
      T0,
    );
    return { ...base, q1 };
  }
  const NOW_ISO = "2025-03-10T12:00:00.000Z";
  const factsOf = (s: Store, over: Partial<Parameters<Store["digest"]["facts"]>[0]> = {}) =>
    s.digest.facts({ timezone: "Europe/Paris", now: NOW_ISO, since: null, ownerLimit: 10, oldestLimit: 5, ...over });

  it(t("digest facts: open and held per currency, late owners worst first, split by reason, the oldest, the chart; plain JSON"), async () => {
    const { a, b2, c, flag, other, q1 } = await digestData(s);
    const f = await factsOf(s);
    expect(JSON.parse(JSON.stringify(f))).toEqual(f); // nothing but JSON values
    expect(f.today).toBe("2025-03-10");
    expect(f.open).toEqual({ count: 6, overdue: 1, slaBreached: 2, counts: { EUR: 5, USD: 1 }, amounts: { EUR: 1151_00, USD: 900_00 } });
    expect(f.held).toEqual({ EUR: 350_00, USD: 900_00 });
    // since ever: all 10 disputes opened (3 closed since, plus the team's resolved one)
    expect(f.opened).toEqual({ count: 10, amounts: { EUR: 1153_00, USD: 900_00 } });
    expect(f.resolved).toEqual({ count: 3, withdrawn: 1, medianDays: 4 });
    // sam: c overdue and past SLA (USD); rep: a past SLA (EUR)
    expect(f.late).toEqual({
      ownersTotal: 2,
      owners: [
        { email: "sam@acme.test", name: "Sam Sales", slackUserId: null, count: 1, overdue: 1, slaBreached: 1, amounts: { USD: 900_00 }, worst: { disputeId: c.id, number: c.number, version: 1 } },
        { email: "rep@acme.test", name: "Rémi Rep", slackUserId: null, count: 1, overdue: 0, slaBreached: 1, amounts: { EUR: 150_00 }, worst: { disputeId: a.id, number: a.number, version: 1 } },
      ],
    });
    expect(f.reasons).toEqual([
      { code: "price", labelFr: "Motif price", labelEn: "Reason price", count: 5, amounts: { EUR: 851_00, USD: 900_00 } },
      { code: "quality", labelFr: "Motif quality", labelEn: "Reason quality", count: 1, amounts: { EUR: 300_00 } },
    ]);
    expect(f.oldest.map((x) => x.number)).toEqual([q1.number, other.number, b2.number, c.number, a.number]);
    expect(f.oldest[0]).toMatchObject({ openedAt: "2025-01-01T10:00:00.000Z", amount: 300_00, customerName: "Acme" });
    expect(f.oldest.some((x) => x.number === flag.number)).toBe(false);
    expect(f.chart).toEqual([
      { currency: "EUR", bucket: "0-30", reasonCode: "price", labelFr: "Motif price", labelEn: "Reason price", amount: 851_00 },
      { currency: "EUR", bucket: "61-90", reasonCode: "quality", labelFr: "Motif quality", labelEn: "Reason quality", amount: 300_00 },
      { currency: "USD", bucket: "0-30", reasonCode: "price", labelFr: "Motif price", labelEn: "Reason price", amount: 900_00 },
    ]);
  });

  it(t("digest facts: opened and closed since the last digest, the median of an even count, age buckets at their edges"), async () => {
    await digestData(s);
    // after the team's disputes were opened (T0 + 0..4 min): only what closed later counts
    const f = await factsOf(s, { since: "2025-03-04T00:00:00.000Z" });
    expect(f.opened).toEqual({ count: 0, amounts: {} });
    expect(f.resolved).toEqual({ count: 2, withdrawn: 1, medianDays: 20 }); // 4 and 36 days
    const g = await factsOf(s, { since: "2025-03-03T08:02:30.000Z" }); // a (3 min) and flag (4 min) opened since
    expect(g.opened).toEqual({ count: 2, amounts: { EUR: 150_00 } });
    expect((await factsOf(s, { since: NOW_ISO })).resolved).toEqual({ count: 0, withdrawn: 0, medianDays: null });
    // q1 was opened 2025-01-01T10:00Z: 61 days later it leaves 31–60 for 61–90
    const at = (iso: string) => factsOf(s, { now: iso }).then((x) => x.chart.find((r) => r.reasonCode === "quality")!.bucket);
    expect(await at("2025-03-03T09:59:59.000Z")).toBe("31-60"); // 60 days and 23:59:59
    expect(await at("2025-03-03T10:00:00.000Z")).toBe("61-90"); // 61 days
    expect(await at("2025-01-31T09:59:59.000Z")).toBe("0-30");
    expect(await at("2025-04-02T09:59:59.000Z")).toBe("61-90"); // 90 days and 23:59:59
    expect(await at("2025-04-02T10:00:00.000Z")).toBe("90+");
  });

  it(t("digest facts: an owner's late disputes add up per currency; their worst is the oldest missed follow-up"), async () => {
    const { b2 } = await digestData(s);
    await s.followUps.put({ disputeId: b2.id, firstMissedOn: "2025-03-08", unanswered: 1, lastReminderAt: later(5) }, later(5));
    const f = await factsOf(s);
    expect(f.open).toMatchObject({ overdue: 2, slaBreached: 2 });
    expect(f.late.owners[0]).toEqual({
      email: "rep@acme.test", name: "Rémi Rep", slackUserId: null, count: 2, overdue: 1, slaBreached: 1, amounts: { EUR: 850_00 },
      worst: { disputeId: b2.id, number: b2.number, version: 1 },
    });
    expect(f.late.owners.map((o) => o.email)).toEqual(["rep@acme.test", "sam@acme.test"]);
  });

  it(t("digest facts: filtered by reason, owner or team; owners limited with their total"), async () => {
    await digestData(s);
    const byReason = await factsOf(s, { reasonCode: "quality" });
    expect(byReason.open).toMatchObject({ count: 1, amounts: { EUR: 300_00 } });
    expect(byReason.held).toEqual({ EUR: 250_00 });
    expect(byReason.reasons.map((r) => r.code)).toEqual(["quality"]);
    expect(byReason.late).toEqual({ ownersTotal: 0, owners: [] });
    const bySam = await factsOf(s, { ownerEmail: "sam@acme.test" });
    expect(bySam.open).toMatchObject({ count: 2, counts: { EUR: 1, USD: 1 }, amounts: { EUR: 0, USD: 900_00 } });
    expect(bySam.oldest.map((x) => x.ownerEmail)).toEqual(["sam@acme.test", "sam@acme.test"]);
    const team = await factsOf(s, { team: "ann@acme.test" });
    expect(team.open.count).toBe(5); // all but zoe's
    expect((await factsOf(s, { team: "max@acme.test" })).open.count).toBe(1);
    const one = await factsOf(s, { ownerLimit: 1 });
    expect(one.late.ownersTotal).toBe(2);
    expect(one.late.owners.map((o) => o.email)).toEqual(["sam@acme.test"]);
    expect((await factsOf(s, { reasonCode: "nope" })).open.count).toBe(0);
  });

  it(t("digest facts: the one grouping agrees with a recount of random open disputes (per currency, reason, age bucket and late owner)"), async () => {
    const acme = await addCustomer(s, "C001", { name: "Acme" });
    const reasons = [await s.reasons.create(reasonIn("price", { sortOrder: 1 })), await s.reasons.create(reasonIn("quality", { sortOrder: 2 }))];
    const owners = ["ann@acme.test", "bob@acme.test", "cy@acme.test"];
    for (const o of owners.slice(0, 2)) await addPerson(s, o, { role: "sales" }); // cy is nobody's: no name
    const now = new Date(NOW_ISO);
    const DAY = 86_400_000;
    type Made = { owner: string; currency: string; reason: (typeof reasons)[number]; amount: number; openedAt: Date; slaDueOn: string | null; missed: string | null };
    const made: Made[] = [];
    let n = 0;
    const disputeArb = fc.record({
      owner: fc.constantFrom(...owners),
      currency: fc.constantFrom("EUR", "USD"),
      reason: fc.constantFrom(...reasons),
      amount: fc.integer({ min: 1, max: 5_000_00 }),
      ageMinutes: fc.integer({ min: 0, max: 150 * 24 * 60 }),
      slaDueOn: fc.option(fc.constantFrom("2025-03-01", "2025-03-09", "2025-03-10", "2025-03-11", "2025-05-01"), { nil: null }),
      missed: fc.option(fc.constantFrom("2025-03-02", "2025-03-08"), { nil: null }),
      status: fc.constantFrom("open", "open", "open", "resolved"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(disputeArb, { minLength: 1, maxLength: 8 }), async (batch) => {
        for (const x of batch) {
          const item = await addItem(s, acme.id, `R${++n}`, { amount: x.amount, openAmount: x.amount, currency: x.currency });
          const openedAt = new Date(now.getTime() - x.ageMinutes * 60_000);
          const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: x.reason.id, currency: x.currency, ownerEmail: x.owner, items: [{ itemId: item.id, amount: x.amount }], slaDueOn: x.slaDueOn, openedAt }));
          if (x.missed) await s.followUps.put({ disputeId: d.id, firstMissedOn: x.missed, unanswered: 1, lastReminderAt: openedAt }, openedAt);
          if (x.status === "resolved") await s.disputes.update(resolved(d, resolution(), { closedAt: now }), d.version);
          else made.push({ owner: x.owner, currency: x.currency, reason: x.reason, amount: x.amount, openedAt, slaDueOn: x.slaDueOn, missed: x.missed });
        }
        const f = await factsOf(s, { ownerLimit: 2 });
        // the recount
        const add = (m: Record<string, number>, k: string, v: number) => (m[k] = (m[k] ?? 0) + v);
        const breached = (x: Made) => x.slaDueOn !== null && x.slaDueOn < "2025-03-10";
        const late = (x: Made) => x.missed !== null || breached(x);
        const counts: Record<string, number> = {};
        const amounts: Record<string, number> = {};
        for (const x of made) {
          add(counts, x.currency, 1);
          add(amounts, x.currency, x.amount);
        }
        expect(f.open).toEqual({ count: made.length, overdue: made.filter((x) => x.missed).length, slaBreached: made.filter(breached).length, counts, amounts });
        const byReason = reasons
          .map((r) => ({ r, xs: made.filter((x) => x.reason.id === r.id) }))
          .filter((g) => g.xs.length)
          .sort((p, q) => q.xs.length - p.xs.length || p.r.sortOrder - q.r.sortOrder);
        expect(f.reasons.map((r) => [r.code, r.count, r.amounts])).toEqual(
          byReason.map((g) => [g.r.code, g.xs.length, g.xs.reduce((m, x) => (add(m, x.currency, x.amount), m), {} as Record<string, number>)]),
        );
        const bucket = (x: Made) => {
          const t = x.openedAt.getTime();
          return t > now.getTime() - 31 * DAY ? "0-30" : t > now.getTime() - 61 * DAY ? "31-60" : t > now.getTime() - 91 * DAY ? "61-90" : "90+";
        };
        const chart: Record<string, number> = {};
        for (const x of made) add(chart, `${x.currency} ${x.reason.code} ${bucket(x)}`, x.amount);
        expect(Object.fromEntries(f.chart.map((c) => [`${c.currency} ${c.reasonCode} ${c.bucket}`, c.amount]))).toEqual(chart);
        const lateOwners = owners
          .map((email) => {
            const xs = made.filter((x) => x.owner === email && late(x));
            return { email, count: xs.length, overdue: xs.filter((x) => x.missed).length, slaBreached: xs.filter(breached).length, amounts: xs.reduce((m, x) => (add(m, x.currency, x.amount), m), {} as Record<string, number>) };
          })
          .filter((o) => o.count > 0)
          .sort((p, q) => q.count - p.count || q.overdue - p.overdue || q.slaBreached - p.slaBreached || (p.email < q.email ? -1 : 1));
        expect(f.late.ownersTotal).toBe(lateOwners.length);
        expect(f.late.owners.map(({ email, count, overdue, slaBreached, amounts }) => ({ email, count, overdue, slaBreached, amounts }))).toEqual(lateOwners.slice(0, 2));
        for (const o of f.late.owners) expect(o.name === null).toBe(o.email === "cy@acme.test");
      }),
      { numRuns: 12 },
    );
  });

  it(t("digest facts: a dispute's stored disputed total agrees with its items after open, edit, ledger sync, resolve and reopen; a hold keeps its item's currency; overdue follows FollowUp"), async () => {
    const { acme, reason, f1, f2 } = await seed(s);
    const itemsTotal = async (id: number) => (await s.disputes.byId(id))!.items.reduce((sum, i) => sum + i.amount, 0);
    /** the stored totals the manager view and the digest read, per open dispute, checked against the items */
    const stored = async () => {
      const briefs = await s.overview.briefs({ order: "oldest", limit: 100 });
      for (const b of briefs) expect(b.amount, b.number).toBe(await itemsTotal(b.disputeId));
      return Object.fromEntries(briefs.map((b) => [b.number, b.amount]));
    };
    const facts = () => factsOf(s, { since: null });
    // open
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 100_00 }] }));
    const e = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f2.id, amount: 5_00 }] }));
    const flag = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, scope: "customer", items: [] }));
    expect(await stored()).toEqual({ [d.number]: 100_00, [e.number]: 5_00, [flag.number]: 0 });
    // edit: an amount changed and an item added, then an item removed
    const d2: Dispute = { ...d, items: [{ itemId: f1.id, amount: 60_00 }, { itemId: f2.id, amount: 40_50 }], version: 2 };
    await s.disputes.update(d2, 1);
    expect(await stored()).toEqual({ [d.number]: 100_50, [e.number]: 5_00, [flag.number]: 0 });
    const d3: Dispute = { ...d2, items: [{ itemId: f2.id, amount: 40_50 }], version: 3 };
    await s.disputes.update(d3, 2);
    expect((await stored())[d.number]).toBe(40_50);
    expect((await facts()).open.amounts).toEqual({ EUR: 45_50 });
    // ledger sync: a payment shrinks F2 and its currency changes; the holds are re-derived, the disputed amounts stay
    await s.holds.replaceForCustomers([acme.id], [{ itemId: f2.id, disputeId: d.id, amount: 40_50, kind: "dispute" }, { itemId: f2.id, disputeId: e.id, amount: 5_00, kind: "dispute" }], later(10));
    expect((await facts()).held).toEqual({ EUR: 45_50 });
    await addItem(s, acme.id, "F2", { openAmount: 20_00, currency: "USD" });
    await s.holds.replaceForCustomers([acme.id], [{ itemId: f2.id, disputeId: d.id, amount: 15_00, kind: "dispute" }, { itemId: f2.id, disputeId: e.id, amount: 5_00, kind: "dispute" }], later(11));
    expect((await facts()).held).toEqual({ USD: 20_00 });
    expect(await stored()).toEqual({ [d.number]: 40_50, [e.number]: 5_00, [flag.number]: 0 });
    // the currency alone changes back: the same holds, now in EUR
    await addItem(s, acme.id, "F2", { openAmount: 20_00, currency: "EUR" });
    await s.holds.replaceForCustomers([acme.id], [{ itemId: f2.id, disputeId: d.id, amount: 15_00, kind: "dispute" }, { itemId: f2.id, disputeId: e.id, amount: 5_00, kind: "dispute" }], later(12));
    expect((await facts()).held).toEqual({ EUR: 20_00 });
    // a hold released, then all of them: the sums per dispute follow
    await s.holds.replaceForCustomers([acme.id], [{ itemId: f2.id, disputeId: e.id, amount: 5_00, kind: "dispute" }], later(13));
    expect((await facts()).held).toEqual({ EUR: 5_00 });
    expect((await factsOf(s, { ownerEmail: "rep@acme.test" })).held).toEqual({ EUR: 5_00 });
    await s.holds.replaceForCustomers([acme.id], [], later(14));
    expect((await facts()).held).toEqual({});
    // resolve: no longer open, still counted among the opened with its amount
    const r = resolved(d3, resolution({ concededAmount: 10_00 }));
    await s.disputes.update(r, 3);
    expect(await stored()).toEqual({ [e.number]: 5_00, [flag.number]: 0 });
    expect((await facts()).opened.amounts).toEqual({ EUR: 45_50 });
    expect(await itemsTotal(d.id)).toBe(40_50);
    // reopen
    await s.disputes.update({ ...r, status: "open", resolution: null, closedAt: null, closedByEmail: null, version: r.version + 1 }, r.version);
    expect(await stored()).toEqual({ [d.number]: 40_50, [e.number]: 5_00, [flag.number]: 0 });
    expect((await facts()).open).toMatchObject({ count: 3, amounts: { EUR: 45_50 } });
    // a missed follow-up makes it overdue until the owner acts (FollowUp and its mirror on the dispute)
    await s.followUps.put({ disputeId: e.id, firstMissedOn: "2025-03-08", unanswered: 1, lastReminderAt: later(20) }, later(20));
    expect((await facts()).open).toMatchObject({ overdue: 1 });
    expect((await facts()).late.owners[0]).toMatchObject({ overdue: 1, worst: { disputeId: e.id } });
    expect((await s.overview.briefs({ order: "overdue", limit: 1 }))[0]).toMatchObject({ disputeId: e.id, firstMissedOn: "2025-03-08" });
    await s.followUps.reset(e.id, later(21));
    expect((await facts()).open).toMatchObject({ overdue: 0 });
    expect((await facts()).late.owners.map((o) => o.overdue)).toEqual([]);
  });

  it(t("digest subscriptions: one per channel and filters, subscribing again changes it, off removes the channel's; a run is recorded once"), async () => {
    const at = new Date("2026-12-03T10:00:00Z");
    const base = { platform: "slack" as const, channelId: "C1", time: "09:00", cadence: "daily" as const, always: false, reasonCode: null, ownerEmail: null, locale: "fr" as const, createdByEmail: "ann@acme.test" };
    const first = await s.digest.subscribe(base, at);
    expect(first.created).toBe(true);
    expect(first.subscription).toEqual({ ...base, id: first.subscription.id, createdAt: at, updatedAt: at, coveredUntil: null });
    const later1 = new Date(at.getTime() + 60_000);
    const again = await s.digest.subscribe({ ...base, time: "08:30", cadence: "weekly", always: true, locale: "en", createdByEmail: "bob@acme.test" }, later1);
    expect(again.created).toBe(false);
    expect(again.subscription).toMatchObject({ id: first.subscription.id, time: "08:30", cadence: "weekly", always: true, locale: "en", createdByEmail: "ann@acme.test", createdAt: at, updatedAt: later1 });
    const byReason = await s.digest.subscribe({ ...base, reasonCode: "price" }, at);
    const byOwner = await s.digest.subscribe({ ...base, reasonCode: "price", ownerEmail: "sam@acme.test" }, at);
    const elsewhere = await s.digest.subscribe({ ...base, channelId: "C2" }, at);
    expect(new Set([first, byReason, byOwner, elsewhere].map((x) => x.subscription.id)).size).toBe(4);
    expect((await s.digest.subscriptions({ platform: "slack", channelId: "C1" })).map((x) => x.id)).toEqual([first.subscription.id, byReason.subscription.id, byOwner.subscription.id]);
    expect((await s.digest.subscriptions()).length).toBe(4);
    expect(await s.digest.subscriptions({ platform: "teams" })).toEqual([]);

    const due = new Date("2026-12-04T08:00:00Z");
    expect(await s.digest.addRun({ subscriptionId: first.subscription.id, dueAt: due, outboxId: "o-1", createdAt: at })).toBe(true);
    expect(await s.digest.addRun({ subscriptionId: first.subscription.id, dueAt: due, outboxId: "o-2", createdAt: at })).toBe(false);
    expect(await s.digest.addRun({ subscriptionId: byReason.subscription.id, dueAt: due, outboxId: null, createdAt: at })).toBe(true);
    await s.digest.cover(first.subscription.id, due, later1);
    expect((await s.digest.subscription(first.subscription.id))!.coveredUntil).toEqual(due);
    // subscribing again keeps what it covered
    await s.digest.subscribe(base, later1);
    expect((await s.digest.subscription(first.subscription.id))!.coveredUntil).toEqual(due);

    expect(await s.digest.unsubscribe("slack", "C1")).toBe(3);
    expect(await s.digest.unsubscribe("slack", "C1")).toBe(0);
    expect((await s.digest.subscriptions()).map((x) => x.channelId)).toEqual(["C2"]);
    expect(await s.digest.subscription(first.subscription.id)).toBeNull();
  });

  // -- idempotency, counters, runs --

  it(t("idempotency: put then get, scoped by scope"), async () => {
    const r = { key: "k-1", scope: "POST /disputes", requestHash: "h1", status: 201, body: '{"number":"LIT-1"}', createdAt: T0 };
    expect(await s.idempotency.get("k-1", "POST /disputes")).toBeNull();
    await s.idempotency.put(r);
    expect(await s.idempotency.get("k-1", "POST /disputes")).toEqual(r);
    expect(await s.idempotency.get("k-1", "POST /customers")).toBeNull();
    await s.idempotency.put({ ...r, scope: "POST /customers", status: 200 });
    expect((await s.idempotency.get("k-1", "POST /customers"))?.status).toBe(200);
    expect((await s.idempotency.get("k-1", "POST /disputes"))?.status).toBe(201);
    await expect(s.idempotency.put(r)).rejects.toThrow();
  });

  it(t("counters: next increments per name"), async () => {
    expect(await s.counters.next("dispute")).toBe(1);
    expect(await s.counters.next("dispute")).toBe(2);
    expect(await s.counters.next("export")).toBe(1);
    expect(await s.counters.next("dispute")).toBe(3);
  });

  it(t("runs: add returns the id; list newest first, limited"), async () => {
    const r1 = await s.runs.add({ on: "2025-03-01", mode: "item", createdAt: later(0), byEmail: "cc@acme.test", letters: "[]" });
    const r2 = await s.runs.add({ on: "2025-03-02", mode: "account", createdAt: later(1), byEmail: null, letters: '[{"level":"R1"}]' });
    expect(r1).toEqual({ id: 1, on: "2025-03-01", mode: "item", createdAt: later(0), byEmail: "cc@acme.test", letters: "[]" });
    expect(r2.id).toBe(2);
    expect(await s.runs.list(10)).toEqual([r2, r1]);
    expect(await s.runs.list(1)).toEqual([r2]);
  });

  // -- copies --

  it(t("returned objects are copies: mutating them changes nothing stored"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const input = disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 10_00 }] });
    const d = await s.disputes.create(input);
    input.items.push({ itemId: 999, amount: 1 });
    input.statement = "changed after create";
    d.items[0]!.amount = 1;
    d.openedAt.setTime(0);
    const got = await s.disputes.byId(d.id);
    got!.ownerEmail = "x";
    expect(await s.disputes.byId(d.id)).toMatchObject({ statement: disputeOf({ customerId: 0, reasonId: 0 }).statement, ownerEmail: "rep@acme.test", openedAt: T0 });
    expect((await s.disputes.byId(d.id))?.items).toEqual([{ itemId: f1.id, amount: 10_00 }]);
    (await s.customers.byRef("C001"))!.name = "x";
    (await s.items.byIds([f1.id]))[0]!.openAmount = 0;
    (await s.reasons.byCode("price"))!.active = false;
    expect((await s.customers.byRef("C001"))?.name).toBe("Acme");
    expect((await s.items.byIds([f1.id]))[0]?.openAmount).toBe(100_00);
    expect((await s.reasons.byCode("price"))?.active).toBe(true);
    await s.disputes.appendEvents(d.id, [{ type: "commented", at: T0, byEmail: null, text: "a", data: { n: 1 } }]);
    (await s.disputes.timeline(d.id))[0]!.data!.n = 2;
    expect((await s.disputes.timeline(d.id))[0]?.data).toEqual({ n: 1 });
  });

  // -- transactions --

  it(t("transaction: a failure rolls back every write made inside it"), async () => {
    const { acme, reason, f1 } = await seed(s);
    const boom = new Error("boom");
    const err = await s
      .transaction(async (tx) => {
        await tx.customers.upsertMany([customerIn("C999"), customerIn("C001", { name: "Renamed" })]);
        await tx.items.upsertMany([itemIn(acme.id, "F1", { openAmount: 0 })]);
        const d = await tx.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id, items: [{ itemId: f1.id, amount: 5_00 }] }));
        await tx.disputes.appendEvents(d.id, [{ type: "opened", at: T0, byEmail: null, text: null }]);
        await tx.holds.replaceForCustomers([acme.id], [{ itemId: f1.id, disputeId: d.id, amount: 5_00, kind: "dispute" }], T0);
        await tx.counters.next("dispute");
        await tx.outbox.add([msg("m1", "A", T0)]);
        await tx.settings.save({ ...DEFAULT_SETTINGS, customerPolicy: "hold" });
        await tx.reasons.update("price", { active: false });
        expect(await tx.disputes.byId(d.id)).not.toBeNull(); // visible inside
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(await s.customers.byRef("C999")).toBeNull();
    expect((await s.customers.byRef("C001"))?.name).toBe("Acme");
    expect((await s.items.byIds([f1.id]))[0]?.openAmount).toBe(100_00);
    expect(await s.disputes.list({})).toEqual([]);
    expect(await s.holds.list()).toEqual([]);
    expect(await s.outbox.list({})).toEqual([]);
    expect(await s.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect((await s.reasons.byCode("price"))?.active).toBe(true);
    expect(await s.counters.next("dispute")).toBe(1);
  });

  it(t("transaction: a coded error inside rolls back the writes before it"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.disputes.create(disputeOf({ customerId: acme.id, reasonId: reason.id }));
    await expectCode(
      s.transaction(async (tx) => {
        await tx.disputes.appendEvents(d.id, [{ type: "commented", at: T0, byEmail: null, text: "lost" }]);
        await tx.disputes.update({ ...d, version: 3 }, 2);
      }),
      "stale_version",
    );
    expect(await s.disputes.timeline(d.id)).toEqual([]);
  });

  it(t("transaction: a committed transaction is visible and returns its value"), async () => {
    const { acme, reason } = await seed(s);
    const d = await s.transaction(async (tx) => {
      const n = await tx.counters.next("dispute");
      const created = await tx.disputes.create(disputeOf({ number: `LIT-${n}`, customerId: acme.id, reasonId: reason.id }));
      await tx.disputes.appendEvents(created.id, [{ type: "opened", at: T0, byEmail: "cc@acme.test", text: null }]);
      return created;
    });
    expect(d.number).toBe("LIT-1");
    expect(await s.disputes.byNumber("LIT-1")).toEqual(d);
    expect(await s.disputes.timeline(d.id)).toHaveLength(1);
  });

  it(t("transaction: changes of one customer take turns (one writer on SQLite, the customer's row lock on PostgreSQL)"), async () => {
    const { acme, beta } = await seed(s);
    const log: string[] = [];
    const work = (name: string, customerId: number, ms: number) =>
      s.transaction(async (tx) => {
        await tx.customers.lock([customerId]);
        log.push(`${name}:start`);
        const n = await tx.counters.next(`seq-${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
        return n;
      });
    const a = work("a", acme.id, 60);
    await new Promise((r) => setTimeout(r, 10));
    const failing = s
      .transaction(async (tx) => {
        await tx.customers.lock([acme.id]);
        log.push("f:start");
        throw new Error("nope");
      })
      .catch(() => "failed");
    await new Promise((r) => setTimeout(r, 10)); // f queues behind a before b does
    const b2 = work("b", acme.id, 1);
    const results = await Promise.all([a, failing, b2]);
    expect(results).toEqual([1, "failed", 1]);
    expect(log).toEqual(["a:start", "a:end", "f:start", "b:start", "b:end"]);
    // another customer's change does not wait on PostgreSQL; on SQLite every writer waits its turn
    log.length = 0;
    const slow = work("c", acme.id, 60);
    await new Promise((r) => setTimeout(r, 10));
    const other = work("d", beta.id, 1);
    await Promise.all([slow, other]);
    expect(log).toEqual(backend === "postgres" ? ["c:start", "d:start", "d:end", "c:end"] : ["c:start", "c:end", "d:start", "d:end"]);
  });
});

// ---- the Prisma and SQL adapters on one database ------------------------------------------------

// Both adapters must write the same rows (column formats included: DateTime as ISO text with offset,
// BigInt money as integers, booleans as 0/1), so that a database written by one reads back identically
// through the other. The same sequence of writes is run three times: all through Prisma, all through
// SQL, and alternating between the two on one file; the tables must come out identical (the wall-clock
// createdAt/updatedAt columns only have to have the format), and every read must agree.

/** Runs every write of the ports once; step i goes through `pick(i)`. */
async function writeEverything(pick: (step: number) => Store): Promise<void> {
  let step = 0;
  const s = () => pick(step++);
  const m = (id: string, orderKey: string, at: Date) => ({ id, type: "hold.changed", orderKey, payload: JSON.stringify({ id, at }), createdAt: at });
  await s().people.upsertMany([
    personIn("ann@acme.test", { managerEmail: "boss@acme.test", locale: "en", timezone: "Europe/London", slackUserId: "U1", teamsUserId: "T1" }),
    personIn("bob@acme.test", { role: "sales" }),
  ]);
  await s().people.upsertMany([personIn("bob@acme.test", { name: "Bob Bé", role: "manager", slackUserId: "U2" }), personIn("ann@acme.test", { managerEmail: null })]);
  const [acme, beta] = await s().customers.upsertMany([
    customerIn("C001", { name: "Acme", salesRepEmail: "bob@acme.test", controllerEmail: "ann@acme.test" }),
    customerIn("C002", { name: "Béta", currency: "USD" }),
  ]);
  await s().customers.upsertMany([customerIn("C002", { name: "Beta", salesRepEmail: null })]);
  const [f1, f2, av] = await s().items.upsertMany([
    itemIn(acme!.id, "F1", { dunningLevel: "R1", lastDunnedOn: "2025-02-20" }),
    itemIn(acme!.id, "F2", { amount: 2 ** 40, openAmount: -5 }),
    itemIn(beta!.id, "AV1", { kind: "credit_note", amount: -30_00, openAmount: -30_00, currency: "USD" }),
  ]);
  await s().items.upsertMany([itemIn(acme!.id, "F2", { amount: 2 ** 40, openAmount: 0, lastDunnedOn: null })]);
  await s().items.setDunning([{ itemId: f1!.id, level: "R2", lastDunnedOn: "2025-03-01" }]);
  const price = await s().reasons.create(reasonIn("price", { active: false, holdsDunning: false, priority: "high", sortOrder: 3, followUpDays: 2, slaDays: 9 }));
  const quality = await s().reasons.create(reasonIn("quality"));
  await s().reasons.update("price", { active: true, labelEn: "Price!" });
  const d1 = await s().disputes.create(
    disputeOf({ number: "LIT-1", customerId: acme!.id, reasonId: price.id, items: [{ itemId: f2!.id, amount: 1_00 }, { itemId: f1!.id, amount: 50_00 }] }),
  );
  const d2 = await s().disputes.create(
    disputeOf({ number: "LIT-2", customerId: beta!.id, reasonId: quality.id, scope: "customer", followUpOn: null, slaDueOn: null, openedAt: later(3), updatedAt: later(3) }),
  );
  await s().disputes.update(
    resolved({ ...d1, items: [{ itemId: f1!.id, amount: 40_00 }] }, resolution({ rootCause: "pricing" }), { creditNoteSeenAt: later(90), holdsReleasedAt: later(91) }),
    1,
  );
  await s().disputes.update({ ...d2, priority: "urgent", version: 2, updatedAt: later(4) }, 1);
  await s().disputes.appendEvents(d1.id, [
    { type: "opened", at: later(0), byEmail: "ann@acme.test", text: null, data: { items: [1, 2], note: "é ü ✓" } },
    { type: "commented", at: later(1), byEmail: null, text: "Vu." },
  ]);
  await s().disputes.appendEvents(d2.id, [{ type: "opened", at: new Date("2025-12-31T23:59:59.999Z"), byEmail: null, text: null }]);
  await s().holds.replaceForCustomers(
    [acme!.id, beta!.id],
    [
      { itemId: f1!.id, disputeId: d1.id, amount: 40_00, kind: "credit_pending" },
      { itemId: av!.id, disputeId: d2.id, amount: 1, kind: "customer" },
      { itemId: f2!.id, disputeId: d2.id, amount: 7, kind: "dispute" },
    ],
    later(5),
  );
  await s().holds.replaceForCustomers([beta!.id, acme!.id], [{ itemId: av!.id, disputeId: d2.id, amount: 2, kind: "customer" }, { itemId: f1!.id, disputeId: d1.id, amount: 40_00, kind: "litigation" }], later(6));
  await s().settings.save({ ...DEFAULT_SETTINGS, customerPolicy: "hold" });
  await s().settings.save({ ...DEFAULT_SETTINGS, timezone: "America/New_York" });
  await s().outbox.add([m("m1", "A", later(10)), m("m2", "B", later(11)), m("m3", "A", later(12))]);
  await s().outbox.add([m("m4", "C", later(13))]);
  await s().outbox.markFailed("m1", "HTTP 500", later(20));
  await s().outbox.markFailed("m2", "gone", null);
  await s().outbox.markDelivered("m4", later(21));
  await s().idempotency.put({ key: "k1", scope: "POST /disputes", requestHash: "h", status: 201, body: `{"disputeId":${d1.id}}`, createdAt: later(7) });
  await s().counters.next("dispute-2025");
  await s().counters.next("dispute-2025");
  await s().runs.add({ on: "2025-03-01", mode: "item", createdAt: later(8), byEmail: null, letters: "[]" });
  await s().runs.add({ on: "2025-03-02", mode: "account", createdAt: later(9), byEmail: "ann@acme.test", letters: '[{"level":"R1"}]' });
  // a rolled-back transaction leaves nothing, not even the ids it took (sqlite_sequence rolls back too)
  await s()
    .transaction(async (tx) => {
      await tx.customers.upsertMany([customerIn("C999")]);
      await tx.counters.next("dispute-2025");
      throw new Error("rolled back");
    })
    .catch(() => undefined);
  await s().transaction(async (tx) => {
    await tx.customers.upsertMany([customerIn("C003", { name: "Gamma" })]);
    await tx.disputes.appendEvents(d2.id, [{ type: "reminded", at: later(30), byEmail: null, text: "relance", data: { level: 1 } }]);
  });
}

/** Everything the ports can read back. */
async function readEverything(s: Store) {
  const customers = await s.customers.list();
  const items = await s.items.ofCustomers(customers.map((c) => c.id));
  const disputes = await s.disputes.list({});
  return {
    people: await s.people.list(),
    bySlack: await s.people.bySlackId("U2"),
    customers,
    search: await s.customers.search("a", 10),
    items,
    open: await s.items.allOpen(),
    reasons: await s.reasons.list(),
    disputes,
    byNumber: await s.disputes.byNumber("LIT-2"),
    flagged: await s.disputes.openCustomerLevel(customers[1]!.id),
    claims: await s.disputes.openClaims(items.map((i) => i.id)),
    holding: await s.disputes.holdingFor(customers.map((c) => c.id)),
    holdingCustomers: await s.disputes.customersWithHoldingDisputes(),
    followUps: await s.disputes.list({ followUpBefore: "2030-01-01", salesRepEmail: "bob@acme.test" }),
    timelines: await Promise.all(disputes.map((d) => s.disputes.timeline(d.id))),
    holds: await s.holds.list(),
    settings: await s.settings.get(),
    outbox: await s.outbox.list({}),
    failed: await s.outbox.list({ status: "failed" }),
    due: await s.outbox.due(later(100), 10),
    idempotency: await s.idempotency.get("k1", "POST /disputes"),
    runs: await s.runs.list(10),
    digest: await s.digest.facts({ timezone: "Europe/Paris", now: "2030-01-01T00:00:00.000Z", since: null, ownerLimit: 5, oldestLimit: 5 }),
  };
}

describe("SQLite and PostgreSQL", () => {
  const backends: Backend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.dispose();
  });
  beforeEach(() => {
    numberSeq = 0;
  });

  it("give the same answers to the same writes", async () => {
    const lite = await sqliteFactory();
    backends.push(lite);
    await writeEverything(() => lite.store);
    const reference = await readEverything(lite.store);
    expect(reference.disputes).toHaveLength(2);
    expect(reference.timelines.flat()).toHaveLength(4);
    numberSeq = 0;
    const pgb = await postgresFactory();
    backends.push(pgb);
    await writeEverything(() => pgb.store);
    const onPg = await readEverything(pgb.store);
    // PostgreSQL sequences do not roll back with a transaction: the customer written after the
    // rolled-back one has the next id there. Everything else is the same, value for value.
    const gamma = (r: typeof reference) => r.customers.find((c) => c.ref === "C003")!;
    expect(gamma(onPg).id).toBe(gamma(reference).id + 1);
    const sameIds = (r: typeof reference) => JSON.parse(JSON.stringify(r).replaceAll(`"id":${gamma(r).id},"ref":"C003"`, `"id":0,"ref":"C003"`));
    expect(sameIds(onPg)).toEqual(sameIds(reference));
    expect(await pgb.store.counters.next("dispute-2025")).toBe(3);
  });

  it("SQLite reads every DateTime text form Prisma wrote or reads", async () => {
    const { dir, file } = await tempDatabase();
    const forms: unknown[] = [
      "2026-03-10T09:00:00.000+00:00",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00Z",
      "2026-03-10T10:30:00.000+01:30",
      "2026-03-10 09:00:00",
      "2026-03-10T09:00:00",
      "2026-03-10",
      1773133200000,
    ];
    const db = openSqlite(file);
    const add = db.prepare(`INSERT INTO "DunningRun" ("on", "mode", "createdAt", "byEmail", "letters") VALUES (?, 'item', ?, NULL, '[]')`);
    forms.forEach((f, i) => add.run(String(i), f));
    db.close();
    const store = kyselyStore(connect({ kind: "sqlite", file }));
    backends.push({ store, replica: () => store, dispose: async () => (await store.close(), fs.rmSync(dir, { recursive: true, force: true })) });
    const byForm = [...(await store.runs.list(100))].sort((a, b) => Number(a.on) - Number(b.on));
    expect(byForm.map((r) => r.createdAt.toISOString())).toEqual([
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-03-10T00:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
    ]);
  });
});
