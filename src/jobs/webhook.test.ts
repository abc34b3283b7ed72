import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, TOKEN, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { freshPostgresDatabase } from "../test/postgres.ts";
import { backoffMs, deliverDue, sign } from "./outboxDelivery.ts";

// Webhook delivery to the collections system: signed, in order per dispute, at least once across
// crashes. The crash tests run Accord as a child process and kill it with SIGKILL.

const SECRET = "whsec-test-0123456789";
const ROOT = path.resolve(import.meta.dirname, "../..");

interface Received {
  id: string;
  type: string;
  idempotencyKey: string;
  signatureOk: boolean;
  body: any;
}

/** A collections system: records every POST; `mode` decides the answer. */
async function receiver() {
  const log: Received[] = [];
  let mode: "accept" | "fail" | "hang" = "accept";
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const sig = String(req.headers["accord-signature"] ?? "");
      const t = Number(/t=(\d+)/.exec(sig)?.[1]);
      const body = JSON.parse(raw);
      log.push({
        id: body.id,
        type: body.type,
        idempotencyKey: String(req.headers["idempotency-key"]),
        signatureOk: sig === sign(SECRET, raw, t) && Math.abs(Date.now() / 1000 - t) < 300,
        body,
      });
      waiters.splice(0).forEach((w) => w());
      if (mode === "fail") res.writeHead(503).end("down");
      else if (mode === "accept") res.writeHead(200).end("ok");
      // hang: never answer (the test kills Accord meanwhile)
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hooks/accord`;
  return {
    url,
    log,
    setMode: (m: typeof mode) => (mode = m),
    next: () => new Promise<void>((r) => waiters.push(r)),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class Child {
  proc: ChildProcess | null = null;
  constructor(readonly env: Record<string, string>, readonly port: number) {}
  async start() {
    this.proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    this.proc.stderr!.on("data", (c) => (err += c));
    const end = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (r.ok) return;
      } catch {
        /* not yet */
      }
      if (this.proc.exitCode !== null || Date.now() > end) throw new Error(`Accord did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  kill() {
    const p = this.proc!;
    p.kill("SIGKILL");
    return new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("exit", () => r())));
  }
  api(method: string, p: string, body?: unknown) {
    return fetch(`http://127.0.0.1:${this.port}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function seededChild(receiverUrl: string, database: TestDatabase) {
  const port = await freePort();
  const env = {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    ACCORD_API_TOKENS: `erp:${TOKEN}`,
    COLLECTIONS_MODE: "webhook",
    COLLECTIONS_WEBHOOK_URL: receiverUrl,
    COLLECTIONS_WEBHOOK_SECRET: SECRET,
    OUTBOX_POLL_MS: "100",
    OUTBOX_LEASE_MS: "1000", // a killed deliverer's claim runs out quickly
    LOG_LEVEL: "silent",
  };
  // Seed the database with the in-process Accord (same code), then hand the file to the child.
  const pg = database === "postgres" ? await freshPostgresDatabase("webhook", { migrate: false }) : null;
  const seeder = await startTestAccord({ ...env, PORT: "0", COLLECTIONS_MODE: "embedded", ...(pg ? { DATABASE_URL: pg.url } : {}) });
  await seedLedger(seeder);
  await seeder.stop();
  const child = new Child({ ...env, DATABASE_URL: pg ? pg.url : `file:${path.join(seeder.dir, "accord.db")}` }, port);
  cleanup.push(async () => {
    if (child.proc && child.proc.exitCode === null && child.proc.signalCode === null) await child.kill();
    await pg?.drop();
  });
  return child;
}

const openBody = {
  customerRef: "C001",
  items: [{ ref: "F-1001", amount: "400.00" }, { ref: "F-1002" }],
  reasonCode: "price",
  statement: "Prix non conforme au devis",
  openedByEmail: "claire@acme.fr",
};

describe.each(["sqlite", "postgres"] as TestDatabase[])("on %s", (database) => {
describe("webhook delivery across crashes", () => {
  it("delivers a change committed just before a SIGKILL once the process is back", async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    rx.setMode("fail");
    const child = await seededChild(rx.url, database);
    await child.start();
    const opened = await child.api("POST", "/disputes", openBody);
    expect(opened.status).toBe(201);
    await until("a failed attempt", () => rx.log.length > 0);
    await child.kill(); // the change is committed, the receiver never accepted it
    rx.setMode("accept");
    const attemptsBefore = rx.log.length;
    await child.start();
    const got = await until("redelivery", () => rx.log.slice(attemptsBefore).find((r) => r.type === "dunning.paused"));
    expect(got.signatureOk).toBe(true);
    expect(got.idempotencyKey).toBe(got.id);
    expect(got.body).toMatchObject({
      type: "dunning.paused",
      dispute: { number: "D-2026-0001", customerRef: "C001", reasonCode: "price" },
      items: [
        { ref: "F-1001", heldAmount: "400.00" },
        { ref: "F-1002", heldAmount: "500.00" },
      ],
    });
    expect(new Set(rx.log.map((r) => r.id)).size).toBe(1); // every attempt carried the same message id
    const stuck = await child.api("GET", "/outbox?status=failed");
    expect(stuck.body.messages).toEqual([]);
  }, 90_000);

  it("two replicas on one database deliver every message once, in order per dispute", async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    const one = await seededChild(rx.url, database);
    const two = new Child({ ...one.env, PORT: String(await freePort()) }, 0);
    Object.assign(two, { port: Number(two.env.PORT) });
    cleanup.push(async () => {
      if (two.proc && two.proc.exitCode === null && two.proc.signalCode === null) await two.kill();
    });
    await Promise.all([one.start(), two.start()]);
    // changes go to both replicas, alternately: open, comment, resolve on each of two invoices' disputes
    const numbers: string[] = [];
    for (const [i, ref] of ["F-1001", "F-1002"].entries()) {
      const via = i % 2 ? two : one;
      const opened = await via.api("POST", "/disputes", { ...openBody, items: [{ ref }] });
      expect(opened.status).toBe(201);
      numbers.push(opened.body.dispute.number);
    }
    for (const [i, n] of numbers.entries()) {
      const via = i % 2 ? one : two;
      expect((await via.api("POST", `/disputes/${n}/resolve`, { byEmail: "paul@acme.fr", outcome: "rejected", note: "Prix conforme" })).status).toBe(200);
    }
    await until("every message", () => rx.log.filter((r) => r.type === "dunning.resumed").length >= 2);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive by now (poll 100 ms)
    const ids = rx.log.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of numbers) {
      const ofDispute = rx.log.filter((r) => r.body.dispute?.number === n).map((r) => r.type);
      expect(ofDispute).toEqual(["dunning.paused", "dunning.resumed"]);
    }
    await two.kill();
  });

  it("redelivers with the same Idempotency-Key when killed after the receiver accepted, and keeps order per dispute", async () => {
    const rx = await receiver();
    cleanup.push(rx.close);
    rx.setMode("hang");
    const child = await seededChild(rx.url, database);
    await child.start();
    const { body } = await child.api("POST", "/disputes", openBody);
    await until("the receiver got the message", () => rx.log.length === 1);
    await child.kill(); // the receiver has it; Accord never learned it was accepted
    rx.setMode("accept");
    await child.start();
    await until("redelivery", () => rx.log.length >= 2);
    const resolved = await child.api("POST", `/disputes/${body.dispute.number}/resolve`, { byEmail: "paul@acme.fr", outcome: "rejected", note: "Prix conforme au contrat" });
    expect(resolved.status).toBe(200);
    await until("the resume event", () => rx.log.find((r) => r.type === "dunning.resumed"));
    const keys = rx.log.map((r) => [r.type, r.idempotencyKey]);
    expect(keys[0]![1]).toBe(keys[1]![1]); // same key: the receiver can deduplicate
    // What the receiver applied, deduplicated by key, in arrival order:
    const applied = [...new Map(rx.log.map((r) => [r.idempotencyKey, r])).values()];
    expect(applied.map((r) => r.type)).toEqual(["dunning.paused", "dunning.resumed"]);
    expect(applied[1]!.body.items).toEqual([
      { ref: "F-1001", heldAmount: "0.00" },
      { ref: "F-1002", heldAmount: "0.00" },
    ]);
    expect(rx.log.every((r) => r.signatureOk)).toBe(true);
  }, 90_000);
});

describe("outbox delivery pass (in process)", () => {
  let a: TestAccord | null = null;
  afterEach(async () => {
    await a?.stop();
    a = null;
  });

  it("backs off exponentially from 2 s, holds later messages of the same dispute, and marks messages dead after 72 h", async () => {
    expect([1, 2, 3, 4, 12, 30].map(backoffMs)).toEqual([2000, 4000, 8000, 16000, 3600_000, 3600_000]);
    a = await startTestAccord({ COLLECTIONS_MODE: "webhook", COLLECTIONS_WEBHOOK_URL: "http://127.0.0.1:9/none", COLLECTIONS_WEBHOOK_SECRET: SECRET }, { startJobs: false, database });
    await seedLedger(a);
    const { number } = (await a.call("POST", "/api/v1/disputes", openBody)).body.dispute;
    await a.call("POST", `/api/v1/disputes/${number}/withdraw`, { byEmail: "claire@acme.fr", note: "doublon" });
    const calls: string[] = [];
    let up = false;
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      calls.push(JSON.parse(String(init.body)).type);
      return new Response(null, { status: up ? 204 : 500 });
    }) as typeof fetch;
    const opts = { url: "http://collections.example/hook", secret: SECRET, fetch: fakeFetch };
    await deliverDue(a.deps, opts);
    expect(calls).toEqual(["dunning.paused"]); // the resume waits behind the failed pause
    await deliverDue(a.deps, opts);
    expect(calls).toHaveLength(1); // not due again before its backoff
    a.clock.set("2026-03-10T09:00:03Z");
    up = true;
    await deliverDue(a.deps, opts);
    expect(calls).toEqual(["dunning.paused", "dunning.paused", "dunning.resumed"]);

    const failing = (async () => new Response("", { status: 500 })) as unknown as typeof fetch;
    await a.call("POST", `/api/v1/disputes/${number}/reopen`, { byEmail: "claire@acme.fr", note: "again" });
    for (let h = 0; h <= 74; h++) {
      a.clock.set(new Date(Date.parse("2026-03-10T09:00:03Z") + h * 3600_000 + 1000).toISOString());
      await deliverDue(a.deps, { ...opts, fetch: failing });
    }
    const failed = (await a.call("GET", "/api/v1/outbox?status=failed")).body.messages;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: "dunning.paused", status: "dead", lastError: "HTTP 500" });
  });

  it("writes nothing to the outbox in embedded mode", async () => {
    a = await startTestAccord({}, { database });
    await seedLedger(a);
    await a.call("POST", "/api/v1/disputes", openBody);
    expect((await a.call("GET", "/api/v1/outbox")).body.messages).toEqual([]);
  });

  it("signs as documented: t=<unix>,v1=<hex hmac of '<t>.<body>'>", () => {
    const expected = crypto.createHmac("sha256", "s3cret").update('1700000000.{"a":1}').digest("hex");
    expect(sign("s3cret", '{"a":1}', 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });
});
});
