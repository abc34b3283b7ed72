import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { nudgeDispute } from "./nudgeDispute.ts";
import { openDispute } from "./openDispute.ts";
import { REMINDER } from "./remindFollowUps.ts";

// The platform a person sets in their profile (PATCH /preferences chatPlatform): with Slack and Teams both on,
// their notices go there.

describe("the profile's chat platform", () => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { startJobs: false });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  it("REST: set, read back, reset; bad values and empty bodies refused; the notices follow it", async () => {
    const s = a.deps.store;
    await s.people.upsertMany([{ email: "paul@acme.fr", name: "Paul Durand", role: "sales", slackUserId: "UPAUL" }]);
    await s.teams.pin("paul@acme.fr", { teamsUserId: "29:paul" });
    await s.teams.setLastPlatform("paul@acme.fr", "slack");
    const set = await a.call("PATCH", "/api/v1/preferences", { byEmail: "Paul@acme.fr", chatPlatform: "teams" });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ preferences: { email: "paul@acme.fr", notifyOpenerUpdates: true, chatPlatform: "teams" } });
    // Paul last used Slack, but his profile says Teams: the nudge goes to Teams only
    const deps = { ...a.deps, chatQueue: ["slack", "teams"] as const };
    const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Prix", ownerEmail: "paul@acme.fr", openedByEmail: "claire@acme.fr" });
    await nudgeDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr" });
    expect((await s.outbox.list({ type: REMINDER })).map((m) => m.channel)).toEqual(["teams"]);
    // the other preference keeps it
    const other = await a.call("PATCH", "/api/v1/preferences", { byEmail: "paul@acme.fr", notifyOpenerUpdates: false });
    expect(other.body.preferences).toEqual({ email: "paul@acme.fr", notifyOpenerUpdates: false, chatPlatform: "teams" });
    const reset = await a.call("PATCH", "/api/v1/preferences", { byEmail: "paul@acme.fr", chatPlatform: null });
    expect(reset.body.preferences.chatPlatform).toBeNull();
    expect((await s.teams.routes(["paul@acme.fr"]))[0]?.chatPlatform).toBeNull();
    expect((await a.call("PATCH", "/api/v1/preferences", { byEmail: "paul@acme.fr", chatPlatform: "email" })).status).toBe(400);
    expect((await a.call("PATCH", "/api/v1/preferences", { byEmail: "paul@acme.fr" })).status).toBe(400);
    expect((await a.call("PATCH", "/api/v1/preferences", { byEmail: "nobody@acme.fr", chatPlatform: "teams" })).status).toBe(403);
  });
});
