import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// Prisma CLI configuration. Accord runs Prisma with the JavaScript engine and the better-sqlite3
// driver adapter, so nothing native is downloaded. The CLI resolves the database from DATABASE_URL
// (default ./data/accord.db, relative to the working directory) exactly as src/config.ts does.
function databaseFile(): string {
  const url = process.env.DATABASE_URL ?? "file:./data/accord.db";
  const file = url.startsWith("file:") ? url.slice("file:".length) : url;
  const abs = path.resolve(process.cwd(), file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  return abs;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: `file:${databaseFile()}` });
  },
});
