import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

// Prisma CLI configuration. Prisma is only the schema source and the migration tool here (queries go through
// Kysely). It runs with the JavaScript engine and a driver adapter, so nothing native is downloaded.
// The provider follows DATABASE_URL:
//   file:…                       SQLite (default ./data/accord.db, relative to the working directory),
//                                prisma/sqlite/schema.prisma + prisma/sqlite/migrations, better-sqlite3;
//   postgres:// | postgresql://  prisma/postgresql/schema.prisma + prisma/postgresql/migrations, pg.
const url = process.env.DATABASE_URL ?? "file:./data/accord.db";
const provider = /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";

function databaseFile(): string {
  const file = url.startsWith("file:") ? url.slice("file:".length) : url;
  const abs = path.resolve(process.cwd(), file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  return abs;
}

// @prisma/adapter-pg 6.19 rejects result columns of PostgreSQL's internal catalog types (`name`, `"char"`, …:
// "Column type 'name' could not be deserialized from the database", prisma/prisma#27403), which the schema
// engine reads when it inspects the database: `migrate deploy` on an empty database fails without this.
// The CLI's pg clients therefore report those columns as text (text[] for arrays); the values already are.
const AS_TEXT = new Set([18 /* "char" */, 19 /* name */, 22 /* int2vector */, 24 /* regproc */, 30 /* oidvector */, 194 /* pg_node_tree */, 2205 /* regclass */, 2206 /* regtype */]);
const AS_TEXT_ARRAY = new Set([1003 /* name[] */, 1002 /* "char"[] */]);
const TEXT = 25;
const TEXT_ARRAY = 1009;
const parseTextArray = (pg.types.getTypeParser as (oid: number) => (value: string) => unknown)(TEXT_ARRAY);

function catalogTypesAsText(result: unknown): unknown {
  for (const r of Array.isArray(result) ? result : [result]) {
    const fields = (r as pg.QueryResult | undefined)?.fields;
    if (!fields) continue;
    fields.forEach((f, i) => {
      if (AS_TEXT.has(f.dataTypeID)) f.dataTypeID = TEXT;
      else if (AS_TEXT_ARRAY.has(f.dataTypeID)) {
        f.dataTypeID = TEXT_ARRAY;
        for (const row of (r as pg.QueryResult).rows as unknown[]) {
          if (Array.isArray(row) && typeof row[i] === "string") row[i] = parseTextArray(row[i]);
        }
      }
    });
  }
  return result;
}

class CliPgClient extends pg.Client {}
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(CliPgClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const cb = args.findIndex((a) => typeof a === "function");
  if (cb >= 0) {
    const done = args[cb] as (err: unknown, res: unknown) => void;
    args[cb] = (err: unknown, res: unknown) => done(err, err ? res : catalogTypesAsText(res));
    return query.apply(this, args);
  }
  const out = query.apply(this, args);
  return out instanceof Promise ? out.then(catalogTypesAsText) : out;
};

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, provider, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, provider, "migrations") },
  async adapter() {
    return provider === "postgresql"
      ? new PrismaPg({ connectionString: url, Client: CliPgClient })
      : new PrismaBetterSQLite3({ url: `file:${databaseFile()}` });
  },
});
