import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, type FreshPostgresDatabase } from "../test/postgres.ts";
import { MIGRATIONS_DIRS, migrateSqlite, migrationChecksum, migrationNames, readMigrations } from "./migrate.ts";
import { COLUMN_KINDS, TABLES, type ColumnKind, type ColumnSpec } from "./schema.ts";
import { openSqlite } from "./sqlite.ts";
import { connect } from "./connect.ts";
import { kyselyStore } from "./store.ts";

// The schema, four ways: the two Prisma schemas describe the same models; the hand-written Kysely types
// (src/db/schema.ts, through its run-time twin TABLES) match both migrated databases; and a SQLite database
// made by the committed migrations keeps working under the current migrator.

const PRISMA_DIR = path.resolve(import.meta.dirname, "../../prisma");
const SQLITE_SCHEMA = path.join(PRISMA_DIR, "sqlite", "schema.prisma");
const POSTGRES_SCHEMA = path.join(PRISMA_DIR, "postgresql", "schema.prisma");

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-schema-"));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sqliteDb(file: string): BetterSqlite3.Database {
  const db = openSqlite(file);
  cleanup.push(() => {
    db.close();
  });
  return db;
}

// ---- a small reader of the Prisma schema language ------------------------------------------------------

interface FieldShape {
  type: string;
  optional: boolean;
  list: boolean;
  /** Field attributes, whitespace removed, sorted; `@db.*` (native types) left out. */
  attributes: string[];
}

interface ModelShape {
  fields: Record<string, FieldShape>;
  /** `@@id`, `@@unique`, `@@index`, `@@map`…, whitespace removed, sorted. */
  blockAttributes: string[];
}

interface PrismaSchema {
  blocks: { kind: string; name: string; body: string }[];
  models: Record<string, ModelShape>;
}

/** The text without `//` and `///` comments (outside string literals). */
function stripComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else out += c;
  }
  return out;
}

/** Whitespace outside string literals removed. */
function squeeze(s: string): string {
  return s.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? "");
}

/** `@name` or `@name(args)` items of an attribute list, args with balanced parentheses. */
function splitAttributes(text: string, where: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const m = /^@@?[\w.]+/.exec(text.slice(i));
    if (!m) throw new Error(`${where}: cannot read attributes at "${text.slice(i)}"`);
    let j = i + m[0].length;
    if (text[j] === "(") {
      let depth = 0;
      let inString = false;
      for (; j < text.length; j++) {
        const c = text[j];
        if (inString) {
          if (c === "\\") j++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === "(") depth++;
        else if (c === ")" && --depth === 0) {
          j++;
          break;
        }
      }
      if (depth !== 0) throw new Error(`${where}: unbalanced parentheses in "${text.slice(i)}"`);
    }
    out.push(squeeze(text.slice(i, j)));
    i = j;
  }
  return out;
}

function parsePrismaSchema(text: string): PrismaSchema {
  const src = stripComments(text);
  const blocks: PrismaSchema["blocks"] = [];
  const models: Record<string, ModelShape> = {};
  const blockRe = /^[ \t]*(\w+)[ \t]+(\w+)[ \t]*\{([\s\S]*?)^[ \t]*\}/gm;
  for (const m of src.matchAll(blockRe)) {
    const [, kind, name, body] = m as unknown as [string, string, string, string];
    blocks.push({ kind, name, body });
    if (kind !== "model") continue;
    const model: ModelShape = { fields: {}, blockAttributes: [] };
    for (const raw of body.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith("@@")) {
        model.blockAttributes.push(...splitAttributes(line, `${name}`));
        continue;
      }
      const f = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+(.*))?$/.exec(line);
      if (!f) throw new Error(`model ${name}: cannot read "${line}"`);
      const [, field, type, list, optional, rest] = f as unknown as [string, string, string, string | undefined, string | undefined, string | undefined];
      if (model.fields[field]) throw new Error(`model ${name}: field ${field} twice`);
      model.fields[field] = {
        type,
        list: Boolean(list),
        optional: Boolean(optional),
        attributes: splitAttributes(rest ?? "", `${name}.${field}`)
          .filter((a) => !a.startsWith("@db."))
          .sort(),
      };
    }
    model.blockAttributes.sort();
    if (models[name]) throw new Error(`model ${name} twice`);
    models[name] = model;
  }
  return { blocks, models };
}

/** What differs between the models of two schemas (field names, types, optionality, lists, attributes). */
function compareModels(a: PrismaSchema, b: PrismaSchema, names: [string, string] = ["a", "b"]): string[] {
  const diffs: string[] = [];
  const [na, nb] = names;
  for (const m of Object.keys(a.models)) if (!b.models[m]) diffs.push(`model ${m} only in ${na}`);
  for (const m of Object.keys(b.models)) if (!a.models[m]) diffs.push(`model ${m} only in ${nb}`);
  for (const [m, ma] of Object.entries(a.models)) {
    const mb = b.models[m];
    if (!mb) continue;
    for (const f of Object.keys(ma.fields)) if (!mb.fields[f]) diffs.push(`${m}.${f} only in ${na}`);
    for (const f of Object.keys(mb.fields)) if (!ma.fields[f]) diffs.push(`${m}.${f} only in ${nb}`);
    for (const [f, fa] of Object.entries(ma.fields)) {
      const fb = mb.fields[f];
      if (!fb) continue;
      const show = (x: FieldShape) => `${x.type}${x.list ? "[]" : ""}${x.optional ? "?" : ""} ${x.attributes.join(" ")}`.trim();
      if (show(fa) !== show(fb)) diffs.push(`${m}.${f}: ${na} "${show(fa)}", ${nb} "${show(fb)}"`);
    }
    const onlyA = ma.blockAttributes.filter((x) => !mb.blockAttributes.includes(x));
    const onlyB = mb.blockAttributes.filter((x) => !ma.blockAttributes.includes(x));
    for (const x of onlyA) diffs.push(`${m}: ${x} only in ${na}`);
    for (const x of onlyB) diffs.push(`${m}: ${x} only in ${nb}`);
  }
  return diffs;
}

describe("the two Prisma schemas", () => {
  const sqliteText = fs.readFileSync(SQLITE_SCHEMA, "utf8");
  const postgresText = fs.readFileSync(POSTGRES_SCHEMA, "utf8");
  const sqlite = parsePrismaSchema(sqliteText);
  const postgres = parsePrismaSchema(postgresText);
  const compare = (pgText: string) => compareModels(sqlite, parsePrismaSchema(pgText), ["sqlite", "postgresql"]);

  it("are read whole: every model and field of the tables", () => {
    expect(Object.keys(sqlite.models).sort()).toEqual(Object.keys(TABLES).sort());
    for (const [table, columns] of Object.entries(TABLES)) {
      const scalars = Object.entries(sqlite.models[table]!.fields)
        .filter(([, f]) => !f.list && !f.attributes.some((a) => a.startsWith("@relation")))
        .map(([name]) => name);
      expect(scalars.sort(), table).toEqual(Object.keys(columns).sort());
    }
  });

  it("describe the same models", () => {
    expect(compareModels(sqlite, postgres, ["sqlite", "postgresql"])).toEqual([]);
  });

  it("differ only in provider and native types: datasource, no generator, DateTime as timestamptz(3)", () => {
    const datasource = (s: PrismaSchema) => s.blocks.filter((b) => b.kind === "datasource").map((b) => squeeze(b.body));
    expect(datasource(sqlite)).toEqual(['provider="sqlite"url=env("DATABASE_URL")']);
    expect(datasource(postgres)).toEqual(['provider="postgresql"url=env("DATABASE_URL")']);
    for (const s of [sqlite, postgres]) expect(s.blocks.filter((b) => b.kind === "generator")).toEqual([]);
    expect(sqliteText).not.toMatch(/@db\./);
    for (const line of stripComments(postgresText).split("\n")) {
      if (/^\s*\w+\s+DateTime\??(\s|$)/.test(line)) expect(line).toMatch(/@db\.Timestamptz\(3\)/);
      else expect(line).not.toMatch(/@db\./);
    }
  });

  it("the comparison catches a deliberate difference", () => {
    const mutate = (from: string | RegExp, to: string) => {
      const out = postgresText.replace(from, to);
      expect(out, `mutation ${String(from)}`).not.toBe(postgresText);
      return compare(out);
    };
    expect(compare(postgresText)).toEqual([]);
    expect(mutate('@default("fr")', '@default("en")')).toEqual(['Person.locale: sqlite "String @default("fr")", postgresql "String @default("en")"']);
    expect(mutate(/managerEmail String\?/, "managerEmail String ")).toEqual(['Person.managerEmail: sqlite "String?", postgresql "String"']);
    expect(mutate(/(\n\s*amount\s+)BigInt/, "$1Int")).toEqual(['Item.amount: sqlite "BigInt", postgresql "Int"']);
    expect(mutate(/\n\s*@@index\(\[customerId, status\]\)/, "")).toEqual(["Dispute: @@index([customerId,status]) only in sqlite"]);
    expect(mutate("@@unique([channel, ts])", "@@unique([ts, channel])")).toHaveLength(2);
    expect(mutate(/(slackUserId\s+String\?\s+)@unique/, "$1")).toEqual(['Person.slackUserId: sqlite "String? @unique", postgresql "String?"']);
    expect(mutate("@relation(fields: [disputeId], references: [id], onDelete: Cascade)", "@relation(fields: [disputeId], references: [id])")).toHaveLength(1);
    expect(mutate("  seenAt DateTime", "  seenAt DateTime?")).toHaveLength(1);
    expect(mutate("  items    Item[]", "  items    Item")).toEqual(['Customer.items: sqlite "Item[]", postgresql "Item"']);
    expect(mutate("  letters   String // JSON", "  letters   String // JSON\n  extra     Int")).toEqual(["DunningRun.extra only in postgresql"]);
    expect(mutate(/\n\s*rootCause\s+String\?/, "")).toEqual(["Dispute.rootCause only in sqlite"]);
    expect(mutate("model Counter {", "model Counters {")).toEqual(["model Counter only in sqlite", "model Counters only in postgresql"]);
    expect(mutate("@updatedAt", "")).toHaveLength(1);
    // native types do not count
    expect(mutate("@db.Timestamptz(3)", "@db.Timestamptz(6)")).toEqual([]);
  });
});

// ---- the Kysely types against the migrated databases ------------------------------------------------------

type DescribedTables = Record<string, Record<string, ColumnSpec>>;

function spec(kind: ColumnKind, nullable: boolean, hasDefault: boolean): ColumnSpec {
  return nullable ? `${kind}?` : hasDefault ? `${kind} default` : kind;
}

const SQLITE_KINDS: Record<string, ColumnKind> = { INTEGER: "int", BIGINT: "bigint", TEXT: "text", BOOLEAN: "boolean", DATETIME: "datetime", BLOB: "bytes" };
const POSTGRES_KINDS: Record<string, ColumnKind> = { integer: "int", bigint: "bigint", text: "text", boolean: "boolean", "timestamp with time zone": "datetime", bytea: "bytes" };

interface SqliteColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

function sqliteTables(db: BetterSqlite3.Database): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name`)
    .pluck()
    .all() as string[];
}

function describeSqlite(db: BetterSqlite3.Database): DescribedTables {
  const out: DescribedTables = {};
  for (const table of sqliteTables(db)) {
    const cols = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(table) as SqliteColumn[];
    const pkCount = cols.filter((c) => c.pk > 0).length;
    out[table] = {};
    for (const c of cols) {
      const kind = SQLITE_KINDS[c.type.toUpperCase()];
      if (!kind) throw new Error(`${table}.${c.name}: unexpected SQLite type ${c.type}`);
      const rowid = c.pk === 1 && pkCount === 1 && c.type.toUpperCase() === "INTEGER"; // INTEGER PRIMARY KEY: assigned when omitted
      out[table][c.name] = spec(kind, c.notnull === 0 && c.pk === 0, c.dflt_value !== null || rowid);
    }
  }
  return out;
}

interface PostgresColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
  column_default: string | null;
  datetime_precision: number | null;
}

async function describePostgres(client: pg.Client): Promise<{ tables: DescribedTables; precisions: Record<string, number | null> }> {
  const { rows } = await client.query<PostgresColumn>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default, datetime_precision
       FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
      ORDER BY table_name, ordinal_position`,
  );
  const tables: DescribedTables = {};
  const precisions: Record<string, number | null> = {};
  for (const c of rows) {
    const kind = POSTGRES_KINDS[c.data_type];
    if (!kind) throw new Error(`${c.table_name}.${c.column_name}: unexpected PostgreSQL type ${c.data_type}`);
    (tables[c.table_name] ??= {})[c.column_name] = spec(kind, c.is_nullable === "YES", c.column_default !== null);
    if (kind === "datetime") precisions[`${c.table_name}.${c.column_name}`] = c.datetime_precision;
  }
  return { tables, precisions };
}

/** `Table.column` names of the columns of each kind COLUMN_KINDS lists. */
function kindsOf(tables: DescribedTables) {
  const of = (kind: ColumnKind) =>
    Object.entries(tables)
      .flatMap(([t, cols]) => Object.entries(cols).filter(([, s]) => s.split(/[? ]/)[0] === kind).map(([c]) => `${t}.${c}`))
      .sort();
  return { datetime: of("datetime"), boolean: of("boolean"), bigint: of("bigint") };
}

const declaredKinds = {
  datetime: [...COLUMN_KINDS.datetime].sort(),
  boolean: [...COLUMN_KINDS.boolean].sort(),
  bigint: [...COLUMN_KINDS.bigint].sort(),
};

/** TABLES with its keys in a stable order, to compare as plain data. */
function sorted(tables: DescribedTables): DescribedTables {
  return Object.fromEntries(
    Object.keys(tables)
      .sort()
      .map((t) => [t, Object.fromEntries(Object.keys(tables[t]!).sort().map((c) => [c, tables[t]![c]!]))]),
  );
}

describe("src/db/schema.ts against the migrated databases", () => {
  it("TABLES lists exactly the columns of COLUMN_KINDS' kinds", () => {
    expect(kindsOf(TABLES)).toEqual(declaredKinds);
  });

  it("SQLite: tables, columns, nullability, defaults and kinds", () => {
    const db = sqliteDb(path.join(tempDir(), "accord.db"));
    migrateSqlite(db);
    const described = describeSqlite(db);
    expect(sorted(described)).toEqual(sorted(TABLES));
    expect(kindsOf(described)).toEqual(declaredKinds);
  });

  describe("PostgreSQL", () => {
    let database: FreshPostgresDatabase;
    let client: pg.Client;
    beforeAll(async () => {
      database = await freshPostgresDatabase("schema");
      client = new pg.Client({ connectionString: database.url });
      client.on("error", () => {});
      await client.connect();
    });
    afterAll(async () => {
      await client?.end().catch(() => {});
      await database?.drop();
    });

    it("tables, columns, nullability, defaults and kinds; instants as timestamptz(3)", async () => {
      const { tables, precisions } = await describePostgres(client);
      expect(sorted(tables)).toEqual(sorted(TABLES));
      expect(kindsOf(tables)).toEqual(declaredKinds);
      expect(new Set(Object.values(precisions))).toEqual(new Set([3]));
    });
  });
});

// ---- existing SQLite databases -------------------------------------------------------------------------

/** The SQLite migrations existing databases were made with, and the checksums `_prisma_migrations` holds for them. */
const COMMITTED_SQLITE = {
  "20261123000000_init": "04148ed8ec13a8a0aa1915e352eadafb818c061fb93821dd55f34a1e7d450d1b",
  "20261123010000_slack": "adaed3b1a6fbd29d1a4499469f6cb3b3769f220dabde9917413ac6f143e7abf5",
  "20261123020000_customer_search": "418a64fb228a61fc5866676237ca6e8e1ed8fd37fefc447cf32ce0056687dc9b",
} as const;
const COMMITTED_POSTGRES = {
  "20261201000000_init": "96418e341ff508000d77a115d494e56283015479ff22ea6086f4e6f8f2f6e04d",
} as const;

// One row per table, in foreign-key order, in the forms existing databases hold: DateTime as Prisma 6 wrote
// it (ISO text with +00:00) or CURRENT_TIMESTAMP text (column defaults), BigInt as integers, Boolean as 0/1.
const T1 = "2026-03-10T09:00:00.000+00:00";
const T2 = "2026-03-11T17:45:12.345+00:00";
const ROWS: [table: string, row: Record<string, string | number | null>][] = [
  ["Person", { id: 1, email: "anne@example.com", name: "Anne Martin", role: "controller", managerEmail: "boss@example.com", locale: "en", timezone: "Europe/London", slackUserId: "U01", teamsUserId: "T01", createdAt: T1, updatedAt: T2 }],
  ["Person", { id: 2, email: "bob@example.com", name: "Bob", role: "sales", managerEmail: null, slackUserId: null, teamsUserId: null, updatedAt: T1 }],
  ["Customer", { id: 7, ref: "FR-1", name: "École des Arts", currency: "EUR", salesRepEmail: "bob@example.com", controllerEmail: "anne@example.com", searchKey: "fr-1 ecole des arts", createdAt: T1, updatedAt: T2 }],
  ["Item", { id: 11, customerId: 7, ref: "F-2026-001", kind: "invoice", issuedOn: "2026-01-15", dueOn: "2026-02-14", amount: 9_007_199_254_740_991, openAmount: 123_456, currency: "EUR", dunningLevel: "R2", lastDunnedOn: "2026-03-01", createdAt: T1, updatedAt: T2 }],
  ["Reason", { id: 3, code: "PRICE", labelFr: "Prix", labelEn: "Price", active: 0, sortOrder: 5, followUpDays: 3, slaDays: 10, priority: "high", holdsDunning: 1 }],
  ["Dispute", { id: 21, number: "D-2026-0001", customerId: 7, scope: "items", reasonId: 3, priority: "high", status: "resolved", statement: "Wrong unit price; voir « devis »", ownerEmail: "anne@example.com", openedByEmail: "bob@example.com", followUpOn: "2026-03-13", slaDueOn: "2026-03-20", currency: "EUR", outcome: "credit", outcomeNote: "partial", creditNoteRef: "AV-9", concededAmount: -4_500, rootCause: "pricing", creditNoteSeenAt: T2, holdsReleasedAt: T2, closedAt: T2, closedByEmail: "anne@example.com", version: 4, openedAt: T1, updatedAt: T2, openCustomerFlagId: null }],
  ["Dispute", { id: 22, number: "D-2026-0002", customerId: 7, scope: "customer", reasonId: 3, priority: "normal", status: "open", statement: "All invoices", ownerEmail: "anne@example.com", openedByEmail: "anne@example.com", followUpOn: null, slaDueOn: null, currency: "EUR", outcome: null, outcomeNote: null, creditNoteRef: null, concededAmount: null, rootCause: null, creditNoteSeenAt: null, holdsReleasedAt: null, closedAt: null, closedByEmail: null, openedAt: T1, updatedAt: T1, openCustomerFlagId: 7 }],
  ["DisputeItem", { disputeId: 21, itemId: 11, amount: 100_000 }],
  ["TimelineEntry", { id: 31, disputeId: 21, type: "comment", at: T2, byEmail: "anne@example.com", text: "Credit note requested", data: '{"mentions":["bob@example.com"]}' }],
  ["TimelineEntry", { id: 32, disputeId: 22, type: "opened", at: T1, byEmail: null, text: null, data: null }],
  ["Hold", { itemId: 11, disputeId: 22, amount: 123_456, kind: "customer", since: T1 }],
  ["Setting", { key: "dunning", value: '{"enabled":true}', updatedAt: T1 }],
  ["Counter", { name: "dispute:2026", value: 2 }],
  ["OutboxMessage", { seq: 41, id: "0b8f3c52-3f55-4b4e-9d0b-5b0c5f7c9e11", type: "slack.card", orderKey: "dispute:21", payload: '{"text":"hi"}', status: "dead", attempts: 9, nextAttemptAt: T2, lastError: "channel_not_found", createdAt: T1, deliveredAt: T2 }],
  ["OutboxMessage", { seq: 42, id: "c1", type: "teams.card", orderKey: "dispute:22", payload: "{}", nextAttemptAt: T1, lastError: null, createdAt: T1, deliveredAt: null }],
  ["IdempotencyKey", { key: "k-1", scope: "POST /disputes", requestHash: "abc123", status: 201, body: '{"id":21}', createdAt: T1 }],
  ["DunningRun", { id: 51, on: "2026-03-10", mode: "dry-run", createdAt: T1, byEmail: null, letters: "[]" }],
  ["SlackCard", { id: 61, disputeId: 21, channel: "D123", ts: "1741597200.000100", kind: "dm", viewerEmail: "anne@example.com", postedAt: T1 }],
  ["SlackDmChannel", { slackUserId: "U01", channel: "D123", updatedAt: T1 }],
  ["SlackSeenEvent", { id: "Ev01", seenAt: T2 }],
];

describe("an existing SQLite database (made by the committed migrations)", () => {
  it("the committed migrations are unchanged: databases hold their checksums", () => {
    for (const [provider, committed] of [["sqlite", COMMITTED_SQLITE], ["postgresql", COMMITTED_POSTGRES]] as const) {
      const onDisk = Object.fromEntries(readMigrations(provider).map((m) => [m.name, m.checksum]));
      for (const [name, checksum] of Object.entries(committed)) expect(onDisk[name], `${provider} ${name}`).toBe(checksum);
    }
  });

  it("keeps its rows: the migrator applies nothing old, fails on no checksum, and every value reads back the same, through the store too", async () => {
    const file = path.join(tempDir(), "old.db");
    const db = sqliteDb(file);
    // as the migrator wrote them since the first release (src/db/sqlite.ts migrate())
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    for (const [name, checksum] of Object.entries(COMMITTED_SQLITE)) {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIRS.sqlite, name, "migration.sql"), "utf8");
      expect(migrationChecksum(sql)).toBe(checksum);
      db.transaction(() => {
        db.exec(sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(crypto.randomUUID(), checksum, Date.now(), name, Date.now());
      })();
    }
    // every table gets a row, and the rows cover every column the old schema has (bar defaults left to SQLite)
    expect(new Set(ROWS.map(([t]) => t))).toEqual(new Set(sqliteTables(db)));
    expect(new Set(ROWS.map(([t]) => t)).size).toBe(16);
    for (const table of sqliteTables(db)) {
      const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).sort();
      const written = new Set(ROWS.filter(([t]) => t === table).flatMap(([, r]) => Object.keys(r)));
      const withDefault = Object.entries(TABLES[table as keyof typeof TABLES]).filter(([, s]) => s.endsWith(" default")).map(([c]) => c);
      expect(columns.filter((c) => !written.has(c) && !withDefault.includes(c)), table).toEqual([]);
    }
    for (const [table, row] of ROWS) {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...Object.values(row));
    }
    const before = dump(db);

    const applied = migrateSqlite(db);
    expect(applied).toEqual(migrationNames("sqlite").filter((n) => !(n in COMMITTED_SQLITE)));
    expect(migrateSqlite(db)).toEqual([]);

    const after = dump(db);
    // every row as it was, plus the columns later migrations added, at their defaults
    const added: Record<string, Record<string, unknown>> = { OutboxMessage: { channel: "webhook", claimedUntil: null }, Person: { notifyOpenerUpdates: 1n, aadObjectId: null, upn: null, lastPlatform: null, chatPlatform: null }, Hold: { currency: "EUR" } };
    // and the ones backfilled per row: a dispute's disputed amount from its items (its first missed follow-up: none, FollowUp came later)
    const backfilled: Record<string, (r: Record<string, unknown>) => Record<string, unknown>> = { Dispute: (r) => ({ disputedAmount: r.id === 21n ? 100_000n : 0n, firstMissedOn: null }) };
    // and the tables later migrations created, empty (DisputeHeld backfilled from the holds)
    const created: Record<string, unknown[]> = { RateLimit: [], FollowUp: [], Notice: [], Chart: [], Absence: [], DigestSubscription: [], DigestRun: [], TeamsConversation: [], TeamsCard: [], TeamsReach: [], DisputeHeld: [{ disputeId: 22n, currency: "EUR", amount: 123_456n }] };
    expect(after).toEqual({ ...Object.fromEntries(Object.entries(before).map(([t, rows]) => [t, rows.map((r) => ({ ...r, ...added[t], ...backfilled[t]?.(r) }))])), ...created });
    // and the values are the ones written
    for (const [table, row] of ROWS) {
      const key = Object.entries(row).filter(([c]) => isKey(table, c));
      const where = key.map(([c]) => `"${c}" = ?`).join(" AND ");
      const got = db.prepare(`SELECT * FROM "${table}" WHERE ${where}`).safeIntegers(false).get(...key.map(([, v]) => v)) as Record<string, unknown>;
      expect(got, `${table} ${JSON.stringify(Object.fromEntries(key))}`).toMatchObject(row);
    }
    // columns left to their defaults got them
    const read = (table: string) => db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).safeIntegers(false).all() as Record<string, unknown>[];
    const bob = read("Person").find((p) => p.id === 2)!;
    expect(bob).toMatchObject({ locale: "fr", timezone: "Europe/Paris" });
    expect(bob.createdAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/); // CURRENT_TIMESTAMP
    expect(read("OutboxMessage").find((m) => m.seq === 42)).toMatchObject({ status: "pending", attempts: 0 });
    expect(read("Dispute").find((d) => d.id === 22)).toMatchObject({ version: 1 });

    // and the store reads them as the domain expects
    db.close();
    const store = kyselyStore(connect({ kind: "sqlite", file }));
    try {
      const d21 = await store.disputes.byNumber("D-2026-0001");
      expect(d21).toMatchObject({
        id: 21,
        customerId: 7,
        status: "resolved",
        items: [{ itemId: 11, amount: 100_000 }],
        resolution: { outcome: "credit", note: "partial", creditNoteRef: "AV-9", concededAmount: -4_500, rootCause: "pricing" },
        closedAt: new Date(T2),
        openedAt: new Date(T1),
        version: 4,
      });
      expect(await store.people.byEmail("anne@example.com")).toEqual({ id: 1, email: "anne@example.com", name: "Anne Martin", role: "controller", managerEmail: "boss@example.com", locale: "en", timezone: "Europe/London", slackUserId: "U01", teamsUserId: "T01" });
      expect(await store.customers.search("ecole", 5)).toMatchObject([{ id: 7, ref: "FR-1" }]);
      expect(await store.items.byIds([11])).toMatchObject([{ amount: 9_007_199_254_740_991, openAmount: 123_456, dunningLevel: "R2", lastDunnedOn: "2026-03-01" }]);
      expect(await store.reasons.byCode("PRICE")).toMatchObject({ active: false, holdsDunning: true, sortOrder: 5 });
      expect(await store.disputes.timeline(21)).toEqual([{ type: "comment", at: new Date(T2), byEmail: "anne@example.com", text: "Credit note requested", data: { mentions: ["bob@example.com"] } }]);
      expect(await store.holds.list()).toEqual([{ itemId: 11, disputeId: 22, amount: 123_456, kind: "customer", since: new Date(T1) }]);
      expect(await store.counters.next("dispute:2026")).toBe(3);
      expect((await store.outbox.list({ status: "failed" })).map((m) => [m.id, m.status, m.deliveredAt])).toEqual([["0b8f3c52-3f55-4b4e-9d0b-5b0c5f7c9e11", "dead", new Date(T2)]]);
      expect(await store.runs.list(5)).toMatchObject([{ id: 51, mode: "dry-run", createdAt: new Date(T1) }]);
      expect(await store.slack.cardAt("D123", "1741597200.000100")).toEqual({ disputeId: 21, channel: "D123", ts: "1741597200.000100", kind: "dm", viewerEmail: "anne@example.com", postedAt: new Date(T1) });
      expect(await store.slack.dmChannel("U01")).toBe("D123");
      expect(await store.slack.firstSeen("Ev01", new Date())).toBe(false);
    } finally {
      await store.close();
    }
  });
});

const KEYS: Record<string, string[]> = {
  DisputeItem: ["disputeId", "itemId"],
  Hold: ["itemId", "disputeId"],
  Setting: ["key"],
  Counter: ["name"],
  OutboxMessage: ["seq"],
  IdempotencyKey: ["key"],
  SlackDmChannel: ["slackUserId"],
};
const isKey = (table: string, column: string) => (KEYS[table] ?? ["id"]).includes(column);

/** Every row of every table, exactly as stored (integers as bigint: nothing rounded). */
function dump(db: BetterSqlite3.Database): Record<string, Record<string, unknown>[]> {
  return Object.fromEntries(
    sqliteTables(db).map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).safeIntegers(true).all() as Record<string, unknown>[]]),
  );
}
