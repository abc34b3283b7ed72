import { afterEach, describe, expect, it } from "vitest";
import { commentDispute } from "../app/commentDispute.ts";
import { openDispute } from "../app/openDispute.ts";
import { CHAT_CHANGE } from "../app/chatQueue.ts";
import { freshPostgresDatabase } from "../test/postgres.ts";
import { METADATA_EVENT, WORKSPACE_KEY } from "./delivery.ts";
import { dmOf, NOW, SECRET, startHarness, USERS, type Harness } from "./testing/harness.ts";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../config.ts";
import { startAccord, type Accord } from "../server.ts";

// The Slack deliverer against the fake Web API, at Slack's real pacing (1 post a second per channel):
// what the people in Slack end up seeing, and what the fake saw arrive.

const TOKEN = "delivery-test-token-0123456789";
const PACED = { SLACK_PACE_CHANNEL_PER_SEC: "1", SLACK_PACE_UPDATE_PER_MIN: "6000", SLACK_PACE_WORKSPACE_PER_SEC: "100", SLACK_DISPUTES_CHANNEL: "C0DISPUTES", ACCORD_API_TOKENS: `ops:${TOKEN}`, SLACK_PROBE_SECONDS: "0.5" };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(database: "sqlite" | "postgres", env: Record<string, string> = {}): Promise<Harness & { env: Record<string, string> }> {
  const pg = database === "postgres" ? await freshPostgresDatabase("delivery") : null;
  const h = await startHarness({ env: { ...PACED, ...(pg ? { DATABASE_URL: pg.url } : {}), ...env } });
  cleanup.push(async () => {
    await h.stop();
    await pg?.drop();
  });
  return { ...h, env: { ...PACED, DATABASE_URL: pg ? pg.url : `file:${path.join(h.dir, "a.db")}`, ...env } };
}

/** Another Accord on the harness's database (a second replica: its own store, delivery and memory), stopped after the test. */
async function replica(h: Harness & { env: Record<string, string> }): Promise<Accord> {
  const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent", SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: h.fake.apiUrl, OUTBOX_POLL_MS: "200", ...h.env }, h.dir);
  const accord = await startAccord(config, { clock: () => NOW, logger: pino({ level: "silent" }) });
  cleanup.push(() => accord.stop());
  return accord;
}

const api = (h: Harness, method: string, path: string) =>
  fetch(`${h.accord.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

async function open(h: Harness, ownerEmail: string = USERS.sam.email) {
  const { dispute } = await openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix non conforme au devis", ownerEmail, openedByEmail: USERS.carla.email });
  await h.idle();
  return dispute;
}

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const texts = (list: { text: string }[]) => list.map((m) => m.text);

describe.each(["sqlite", "postgres"] as const)("Slack delivery on %s", (database) => {
  it("paces posts to one a second per channel, collapses waiting card updates into one, threads every line once", async () => {
    const h = await start(database);
    const d = await open(h);
    const dm = `D${USERS.sam.id.replace(/^U/, "")}`;
    const [card] = h.fake.posts(dm);
    expect(card).toBeDefined();
    // four updates committed while no replica delivers (a deploy, a burst)
    await h.accord.slack!.delivery.stop();
    const mark = h.fake.mark;
    for (const n of [1, 2, 3, 4]) await commentDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.carla.email, text: `Point ${n} avec le client` });
    h.accord.slack!.delivery.start();
    await h.idle();

    // every line once, in order, in the owner's thread and in the channel's
    const lines = texts(h.fake.thread(dm, card!.ts)).filter((t) => t.includes("avec le client"));
    expect(lines.map((t) => /Point (\d)/.exec(t)?.[1])).toEqual(["1", "2", "3", "4"]);
    const channelCard = h.fake.posts("C0DISPUTES")[0]!;
    expect(texts(h.fake.thread("C0DISPUTES", channelCard.ts)).filter((t) => t.includes("avec le client"))).toHaveLength(4);
    // one chat.update per copy, showing the last state
    const updates = h.fake.callsOf("chat.update").filter((c) => c.seq > mark);
    expect(updates.filter((c) => c.args.channel === dm)).toHaveLength(1);
    expect(updates.filter((c) => c.args.channel === "C0DISPUTES")).toHaveLength(1);
    expect(JSON.stringify(h.fake.posts(dm)[0]!.blocks)).toContain("Point 4 avec le client");
    // never two posts in one channel within a second
    for (const channel of [dm, "C0DISPUTES"]) {
      const at = h.fake.callsOf("chat.postMessage").filter((c) => c.args.channel === channel).map((c) => c.at);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    // and nothing left in the queue
    expect(await h.accord.deps.store.outbox.list({ status: "pending", channel: "slack" })).toEqual([]);
  }, 40_000);

  it("a post whose outcome is unknown (Slack took it, then answered 503) is found by its metadata, not posted twice", async () => {
    const h = await start(database);
    const d = await open(h);
    const dm = `D${USERS.sam.id.replace(/^U/, "")}`;
    const card = h.fake.posts(dm)[0]!;
    const mark = h.fake.mark;
    h.fake.script("chat.postMessage", { status: 503, applied: true });
    await commentDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.carla.email, text: "Avoir demandé au service client" });
    await h.idle();
    const lines = [...texts(h.fake.thread(dm, card.ts)), ...texts(h.fake.thread("C0DISPUTES", h.fake.posts("C0DISPUTES")[0]!.ts))].filter((t) => t.includes("Avoir demandé"));
    expect(lines).toHaveLength(2);
    // the retry looked in the thread first (with the metadata), then went on
    expect(h.fake.callsOf("conversations.replies").filter((c) => c.seq > mark && c.args.include_all_metadata)).not.toHaveLength(0);
    const [row] = (await h.accord.deps.store.outbox.list({ channel: "slack", type: CHAT_CHANGE })).slice(-1);
    expect(row).toMatchObject({ status: "delivered", attempts: 1 });
  }, 40_000);

  it("a replica that died mid-row (its lease ran out) is taken over: what it posted is not posted again", async () => {
    const h = await start(database, { OUTBOX_LEASE_MS: "1000" });
    const d = await open(h);
    const dm = `D${USERS.sam.id.replace(/^U/, "")}`;
    const card = h.fake.posts(dm)[0]!;
    await h.accord.slack!.delivery.stop();
    await commentDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.carla.email, text: "Relevé envoyé au client" });
    // the dying replica: claims the row, posts the owner's thread line, and is gone before recording it
    const [row] = await h.accord.deps.store.outbox.claim({ channel: "slack", now: new Date(), leaseMs: 1000, limit: 1 });
    expect(row).toBeDefined();
    const key = `${row!.id}:line:0:${dm}:${card.ts}`;
    await h.accord.slack!.gateway.client.apiCall("chat.postMessage", { channel: dm, thread_ts: card.ts, text: "Relevé envoyé au client (posté par la réplique morte)", metadata: { event_type: METADATA_EVENT, event_payload: { key } } });
    await new Promise((r) => setTimeout(r, 1100));
    h.accord.slack!.delivery.start();
    await h.idle();
    expect(texts(h.fake.thread(dm, card.ts)).filter((t) => t.includes("Relevé envoyé"))).toHaveLength(1);
    // the channel's line, which the dead replica had not posted, is there once
    expect(texts(h.fake.thread("C0DISPUTES", h.fake.posts("C0DISPUTES")[0]!.ts)).filter((t) => t.includes("Relevé envoyé"))).toHaveLength(1);
  }, 40_000);

  it("an owner Accord cannot reach in Slack: the notice is kept as a failed delivery with its reason, shown on the controller's card, and delivered on retry", async () => {
    const h = await start(database);
    await h.accord.deps.store.people.upsertMany([{ email: "nina@acme.test", name: "Nina Nouvelle", role: "sales", locale: "fr" }]);
    const d = await open(h, "nina@acme.test");
    const failed = await api(h, "GET", "/outbox?status=failed&channel=slack");
    expect(failed.status).toBe(200);
    const rows = failed.body.messages as any[];
    const notice = rows.find((r: any) => r.type === "dispute.owner_notice");
    expect(notice).toMatchObject({ status: "dead", channel: "slack", lastError: "user_not_found" });
    // the card in the disputes channel tells the controller (in French: Carla opened it)
    const channelCard = () => JSON.stringify(h.fake.posts("C0DISPUTES")[0]!.blocks);
    expect(channelCard()).toContain("L'avis n'a pas pu être remis à Nina Nouvelle dans Slack (user_not_found)");
    // Nina joins Slack; an admin retries the notice: her card arrives, the warning goes
    h.fake.addUser({ id: "U0NINA", email: "nina@acme.test", name: "Nina Nouvelle", locale: "fr-FR" });
    expect((await api(h, "POST", `/outbox/${encodeURIComponent(notice.id)}/retry`)).status).toBe(200);
    await h.idle();
    const [ninaCard] = h.fake.posts("D0NINA");
    expect(JSON.stringify(ninaCard?.blocks)).toContain(d.number);
    expect(channelCard()).not.toContain("n'a pas pu être remis");
  }, 40_000);

  it("a 429 on one channel's post pauses the whole workspace for its Retry-After: no replica sends anything to Slack before it ends, then everything goes", async () => {
    const h = await start(database);
    const store = h.accord.deps.store;
    await h.accord.slack!.delivery.stop();
    // the owners' Slack ids and DMs are known: every call of this test is one of the deliverer's paced calls
    await store.people.upsertMany([USERS.sam, USERS.sid].map((u) => ({ email: u.email, name: u.name, role: "sales" as const, locale: u.locale, slackUserId: u.id })));
    for (const u of [USERS.sam, USERS.sid]) await h.accord.slack!.state.dmChannels.put(u.id, dmOf(u), new Date());
    const openFor = (ownerEmail: string, item: string) => openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: item }], reasonCode: "price", statement: "Prix non conforme au devis", ownerEmail, openedByEmail: USERS.carla.email });
    await openFor(USERS.sam.email, "F-2026-001");
    // replica A posts Sam's card; Slack answers 429, Retry-After 2 s
    h.fake.script("chat.postMessage", { status: 429, retryAfter: 2 });
    const mark = h.fake.mark;
    h.accord.slack!.delivery.start();
    const limited = await h.fake.waitFor((c) => c.method === "chat.postMessage", 10_000, mark);
    await until("the workspace paused", async () => (await store.rates.get(WORKSPACE_KEY))?.blockedUntil);
    await h.accord.slack!.delivery.stop();
    expect(h.fake.calls.filter((c) => c.seq > limited.seq)).toEqual([]);
    // meanwhile a dispute for Sid, whose DM and the disputes channel are other channels; replica B delivers it
    // all, knowing of the 429 only what the database says
    await openFor(USERS.sid.email, "F-2026-002");
    const b = await replica(h);
    await until("both cards and both channel copies", () => h.fake.posts(dmOf(USERS.sam)).length === 1 && h.fake.posts(dmOf(USERS.sid)).length === 1 && h.fake.posts("C0DISPUTES").length === 2);
    await b.slack!.idle();
    // (B's Slack app checks its token with auth.test when it starts: not a delivery)
    const after = h.fake.calls.filter((c) => c.seq > limited.seq && c.method !== "auth.test");
    expect(new Set(after.filter((c) => c.method === "chat.postMessage").map((c) => c.args.channel))).toEqual(new Set([dmOf(USERS.sam), dmOf(USERS.sid), "C0DISPUTES"]));
    // nothing reached Slack, in any channel, before Retry-After had run out (counted from the refused post's arrival)
    for (const c of after) expect(c.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(await store.outbox.list({ status: "pending", channel: "slack" })).toEqual([]);
  }, 40_000);

  it("a 429 on another method (chat.update) pauses that method's key, not the workspace; the card is updated once it ends", async () => {
    const h = await start(database);
    const store = h.accord.deps.store;
    const d = await open(h);
    const dm = dmOf(USERS.sam);
    h.fake.script("chat.update", { status: 429, retryAfter: 2 });
    const mark = h.fake.mark;
    await commentDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.carla.email, text: "Bon de livraison demandé" });
    await until("chat.update refused", () => h.fake.callsOf("chat.update").find((c) => c.seq > mark));
    await until("chat.update paused", async () => (await store.rates.get("slack:method:chat.update"))?.blockedUntil);
    expect((await store.rates.get(WORKSPACE_KEY))?.blockedUntil ?? null).toBeNull();
    await h.idle();
    // once the pause ended: the card updated, its line in the thread once
    expect(JSON.stringify(h.fake.posts(dm)[0]!.blocks)).toContain("Bon de livraison demandé");
    expect(texts(h.fake.thread(dm, h.fake.posts(dm)[0]!.ts)).filter((t) => t.includes("Bon de livraison"))).toHaveLength(1);
  }, 40_000);

  it("a refused token pauses every delivery (readiness says degraded), nothing is lost, and the admins are told once it works again", async () => {
    const h = await start(database);
    const d = await open(h);
    const dm = `D${USERS.sam.id.replace(/^U/, "")}`;
    h.fake.script("chat.update", { error: "token_revoked" });
    h.fake.script("auth.test", { error: "token_revoked" });
    const mark = h.fake.mark;
    await commentDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.carla.email, text: "Client relancé par téléphone" });
    const degraded = await until("degraded", async () => {
      const r = await fetch(`${h.accord.url}/readyz`).then(async (x) => ({ status: x.status, body: (await x.json()) as any }));
      return r.body.status === "degraded" ? r : null;
    });
    expect(degraded).toMatchObject({ status: 200, body: { slack: { status: "paused", reason: "token_revoked" } } });
    // the first probe fails, the second works: deliveries resume, Ada (admin, English) is told
    const told = await until("the admin's DM", () => h.fake.callsOf("chat.postMessage").find((c) => c.seq > mark && c.args.channel === "D0ADA"));
    expect(String(told.args.text)).toContain("Slack deliveries were paused");
    expect(String(told.args.text)).toContain("token_revoked");
    await h.idle();
    expect(JSON.stringify(h.fake.posts(dm)[0]!.blocks)).toContain("Client relancé par téléphone");
    expect(texts(h.fake.thread(dm, h.fake.posts(dm)[0]!.ts)).filter((t) => t.includes("Client relancé"))).toHaveLength(1);
    expect((await fetch(`${h.accord.url}/readyz`).then((x) => x.json())) as any).toMatchObject({ status: "ready" });
    expect(h.fake.callsOf("auth.test").filter((c) => c.seq > mark).length).toBeGreaterThanOrEqual(2);
  }, 40_000);
});
