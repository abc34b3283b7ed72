import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { kyselyOnSqlite } from "./connect.ts";
import { openSqlite } from "./sqlite.ts";
import { shapedQueries } from "./shapes.ts";

describe("query shapes", () => {
  const raw = openSqlite(":memory:");
  raw.exec(`CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "name" TEXT, "n" INTEGER)`);
  raw.exec(`INSERT INTO "T" VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)`);
  const { db } = kyselyOnSqlite(raw);
  const shaped = shapedQueries("sqlite");
  const anyDb = db as never as import("kysely").Kysely<{ T: { id: number; name: string; n: number } }>;

  it("compiles once and runs with each call's values, constants kept in place", async () => {
    const byName = (name: string, min: number) =>
      shaped(anyDb, "test.byName", [name, min], (name, min) => anyDb.selectFrom("T").select("id").where("n", ">", 5).where("name", "=", name).where("n", ">=", min));
    expect((await byName("b", 0)).rows).toEqual([{ id: 2 }]);
    expect((await byName("c", 0)).rows).toEqual([{ id: 3 }]);
    expect((await byName("c", 31)).rows).toEqual([]);
  });

  it("refuses a shape whose parameter is not passed through as a parameter (unused, or inlined)", async () => {
    await expect(async () => shaped(anyDb, "test.unused", [1], (_unused) => anyDb.selectFrom("T").select("id"))).rejects.toThrow(/1 of its 1 parameters/);
    await expect(async () => shaped(anyDb, "test.inlined", ["x"], (v) => anyDb.selectFrom("T").select(sql.lit(v).as("v")))).rejects.toThrow();
  });
});
