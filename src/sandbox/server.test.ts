import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { startAccord } from "../server.ts";
import { startSandboxAccord, type SandboxRun } from "./testing.ts";

// When the sandbox is on, what it loads, and what its page API refuses (no browser here).

describe("when the sandbox is on (config.ts)", () => {
  const load = (env: Record<string, string>) => loadConfig(env, "/tmp");

  it("is on by default in development when neither Slack nor Teams is configured, with its own Slack settings, on loopback", () => {
    const c = load({});
    expect(c.sandbox).toEqual({ reason: "auto" });
    expect(c.slack).toMatchObject({ botToken: "xoxb-sandbox" });
    expect(c.slack!.signingSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(load({}).slack!.signingSecret).not.toBe(c.slack!.signingSecret);
    expect(c.host).toBe("127.0.0.1");
  });

  it("is off in production and under test, and when Slack or Teams is configured", () => {
    expect(load({ NODE_ENV: "production" }).sandbox).toBe(false);
    expect(load({ NODE_ENV: "production" }).slack).toBeUndefined();
    expect(load({ NODE_ENV: "test" }).sandbox).toBe(false);
    expect(load({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }).sandbox).toBe(false);
    expect(load({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }).slack).toMatchObject({ botToken: "xoxb-1", signingSecret: "s" });
    expect(load({ TEAMS_APP_ID: "00000000-0000-0000-0000-000000000000" }).sandbox).toBe(false);
    expect(load({ ACCORD_SANDBOX: "false" }).sandbox).toBe(false);
  });

  it("ACCORD_SANDBOX=true forces it on (even in production), never together with Slack settings", () => {
    expect(load({ ACCORD_SANDBOX: "true", NODE_ENV: "production" }).sandbox).toEqual({ reason: "forced" });
    expect(() => load({ ACCORD_SANDBOX: "true", SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(ConfigError);
    expect(() => load({ ACCORD_SANDBOX: "maybe" })).toThrow(ConfigError);
  });

  it("listens on this machine only: a non-loopback HOST is replaced by 127.0.0.1, and said", () => {
    const c = load({ HOST: "0.0.0.0", PORT: "3000" });
    expect(c.host).toBe("127.0.0.1");
    expect(c.sandbox).toEqual({ reason: "auto", ignoredHost: "0.0.0.0" });
    expect(c.publicUrl).toBe("http://127.0.0.1:3000");
    expect(load({ HOST: "::1" }).host).toBe("::1");
    expect(load({ HOST: "0.0.0.0", NODE_ENV: "production" }).host).toBe("0.0.0.0");
  });
});

describe("the sandbox server", () => {
  let run: SandboxRun;
  beforeAll(async () => {
    run = await startSandboxAccord();
  }, 60_000);
  afterAll(async () => run?.stop());

  const get = (p: string, headers: Record<string, string> = {}) => fetch(`${run.accord.url}${p}`, { headers });

  it("loads the French demo into the empty database, with a Slack id for each person", async () => {
    const { store } = run.accord.deps;
    expect(await store.customers.list()).toHaveLength(50);
    const people = await store.people.list();
    expect(people).toHaveLength(7);
    expect(people.every((p) => /^U[0-9A-F]{10}$/.test(p.slackUserId ?? ""))).toBe(true);
    const info = (await (await get("/sandbox/api/info")).json()) as { sandbox: boolean; personas: { id: string; email: string }[] };
    expect(info.sandbox).toBe(true);
    expect(info.personas.map((p) => p.id).sort()).toEqual(people.map((p) => p.slackUserId).sort());
  });

  it("serves the page, which says it is a sandbox; the signing secret never leaves the server", async () => {
    const page = await (await get("/")).text();
    expect(page).toMatch(/SANDBOX/);
    const secret = run.accord.config.slack!.signingSecret;
    const state = await (await get(`/sandbox/api/state?user=${(await run.accord.deps.store.people.list())[0]!.slackUserId}`)).text();
    for (const body of [page, state, await (await get("/sandbox/api/info")).text(), await (await get("/sandbox/assets/app.js")).text()]) expect(body).not.toContain(secret);
  });

  it("its page API answers this machine's browser only: other Host headers, form posts and cross-origin writes are refused", async () => {
    const raw = (method: string, p: string, headers: Record<string, string>, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(`${run.accord.url}${p}`);
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(body);
      });
    expect(await raw("GET", "/sandbox/api/info", { host: "attacker.example" })).toBe(403);
    const user = (await run.accord.deps.store.people.list())[0]!.slackUserId!;
    const body = JSON.stringify({ user, text: "/dispute help" });
    expect(await raw("POST", "/sandbox/api/command", { host: new URL(run.accord.url).host, "content-type": "text/plain" }, body)).toBe(415);
    expect(await raw("POST", "/sandbox/api/command", { host: new URL(run.accord.url).host, "content-type": "application/json", origin: "http://attacker.example" }, body)).toBe(403);
    expect(await raw("POST", "/sandbox/api/command", { host: new URL(run.accord.url).host, "content-type": "application/json", origin: run.accord.url }, body)).toBe(200);
  });

  it("Slack's endpoint still refuses unsigned requests: the sandbox signs on the server side", async () => {
    const res = await fetch(`${run.accord.url}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "command=%2Fdispute&text=help" });
    expect(res.status).toBe(401);
  });

  it("a command goes through /slack/events and its answer lands in the person's DM, privately", async () => {
    const user = (await run.accord.deps.store.people.list()).find((p) => p.locale === "en")!.slackUserId!;
    const r = await fetch(`${run.accord.url}/sandbox/api/command`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user, text: "/dispute help" }) });
    expect(await r.json()).toEqual({ ok: true, status: 200 });
    let found: { ephemeral: boolean; text: string } | undefined;
    for (let i = 0; i < 50 && !found; i++) {
      const st = (await (await get(`/sandbox/api/state?user=${user}`)).json()) as { timeline: { ephemeral: boolean; text: string; blocks: unknown[] }[] };
      found = st.timeline.find((e) => e.ephemeral && JSON.stringify(e.blocks).includes("/dispute new"));
      if (!found) await new Promise((res) => setTimeout(res, 50));
    }
    expect(found).toBeDefined();
    const unknown = await fetch(`${run.accord.url}/sandbox/api/command`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user, text: "/nope" }) });
    expect(await unknown.json()).toEqual({ ok: false, error: "unknown_command", command: "/nope" });
  });

  it("the message shortcut on a person's message opens the new-dispute modal with that message as the customer's words", async () => {
    const user = (await run.accord.deps.store.people.list()).find((p) => p.role === "controller")!.slackUserId!;
    const post = (p: string, b: object) => fetch(`${run.accord.url}/sandbox/api${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const { ts } = (await post("/message", { user, text: "Le client écrit : « la facture FA-24001 est fausse »" })) as { ts: string };
    expect(await post("/shortcut", { user, ts })).toEqual({ ok: true });
    let modal = null as { view: { id: string; callback_id: string; blocks: unknown[] } } | null;
    for (let i = 0; i < 50 && !modal; i++) {
      modal = ((await (await get(`/sandbox/api/state?user=${user}`)).json()) as { modal: typeof modal }).modal;
      if (!modal) await new Promise((res) => setTimeout(res, 50));
    }
    expect(modal?.view.callback_id).toBe("form.new");
    expect(JSON.stringify(modal?.view.blocks)).toContain("la facture FA-24001 est fausse");
    const closed = await post("/close", { user, viewId: modal!.view.id });
    expect(closed).toEqual({ ok: true });
  });

  it("the credit-note import refuses what the REST import refuses", async () => {
    const post = (b: object) => fetch(`${run.accord.url}/sandbox/api/ledger/credit-note`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
    expect((await post({ customerRef: "NOPE", ref: "AV-1", amount: "10" })).status).toBe(404);
    expect((await post({ customerRef: "CL0001", ref: "AV-1", amount: "-10" })).status).toBe(422);
    expect((await post({ customerRef: "CL0001", ref: "AV-1", amount: "dix" })).status).toBe(422);
    const ok = await post({ customerRef: "CL0001", ref: "AV-SBX-T", amount: "10,50" });
    expect(ok.status).toBe(200);
    const items = await run.accord.deps.store.items.byRefs((await run.accord.deps.store.customers.byRef("CL0001"))!.id, ["AV-SBX-T"]);
    expect(items[0]).toMatchObject({ kind: "credit_note", amount: -1050, openAmount: -1050 });
  });
});

describe("demo data and the page only in sandbox mode", () => {
  it("a second start on the same database loads nothing more; without the sandbox there is no demo and no page", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-sbx2-"));
    const env = { NODE_ENV: "test", PORT: "0", DATABASE_URL: `file:${path.join(dir, "a.db")}`, LOG_LEVEL: "silent" };
    const quiet = { logger: pino({ level: "silent" }) };
    try {
      const plain = await startAccord(loadConfig(env, dir), quiet);
      expect(await plain.deps.store.customers.list()).toHaveLength(0);
      expect((await fetch(`${plain.url}/`)).status).toBe(404);
      expect((await fetch(`${plain.url}/sandbox/api/info`)).status).toBe(404);
      await plain.deps.store.customers.upsertMany([{ ref: "MINE", name: "My customer" }]);
      await plain.stop();
      const sbx = await startAccord(loadConfig({ ...env, ACCORD_SANDBOX: "true" }, dir), quiet);
      expect((await sbx.deps.store.customers.list()).map((c) => c.ref)).toEqual(["MINE"]);
      expect((await fetch(`${sbx.url}/`)).status).toBe(200);
      await sbx.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
