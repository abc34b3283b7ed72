import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { REMIND_BATCH, REMINDER, remindFollowUps, type ReminderPayload } from "./remindFollowUps.ts";

// The reminder job's use case on a real store (SQLite, then PostgreSQL), called with any `now`.

describe.each(["sqlite", "postgres"] as TestDatabase[])("remindFollowUps on %s", (database) => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { database, now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  const deps = () => ({ ...a.deps, chatQueue: ["slack"] as const });
  const run = (iso: string) => remindFollowUps(deps(), new Date(iso));
  const reminders = async () =>
    (await a.deps.store.outbox.list({ channel: "slack", type: REMINDER })).map((m) => JSON.parse(m.payload) as ReminderPayload).map((p) => `${p.kind}>${p.email} ${p.unanswered}`);

  async function openOne(): Promise<{ id: number; number: string; version: number }> {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001",
      items: [{ ref: "F-1001" }],
      reasonCode: "price", // normal priority, 5 follow-up days
      statement: "Le prix facturé ne correspond pas au devis.",
      openedByEmail: "claire@acme.fr",
      ownerEmail: "paul@acme.fr",
      followUpOn: "2026-03-12",
    });
    expect(r.status).toBe(201);
    return r.body.dispute;
  }

  it("reminds the owner at 09:00 their time on the follow-up day, once; moves the follow-up on without changing the version", async () => {
    const d = await openOne();
    expect(await run("2026-03-12T07:59:00Z")).toEqual({ done: 0, failed: 0 }); // 08:59 in Paris
    expect(await run("2026-03-12T08:00:00Z")).toEqual({ done: 1, failed: 0 });
    expect(await run("2026-03-12T08:00:30Z")).toEqual({ done: 0, failed: 0 }); // the next tick: sent already
    expect(await reminders()).toEqual(["reminder>paul@acme.fr 1"]);
    const after = await a.deps.store.disputes.byId(d.id);
    expect(after).toMatchObject({ followUpOn: "2026-03-17", version: d.version }); // Thu 12 + 5 days
    const timeline = await a.deps.store.disputes.timeline(d.id);
    expect(timeline.at(-1)).toMatchObject({ type: "reminded", byEmail: null, data: { kind: "reminder", to: ["paul@acme.fr"], unanswered: 1, firstMissedOn: "2026-03-12", followUpOn: "2026-03-17" } });
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: "2026-03-12", unanswered: 1 });
  });

  it("two processes at the same tick send each notice once; the controller is told after two unanswered reminders", async () => {
    await openOne();
    const both = await Promise.all([run("2026-03-12T09:00:00Z"), run("2026-03-12T09:00:00Z")]);
    expect(both.reduce((n, r) => n + r.done, 0)).toBe(1);
    expect(await run("2026-03-17T09:00:00Z")).toEqual({ done: 1, failed: 0 }); // the second reminder
    // the second reminder has until its follow-up date for an answer: no escalation meanwhile
    expect(await run("2026-03-17T09:00:30Z")).toEqual({ done: 0, failed: 0 });
    expect(await run("2026-03-20T15:00:00Z")).toEqual({ done: 0, failed: 0 });
    // at the third follow-up date the second reminder is unanswered too: the third reminder, and the controller (normal: after 2)
    expect(await run("2026-03-23T09:00:00Z")).toEqual({ done: 2, failed: 0 });
    expect(await run("2026-03-23T09:00:30Z")).toEqual({ done: 0, failed: 0 });
    expect(await reminders()).toEqual(["reminder>paul@acme.fr 1", "reminder>paul@acme.fr 2", "reminder>paul@acme.fr 3", "escalation.controller>claire@acme.fr 2"]);
  });

  it("the owner's action resets the unanswered count and ends the overdue episode; another person's does not", async () => {
    const d = await openOne();
    await run("2026-03-12T08:00:00Z");
    const byController = await a.call("POST", `/api/v1/disputes/${d.id}/comments`, { byEmail: "claire@acme.fr", text: "Relancé le client ?", version: d.version });
    expect(byController.status).toBe(200);
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: "2026-03-12", unanswered: 1 });
    const byOwner = await a.call("POST", `/api/v1/disputes/${d.id}/comments`, { byEmail: "paul@acme.fr", text: "J'appelle le client demain.", version: byController.body.dispute.version });
    expect(byOwner.status).toBe(200);
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: null, unanswered: 0 });
  });

  const absent = (personEmail: string, fromOn: string, untilOn: string, deputyEmail: string | null) =>
    a.deps.store.absences.add({ personEmail, fromOn, untilOn, deputyEmail, createdAt: new Date("2026-03-01T00:00:00Z") });

  it("an absent owner's reminder goes to their deputy, on their behalf; it does not count as unanswered nor escalate", async () => {
    const d = await openOne();
    await absent("paul@acme.fr", "2026-03-12", "2026-03-20", "sophie@acme.fr");
    expect(await run("2026-03-12T08:00:00Z")).toEqual({ done: 1, failed: 0 });
    expect(await reminders()).toEqual(["reminder>sophie@acme.fr 0"]);
    const [m] = await a.deps.store.outbox.list({ channel: "slack", type: REMINDER });
    expect((JSON.parse(m!.payload) as ReminderPayload).onBehalfOf).toEqual({ email: "paul@acme.fr", name: "Paul Durand", untilOn: "2026-03-20" });
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: null, unanswered: 0 });
    expect(await a.deps.store.disputes.byId(d.id)).toMatchObject({ followUpOn: "2026-03-17", version: d.version });
    expect((await a.deps.store.disputes.timeline(d.id)).at(-1)).toMatchObject({ type: "reminded", data: { to: ["sophie@acme.fr"], onBehalfOf: "paul@acme.fr", unanswered: 0 } });
    // still away on the 17th and the 23rd would be the third: nothing counts, the controller is never told
    expect(await run("2026-03-17T09:00:00Z")).toEqual({ done: 1, failed: 0 });
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: null, unanswered: 0 });
    // back on the 23rd (Monday after the 22nd): the owner again, counting from one
    expect(await run("2026-03-23T09:00:00Z")).toEqual({ done: 1, failed: 0 });
    expect(await reminders()).toEqual(["reminder>sophie@acme.fr 0", "reminder>sophie@acme.fr 0", "reminder>paul@acme.fr 1"]);
  });

  it("an absent owner with no deputy (or a deputy away too): the reminder waits for their return, then counts", async () => {
    const d = await openOne();
    await absent("paul@acme.fr", "2026-03-11", "2026-03-13", "sophie@acme.fr");
    await absent("sophie@acme.fr", "2026-03-12", "2026-03-12", null);
    expect(await run("2026-03-12T08:00:00Z")).toEqual({ done: 0, failed: 0 }); // the deputy is away too: held
    expect(await run("2026-03-13T08:00:00Z")).toEqual({ done: 1, failed: 0 }); // the deputy is back: theirs
    expect(await reminders()).toEqual(["reminder>sophie@acme.fr 0"]);
    expect(await a.deps.store.disputes.byId(d.id)).toMatchObject({ followUpOn: "2026-03-18" }); // Fri 13 + 5 days
    await absent("paul@acme.fr", "2026-03-16", "2026-03-18", null);
    expect(await run("2026-03-18T09:00:00Z")).toEqual({ done: 0, failed: 0 }); // no deputy: held
    expect(await run("2026-03-18T15:00:00Z")).toEqual({ done: 0, failed: 0 });
    expect(await run("2026-03-19T08:00:00Z")).toEqual({ done: 1, failed: 0 }); // back: the held reminder, to the owner
    expect(await reminders()).toEqual(["reminder>sophie@acme.fr 0", "reminder>paul@acme.fr 1"]);
    expect(await a.deps.store.followUps.get(d.id)).toMatchObject({ firstMissedOn: "2026-03-18", unanswered: 1 });
  });

  it("nothing at night or on a weekend: a reminder due on Saturday goes on Monday morning", async () => {
    await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001", items: [{ ref: "F-1002" }], reasonCode: "price", statement: "Prix.", openedByEmail: "claire@acme.fr", ownerEmail: "paul@acme.fr", followUpOn: "2026-03-14",
    });
    expect(await run("2026-03-14T10:00:00Z")).toEqual({ done: 0, failed: 0 });
    expect(await run("2026-03-13T20:00:00Z")).toEqual({ done: 0, failed: 0 });
    expect(await run("2026-03-16T08:00:00Z")).toEqual({ done: 1, failed: 0 });
  });

  it("tells the deliverers after each small batch of committed notices, not only at the end of the run", async () => {
    for (let i = 0; i < 25; i++) {
      const r = await a.call("POST", "/api/v1/disputes", {
        customerRef: "C001", items: [{ ref: "F-1001", amount: "1.00" }], reasonCode: "price", statement: `Écart de prix, ligne ${i + 1}.`,
        openedByEmail: "claire@acme.fr", ownerEmail: "paul@acme.fr", followUpOn: "2026-03-12",
      });
      expect(r.status).toBe(201);
    }
    // at each signal, what the queue holds already (read as a deliverer would, on its own connection)
    const seen: Promise<number>[] = [];
    const out = await remindFollowUps(deps(), new Date("2026-03-12T09:00:00Z"), { onQueued: () => void seen.push(a.deps.store.outbox.list({ channel: "slack", type: REMINDER }).then((l) => l.length)) });
    expect(out).toEqual({ done: 25, failed: 0 });
    expect(REMIND_BATCH).toBe(10);
    // after 10, after 20, and the last 5
    expect(seen).toHaveLength(3);
    expect(await seen[0]).toBeGreaterThanOrEqual(10);
    expect(await seen[2]).toBe(25);
  });
});
