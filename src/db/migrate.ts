import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import { customerSearchKey } from "../domain/search.ts";

// Applying the committed Prisma migrations (prisma/<provider>/migrations) without the Prisma CLI.
// The bookkeeping table is Prisma's own `_prisma_migrations`, created as Prisma creates it and filled as
// Prisma fills it (checksum = sha256 hex of migration.sql), so `prisma migrate deploy` / `migrate status`
// and this agree on what has been applied. Each migration is applied in its own transaction.

export type Provider = "sqlite" | "postgresql";

const PRISMA_DIR = path.resolve(import.meta.dirname, "../../prisma");

export const MIGRATIONS_DIRS: Readonly<Record<Provider, string>> = {
  sqlite: path.join(PRISMA_DIR, "sqlite", "migrations"),
  postgresql: path.join(PRISMA_DIR, "postgresql", "migrations"),
};

/**
 * Key of the session-level advisory lock held (per database) for a whole PostgreSQL run. It is the key
 * `prisma migrate` itself takes, so replicas starting together, and the Prisma CLI, migrate one at a time.
 */
export const POSTGRES_MIGRATION_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Names of the migrations in `dir` (default: the committed ones of `provider`), in the order they apply. */
export function migrationNames(provider: Provider, dir = MIGRATIONS_DIRS[provider]): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

export function migrationChecksum(sql: string): string {
  return crypto.createHash("sha256").update(sql).digest("hex");
}

export function readMigrations(provider: Provider, dir = MIGRATIONS_DIRS[provider]): Migration[] {
  return migrationNames(provider, dir).map((name) => {
    const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    return { name, sql, checksum: migrationChecksum(sql) };
  });
}

/**
 * One-off data steps run in TypeScript, in the same transaction, right after the SQLite migration they are
 * keyed by is applied (SQL alone cannot compute them). They run once: with the migration, never again.
 * PostgreSQL has none: its history starts after all of them.
 */
const AFTER_MIGRATION: Record<string, (db: BetterSqlite3.Database) => void> = {
  // Customer.searchKey: the migration fills it with lower(ref || ' ' || name), which neither strips accents
  // nor folds non-ASCII case; recompute it exactly as the adapters write it (normalizeSearch). (The migration's
  // SQL comment still says "migrate() in src/db/sqlite.ts": its text is frozen by the checksum databases hold.)
  "20261123020000_customer_search": (db) => {
    const rows = db.prepare(`SELECT "id", "ref", "name" FROM "Customer"`).all() as { id: number; ref: string; name: string }[];
    const set = db.prepare(`UPDATE "Customer" SET "searchKey" = ? WHERE "id" = ?`);
    for (const r of rows) set.run(customerSearchKey(r), r.id);
  },
};

/** Applies the pending SQLite migrations of `dir`; returns the names applied, in order. */
export function migrateSqlite(db: BetterSqlite3.Database, dir = MIGRATIONS_DIRS.sqlite): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
  const done = new Set(
    db
      .prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .pluck()
      .all() as string[],
  );
  const applied: string[] = [];
  for (const { name, sql, checksum } of readMigrations("sqlite", dir)) {
    if (done.has(name)) continue;
    db.transaction(() => {
      db.exec(sql);
      AFTER_MIGRATION[name]?.(db);
      db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
      ).run(crypto.randomUUID(), checksum, Date.now(), name, Date.now());
    })();
    applied.push(name);
  }
  return applied;
}

/**
 * Applies the pending PostgreSQL migrations of `dir` on `client`'s database; returns the names applied, in
 * order. The whole run holds `pg_advisory_lock(POSTGRES_MIGRATION_LOCK_KEY)`: a second migrator started at
 * the same time waits, then finds everything applied and applies nothing. `client` must not be inside a
 * transaction.
 */
export async function migratePostgres(client: pg.ClientBase, dir = MIGRATIONS_DIRS.postgresql): Promise<string[]> {
  const migrations = readMigrations("postgresql", dir);
  await client.query(`SELECT pg_advisory_lock($1)`, [POSTGRES_MIGRATION_LOCK_KEY]);
  try {
    // As the Prisma schema engine creates it on PostgreSQL.
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"            VARCHAR(64) NOT NULL,
      "finished_at"         TIMESTAMPTZ,
      "migration_name"      VARCHAR(255) NOT NULL,
      "logs"                TEXT,
      "rolled_back_at"      TIMESTAMPTZ,
      "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const { name, sql, checksum } of migrations) {
      if (done.has(name)) continue;
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(sql); // simple query protocol: the whole multi-statement script
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [crypto.randomUUID(), checksum, name, startedAt],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new Error(`migration ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query(`SELECT pg_advisory_unlock($1)`, [POSTGRES_MIGRATION_LOCK_KEY]).catch(() => {});
  }
}
