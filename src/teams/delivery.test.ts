import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHAT_CHANGE, OWNER_NOTICE, type ChatChangePayload } from "../app/chatQueue.ts";
import { TEAMS_UNREACHABLE } from "../app/chatRouting.ts";
import type { Deps } from "../app/context.ts";
import { commentDispute } from "../app/commentDispute.ts";
import { getDispute } from "../app/getDispute.ts";
import { nudgeDispute } from "../app/nudgeDispute.ts";
import { openDispute } from "../app/openDispute.ts";
import { reassignDispute } from "../app/reassignDispute.ts";
import type { OutboxChannel, TeamsConversationRef } from "../app/ports.ts";
import { REMINDER, remindFollowUps, type ReminderPayload } from "../app/remindFollowUps.ts";
import { cardMessage } from "../slack/blocks/card.ts";
import { renderHome } from "../slack/render.ts";
import { buildDisputeCard } from "../views/disputeCard.ts";
import { renderDisputeAdaptiveCard } from "./cards/disputeCard.ts";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { ADAPTIVE_CARD, TeamsConnectorClient } from "./deliveryClient.ts";
import { parseAction } from "../views/actions.ts";
import { DEFAULT_TEAMS_PACING, releaseKeptNotices, snoozeActionSet, TeamsDelivery, teamsRateKeys } from "./delivery.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// The Teams deliverer against the fake Bot Connector: what the people in Teams end up seeing (posts, updates in
// place), what the queue keeps, and who gets a notice when Slack and Teams are both on.

const silent = { warn() {}, error() {}, info() {}, debug() {} };

let a: TestAccord;
let fake: FakeConnector;
let delivery: TeamsDelivery | null = null;

let database: TestDatabase = "sqlite";
beforeEach(async () => {
  a = await startTestAccord({}, { startJobs: false, now: "2026-03-10T09:00:00Z", database });
  await seedLedger(a);
  fake = await startFakeConnector();
});
afterEach(async () => {
  await delivery?.stop();
  delivery = null;
  await fake.close();
  await a.stop();
});

function teamsDeps(channels: OutboxChannel[] = ["teams"]): Deps {
  return { ...a.deps, chatQueue: channels };
}

function startDelivery(deps: Deps): TeamsDelivery {
  const client = new TeamsConnectorClient({ token: async () => "test-token" });
  delivery = new TeamsDelivery({ deps, client, botId: "28:bot", serviceUrl: fake.url, tenantId: "tenant-1", log: silent, pollMs: 50, reachCheckMs: 60_000 });
  delivery.start();
  return delivery;
}

/** Waits until nothing of Teams' is pending (deferred and backed-off rows included). */
async function settle(d: TeamsDelivery, deps: Deps, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await d.idle(ms);
    if (!(await deps.store.outbox.list({ status: "pending", channel: "teams", limit: 1 })).length) return;
    if (Date.now() > end) throw new Error("Teams rows still pending");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ITEMS = ["F-1001", "F-1002", "F-1003"];
let opened = 0;
beforeEach(() => {
  opened = 0;
});

/** A new dispute on the next of Boulangerie Dupont's invoices. */
async function open(deps: Deps, ownerEmail = "paul@acme.fr") {
  const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: ITEMS[opened++ % ITEMS.length]! }], reasonCode: "price", statement: "Prix non conforme au devis", ownerEmail, openedByEmail: "claire@acme.fr" });
  return dispute;
}

const cardText = (activity: Record<string, unknown>) => JSON.stringify((activity.attachments as { content: unknown }[])[0]!.content);

const actionsOf = (activity: Record<string, unknown>) => {
  const card = (activity.attachments as { content: Record<string, unknown> }[])[0]!.content;
  return { actions: (card.actions as unknown[] | undefined) ?? [], refresh: card.refresh };
};

const personalRef = (conversationId: string, teamsUserId: string, aadObjectId: string, at: Date): TeamsConversationRef => ({
  conversationId, kind: "personal", serviceUrl: fake.url, tenantId: "tenant-1", teamsUserId, aadObjectId, teamId: null, channelId: null, updatedAt: at,
});

/** People (paul → paul@acme.fr) who installed the app: their Teams ids pinned, their personal chat a:<name> stored. */
async function installed(...names: string[]): Promise<void> {
  for (const id of names) {
    await a.deps.store.teams.pin(`${id}@acme.fr`, { teamsUserId: `29:${id}`, aadObjectId: `aad-${id}` });
    await a.deps.store.teams.putConversation(personalRef(`a:${id}`, `29:${id}`, `aad-${id}`, a.deps.clock()));
  }
}

describe.each(["sqlite", "postgres"] as const)("Teams delivery on %s", (db) => {
  beforeAll(() => {
    database = db;
  });
  afterAll(() => {
    database = "sqlite";
  });

  it("posts the owner's card in a personal chat it creates from the pinned id, then updates it in place at each change", async () => {
    const deps = teamsDeps();
    await a.deps.store.teams.pin("paul@acme.fr", { teamsUserId: "29:paul", aadObjectId: "aad-paul" });
    const d = startDelivery(deps);
    const dispute = await open(deps);
    await settle(d, deps);

    const [created] = fake.created();
    expect(created?.params).toMatchObject({ isGroup: false, bot: { id: "28:bot" }, members: [{ id: "29:paul" }], tenantId: "tenant-1" });
    const posts = fake.posted();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.conversationId).toBe(created!.conversationId);
    const attachment = (posts[0]!.activity.attachments as { contentType: string }[])[0]!;
    expect(attachment.contentType).toBe(ADAPTIVE_CARD);
    expect(cardText(posts[0]!.activity)).toContain(dispute.number);
    expect(cardText(posts[0]!.activity)).toContain("Boulangerie Dupont");
    // the conversation is stored: the next notice needs no new one
    expect((await a.deps.store.teams.personalConversationOf("paul@acme.fr"))?.conversationId).toBe(created!.conversationId);
    expect(await a.deps.store.teams.cardsOf(dispute.id)).toMatchObject([{ conversationId: created!.conversationId, activityId: posts[0]!.activityId, kind: "dm", viewerEmail: "paul@acme.fr" }]);

    await commentDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", text: "Le client attend l'avoir" });
    await settle(d, deps);
    const updates = fake.updated();
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ conversationId: created!.conversationId, activityId: posts[0]!.activityId });
    expect(cardText(updates[0]!.activity)).toContain("Le client attend l'avoir");
    expect(fake.posted()).toHaveLength(1);
    expect(fake.created()).toHaveLength(1);
    expect(fake.bearerTokens().every((t) => t === "test-token")).toBe(true);
  }, 30_000);

  it("a reassignment posts the card to the new owner's chat; the previous owner's copy is updated, not posted again", async () => {
    const deps = teamsDeps();
    const s = a.deps.store;
    await installed("paul", "sophie");
    const d = startDelivery(deps);
    const dispute = await open(deps);
    await settle(d, deps);
    await reassignDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", version: dispute.version, toEmail: "sophie@acme.fr" });
    await settle(d, deps);
    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul", "a:sophie"]);
    expect(fake.updated().map((u) => u.conversationId)).toEqual(["a:paul"]);
    // Paul's copy now shows Sophie as the owner
    expect(JSON.stringify(fake.updated()[0]!.activity)).toContain("Sophie Leroy");
    expect((await s.teams.cardsOf(dispute.id)).map((c) => c.viewerEmail)).toEqual(["paul@acme.fr", "sophie@acme.fr"]);
  }, 30_000);

  it("a 429 makes the row wait Retry-After and then go, a 503 is retried with backoff: one card each time", async () => {
    const deps = teamsDeps();
    await a.deps.store.teams.putConversation(personalRef("a:paul", "29:paul", "aad-paul", a.deps.clock()));
    await a.deps.store.teams.pin("paul@acme.fr", { teamsUserId: "29:paul", aadObjectId: "aad-paul" });
    fake.failNext(1, 429, 1);
    const d = startDelivery(deps);
    const started = Date.now();
    await open(deps);
    await settle(d, deps);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul"]);
    const [row] = await a.deps.store.outbox.list({ channel: "teams", type: CHAT_CHANGE });
    expect(row).toMatchObject({ status: "delivered", attempts: 0 }); // a 429 is a wait, not a failure
    // every replica waits: the conversation's key was blocked
    expect((await a.deps.store.rates.get("teams:conv:a:paul:s"))?.reason).toBe("429");

    fake.failNext(1, 503);
    await open(deps);
    await settle(d, deps);
    expect(fake.posted()).toHaveLength(2);
    const rows = await a.deps.store.outbox.list({ channel: "teams", type: CHAT_CHANGE });
    expect(rows.at(-1)).toMatchObject({ status: "delivered", attempts: 1 });
  }, 30_000);

  it("a refused token (401) pauses every Teams delivery for a while: the row waits, no attempt counted, then goes", async () => {
    const deps = teamsDeps();
    await a.deps.store.teams.putConversation(personalRef("a:paul", "29:paul", "aad-paul", a.deps.clock()));
    await a.deps.store.teams.pin("paul@acme.fr", { teamsUserId: "29:paul", aadObjectId: "aad-paul" });
    fake.failNext(1, 401);
    const client = new TeamsConnectorClient({ token: async () => "test-token" });
    delivery = new TeamsDelivery({ deps, client, botId: "28:bot", serviceUrl: fake.url, log: silent, pollMs: 50, tokenPauseMs: 700 });
    delivery.start();
    const started = Date.now();
    await open(deps);
    await settle(delivery, deps);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul"]);
    expect((await a.deps.store.outbox.list({ channel: "teams", type: CHAT_CHANGE }))[0]).toMatchObject({ status: "delivered", attempts: 0 });
    expect((await a.deps.store.rates.get("teams:bot"))?.reason).toBe("token_refused");
  }, 30_000);

  it("a person Accord cannot reach is marked, the card others see says so, and the notice goes once they install the app", async () => {
    const deps = teamsDeps();
    const d = startDelivery(deps);
    // Paul has never used Teams: no id to create a chat with
    const dispute = await open(deps);
    await settle(d, deps);
    expect(fake.posted()).toEqual([]);
    expect((await a.deps.store.teams.unreachable()).map((u) => [u.email, u.reason])).toEqual([["paul@acme.fr", "not_installed"]]);
    const [kept] = await a.deps.store.outbox.list({ channel: "teams", type: OWNER_NOTICE });
    expect(kept).toMatchObject({ status: "dead", lastError: `${TEAMS_UNREACHABLE}: not_installed` });
    // the controller's card says it; Paul's own would not
    const x = await getDispute(deps, { dispute: dispute.id });
    const claire = (await a.deps.store.people.byEmail("claire@acme.fr"))!;
    const paul = (await a.deps.store.people.byEmail("paul@acme.fr"))!;
    const seen = buildDisputeCard(x, claire, "fr", { today: "2026-03-10", people: new Map([["paul@acme.fr", { email: "paul@acme.fr", name: "Paul Durand" }]]) });
    expect(seen.notes.join(" ")).toContain("Paul Durand n’est pas encore joignable dans Teams");
    // on both platforms' cards
    expect(JSON.stringify(cardMessage(seen).blocks)).toContain("n’est pas encore joignable dans Teams");
    expect(JSON.stringify(renderDisputeAdaptiveCard(seen, "fr"))).toContain("n’est pas encore joignable dans Teams");
    expect(buildDisputeCard(x, paul, "fr", { today: "2026-03-10" }).notes.join(" ")).not.toContain("Teams");
    // and in the controller's App Home, under the summary
    const home = JSON.stringify((await renderHome(deps, claire)).blocks);
    expect(home).toContain("⚠ Injoignables dans Teams\u00a0: Paul Durand (depuis le 10 mars). Leurs avis partiront dès qu’ils ouvriront Accord dans Teams.");
    expect(JSON.stringify((await renderHome(deps, paul)).blocks)).not.toContain("Injoignables");

    // he installs the app: teamswire stores his personal chat and pins his ids; the next check sends the notice
    a.clock.set("2026-03-10T10:00:00Z");
    await a.deps.store.teams.pin("paul@acme.fr", { teamsUserId: "29:paul", aadObjectId: "aad-paul" });
    await a.deps.store.teams.putConversation(personalRef("a:paul", "29:paul", "aad-paul", a.deps.clock()));
    d.checkReachSoon();
    await settle(d, deps);
    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul"]);
    expect(cardText(fake.posted()[0]!.activity)).toContain(dispute.number);
    expect(await a.deps.store.teams.unreachable()).toEqual([]);
    expect((await a.deps.store.outbox.list({ channel: "teams", type: OWNER_NOTICE }))[0]).toMatchObject({ status: "delivered" });
    expect(JSON.stringify((await renderHome(deps, claire)).blocks)).not.toContain("Injoignables");
    // the warning is gone from the card
    const after = await getDispute(deps, { dispute: dispute.id });
    expect(buildDisputeCard(after, claire, "fr", { today: "2026-03-10" }).notes.join(" ")).not.toContain("Teams");
  }, 30_000);

  it("403 from the Bot Connector (app not installed for a pinned user): kept, then released by the install handler's call", async () => {
    const deps = teamsDeps();
    await a.deps.store.teams.pin("paul@acme.fr", { teamsUserId: "29:paul" });
    fake.failNext(1, 403);
    const d = startDelivery(deps);
    const dispute = await open(deps);
    await settle(d, deps);
    expect(fake.posted()).toEqual([]);
    expect((await a.deps.store.teams.unreachable()).map((u) => u.reason)).toEqual(["403 ServiceError"]);
    const kept = (await a.deps.store.outbox.list({ channel: "teams", status: "dead" })).filter((m) => m.lastError?.startsWith(TEAMS_UNREACHABLE));
    expect(kept.map((m) => m.type)).toEqual([OWNER_NOTICE]);
    expect(await releaseKeptNotices(deps, "paul@acme.fr")).toBe(1);
    await settle(d, deps);
    expect(fake.posted()).toHaveLength(1);
    expect(cardText(fake.posted()[0]!.activity)).toContain(dispute.number);
    // a nudge now goes straight to the chat created then
    await nudgeDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr" });
    await settle(d, deps);
    const posts = fake.posted();
    expect(posts).toHaveLength(2);
    expect(cardText(posts[1]!.activity)).toContain("Rappel de Claire Martin");
    // the owner's Snooze on top, as the card action listener reads it (verb accord.snooze, the typed payload)
    const body = ((posts[1]!.activity.attachments as { content: { body: Record<string, any>[] } }[])[0]!.content.body);
    const snooze = body.find((b) => b.type === "ActionSet")!;
    expect(snooze.actions.map((x: Record<string, any>) => [x.type, x.title])).toEqual([["Action.Execute", "Demain"], ["Action.Execute", "Dans 3 jours"], ["Action.Execute", "Lundi prochain"], ["Action.ShowCard", "Choisir une date"]]);
    expect(snooze.actions.slice(0, 3).map((x: Record<string, any>) => [x.verb, parseAction(x.data.accord)])).toEqual(
      (["tomorrow", "in3days", "nextMonday"] as const).map((c) => ["accord.snooze", { t: "snooze", d: dispute.id, c }]),
    );
    expect(snooze.actions[3].card.body[0]).toMatchObject({ type: "Input.Date", id: "snooze.date" });
    expect(parseAction(snooze.actions[3].card.actions[0].data.accord)).toEqual({ t: "snooze", d: dispute.id, c: "date" });
    expect(new Set(posts.map((p) => p.conversationId)).size).toBe(1);
    expect(fake.created()).toHaveLength(1); // the one that worked (the refused one created nothing)
  }, 30_000);

  it("Snooze: the owner's last choice comes first", () => {
    const base = { disputeId: 7, choices: [{ choice: "tomorrow" as const, label: "T" }, { choice: "in3days" as const, label: "3" }, { choice: "nextMonday" as const, label: "M" }], pickLabel: "P", saveLabel: "S" };
    const titles = (last: string | null) => (snoozeActionSet({ ...base, last }).actions as { title: string }[]).map((a) => a.title);
    expect(titles(null)).toEqual(["T", "3", "M", "P"]);
    expect(titles("nextMonday")).toEqual(["M", "T", "3", "P"]);
    expect(titles("date")).toEqual(["P", "T", "3", "M"]);
  });

  it("pacing: the keys' schedule never puts more than 7 calls in a second nor 1,800 in an hour in one conversation", async () => {
    const keys = teamsRateKeys("a:busy", DEFAULT_TEAMS_PACING).filter((k) => k.key !== "teams:bot");
    let now = new Date("2026-03-10T09:00:00Z").getTime();
    const at: number[] = [];
    while (at.length < 1900) {
      const wait = await a.deps.store.rates.take(keys, new Date(now));
      if (wait) now += wait;
      else at.push(now);
    }
    const most = (windowMs: number) => {
      let best = 0;
      for (let i = 0, j = 0; i < at.length; i++) {
        while (at[i]! - at[j]! >= windowMs) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    };
    expect(most(1000)).toBeLessThanOrEqual(7);
    expect(most(1000)).toBeGreaterThanOrEqual(5); // not needlessly slow
    expect(most(3_600_000)).toBeLessThanOrEqual(1800);
    // the 1,801st call waits for the hour's window: the 1,900 calls span more than an hour
    expect(at[1899]! - at[0]!).toBeGreaterThan(3_600_000);
  }, 60_000);
});

describe("the pacing settings (TEAMS_PACE_*)", () => {
  /** When each of `n` calls may go, taking the keys' slots at simulated instants (no waiting). */
  async function schedule(keys: ReturnType<typeof teamsRateKeys>, n: number): Promise<number[]> {
    let now = new Date("2026-03-10T09:00:00Z").getTime();
    const at: number[] = [];
    while (at.length < n) {
      const wait = await a.deps.store.rates.take(keys, new Date(now));
      if (wait) now += wait;
      else at.push(now);
    }
    return at;
  }
  const most = (at: number[], windowMs: number) => {
    let best = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i]! - at[j]! >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  };

  it("other limits than Teams': never more than the settings allow in a second, an hour, bot-wide", async () => {
    const pacing = { perSecond: 2, perHour: 100, botPerSecond: 5 };
    const conv = await schedule(teamsRateKeys("a:paced", pacing).filter((k) => k.key !== "teams:bot"), 130);
    expect(most(conv, 1000)).toBeLessThanOrEqual(2);
    expect(most(conv, 1000)).toBe(2); // not needlessly slow
    expect(most(conv, 3_600_000)).toBeLessThanOrEqual(100);
    expect(conv[129]! - conv[0]!).toBeGreaterThan(3_600_000);
    // bot-wide: never more than 5 in any second, bursts included, and not needlessly slow (4 a second sustained)
    const bot = await schedule(teamsRateKeys(null, pacing), 120);
    expect(most(bot, 1000)).toBeLessThanOrEqual(5);
    expect(most(bot, 1000)).toBeGreaterThanOrEqual(4);
    expect(most(bot, 10_000)).toBeLessThanOrEqual(10 * 5);
    expect(most(bot, 10_000)).toBeGreaterThanOrEqual(10 * 4);
  }, 60_000);
});

describe("routing with Slack and Teams both on", () => {
  const both: OutboxChannel[] = ["slack", "teams"];

  it("each notice once, on the platform last used, or the one of the profile; the owner's card likewise", async () => {
    const deps = teamsDeps(both);
    const s = a.deps.store;
    await s.people.upsertMany([{ email: "paul@acme.fr", name: "Paul Durand", role: "sales", slackUserId: "UPAUL" }]);
    await s.teams.pin("paul@acme.fr", { teamsUserId: "29:paul" });
    await s.teams.setLastPlatform("paul@acme.fr", "teams");
    const d1 = await open(deps);
    const change = (await s.outbox.list({ type: CHAT_CHANGE, orderKey: d1.number })).map((m) => [m.channel, (JSON.parse(m.payload) as ChatChangePayload).ownerPlatform]);
    expect(change).toEqual([["slack", "teams"], ["teams", "teams"]]);
    await nudgeDispute(deps, { dispute: d1.id, byEmail: "claire@acme.fr" });
    expect((await s.outbox.list({ type: REMINDER })).map((m) => m.channel)).toEqual(["teams"]);

    // he used Slack since: the next notice goes there
    await s.teams.setLastPlatform("paul@acme.fr", "slack");
    const d2 = await open(deps);
    await nudgeDispute(deps, { dispute: d2.id, byEmail: "claire@acme.fr" });
    expect((await s.outbox.list({ type: REMINDER, orderKey: d2.number })).map((m) => m.channel)).toEqual(["slack"]);
    // his profile says Teams: it wins over the last used
    expect(await s.teams.setChatPlatform("paul@acme.fr", "teams")).toBe(true);
    const d3 = await open(deps);
    await nudgeDispute(deps, { dispute: d3.id, byEmail: "claire@acme.fr" });
    expect((await s.outbox.list({ type: REMINDER, orderKey: d3.number })).map((m) => m.channel)).toEqual(["teams"]);
  });

  it("the reminder job's notices too: the owner's reminder on his platform, the controller's escalation on hers", async () => {
    const deps = teamsDeps(both);
    const s = a.deps.store;
    await s.people.upsertMany([{ email: "paul@acme.fr", name: "Paul Durand", role: "sales", slackUserId: "UPAUL" }, { email: "claire@acme.fr", name: "Claire Martin", role: "controller", slackUserId: "UCLAIRE" }]);
    await s.teams.pin("paul@acme.fr", { teamsUserId: "29:paul" });
    await s.teams.setLastPlatform("paul@acme.fr", "teams");
    await s.teams.setLastPlatform("claire@acme.fr", "slack");
    const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Prix", ownerEmail: "paul@acme.fr", openedByEmail: "claire@acme.fr", followUpOn: "2026-03-11", priority: "urgent" });
    // the follow-up passes unanswered, twice: a reminder each time, then the controller is told
    for (const at of ["2026-03-11T09:00:00Z", "2026-03-12T09:00:00Z", "2026-03-13T09:00:00Z", "2026-03-16T09:00:00Z", "2026-03-17T09:00:00Z"]) await remindFollowUps(deps, new Date(at));
    const rows = (await s.outbox.list({ type: REMINDER, orderKey: dispute.number })).map((m) => [m.channel, (JSON.parse(m.payload) as ReminderPayload).kind, (JSON.parse(m.payload) as ReminderPayload).email]);
    expect(rows.length).toBeGreaterThan(1);
    for (const [channel, kind, email] of rows) {
      if (email === "paul@acme.fr") expect([kind, channel]).toEqual(["reminder", "teams"]);
      else expect([email, channel]).toEqual(["claire@acme.fr", "slack"]);
    }
    expect(rows.some(([, kind]) => kind !== "reminder")).toBe(true);
  });

  it("unreachable in Teams with a Slack id: the notice is handed to Slack (once), and the next ones go to Slack directly", async () => {
    const deps = teamsDeps(both);
    const s = a.deps.store;
    await s.people.upsertMany([{ email: "paul@acme.fr", name: "Paul Durand", role: "sales", slackUserId: "UPAUL" }]);
    await s.teams.pin("paul@acme.fr", { teamsUserId: "29:paul" });
    await s.teams.setChatPlatform("paul@acme.fr", "teams");
    fake.failNext(1, 404);
    const d = startDelivery(deps);
    const dispute = await open(deps);
    await settle(d, deps);
    expect(fake.posted()).toEqual([]);
    const handed = await s.outbox.list({ channel: "slack", type: OWNER_NOTICE });
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({ status: "pending" });
    expect((await s.outbox.list({ channel: "teams", status: "dead" })).filter((m) => m.lastError?.startsWith(TEAMS_UNREACHABLE))).toEqual([]);
    await nudgeDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr" });
    expect((await s.outbox.list({ type: REMINDER })).map((m) => m.channel)).toEqual(["slack"]);
  }, 30_000);
});

describe("the Teams disputes channel (TEAMS_DISPUTES_CHANNEL)", () => {
  const CHANNEL = "19:litiges@thread.tacv2";
  const channelRef = (): TeamsConversationRef => ({
    conversationId: CHANNEL, kind: "channel", serviceUrl: fake.url, tenantId: "tenant-1", teamsUserId: null, aadObjectId: null, teamId: "19:team@thread.tacv2", channelId: CHANNEL, updatedAt: a.deps.clock(),
  });

  it("each new dispute's card also goes to the channel once, read-only, and every change updates it in place", async () => {
    const deps = teamsDeps();
    const s = a.deps.store;
    await installed("paul");
    // the channel's stored reference (Accord added to the team) gives the service URL: the configured one is never called
    await s.teams.putConversation(channelRef());
    const client = new TeamsConnectorClient({ token: async () => "test-token" });
    delivery = new TeamsDelivery({ deps, client, botId: "28:bot", serviceUrl: "http://127.0.0.1:9", tenantId: "tenant-1", log: silent, pollMs: 50, disputesChannel: CHANNEL });
    delivery.start();
    const dispute = await open(deps);
    await settle(delivery, deps);

    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul", CHANNEL]);
    const inChannel = fake.posted()[1]!;
    expect(cardText(inChannel.activity)).toContain(dispute.number);
    expect(cardText(inChannel.activity)).toContain("Boulangerie Dupont");
    // read-only: no buttons, no per-user refresh (Paul's own copy has his actions)
    expect(actionsOf(inChannel.activity)).toEqual({ actions: [], refresh: undefined });
    expect(actionsOf(fake.posted()[0]!.activity).actions.length).toBeGreaterThan(0);
    expect((await s.teams.cardsOf(dispute.id)).map((c) => [c.kind, c.conversationId, c.viewerEmail])).toEqual([["dm", "a:paul", "paul@acme.fr"], ["channel", CHANNEL, null]]);

    await commentDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", text: "Avoir demandé au commercial" });
    await settle(delivery, deps);
    expect(fake.updated().map((u) => [u.conversationId, u.activityId])).toEqual([["a:paul", fake.posted()[0]!.activityId], [CHANNEL, inChannel.activityId]]);
    expect(cardText(fake.updated()[1]!.activity)).toContain("Avoir demandé au commercial");
    expect(actionsOf(fake.updated()[1]!.activity).actions).toEqual([]);
    // a change is no new dispute: nothing posted again
    expect(fake.posted()).toHaveLength(2);
  }, 30_000);

  it("no stored reference: sent at TEAMS_SERVICE_URL; a channel Accord is not in (404) is logged, not retried, the owner's card goes", async () => {
    const deps = teamsDeps();
    const s = a.deps.store;
    await installed("paul");
    // the configured service URL: a connector where the bot is in no channel
    const other = await startFakeConnector();
    other.failNext(100, 404);
    const warned: string[] = [];
    try {
      const client = new TeamsConnectorClient({ token: async () => "test-token" });
      delivery = new TeamsDelivery({ deps, client, botId: "28:bot", serviceUrl: other.url, tenantId: "tenant-1", log: { ...silent, warn: (_o: object, msg: string) => void warned.push(msg) }, pollMs: 50, disputesChannel: CHANNEL });
      delivery.start();
      const dispute = await open(deps);
      await settle(delivery, deps);
      expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul"]);
      expect(other.calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([`/v3/conversations/${CHANNEL}/activities`]);
      expect(warned).toContain("could not post to the Teams disputes channel (is Accord added to that team?)");
      expect((await s.outbox.list({ channel: "teams", type: CHAT_CHANGE, orderKey: dispute.number }))[0]).toMatchObject({ status: "delivered", attempts: 0 });
      expect((await s.teams.cardsOf(dispute.id)).map((c) => c.kind)).toEqual(["dm"]);
    } finally {
      await delivery?.stop();
      delivery = null;
      await other.close();
    }
  }, 30_000);
});

describe("a Teams reminder is a copy of the dispute, rendered again in place", () => {
  it("later changes update the reminder message (its line and Snooze as the dispute now is): one PUT per copy, changes collapsed", async () => {
    const deps = teamsDeps();
    const s = a.deps.store;
    await installed("paul", "sophie");
    let d = startDelivery(deps);
    const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Prix non conforme au devis", ownerEmail: "paul@acme.fr", openedByEmail: "claire@acme.fr", followUpOn: "2026-03-11" });
    await settle(d, deps);
    // the follow-up passes: Paul's reminder, with the next reminder and his Snooze
    await remindFollowUps(deps, new Date("2026-03-11T09:00:00Z"));
    await settle(d, deps);
    const posts = fake.posted();
    expect(posts.map((p) => p.conversationId)).toEqual(["a:paul", "a:paul"]);
    const reminder = posts[1]!;
    expect(cardText(reminder.activity)).toContain(`le suivi du litige ${dispute.number} était prévu le 11 mars`);
    expect(cardText(reminder.activity)).toContain("prochain rappel le");
    expect(cardText(reminder.activity)).toContain("accord.snooze");
    // rendered for Paul already: no refresh, which would bring back the card without the reminder's line
    expect(actionsOf(reminder.activity).refresh).toBeUndefined();
    expect(actionsOf(posts[0]!.activity).refresh).toMatchObject({ userIds: ["29:paul"] });
    const copies = await s.teams.cardsOf(dispute.id);
    expect(copies.map((k) => [k.kind, k.activityId, k.viewerEmail])).toEqual([["dm", posts[0]!.activityId, "paul@acme.fr"], ["reminder", reminder.activityId, "paul@acme.fr"]]);
    expect(JSON.parse(copies[1]!.notice!)).toMatchObject({ kind: "reminder", email: "paul@acme.fr", ownerEmail: "paul@acme.fr", wasDueOn: "2026-03-11" });
    // the reminder's own refresh updated the card, not the reminder it just posted
    expect(fake.updated().map((u) => u.activityId)).toEqual([posts[0]!.activityId]);

    // two changes while no deliverer runs: a comment, then Claire hands the dispute to Sophie
    await d.stop();
    const before = fake.updated().length;
    await commentDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", text: "Voir avec le commercial" });
    const now = await getDispute(deps, { dispute: dispute.id });
    await reassignDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", version: now.dispute.version, toEmail: "sophie@acme.fr" });
    d = startDelivery(deps);
    await settle(d, deps);
    const updates = fake.updated().slice(before);
    // one PUT per copy (the two changes collapsed), Sophie's card posted
    expect(updates.map((u) => u.activityId).sort()).toEqual([posts[0]!.activityId, reminder.activityId].sort());
    expect(fake.posted().map((p) => p.conversationId)).toEqual(["a:paul", "a:paul", "a:sophie"]);
    const again = updates.find((u) => u.activityId === reminder.activityId)!;
    expect(again.conversationId).toBe("a:paul");
    // what stays true stays (the follow-up that was due); what follows the state: no next reminder nor Snooze for Paul now
    expect(cardText(again.activity)).toContain(`le suivi du litige ${dispute.number} était prévu le 11 mars`);
    expect(cardText(again.activity)).not.toContain("prochain rappel");
    expect(cardText(again.activity)).not.toContain("accord.snooze");
    expect(cardText(again.activity)).toContain("Sophie Leroy");
    expect(cardText(again.activity)).toContain("Voir avec le commercial");
  }, 30_000);
});
