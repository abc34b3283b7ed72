import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { customerSearchKey } from "../domain/search.ts";

// Opening the SQLite file and applying the committed Prisma migrations, without the Prisma CLI.
// The bookkeeping table is Prisma's own `_prisma_migrations`, so `prisma migrate deploy` and this
// agree on what has been applied.

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export function openSqlite(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  return db;
}

/**
 * One-off data steps run in TypeScript, in the same transaction, right after the migration they are keyed
 * by is applied (SQL alone cannot compute them). They run once: with the migration, never again.
 */
const AFTER_MIGRATION: Record<string, (db: Database.Database) => void> = {
  // Customer.searchKey: the migration fills it with lower(ref || ' ' || name), which neither strips accents
  // nor folds non-ASCII case; recompute it exactly as the adapters write it (normalizeSearch).
  "20261123020000_customer_search": (db) => {
    const rows = db.prepare(`SELECT "id", "ref", "name" FROM "Customer"`).all() as { id: number; ref: string; name: string }[];
    const set = db.prepare(`UPDATE "Customer" SET "searchKey" = ? WHERE "id" = ?`);
    for (const r of rows) set.run(customerSearchKey(r), r.id);
  },
};

export function migrate(db: Database.Database, dir = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
  const done = new Set(
    (db.prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string }[]).map(
      (r) => r.migration_name,
    ),
  );
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const applied: string[] = [];
  for (const name of names) {
    if (done.has(name)) continue;
    const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    const checksum = crypto.createHash("sha256").update(sql).digest("hex");
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
