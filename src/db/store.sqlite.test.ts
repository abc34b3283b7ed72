import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../app/ports.ts";
import { connect } from "./connect.ts";
import { openSqlite } from "./sqlite.ts";
import { StoreBusyError } from "./sqliteDriver.ts";
import { kyselyStore, migrateDatabase } from "./store.ts";

const sqlStore = (file: string, opts: { lockTimeoutMs?: number } = {}): Store => kyselyStore(connect({ kind: "sqlite", file }, opts));

// What the store does on SQLite beyond the shared contract (store.contract.test.ts): locking.
// - Another connection (the ledger import's worker) holding the write lock makes a transaction wait
//   without freezing the event loop, and reads go on meanwhile.
// - Top-level calls never see nor join another caller's open transaction.

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a setInterval(…, 10) until stopped; the largest gap between ticks tells whether the loop froze. */
function ticker() {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { maxGap: Math.max(maxGap, performance.now() - last), ticks };
    },
  };
}

/** A second connection that holds `BEGIN IMMEDIATE` (the write lock) for `ms`. */
/** Another connection holds the write lock for `ms`; `released()` says whether it has let go yet (so a test
 *  asserts what happened before the release, not how many milliseconds it took on a busy machine). */
function holdWriteLock(file: string, ms: number): Promise<void> & { released: () => boolean } {
  const other = openSqlite(file);
  other.exec("BEGIN IMMEDIATE");
  other.prepare(`INSERT INTO "Counter" ("name", "value") VALUES ('other', 1)`).run();
  let done = false;
  const p = sleep(ms).then(() => {
    other.exec("COMMIT");
    other.close();
    done = true;
  });
  return Object.assign(p, { released: () => done });
}

describe("store on SQLite: locking", () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-sqlstore-"));
    file = path.join(dir, "accord.db");
    await migrateDatabase({ kind: "sqlite", file });
    store = sqlStore(file);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("waits for another connection's write lock without blocking the event loop, then commits", async () => {
    await store.customers.upsertMany([{ ref: "C1", name: "Acme" }]);
    const tick = ticker();
    const held = holdWriteLock(file, 500);
    const t0 = performance.now();
    const tx = store.transaction(async (t) => {
      await t.customers.upsertMany([{ ref: "C1", name: "Acme SA" }]);
      return t.counters.next("other");
    });
    // reads do not wait for the write lock (WAL), nor for the transaction waiting for it
    expect((await store.customers.byRef("C1"))?.name).toBe("Acme");
    expect(held.released()).toBe(false);
    // a top-level write waits too, behind the transaction
    const write = store.counters.next("top");
    expect(await tx).toBe(2); // it saw the other connection's committed row
    const waited = performance.now() - t0;
    expect(await write).toBe(1);
    await held;
    const { ticks } = tick.stop();
    expect(waited).toBeGreaterThanOrEqual(450);
    // the event loop kept turning while the transaction waited (a blocking wait would let the 10 ms timer fire once)
    expect(ticks).toBeGreaterThan(10);
    expect((await store.customers.byRef("C1"))?.name).toBe("Acme SA");
  });

  it("every read answers at once while another connection holds the write lock", async () => {
    const [c] = await store.customers.upsertMany([{ ref: "C1", name: "Acme" }]);
    const [i] = await store.items.upsertMany([
      { customerId: c!.id, ref: "F1", kind: "invoice", issuedOn: "2026-01-01", dueOn: "2026-02-01", amount: 100, openAmount: 100, currency: "EUR" },
    ]);
    const held = holdWriteLock(file, 400);
    const reads: Promise<unknown>[] = [
      store.people.byEmail("a@x"),
      store.people.byEmails(["a@x"]),
      store.people.bySlackId("U1"),
      store.people.list(),
      store.customers.byRef("C1"),
      store.customers.byId(c!.id),
      store.customers.byIds([c!.id]),
      store.customers.byRefs(["C1"]),
      store.customers.search("ac", 5),
      store.customers.list(),
      store.items.byIds([i!.id]),
      store.items.byRefs(c!.id, ["F1"]),
      store.items.ofCustomer(c!.id),
      store.items.ofCustomers([c!.id], { openOnly: true }),
      store.items.openForHolds([c!.id]),
      store.items.allOpen(),
      store.reasons.list(),
      store.reasons.byCode("price"),
      store.reasons.byId(1),
      store.reasons.inUse(1),
      store.disputes.byId(1),
      store.disputes.byNumber("D-1"),
      store.disputes.list({ status: "open", salesRepEmail: "x@y", followUpBefore: "2030-01-01", limit: 5 }),
      store.disputes.openClaims([i!.id], 3),
      store.disputes.openCustomerLevel(c!.id),
      store.disputes.holdingFor([c!.id]),
      store.disputes.customersWithHoldingDisputes(),
      store.disputes.awaitingCreditNotes(c!.id, ["AV-1"]),
      store.disputes.timeline(1),
      store.holds.list({ customerIds: [c!.id], disputeIds: [1] }),
      store.settings.get(),
      store.outbox.due(new Date(), 10),
      store.outbox.list({ status: "failed" }),
      store.idempotency.get("k", "s"),
      store.runs.list(5),
    ];
    await Promise.all(reads);
    expect(held.released()).toBe(false);
    await held;
  });

  it("gives up with a busy error after the lock timeout, and goes on working afterwards", async () => {
    const quick = sqlStore(file, { lockTimeoutMs: 250 });
    try {
      const tick = ticker();
      const held = holdWriteLock(file, 900);
      const t0 = performance.now();
      const err = await quick.transaction(async (t) => t.counters.next("x")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreBusyError);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
      const top = await quick.counters.next("x").catch((e: unknown) => e);
      expect(top).toBeInstanceOf(StoreBusyError);
      // both gave up while the other connection still held the lock
      expect(held.released()).toBe(false);
      await held;
      expect(tick.stop().ticks).toBeGreaterThan(10);
      expect(await quick.counters.next("x")).toBe(1);
    } finally {
      await quick.close();
    }
  });

  it("the Slack rows wait for the write lock the same way", async () => {
    const state = store.slack;
    {
      const tick = ticker();
      const held = holdWriteLock(file, 300);
      const t0 = performance.now();
      expect(await state.firstSeen("ev1", new Date())).toBe(true);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
      expect(await state.firstSeen("ev1", new Date())).toBe(false);
      await held;
      expect(tick.stop().ticks).toBeGreaterThan(5);
    }
  });

  it("a top-level read waits for the open transaction and never sees its uncommitted writes", async () => {
    await store.customers.upsertMany([{ ref: "C1", name: "Acme" }]);
    let inside = false;
    const tx = store
      .transaction(async (t) => {
        await t.customers.upsertMany([{ ref: "C1", name: "uncommitted" }]);
        inside = true;
        await sleep(80);
        inside = false;
        throw new Error("rolled back");
      })
      .catch(() => "rolled back");
    await sleep(10);
    expect(inside).toBe(true);
    const read = await store.customers.byRef("C1");
    expect(inside).toBe(false);
    expect(read?.name).toBe("Acme");
    expect(await tx).toBe("rolled back");
  });

  it("a top-level write made during a transaction is not part of it", async () => {
    const tx = store
      .transaction(async (t) => {
        await t.counters.next("tx");
        await sleep(50);
        throw new Error("rolled back");
      })
      .catch(() => "rolled back");
    await sleep(5);
    const top = store.counters.next("top");
    expect(await tx).toBe("rolled back");
    expect(await top).toBe(1);
    expect(await store.counters.next("tx")).toBe(1);
    expect(await store.counters.next("top")).toBe(2);
  });

  it("the repositories of a finished transaction refuse to work", async () => {
    let leaked: Parameters<Parameters<Store["transaction"]>[0]>[0] | undefined;
    await store.transaction(async (t) => {
      leaked = t;
    });
    await expect(leaked!.counters.next("late")).rejects.toThrow(/already closed/);
    await expect(leaked!.customers.list()).rejects.toThrow(/already closed/);
    expect(await store.counters.next("late")).toBe(1);
  });

  it("every port call is atomic: a failing row leaves none of the rows before it", async () => {
    await store.people.upsertMany([{ email: "ann@acme.test", name: "Ann", role: "controller", slackUserId: "U1" }]);
    // inside a transaction that goes on after the failure, too
    await store.transaction(async (t) => {
      await expect(
        t.people.upsertMany([
          { email: "bob@acme.test", name: "Bob", role: "sales" },
          { email: "cid@acme.test", name: "Cid", role: "sales", slackUserId: "U1" },
        ]),
      ).rejects.toThrow();
      await t.counters.next("after");
    });
    expect((await store.people.list()).map((p) => p.email)).toEqual(["ann@acme.test"]);
    expect(await store.counters.next("after")).toBe(2);
    await expect(
      store.people.upsertMany([
        { email: "bob@acme.test", name: "Bob", role: "sales" },
        { email: "cid@acme.test", name: "Cid", role: "sales", slackUserId: "U1" },
      ]),
    ).rejects.toThrow();
    expect((await store.people.list()).map((p) => p.email)).toEqual(["ann@acme.test"]);
  });

  it("after close, calls fail instead of hanging", async () => {
    await store.close();
    await expect(store.customers.list()).rejects.toThrow();
    await expect(store.counters.next("x")).rejects.toThrow();
    store = sqlStore(file); // for afterEach
  });
});
