import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

// Opening a SQLite file with Accord's connection settings. Migrations (both backends): src/db/migrate.ts.

export function openSqlite(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  return db;
}
