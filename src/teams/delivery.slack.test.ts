import { afterEach, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { OWNER_NOTICE } from "../app/chatQueue.ts";
import { nudgeDispute } from "../app/nudgeDispute.ts";
import { REMINDER } from "../app/remindFollowUps.ts";
import { startHarness, USERS, type Harness } from "../slack/testing/harness.ts";
import { teamsEnv } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// Slack and Teams on at once (the fake Slack Web API and the fake Bot Connector): each person's notice is delivered
// once, on their platform; an owner Slack cannot reach any more but Teams can gets the card in Teams.

let h: Harness | null = null;
let connector: FakeConnector | null = null;
afterEach(async () => {
  await h?.stop();
  await connector?.close();
  h = null;
  connector = null;
});

async function start(): Promise<{ h: Harness; connector: FakeConnector }> {
  connector = await startFakeConnector();
  h = await startHarness({ env: teamsEnv({ connectorUrl: connector.url }) });
  return { h, connector };
}

const teamsCards = (c: FakeConnector, conversationId: string) => c.posted().filter((p) => p.conversationId === conversationId && Array.isArray(p.activity.attachments));

describe("Slack and Teams together", () => {
  it("the owner's card once, where the owner last used Accord: Teams for one, Slack for the other", async () => {
    const { h, connector } = await start();
    const s = h.accord.deps.store;
    expect(h.accord.deps.chatQueue).toEqual(["slack", "teams"]);
    // Sid uses Teams (pinned, his personal chat stored); Sam uses Slack
    await s.teams.pin(USERS.sid.email, { teamsUserId: "29:sid", aadObjectId: "aad-sid" });
    await s.teams.putConversation({ conversationId: "a:sid", kind: "personal", serviceUrl: connector.url, tenantId: null, teamsUserId: "29:sid", aadObjectId: "aad-sid", teamId: null, channelId: null, updatedAt: h.accord.deps.clock() });
    await s.teams.setLastPlatform(USERS.sid.email, "teams");
    await s.teams.setLastPlatform(USERS.sam.email, "slack");
    const forSid = await openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix", ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email });
    const forSam = await openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: "F-2026-002" }], reasonCode: "price", statement: "Prix", ownerEmail: USERS.sam.email, openedByEmail: USERS.carla.email });
    await h.idle();
    await h.accord.teamsDelivery!.idle();
    const sidCards = teamsCards(connector, "a:sid");
    expect(sidCards).toHaveLength(1);
    expect(JSON.stringify(sidCards[0]!.activity)).toContain(forSid.dispute.number);
    expect(h.fake.posts(`D${USERS.sid.id.replace(/^U/, "")}`)).toEqual([]);
    expect(h.fake.posts(`D${USERS.sam.id.replace(/^U/, "")}`).map((p) => JSON.stringify(p.blocks)).filter((b) => b.includes(forSam.dispute.number))).toHaveLength(1);
    expect(connector.posted().filter((p) => JSON.stringify(p.activity).includes(forSam.dispute.number))).toEqual([]);
  }, 40_000);

  it("an owner Slack cannot find (gone from the workspace) but Teams can: the card goes to Teams, nothing is left dead", async () => {
    const { h, connector } = await start();
    const s = h.accord.deps.store;
    // she last used Slack, but the workspace no longer has her (users.lookupByEmail: users_not_found)
    await s.people.upsertMany([{ email: "nadia@acme.test", name: "Nadia Nomad", role: "sales" }]);
    await s.teams.pin("nadia@acme.test", { teamsUserId: "29:nadia" });
    await s.teams.putConversation({ conversationId: "a:nadia", kind: "personal", serviceUrl: connector.url, tenantId: null, teamsUserId: "29:nadia", aadObjectId: null, teamId: null, channelId: null, updatedAt: h.accord.deps.clock() });
    await s.teams.setLastPlatform("nadia@acme.test", "slack");
    const { dispute } = await openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix", ownerEmail: "nadia@acme.test", openedByEmail: USERS.carla.email });
    await h.idle();
    await h.accord.teamsDelivery!.idle();
    const cards = teamsCards(connector, "a:nadia");
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0]!.activity)).toContain(dispute.number);
    expect(await s.outbox.list({ status: "dead", type: OWNER_NOTICE })).toEqual([]);
    // a nudge routed to Slack (her last platform) is handed to Teams the same way, once
    const r = await nudgeDispute(h.accord.deps, { dispute: dispute.id, byEmail: USERS.carla.email });
    expect(r.sent).toBe(true);
    expect((await s.outbox.list({ type: REMINDER })).map((m) => m.channel)).toEqual(["slack"]);
    await h.idle();
    await h.accord.teamsDelivery!.idle();
    const after = teamsCards(connector, "a:nadia");
    expect(after).toHaveLength(2);
    expect(JSON.stringify(after[1]!.activity)).toContain("Carla Control");
    expect((await s.outbox.list({ type: REMINDER })).map((m) => [m.channel, m.status])).toEqual([["slack", "delivered"], ["teams", "delivered"]]);
  }, 40_000);
});
