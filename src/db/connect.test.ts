import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { describeDatabase, parseDatabaseUrl, pgConfig } from "./connect.ts";

// DATABASE_URL and the PostgreSQL connection settings, as an operator writes them.

describe("DATABASE_URL", () => {
  it("file: is SQLite, resolved once against the working directory; postgres:// and postgresql:// are PostgreSQL", () => {
    expect(parseDatabaseUrl("file:./data/accord.db", "/srv/accord")).toEqual({ kind: "sqlite", file: "/srv/accord/data/accord.db" });
    expect(parseDatabaseUrl("postgres://a:b@db:5432/accord")).toEqual({ kind: "postgres", url: "postgres://a:b@db:5432/accord" });
    expect(parseDatabaseUrl("postgresql://db/accord")).toEqual({ kind: "postgres", url: "postgresql://db/accord" });
  });

  it("anything else is refused at start, naming the setting and both forms", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://db/accord" })).toThrow(/DATABASE_URL: must be a SQLite file URL \(file:.*\) or a PostgreSQL URL/);
  });

  it("messages name the database without its password", () => {
    expect(describeDatabase({ kind: "postgres", url: "postgres://accord:s3cret@db:5432/accord" })).toBe("postgres://accord:***@db:5432/accord");
    expect(describeDatabase({ kind: "sqlite", file: "/srv/a.db" })).toBe("/srv/a.db");
  });

  it("DATABASE_POOL_SIZE and DATABASE_CA_FILE reach the PostgreSQL options; a missing CA file is refused", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-ca-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const c = loadConfig({ DATABASE_URL: "postgres://db/accord", DATABASE_POOL_SIZE: "4", DATABASE_CA_FILE: "ca.pem" }, dir);
    expect(c.databaseOptions).toEqual({ poolSize: 4, caFile: path.join(dir, "ca.pem") });
    expect(() => loadConfig({ DATABASE_URL: "postgres://db/accord", DATABASE_CA_FILE: "nope.pem" }, dir)).toThrow(/DATABASE_CA_FILE: no such file nope.pem/);
  });
});

describe("pgConfig", () => {
  it("keeps what sslmode=require asks for (verify the certificate) and adds the CA, which pg would otherwise drop", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-ca-"));
    const ca = path.join(dir, "ca.pem");
    fs.writeFileSync(ca, "CA");
    const c = pgConfig("postgres://u:p@db.example:6543/accord?sslmode=require", { caFile: ca, poolSize: 3 });
    expect(c).toMatchObject({ host: "db.example", port: 6543, database: "accord", user: "u", password: "p", max: 3, ssl: { ca: "CA" } });
    expect((c.ssl as { rejectUnauthorized?: boolean }).rejectUnauthorized).not.toBe(false);
  });

  it("no TLS unless asked; a CA alone turns it on", () => {
    expect(pgConfig("postgres://db/accord").ssl).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-ca-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "CA");
    expect(pgConfig("postgres://db/accord", { caFile: path.join(dir, "ca.pem") }).ssl).toEqual({ ca: "CA" });
  });
});
