import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";

// The collections module over REST: the dunning preview says why every open item is left out of the run,
// the account statement totals per currency.

let a: TestAccord;
beforeAll(async () => {
  a = await startTestAccord({});
  await seedLedger(a);
  const s = a.deps.store;
  const f1001 = (await s.items.byIds([1, 2, 3, 4, 5, 6])).find((i) => i.ref === "F-1001")!;
  await s.items.setDunning([{ itemId: f1001.id, level: "R1", lastDunnedOn: "2026-03-05" }]);
  const r = await a.call("POST", "/api/v1/disputes", { customerRef: "C001", items: [{ ref: "F-1002" }], reasonCode: "price", statement: "Prix du devis non appliqué.", openedByEmail: "claire@acme.fr" });
  expect(r.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await a?.stop();
});

describe("dunning preview", () => {
  it("notSent: every open item of the customer left out of the run, with why", async () => {
    const p = (await a.call("GET", "/api/v1/dunning/preview?customer=C001&on=2026-03-10")).body;
    expect(p.letters).toEqual([]);
    const why = Object.fromEntries(p.notSent.map((n: any) => [n.ref, n]));
    expect(Object.keys(why).sort()).toEqual(["AV-2001", "F-1001", "F-1002", "F-1003", "RG-3001"]);
    expect(why["F-1001"]).toMatchObject({ reason: "min_gap", level: "R1", nextLevel: "R2", until: "2026-03-12", openAmount: "1200.00" });
    expect(why["F-1002"]).toMatchObject({ reason: "fully_held", heldBy: ["D-2026-0001"], heldAmount: "500.00" });
    expect(why["F-1003"]).toMatchObject({ reason: "not_yet_due", nextLevel: "notice", until: "2026-03-27" });
    expect(why["AV-2001"]).toMatchObject({ reason: "credit_other_level", kind: "credit_note", openAmount: "-100.00" });
    expect(p.notSentLetters).toEqual([]);
  });

  it("an item in a letter is not in notSent", async () => {
    const p = (await a.call("GET", "/api/v1/dunning/preview?customer=C002&on=2026-03-10")).body;
    expect(p.letters.map((l: any) => l.items.map((i: any) => i.ref))).toEqual([["F-2001"]]);
    expect(p.notSent).toEqual([]);
  });
});

describe("account statement", () => {
  it("totals per currency: open, disputed, held, dunnable", async () => {
    const s = a.deps.store;
    const c1 = (await s.customers.byRef("C001"))!;
    await s.items.upsertMany([{ customerId: c1.id, ref: "FU-1", kind: "invoice", issuedOn: "2026-01-15", dueOn: "2026-02-01", amount: 7000, openAmount: 7000, currency: "USD" }]);
    const st = (await a.call("GET", "/api/v1/customers/C001/statement")).body;
    expect(st.totals).toEqual({
      EUR: { open: "1850.00", disputed: "500.00", held: "500.00", dunnable: "1350.00" },
      USD: { open: "70.00", disputed: "0.00", held: "0.00", dunnable: "70.00" },
    });
  });
});
