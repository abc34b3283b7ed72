import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, type FreshPostgresDatabase } from "../test/postgres.ts";
import { migratePostgres, migrateSqlite, migrationNames, readMigrations } from "./migrate.ts";
import { openSqlite } from "./sqlite.ts";

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  applied_steps_count: number;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

describe("migrationNames", () => {
  it("lists the committed migrations of each provider, in order", () => {
    expect(migrationNames("sqlite")).toEqual(["20261123000000_init", "20261123010000_slack", "20261123020000_customer_search", "20261202000000_dispute_list_index", "20261202200000_delivery_queue", "20261202210000_rate_limits", "20261203100000_followups", "20261204200000_opener_updates", "20261204300000_charts", "20261204400000_absences", "20261204600000_team_and_snooze_indexes", "20261205100000_digest", "20261205200000_teams", "20261206100000_dispute_amount", "20261206300000_teams_reach", "20261206700000_reminder_copies", "20261207100000_teams_reminder_copies", "20261207200000_digest_speed"]);
    expect(migrationNames("postgresql")).toEqual(["20261201000000_init", "20261202000000_dispute_list_index", "20261202200000_delivery_queue", "20261202210000_rate_limits", "20261203100000_followups", "20261204200000_opener_updates", "20261204300000_charts", "20261204400000_absences", "20261204600000_team_and_snooze_indexes", "20261205100000_digest", "20261205200000_teams", "20261206100000_dispute_amount", "20261206300000_teams_reach", "20261206700000_reminder_copies", "20261207100000_teams_reminder_copies", "20261207200000_digest_speed"]);
  });
});

describe("migratePostgres", () => {
  async function connect(db: FreshPostgresDatabase): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: db.url });
    client.on("error", () => {});
    await client.connect();
    cleanup.unshift(() => client.end().catch(() => {}));
    return client;
  }

  it("two migrators started together on a fresh database apply each migration once; both succeed; a re-run applies nothing", async () => {
    const db = await freshPostgresDatabase("migrate_concurrent", { migrate: false });
    cleanup.push(() => db.drop());
    const [a, b] = await Promise.all([connect(db), connect(db)]);
    const results = await Promise.all([migratePostgres(a), migratePostgres(b)]);
    const names = migrationNames("postgresql");
    // one of them applied everything (under the advisory lock), the other found it done
    expect([...results].sort((x, y) => y.length - x.length)).toEqual([names, []]);

    const { rows } = await a.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    const expected = readMigrations("postgresql");
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(expected.map((m) => [m.name, m.checksum, 1]));
    for (const r of rows) {
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
    }
    expect(await migratePostgres(a)).toEqual([]);
    expect(await migratePostgres(b)).toEqual([]);
    expect((await a.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).rows[0].n).toBe(expected.length);
    // the lock is released: nothing held by either session
    expect((await a.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows[0].n).toBe(0);
    // and the schema is there
    expect((await a.query(`SELECT count(*)::int AS n FROM "Person"`)).rows[0].n).toBe(0);
  });

  it("a failing migration rolls back and records nothing", async () => {
    const db = await freshPostgresDatabase("migrate_failing", { migrate: false });
    cleanup.push(() => db.drop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-migrations-"));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, "1_ok"));
    fs.writeFileSync(path.join(dir, "1_ok", "migration.sql"), `CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);`);
    fs.mkdirSync(path.join(dir, "2_bad"));
    fs.writeFileSync(path.join(dir, "2_bad", "migration.sql"), `CREATE TABLE "B" ("id" INTEGER PRIMARY KEY);\nSELECT no_such_function();`);
    const client = await connect(db);
    await expect(migratePostgres(client, dir)).rejects.toThrow(/2_bad/);
    const { rows } = await client.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name)).toEqual(["1_ok"]);
    expect((await client.query(`SELECT to_regclass('"B"') AS t`)).rows[0].t).toBeNull();
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows[0].n).toBe(0);
  });
});

describe("migrateSqlite", () => {
  it("applies each migration once, with its checksum; a re-run applies nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-migrate-"));
    const db = openSqlite(path.join(dir, "accord.db"));
    cleanup.push(() => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const names = migrationNames("sqlite");
    expect(migrateSqlite(db)).toEqual(names);
    expect(migrateSqlite(db)).toEqual([]);
    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as MigrationRow[];
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(readMigrations("sqlite").map((m) => [m.name, m.checksum, 1]));
    for (const r of rows) {
      expect(r.finished_at).not.toBeNull();
      expect(r.rolled_back_at).toBeNull();
    }
  });
});
