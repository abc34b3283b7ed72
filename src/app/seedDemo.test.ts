import { afterEach, describe, expect, it } from "vitest";
import { startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { remindFollowUps } from "./remindFollowUps.ts";
import { reloadDemo, seedDemo } from "./seedDemo.ts";

// `seed --demo --reset` on both databases: the wipe and the reload are one transaction.

describe.each(["sqlite", "postgres"] as TestDatabase[])("reloading the demo on %s", (database) => {
  let a: TestAccord;
  afterEach(async () => {
    await a?.stop();
  });

  it("empties every table and loads the demo again; a failure inside leaves the database as it was", async () => {
    a = await startTestAccord({}, { database });
    const first = await seedDemo(a.deps);
    const numbers = (await a.deps.store.disputes.list({})).map((d) => d.number).sort();
    const again = await reloadDemo(a.deps, { discardData: false });
    expect(again).toEqual({ loaded: first });
    expect((await a.deps.store.customers.list()).length).toBe(50);
    expect((await a.deps.store.disputes.list({})).map((d) => d.number).sort()).toEqual(numbers);

    await a.deps.store.people.upsertMany([{ email: "alice@acme.fr", name: "Alice Real", role: "controller" }]);
    expect(await reloadDemo(a.deps, { discardData: false })).toEqual({ refused: { people: ["alice@acme.fr"], customers: [] } });
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).not.toBeNull();

    // nothing half-written: a failure after the wipe rolls the wipe back
    await expect(a.deps.store.wipeThen(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).not.toBeNull();
    expect((await a.deps.store.customers.list()).length).toBe(50);

    expect("loaded" in (await reloadDemo(a.deps, { discardData: true }))).toBe(true);
    expect(await a.deps.store.people.byEmail("alice@acme.fr")).toBeNull();
    expect((await a.deps.store.customers.list()).length).toBe(50);
  }, 120_000);
});

// What a newcomer opening the demo checks: overdue follow-ups with unanswered reminders, one dispute past its SLA,
// reminders and an escalation to come at once or at the next working morning, and the manager's digest channel.
describe("the demo's follow-ups (SQLite, on Tuesday 10 March 2026 at 10:00 in Paris)", () => {
  let a: TestAccord;
  afterEach(async () => {
    await a?.stop();
  });

  it("has overdue disputes with unanswered reminders, one past its SLA, and more due by the next working morning", async () => {
    a = await startTestAccord({}, { now: "2026-03-10T09:00:00Z" });
    const loaded = await seedDemo(a.deps, { digestChannel: "C0LITIGES1" });
    expect(loaded.disputes).toBe(12);
    const { store } = a.deps;
    const open = (await store.disputes.list({})).filter((d) => d.status === "open");
    const timeline = async (id: number) => (await store.disputes.timeline(id)).map((e) => e.type);
    const records = await Promise.all(open.map(async (d) => ({ d, f: await store.followUps.get(d.id), t: await timeline(d.id) })));
    const overdue = records.filter((r) => r.f?.firstMissedOn);
    expect(overdue.length).toBeGreaterThanOrEqual(2);
    for (const r of overdue) {
      expect(r.f!.firstMissedOn! < "2026-03-10").toBe(true);
      expect(r.f!.unanswered).toBeGreaterThanOrEqual(1);
      // each reminder is a line on the dispute's timeline
      expect(r.t.filter((e) => e === "reminded").length).toBe(r.f!.unanswered);
    }
    // one past its SLA, already escalated (history: the escalation is on its timeline)
    const late = open.filter((d) => d.slaDueOn !== null && d.slaDueOn < "2026-03-10");
    expect(late).toHaveLength(1);
    expect(await timeline(late[0]!.id)).toEqual(expect.arrayContaining(["reminded", "escalated"]));
    // one whose follow-up is today with no reminder yet, one for tomorrow (Wednesday)
    expect(records.filter((r) => r.d.followUpOn === "2026-03-10" && !r.t.includes("reminded"))).toHaveLength(1);
    expect(open.some((d) => d.followUpOn === "2026-03-11")).toBe(true);
    // the replayed past sent nothing: no reminder waits in the delivery queue
    expect((await store.outbox.list({ status: "pending", limit: 500 })).filter((m) => m.type === "dispute.reminder")).toEqual([]);

    // what the reminder job does today and at the next mornings: reminders, then an escalation to the controller
    const run = (iso: string) => remindFollowUps({ ...a.deps, chatQueue: ["slack"] }, new Date(iso));
    expect((await run("2026-03-10T09:00:00Z")).done).toBeGreaterThanOrEqual(1);
    let escalated = false;
    for (const day of ["2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16"]) {
      await run(`${day}T08:00:00Z`);
      for (const d of open) escalated ||= (await store.disputes.timeline(d.id)).some((e) => e.type === "escalated" && e.at.getTime() === Date.parse(`${day}T08:00:00Z`));
    }
    expect(escalated).toBe(true);

    // the manager's digest channel, every working day at 09:00, in French
    const subs = await store.digest.subscriptions({ platform: "slack", channelId: "C0LITIGES1" });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ time: "09:00", cadence: "daily", locale: "fr", createdByEmail: "marc.petit@demo.accord.fr" });
  }, 120_000);
});
