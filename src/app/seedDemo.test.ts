import { afterEach, describe, expect, it } from "vitest";
import { startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { reloadDemo, seedDemo } from "./seedDemo.ts";

// `seed --demo --reset` on both databases: the wipe and the reload are one transaction.

describe.each(["sqlite", "postgres"] as TestDatabase[])("reloading the demo on %s", (database) => {
  let a: TestAccord;
  afterEach(async () => {
    await a?.stop();
  });

  it("empties every table and loads the demo again; a failure inside leaves the database as it was", async () => {
    a = await startTestAccord({}, { database });
    const first = await seedDemo(a.deps);
    const numbers = (await a.deps.store.disputes.list({})).map((d) => d.number).sort();
    const again = await reloadDemo(a.deps, { discardData: false });
    expect(again).toEqual({ loaded: first });
    expect((await a.deps.store.customers.list()).length).toBe(50);
    expect((await a.deps.store.disputes.list({})).map((d) => d.number).sort()).toEqual(numbers);

    await a.deps.store.people.upsertMany([{ email: "alice@acme.fr", name: "Alice Real", role: "controller" }]);
    expect(await reloadDemo(a.deps, { discardData: false })).toEqual({ refused: { people: ["alice@acme.fr"], customers: [] } });
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).not.toBeNull();

    // nothing half-written: a failure after the wipe rolls the wipe back
    await expect(a.deps.store.wipeThen(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).not.toBeNull();
    expect((await a.deps.store.customers.list()).length).toBe(50);

    expect("loaded" in (await reloadDemo(a.deps, { discardData: true }))).toBe(true);
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).toBeNull();
    expect((await a.deps.store.customers.list()).length).toBe(50);
  }, 120_000);
});
