import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { openDispute } from "../../app/openDispute.ts";
import { freePort } from "../../db/postgresServer.ts";
import { fieldIdOf } from "../blocks.ts";
import type { Accord } from "../../server.ts";
import type { FakeSlack, StoredView } from "../standin/fakeSlack.ts";
import { SECRET, startSeededAccord, USERS } from "./harness.ts";

// Several Accord processes on one database, for the replica tests and `npm run bench:replicas`:
// the database is seeded in process (one owner, customer, dispute and DM card each), then each replica
// is `src/main.ts` in a child process with the same settings, behind a round-robin proxy that stands for
// the load balancer.

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface Owner {
  id: string;
  email: string;
  name: string;
}

export interface SeededCard {
  id: number;
  number: string;
  channel: string;
  ts: string;
  /** the owner's Slack user id */
  user: string;
}

/** `n` resolution owners, one Slack user (and so one DM) each; `prefix` keeps sets apart. */
export function owners(n: number, prefix = "B"): Owner[] {
  return Array.from({ length: n }, (_, i) => {
    const k = String(i).padStart(4, "0");
    return { id: `U0${prefix}${k}`, email: `owner${k}@${prefix.toLowerCase()}.test`, name: `Owner ${prefix}${k}` };
  });
}

/** Adds the owners to a fake Slack workspace. */
export function addOwners(fake: FakeSlack, list: Owner[]): void {
  for (const o of list) fake.addUser({ id: o.id, email: o.email, name: o.name, locale: "en-US" });
}

/**
 * One customer, invoice and dispute per owner, opened by Carla; waits until each owner's DM card is
 * posted. Each action then lands on its own dispute, DM and customer.
 */
export async function openOwnerCards(accord: Accord, list: Owner[]): Promise<SeededCard[]> {
  const store = accord.deps.store;
  await store.people.upsertMany(list.map((o) => ({ email: o.email, name: o.name, role: "sales" as const, locale: "en" as const, slackUserId: o.id })));
  const cards: SeededCard[] = [];
  for (const [i, o] of list.entries()) {
    const [customer] = await store.customers.upsertMany([{ ref: `B${String(i).padStart(4, "0")}`, name: `Client ${o.name}`, currency: "EUR", salesRepEmail: o.email, controllerEmail: USERS.carla.email }]);
    await store.items.upsertMany([{ customerId: customer!.id, ref: `F-B-${i}`, kind: "invoice", issuedOn: "2026-01-05", dueOn: "2026-02-04", amount: 1000_00, openAmount: 1000_00, currency: "EUR" }]);
    const { dispute } = await openDispute(accord.deps, { customerRef: customer!.ref, items: [{ ref: `F-B-${i}` }], reasonCode: "price", statement: `Prix contesté ${i}`, openedByEmail: USERS.carla.email, ownerEmail: o.email });
    await accord.slack!.idle();
    const copy = (await accord.slack!.state.cards.forDispute(dispute.id)).find((c) => c.viewerEmail === o.email);
    if (!copy) throw new Error(`no card for ${dispute.number} in ${o.name}'s DM`);
    cards.push({ id: dispute.id, number: dispute.number, channel: copy.channel, ts: copy.ts, user: o.id });
  }
  return cards;
}

/** Seeds `databaseUrl` (migrating it) with the harness's people and one card per owner, then stops. */
export async function seedReplicaDatabase(apiUrl: string, databaseUrl: string, list: Owner[]): Promise<SeededCard[]> {
  const { accord, dir } = await startSeededAccord(apiUrl, { items: 1, clock: () => new Date(), env: { DATABASE_URL: databaseUrl } });
  try {
    return await openOwnerCards(accord, list);
  } finally {
    await accord.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The settings every replica gets: Slack pointed at the fake, the database, API token. */
export function replicaEnv(apiUrl: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_API_URL: apiUrl,
    ACCORD_API_TOKENS: `ops:${REPLICA_TOKEN}`,
    OUTBOX_POLL_MS: "200",
    LOG_LEVEL: "silent",
    ...extra,
  };
}

export const REPLICA_TOKEN = "replica-test-token-0123456789";

/** One Accord process (`src/main.ts`). */
export class Replica {
  proc: ChildProcess | null = null;
  port = 0;
  stderr = "";
  constructor(
    readonly name: string,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return Boolean(this.proc && this.proc.exitCode === null && this.proc.signalCode === null);
  }

  /** Starts it and waits until `/readyz` says ready (database reachable, migrations applied). */
  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.stderr = "";
    const proc = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), "--import", "tsx", "src/main.ts"], { cwd: ROOT, env: { ...process.env, ...this.env, PORT: String(this.port) }, stdio: ["ignore", "ignore", "pipe"] });
    this.proc = proc;
    proc.stderr!.on("data", (c) => (this.stderr += c));
    const end = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`${this.url}/readyz`);
        if (r.ok && ((await r.json()) as { status: string }).status === "ready") return;
      } catch {
        /* not listening yet */
      }
      if (proc.exitCode !== null || Date.now() > end) throw new Error(`replica ${this.name} did not start: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What a dead node looks like: no shutdown, no last write. */
  kill(): Promise<void> {
    return this.signal("SIGKILL");
  }

  /** A clean stop (a rolling deploy). */
  stop(): Promise<void> {
    return this.signal("SIGTERM");
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return Promise.resolve();
    return new Promise<void>((r) => {
      p.once("exit", () => r());
      p.kill(sig);
    });
  }
}

export interface Proxy {
  url: string;
  /** requests each target received */
  served: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A tiny round-robin load balancer: each request goes to the next replica that is running; a replica
 * that refuses the connection is skipped (as a balancer's health check would), one that dies while
 * answering gives a 502, as a real one does (the sender retries if it wants to).
 */
export interface Target {
  name: string;
  port: number;
  readonly running: boolean;
}

export async function roundRobinProxy(replicas: readonly Target[]): Promise<Proxy> {
  let next = 0;
  const served = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const forward = (target: Target, req: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer } | "refused">((resolve) => {
      const out = http.request({ host: "127.0.0.1", port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", () => resolve({ status: 502, headers: {}, body: Buffer.from("bad gateway") }));
      });
      out.on("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED" ? "refused" : { status: 502, headers: {}, body: Buffer.from("bad gateway") }));
      out.end(body);
    });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      for (let tried = 0; tried < replicas.length; tried++) {
        const target = replicas[next++ % replicas.length]!;
        if (!target.running) continue;
        const r = await forward(target, req, body);
        if (r === "refused") continue;
        served.set(target.name, (served.get(target.name) ?? 0) + 1);
        const headers = { ...r.headers };
        delete headers["transfer-encoding"];
        delete headers.connection;
        res.writeHead(r.status, headers).end(r.body);
        return;
      }
      res.writeHead(503, { "content-type": "text/plain" }).end("no replica");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** state.values of a modal, keyed by field id (block ids carry a context key). */
export function modalValues(v: StoredView, byField: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const b of (v.view.blocks as { block_id?: string; type: string; element?: { action_id: string; type: string } }[]) ?? []) {
    if (b.type !== "input" || !b.block_id || !b.element) continue;
    out[b.block_id] = { [b.element.action_id]: { type: b.element.type, ...(byField[fieldIdOf(b.block_id)] ?? {}) } };
  }
  return out;
}
