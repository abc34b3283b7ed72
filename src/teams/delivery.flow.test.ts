import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { installationActivity, messageActivity, postActivity, teamsEnv, type TeamsUser } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// The whole Accord with Teams on (dev flag, no token) against the fake Bot Connector: the server starts the Teams
// deliverer, changes reach Teams through the queue, a person who installs the app gets what waited for them, and
// `digest here` typed in a channel subscribes it.

type Json = Record<string, any>;
const CLAIRE: TeamsUser = { id: "29:claire", name: "Claire Martin", aadObjectId: "aad-claire" };
const PAUL: TeamsUser = { id: "29:paul", name: "Paul Durand", aadObjectId: "aad-paul" };
const SOPHIE: TeamsUser = { id: "29:sophie", name: "Sophie Leroy", aadObjectId: "aad-sophie" };

let accord: TestAccord;
let connector: FakeConnector;

beforeEach(async () => {
  connector = await startFakeConnector();
  accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
  await seedLedger(accord);
  connector.addMember({ id: CLAIRE.id, aadObjectId: "aad-claire", email: "claire@acme.fr", userPrincipalName: "claire@acme.fr" });
  connector.addMember({ id: PAUL.id, aadObjectId: "aad-paul", email: "paul@acme.fr", userPrincipalName: "paul@acme.fr" });
  connector.addMember({ id: SOPHIE.id, aadObjectId: "aad-sophie", email: "sophie@acme.fr", userPrincipalName: "sophie@acme.fr" });
});
afterEach(async () => {
  await accord.stop();
  await connector.close();
});

const cardsIn = (conversationId: string) =>
  connector.posted().filter((p) => p.conversationId === conversationId && Array.isArray(p.activity.attachments)).map((p) => JSON.stringify((p.activity.attachments as Json[])[0]!.content));

async function openFor(ownerEmail: string, ref = "F-1001") {
  const r = await accord.call("POST", "/api/v1/disputes", { customerRef: "C001", items: [{ ref }], reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis.", openedByEmail: "claire@acme.fr", ownerEmail });
  expect(r.status).toBe(201);
  return r.body.dispute as { id: number; number: string; version: number };
}

describe("Teams through the delivery queue, as the server runs it", () => {
  it("the owner who installed the app gets the card in their personal chat; a later change updates it in place", async () => {
    expect(accord.deps.chatQueue).toEqual(["teams"]);
    expect((await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: PAUL }))).status).toBe(200);
    const d = await openFor("paul@acme.fr");
    await accord.teamsDelivery!.idle();
    const cards = cardsIn("a:personal-29:paul");
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(d.number);
    const r = await accord.call("POST", `/api/v1/disputes/${d.number}/comments`, { byEmail: "claire@acme.fr", text: "Le client a renvoyé le devis signé." });
    expect(r.status).toBeLessThan(300);
    await accord.teamsDelivery!.idle();
    const updated = connector.updated().filter((u) => u.conversationId === "a:personal-29:paul");
    expect(updated).toHaveLength(1);
    expect(JSON.stringify(updated[0]!.activity)).toContain("Le client a renvoyé le devis signé.");
  }, 30_000);

  it("an owner who has not installed the app: kept, shown to the controller, sent when they install it", async () => {
    const d = await openFor("sophie@acme.fr");
    await accord.teamsDelivery!.idle();
    expect(connector.posted()).toEqual([]);
    const x = await accord.call("GET", `/api/v1/outbox?status=failed&channel=teams`);
    expect(x.body.messages.map((m: Json) => [m.type, String(m.lastError)])).toEqual([["dispute.owner_notice", "teams_unreachable: not_installed"]]);
    expect((await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: SOPHIE, locale: "en-GB" }))).status).toBe(200);
    await accord.teamsDelivery!.idle();
    const cards = cardsIn("a:personal-29:sophie");
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(d.number);
    expect(await accord.deps.store.teams.unreachable()).toEqual([]);
  }, 30_000);

  it("a refused Teams token: /readyz says degraded (Teams paused), the card waits in the queue", async () => {
    expect((await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: PAUL }))).status).toBe(200);
    expect(((await (await fetch(`${accord.url}/readyz`)).json()) as Json).status).toBe("ready");
    connector.failNext(1, 401);
    await openFor("paul@acme.fr");
    const end = Date.now() + 10_000;
    let ready: Json = {};
    while (Date.now() < end) {
      ready = (await (await fetch(`${accord.url}/readyz`)).json()) as Json;
      if (ready.status === "degraded") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ready).toMatchObject({ status: "degraded", teams: { status: "paused", reason: "token_refused" } });
    expect(cardsIn("a:personal-29:paul")).toEqual([]);
    expect(await accord.deps.store.outbox.list({ channel: "teams", status: "pending" })).toHaveLength(1);
  }, 30_000);

  it("`digest here` in a channel subscribes it, in the person's language", async () => {
    const res = await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: CLAIRE, scope: "channel", text: "digest here 08:30 weekly" }));
    expect(res.status).toBe(200);
    const answer = connector.posted().find((p) => p.conversationId === "19:general@thread.tacv2");
    expect(String(answer?.activity.text)).toContain("ce canal recevra la synthèse des litiges");
    expect(await accord.deps.store.digest.subscriptions({ platform: "teams" })).toMatchObject([{ channelId: "19:general@thread.tacv2", time: "08:30", cadence: "weekly", createdByEmail: "claire@acme.fr" }]);
  }, 30_000);
});
