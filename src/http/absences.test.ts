import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";

// REST absences and deputies (issue 11): who may set them, what is refused (422 naming the field, in the
// caller's language), list and remove.

let a: TestAccord;
beforeAll(async () => {
  a = await startTestAccord({}, { now: "2026-12-01T09:00:00Z" });
  await seedLedger(a);
});
afterAll(async () => a?.stop());

const path = (email: string) => `/api/v1/people/${encodeURIComponent(email)}/absences`;

describe("absences over REST", () => {
  it("the person themself marks an absence with a deputy; it is listed; removed by their manager", async () => {
    const r = await a.call("POST", path("paul@acme.fr"), { byEmail: "paul@acme.fr", fromOn: "2026-12-10", untilOn: "2026-12-12", deputyEmail: "Sophie@acme.fr" });
    expect(r.status).toBe(201);
    expect(r.body.absence).toMatchObject({ personEmail: "paul@acme.fr", fromOn: "2026-12-10", untilOn: "2026-12-12", deputyEmail: "sophie@acme.fr" });
    const list = await a.call("GET", path("paul@acme.fr"));
    expect(list.status).toBe(200);
    expect(list.body.absences.map((x: { id: number }) => x.id)).toEqual([r.body.absence.id]);
    expect((await a.call("DELETE", `${path("paul@acme.fr")}/${r.body.absence.id}?byEmail=marc@acme.fr`)).status).toBe(204);
    expect((await a.call("GET", path("paul@acme.fr"))).body.absences).toEqual([]);
    const again = await a.call("DELETE", `${path("paul@acme.fr")}/${r.body.absence.id}?byEmail=marc@acme.fr`);
    expect(again.status).toBe(404);
  });

  it("their manager and an admin may set one, with no deputy; a colleague may not (403, in their language)", async () => {
    expect((await a.call("POST", path("paul@acme.fr"), { byEmail: "marc@acme.fr", fromOn: "2026-12-20", untilOn: "2026-12-31" })).status).toBe(201);
    expect((await a.call("POST", path("paul@acme.fr"), { byEmail: "ana@acme.fr", fromOn: "2027-01-05", untilOn: "2027-01-05", deputyEmail: null })).status).toBe(201);
    const byColleague = await a.call("POST", path("paul@acme.fr"), { byEmail: "claire@acme.fr", fromOn: "2026-12-20", untilOn: "2026-12-31" });
    expect(byColleague.status).toBe(403);
    expect(byColleague.body.error.message).toContain("claire@acme.fr ne peut pas déclarer les absences de paul@acme.fr");
    const list = (await a.call("GET", path("paul@acme.fr"))).body.absences;
    expect(list.map((x: { fromOn: string }) => x.fromOn)).toEqual(["2026-12-20", "2027-01-05"]);
    const removeByColleague = await a.call("DELETE", `${path("paul@acme.fr")}/${list[0].id}?byEmail=sophie@acme.fr`);
    expect(removeByColleague.status).toBe(403);
    expect(removeByColleague.body.error.message).toContain("sophie@acme.fr may not set the absences of paul@acme.fr");
  });

  it("refuses with 422 naming the field, in the caller's language: until before from, unknown deputy, oneself as deputy", async () => {
    const before = await a.call("POST", path("paul@acme.fr"), { byEmail: "paul@acme.fr", fromOn: "2026-12-12", untilOn: "2026-12-10" });
    expect(before.status).toBe(422);
    expect(before.body.error.details.field).toBe("untilOn");
    expect(before.body.error.message).toMatch(/^untilOn\u00a0: /);
    expect(before.body.error.message).toContain("12 déc. 2026");

    const unknown = await a.call("POST", path("sophie@acme.fr"), { byEmail: "sophie@acme.fr", fromOn: "2026-12-10", untilOn: "2026-12-10", deputyEmail: "ghost@acme.fr" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.field).toBe("deputyEmail");
    expect(unknown.body.error.message).toBe("deputyEmail: ghost@acme.fr is not a known Accord user: ask an admin to add them.");

    const self = await a.call("POST", path("paul@acme.fr"), { byEmail: "paul@acme.fr", fromOn: "2026-12-10", untilOn: "2026-12-10", deputyEmail: "paul@acme.fr" });
    expect(self.status).toBe(422);
    expect(self.body.error.details.field).toBe("deputyEmail");
    expect(self.body.error.message).toContain("ne peut pas être son propre suppléant");

    const badDate = await a.call("POST", path("paul@acme.fr"), { byEmail: "paul@acme.fr", fromOn: "2026-02-30", untilOn: "2026-12-10" });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.details.field).toBe("fromOn");
    // nothing of the refused ones was written
    expect((await a.call("GET", path("sophie@acme.fr"))).body.absences).toEqual([]);
  });

  it("an unknown person has no absences to set (422 on email); the openapi document lists the routes", async () => {
    const r = await a.call("POST", path("ghost@acme.fr"), { byEmail: "ana@acme.fr", fromOn: "2026-12-10", untilOn: "2026-12-10" });
    expect(r.status).toBe(422);
    expect(r.body.error.details.field).toBe("email");
    const doc = (await a.call("GET", "/api/v1/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/people/{email}/absences", "/people/{email}/absences/{id}"]));
  });
});
