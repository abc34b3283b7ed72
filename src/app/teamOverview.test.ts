import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { getHome } from "./getHome.ts";
import { remindFollowUps } from "./remindFollowUps.ts";
import { teamOverview } from "./teamOverview.ts";
import { thresholdsInMinorUnits, whatToDecide } from "./whatToDecide.ts";

// The manager view's use cases on a real store (the store's queries run on both databases in the contract suite).
// Marc manages Paul and Sophie (seedLedger); Claire is a controller with no team.

describe("teamOverview and whatToDecide", () => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  async function open(ownerEmail: string, items: { ref: string; amount?: string }[], customerRef = "C001", reasonCode = "price", followUpOn = "2026-03-12") {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef, items, reasonCode, statement: "Le prix facturé ne correspond pas au devis.", openedByEmail: "claire@acme.fr", ownerEmail, followUpOn,
    });
    expect(r.status).toBe(201);
    return r.body.dispute as { id: number; number: string; version: number };
  }

  it("a person nobody reports to has no team view", async () => {
    await open("paul@acme.fr", [{ ref: "F-1001" }]);
    expect(await teamOverview(a.deps, { viewerEmail: "claire@acme.fr" })).toBeNull();
    expect((await getHome(a.deps, { viewerEmail: "claire@acme.fr" })).team).toBeNull();
  });

  it("a sales rep named as someone's manager gets no team view (sales reps see their customers' disputes only)", async () => {
    await a.deps.store.people.upsertMany([{ email: "sophie@acme.fr", name: "Sophie Leroy", role: "sales", managerEmail: "paul@acme.fr" }]);
    await open("sophie@acme.fr", [{ ref: "F-2001" }], "C002");
    expect(await a.deps.store.overview.reportCount("paul@acme.fr")).toBe(1);
    expect(await teamOverview(a.deps, { viewerEmail: "paul@acme.fr" })).toBeNull();
  });

  it("a manager sees the team's open disputes by owner, overdue owners first, with counts and amounts per currency", async () => {
    const p1 = await open("paul@acme.fr", [{ ref: "F-1001" }], "C001", "price", "2026-03-20");
    const p2 = await open("paul@acme.fr", [{ ref: "F-1002", amount: "200" }], "C001", "price", "2026-03-25");
    const s1 = await open("sophie@acme.fr", [{ ref: "F-2001" }], "C002", "price", "2026-03-11");
    await open("claire@acme.fr", [{ ref: "F-1003" }]); // Claire is not in Marc's team
    await remindFollowUps(a.deps, new Date("2026-03-11T08:00:00Z")); // Sophie misses her follow-up
    a.clock.set("2026-03-11T10:00:00Z");

    const t = (await teamOverview(a.deps, { viewerEmail: "marc@acme.fr" }))!;
    expect(t.teamSize).toBe(2);
    expect(t.today).toBe("2026-03-11");
    expect(t.owners.map((o) => [o.email, o.count, o.overdue, o.amounts, o.rows.map((r) => r.number)])).toEqual([
      ["sophie@acme.fr", 1, 1, { EUR: 800_00 }, [s1.number]],
      ["paul@acme.fr", 2, 0, { EUR: 1400_00 }, [p1.number, p2.number]],
    ]);
    expect(t.owners[0]!.rows[0]).toMatchObject({ firstMissedOn: "2026-03-11", unanswered: 1, customerName: "Garage Moreau", ownerName: "Sophie Leroy" });
    expect(t.totals).toEqual({ count: 3, overdue: 1, amounts: { EUR: 2200_00 } });
    // the home carries it
    expect((await getHome(a.deps, { viewerEmail: "marc@acme.fr" })).team?.owners.length).toBe(2);
  });

  it("a manager whose team has nothing open still gets the (empty) team view", async () => {
    const t = (await teamOverview(a.deps, { viewerEmail: "marc@acme.fr" }))!;
    expect(t).toMatchObject({ teamSize: 2, owners: [], totals: { count: 0, overdue: 0, amounts: {} } });
    expect(t.decide).toMatchObject({ slaBreaches: [], oldest: [], largest: [], litigation: [] });
  });

  it("what to decide: SLA breaches, the oldest, the largest, and litigation candidates by amount threshold or unanswered reminders", async () => {
    const big = await open("paul@acme.fr", [{ ref: "F-1001" }], "C001", "price", "2026-03-11"); // 1,200.00 €
    a.clock.set("2026-03-10T10:00:00Z");
    const small = await open("sophie@acme.fr", [{ ref: "F-2001", amount: "300" }], "C002", "price", "2026-03-11");
    const w0 = await whatToDecide(a.deps, { managerEmail: "marc@acme.fr" });
    expect(w0.slaBreaches).toEqual([]);
    expect(w0.oldest.map((b) => b.number)).toEqual([big.number, small.number]);
    expect(w0.largest.map((b) => b.number)).toEqual([big.number, small.number]);
    expect(w0.litigation).toEqual([]); // default threshold 50,000 €
    expect(w0.thresholds).toEqual({ EUR: 50000_00 });

    // an admin lowers the threshold over REST: the large one becomes a candidate
    const patch = await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", litigationThreshold: { EUR: 1000 } });
    expect(patch.status).toBe(200);
    expect((await whatToDecide(a.deps, { managerEmail: "marc@acme.fr" })).litigation.map((b) => b.number)).toEqual([big.number]);
    const bad = await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", litigationThreshold: { euro: 1000 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "validation", details: { field: "litigationThreshold.euro" } });

    // months later, past the SLA, with three reminders unanswered: the small one is a candidate too
    for (const day of ["2026-03-11", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]) await remindFollowUps(a.deps, new Date(`${day}T08:00:00Z`));
    a.clock.set("2026-05-04T10:00:00Z");
    const w = await whatToDecide(a.deps, { managerEmail: "marc@acme.fr" });
    expect(w.slaBreaches.map((b) => b.number).sort()).toEqual([big.number, small.number].sort());
    expect((await a.deps.store.followUps.get(small.id))!.unanswered).toBeGreaterThanOrEqual(3);
    expect(w.litigation.map((b) => b.number)).toEqual([big.number, small.number]);
    // another manager's view is empty; the company-wide view has both
    expect((await whatToDecide(a.deps, { managerEmail: "claire@acme.fr" })).oldest).toEqual([]);
    expect((await whatToDecide(a.deps, {})).oldest.length).toBe(2);
  });

  it("thresholds are given in major units and applied in minor units of each currency", () => {
    expect(thresholdsInMinorUnits({ EUR: 50000, JPY: 1000000, TND: 10.5 })).toEqual({ EUR: 5000000, JPY: 1000000, TND: 10500 });
  });
});
