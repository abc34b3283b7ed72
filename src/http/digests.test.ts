import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";

// The channels' digests over REST (issue 11): subscribe, change, list, stop; refusals in the caller's language.

let a: TestAccord;
beforeAll(async () => {
  a = await startTestAccord();
  await seedLedger(a);
});
afterAll(async () => a?.stop());

describe("/digests", () => {
  it("subscribes a channel (201), the same filters again change it (200), lists and stops it", async () => {
    const r = await a.call("POST", "/api/v1/digests", { byEmail: "marc@acme.fr", channelId: "C0DIGEST", time: "8:30", cadence: "weekly", reasonCode: "price" });
    expect(r.status).toBe(201);
    expect(r.body.digest).toMatchObject({ platform: "slack", channelId: "C0DIGEST", time: "08:30", cadence: "weekly", always: false, reasonCode: "price", ownerEmail: null, locale: "fr", createdByEmail: "marc@acme.fr", coveredUntil: null });
    const again = await a.call("POST", "/api/v1/digests", { byEmail: "ana@acme.fr", channelId: "C0DIGEST", reasonCode: "price", always: true, locale: "en" });
    expect(again.status).toBe(200);
    expect(again.body.digest).toMatchObject({ id: r.body.digest.id, time: "09:00", cadence: "daily", always: true, locale: "en", createdByEmail: "marc@acme.fr" });
    const list = await a.call("GET", "/api/v1/digests?channelId=C0DIGEST");
    expect(list.status).toBe(200);
    expect(list.body.digests.map((d: { id: number }) => d.id)).toEqual([r.body.digest.id]);
    expect((await a.call("GET", "/api/v1/digests?channelId=C0OTHER")).body.digests).toEqual([]);
    const off = await a.call("DELETE", "/api/v1/digests?byEmail=claire@acme.fr&channelId=C0DIGEST");
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ removed: 1 });
    expect((await a.call("GET", "/api/v1/digests")).body.digests).toEqual([]);
  });

  it("refuses a bad time, an unknown reason, a sales rep, in the caller's language", async () => {
    const bad = await a.call("POST", "/api/v1/digests", { byEmail: "marc@acme.fr", channelId: "C0DIGEST", time: "25:00" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toBe("time\u00a0: «\u00a025:00\u00a0» n'est pas une heure\u00a0: indiquez-la par exemple sous la forme 08h30.");
    const reason = await a.call("POST", "/api/v1/digests", { byEmail: "ana@acme.fr", channelId: "C0DIGEST", reasonCode: "nope" });
    expect(reason.status).toBe(422);
    expect(reason.body.error.message).toBe("reasonCode: No dispute reason nope.");
    const sales = await a.call("POST", "/api/v1/digests", { byEmail: "paul@acme.fr", channelId: "C0DIGEST" });
    expect(sales.status).toBe(403);
    const salesOff = await a.call("DELETE", "/api/v1/digests?byEmail=paul@acme.fr&channelId=C0DIGEST");
    expect(salesOff.status).toBe(403);
    // a Teams conversation id is not a Slack channel id (Teams channels: platform "teams", src/teams/digest.test.ts)
    expect((await a.call("POST", "/api/v1/digests", { byEmail: "marc@acme.fr", channelId: "19:litiges@thread.tacv2" })).status).toBe(400);
    expect((await a.call("POST", "/api/v1/digests", { byEmail: "marc@acme.fr", channelId: "C0 DIGEST", platform: "teams" })).status).toBe(400);
    expect((await a.call("GET", "/api/v1/digests")).body.digests).toEqual([]);
  });
});
