import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Connection } from "./connect.ts";
import { offLoopWorkersRunning, offLoopWorkersStarted } from "./offloop.ts";
import { kyselyStore, migrateDatabase, repositoriesOn } from "./store.ts";

// The SQLite read path off the event loop (offloop.ts): a worker thread's read-only connection on the same
// file answers compiled Kysely queries with the rows the main connection would give.

const REASON = { active: true, sortOrder: 0, followUpDays: 7, slaDays: 30, priority: "normal", holdsDunning: true };

describe("reads off the event loop on SQLite", () => {
  let dir: string;
  let file: string;
  let conn: Connection;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-offloop-"));
    file = path.join(dir, "accord.db");
    await migrateDatabase({ kind: "sqlite", file });
    conn = connect({ kind: "sqlite", file });
  });
  afterEach(async () => {
    await conn.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same rows as the main connection, dates and booleans read alike, and starts one worker lazily", async () => {
    const store = kyselyStore(conn);
    await store.customers.upsertMany([{ ref: "C1", name: "Acme" }, { ref: "C2", name: "Bolt" }]);
    await conn.db
      .insertInto("Reason")
      .values([
        { ...REASON, code: "price", labelFr: "Prix", labelEn: "Price", active: false },
        { ...REASON, code: "quantity", labelFr: "Quantité", labelEn: "Quantity", holdsDunning: false },
        { ...REASON, code: "other", labelFr: "Autre", labelEn: "Other" },
      ] as never)
      .execute();
    const started = offLoopWorkersStarted();
    const reasons = conn.db.selectFrom("Reason").selectAll().where("active", "=", true).orderBy("code");
    const customers = conn.db.selectFrom("Customer").selectAll().where("createdAt", "<=", new Date(Date.now() + 60_000)).orderBy("ref");
    for (const q of [reasons, customers]) {
      const onLoop = await q.execute();
      const offLoop = (await conn.readOffLoop(q.compile())).rows;
      expect(offLoop).toEqual(onLoop);
      expect(offLoop.length).toBeGreaterThan(0);
    }
    const customer = (await conn.readOffLoop<{ createdAt: unknown }>(customers.compile())).rows[0]!;
    expect(customer.createdAt).toBeInstanceOf(Date);
    const reason = (await conn.readOffLoop<{ active: unknown; code: string }>(reasons.compile())).rows[0]!;
    expect(reason.active).toBe(true);
    expect((await conn.readOffLoop<{ code: string }>(reasons.compile())).rows.map((r) => r.code)).toEqual(["other", "quantity"]);
    expect(offLoopWorkersStarted() - started).toBe(1);
  });

  it("sees what the main connection committed after it started", async () => {
    const count = conn.db.selectFrom("Customer").select((eb) => eb.fn.countAll<number>().as("n")).compile();
    expect((await conn.readOffLoop<{ n: number }>(count)).rows[0]!.n).toBe(0);
    await kyselyStore(conn).customers.upsertMany([{ ref: "C1", name: "Acme" }]);
    expect((await conn.readOffLoop<{ n: number }>(count)).rows[0]!.n).toBe(1);
  });

  it("keeps the event loop serving while a slow query runs", async () => {
    // about a second of SQLite work: on the main connection nothing else would run meanwhile
    const slow = sql<{ n: number }>`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c`.compile(conn.db);
    await conn.readOffLoop(sql`SELECT 1`.compile(conn.db)); // the worker is up
    const order: string[] = [];
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticks === 3) order.push("three loop turns");
      if (ticking) setImmediate(tick);
    };
    const q = conn.readOffLoop<{ n: number }>(slow).then((r) => {
      order.push("query");
      return r;
    });
    setImmediate(tick);
    const r = await q;
    ticking = false;
    expect(r.rows[0]!.n).toBe(3_000_000);
    expect(order).toEqual(["three loop turns", "query"]);
  });

  it("rejects a failing query with SQLite's error, refuses writes, and goes on answering", async () => {
    await expect(conn.readOffLoop(sql`SELECT * FROM "NoSuchTable"`.compile(conn.db))).rejects.toThrow(/no such table: NoSuchTable/);
    await expect(conn.readOffLoop(conn.db.insertInto("Counter").values({ name: "x", value: 1 }).compile())).rejects.toMatchObject({ code: "ACCORD_OFFLOOP_WRITE" });
    expect((await conn.db.selectFrom("Counter").selectAll().where("name", "=", "x").execute()).length).toBe(0);
    expect((await conn.readOffLoop<{ one: number }>(sql`SELECT 1 AS one`.compile(conn.db))).rows).toEqual([{ one: 1 }]);
  });

  it("answers the digest's facts on the worker, the same facts as on the main connection", async () => {
    const store = kyselyStore(conn);
    await store.customers.upsertMany([{ ref: "C1", name: "Acme" }]);
    const query = { timezone: "Europe/Paris", now: new Date().toISOString(), since: null, ownerLimit: 10, oldestLimit: 5 };
    const started = offLoopWorkersStarted();
    const off = await store.digest.facts(query);
    expect(offLoopWorkersStarted() - started).toBe(1);
    expect(off).toEqual(await repositoriesOn(conn.db, conn.dialect).digest.facts(query));
  });

  it("ends its worker when the store closes, also with a query running", async () => {
    const store = kyselyStore(conn);
    const before = offLoopWorkersRunning();
    await conn.readOffLoop(sql`SELECT 1`.compile(conn.db));
    expect(offLoopWorkersRunning()).toBe(before + 1);
    const slow = conn.readOffLoop(sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT count(*) FROM c`.compile(conn.db));
    const settled = slow.then(() => "resolved", () => "rejected");
    await store.close();
    expect(offLoopWorkersRunning()).toBe(before);
    expect(await settled).toBe("rejected");
    await expect(conn.readOffLoop(sql`SELECT 1`.compile(conn.db))).rejects.toThrow(/closed/);
  });
});
