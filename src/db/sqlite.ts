import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS_DIRS } from "./migrate.ts";

// Opening the SQLite file. Migrations (both backends) are in src/db/migrate.ts; `migrate` and
// `MIGRATIONS_DIR` stay re-exported here for existing callers.

export { migrateSqlite as migrate } from "./migrate.ts";

/** @deprecated use MIGRATIONS_DIRS.sqlite from ./migrate.ts */
export const MIGRATIONS_DIR = MIGRATIONS_DIRS.sqlite;

export function openSqlite(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  return db;
}
