import { Client } from "@microsoft/teams.api";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_ACCESS_TOKEN, startFakeConnector, type FakeConnector } from "./fakeConnector.ts";

// The fake Bot Connector answers the SDK's own API client (paths, bodies, ids) the way the real one does.

describe("fake Bot Connector", () => {
  let fc: FakeConnector;
  afterEach(async () => {
    await fc.close();
  });

  it("records the activities the SDK client posts, replies and updates, and answers their ids", async () => {
    fc = await startFakeConnector();
    const client = new Client(fc.url, { headers: { authorization: "Bearer tok-1" } });
    const first = await client.conversations.createActivity("a:1", { type: "message", text: "bonjour" });
    const reply = await client.conversations.replyToActivity("a:1", first.id, { type: "message", text: "suite" });
    expect(first.id).not.toBe(reply.id);
    await client.conversations.updateActivity("a:1", first.id, { type: "message", text: "modifié" });
    expect(fc.posted().map((p) => [p.conversationId, p.activityId, p.replyToId, p.activity.text])).toEqual([
      ["a:1", first.id, null, "bonjour"],
      ["a:1", reply.id, first.id, "suite"],
    ]);
    expect(fc.updated().map((u) => [u.conversationId, u.activityId, u.activity.text])).toEqual([["a:1", first.id, "modifié"]]);
    expect(fc.bearerTokens()).toEqual(["tok-1", "tok-1", "tok-1"]);
  });

  it("creates conversations, answers member lookups for registered members only, and hands out tokens", async () => {
    fc = await startFakeConnector();
    const client = new Client(fc.url);
    const conv = await client.conversations.create({ isGroup: false, members: [{ id: "29:ann", name: "Ann", role: "user" }], tenantId: "T1" } as never);
    expect(fc.created()).toEqual([{ conversationId: conv.id, params: expect.objectContaining({ tenantId: "T1" }) }]);
    fc.addMember({ id: "29:ann", name: "Ann", aadObjectId: "aad-ann", email: "ann@acme.test", userPrincipalName: "ann@acme.onmicrosoft.com" });
    const ann = await client.conversations.getMemberById(conv.id, "29:ann");
    expect(ann).toMatchObject({ aadObjectId: "aad-ann", email: "ann@acme.test", userPrincipalName: "ann@acme.onmicrosoft.com" });
    await expect(client.conversations.getMemberById(conv.id, "29:zoe")).rejects.toThrow();
    const token = await fetch(`${fc.url}/T1/oauth2/v2.0/token`, { method: "POST", body: "grant_type=client_credentials" });
    expect(await token.json()).toMatchObject({ access_token: FAKE_ACCESS_TOKEN, token_type: "Bearer" });
  });

  it("fails the next calls when told, then answers again", async () => {
    fc = await startFakeConnector();
    const client = new Client(fc.url);
    fc.failNext(1, 429);
    await expect(client.conversations.createActivity("a:1", { type: "message", text: "x" })).rejects.toThrow();
    const ok = await client.conversations.createActivity("a:1", { type: "message", text: "y" });
    expect(fc.posted().map((p) => [p.activityId, p.activity.text])).toEqual([[ok.id, "y"]]);
    expect(fc.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /v3/conversations/a:1/activities", "POST /v3/conversations/a:1/activities"]);
  });
});
