import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { nudgeDispute } from "./nudgeDispute.ts";
import { REMINDER, type ReminderPayload } from "./remindFollowUps.ts";

// Nudge (issue 11) on a real store (SQLite, then PostgreSQL): who may, open disputes only, once an hour, and what
// one transaction writes.

describe.each(["sqlite", "postgres"] as TestDatabase[])("nudgeDispute on %s", (database) => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { database, now: "2026-03-10T09:12:00Z" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  const deps = () => ({ ...a.deps, chatQueue: ["slack"] as const });
  const nudges = async () =>
    (await a.deps.store.outbox.list({ channel: "slack", type: REMINDER })).map((m) => JSON.parse(m.payload) as ReminderPayload).map((p) => `${p.kind}>${p.email} by ${p.byEmail}`);

  async function openOne(): Promise<{ id: number; number: string; version: number }> {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis.",
      openedByEmail: "claire@acme.fr", ownerEmail: "paul@acme.fr", followUpOn: "2026-03-12",
    });
    expect(r.status).toBe(201);
    return r.body.dispute;
  }

  it("the controller nudges the owner: a DM queued for the owner, a nudged line on the timeline, the version unchanged", async () => {
    const d = await openOne();
    const r = await nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" });
    expect(r).toMatchObject({ sent: true, ownerEmail: "paul@acme.fr" });
    expect(await nudges()).toEqual(["nudge>paul@acme.fr by claire@acme.fr"]);
    expect((await a.deps.store.disputes.timeline(d.id)).at(-1)).toMatchObject({ type: "nudged", byEmail: "claire@acme.fr", data: { to: "paul@acme.fr" } });
    expect(await a.deps.store.disputes.byId(d.id)).toMatchObject({ version: d.version });
    expect((await a.deps.store.followUps.notices(d.id)).map((n) => n.kind)).toEqual(["nudge"]);
  });

  it("the owner's manager and an admin may nudge; the owner and another sales rep may not", async () => {
    const d = await openOne();
    await expect(nudgeDispute(deps(), { dispute: d.number, byEmail: "paul@acme.fr" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(nudgeDispute(deps(), { dispute: d.number, byEmail: "sophie@acme.fr" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await nudges()).toEqual([]);
    expect(await nudgeDispute(deps(), { dispute: d.number, byEmail: "marc@acme.fr" })).toMatchObject({ sent: true });
    a.clock.set("2026-03-10T10:30:00Z");
    expect(await nudgeDispute(deps(), { dispute: d.number, byEmail: "ana@acme.fr" })).toMatchObject({ sent: true });
    expect(await nudges()).toEqual(["nudge>paul@acme.fr by marc@acme.fr", "nudge>paul@acme.fr by ana@acme.fr"]);
  });

  it("a controller who owns the dispute cannot nudge themselves", async () => {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001", items: [{ ref: "F-1002" }], reasonCode: "price", statement: "Prix.", openedByEmail: "claire@acme.fr", ownerEmail: "claire@acme.fr",
    });
    expect(r.status).toBe(201);
    await expect(nudgeDispute(deps(), { dispute: r.body.dispute.number, byEmail: "claire@acme.fr" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("once an hour: a second nudge within the hour is refused with the instant of the last one and of the next possible one", async () => {
    const d = await openOne();
    await nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" });
    a.clock.set("2026-03-10T10:05:00Z"); // another clock hour, less than an hour later
    const again = await nudgeDispute(deps(), { dispute: d.number, byEmail: "marc@acme.fr" });
    expect(again).toMatchObject({ sent: false, lastAt: new Date("2026-03-10T09:12:00Z"), nextAt: new Date("2026-03-10T10:12:00Z") });
    expect(await nudges()).toHaveLength(1);
    expect((await a.deps.store.disputes.timeline(d.id)).filter((e) => e.type === "nudged")).toHaveLength(1);
    a.clock.set("2026-03-10T10:12:00Z");
    expect(await nudgeDispute(deps(), { dispute: d.number, byEmail: "marc@acme.fr" })).toMatchObject({ sent: true });
    expect(await nudges()).toHaveLength(2);
  });

  it("an owner away today (their local date): the nudge goes to their deputy, on their behalf; with no deputy at hand, to the owner", async () => {
    const d = await openOne();
    const absent = (personEmail: string, fromOn: string, untilOn: string, deputyEmail: string | null) =>
      a.deps.store.absences.add({ personEmail, fromOn, untilOn, deputyEmail, createdAt: new Date("2026-03-01T00:00:00Z") });
    await absent("paul@acme.fr", "2026-03-10", "2026-03-12", "sophie@acme.fr");
    const r = await nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" });
    expect(r).toMatchObject({ sent: true, ownerEmail: "paul@acme.fr", deputyEmail: "sophie@acme.fr" });
    expect(await nudges()).toEqual(["nudge>sophie@acme.fr by claire@acme.fr"]);
    const row = JSON.parse((await a.deps.store.outbox.list({ channel: "slack", type: REMINDER }))[0]!.payload) as ReminderPayload;
    expect(row.onBehalfOf).toMatchObject({ email: "paul@acme.fr", untilOn: "2026-03-12" });
    expect((await a.deps.store.disputes.timeline(d.id)).at(-1)).toMatchObject({ type: "nudged", data: { to: "sophie@acme.fr", onBehalfOf: "paul@acme.fr" } });
    // the deputy away too: no deputy at hand, the next nudge goes to the owner
    await absent("sophie@acme.fr", "2026-03-10", "2026-03-10", null);
    a.clock.set("2026-03-10T10:30:00Z");
    const again = await nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" });
    expect(again).toMatchObject({ sent: true, ownerEmail: "paul@acme.fr" });
    expect(again.sent && again.deputyEmail).toBeUndefined();
    expect(await nudges()).toEqual(["nudge>sophie@acme.fr by claire@acme.fr", "nudge>paul@acme.fr by claire@acme.fr"]);
  });

  it("two clicks at once send one nudge", async () => {
    const d = await openOne();
    const both = await Promise.all([nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" }), nudgeDispute(deps(), { dispute: d.number, byEmail: "marc@acme.fr" })]);
    expect(both.filter((r) => r.sent)).toHaveLength(1);
    expect(await nudges()).toHaveLength(1);
  });

  it("a closed dispute cannot be nudged", async () => {
    const d = await openOne();
    const w = await a.call("POST", `/api/v1/disputes/${d.number}/withdraw`, { byEmail: "claire@acme.fr", note: "Erreur de saisie.", version: d.version });
    expect(w.status).toBe(200);
    await expect(nudgeDispute(deps(), { dispute: d.number, byEmail: "claire@acme.fr" })).rejects.toMatchObject({ code: "illegal_transition" });
    expect(await nudges()).toEqual([]);
    const rest = await a.call("POST", `/api/v1/disputes/${d.number}/nudge`, { byEmail: "marc@acme.fr" });
    expect(rest.status).toBe(409);
    expect(rest.body.error.code).toBe("illegal_transition");
    expect(await nudges()).toEqual([]);
  });

  it("REST: POST /disputes/{number}/nudge — 200 with the dispute, 409 with the next instant and Retry-After, 404 for an unknown number", async () => {
    const d = await openOne();
    const ok = await a.call("POST", `/api/v1/disputes/${d.number}/nudge`, { byEmail: "marc@acme.fr" });
    expect(ok.status).toBe(200);
    expect(ok.body.dispute.number).toBe(d.number);
    a.clock.set("2026-03-10T09:42:00Z");
    const soon = await a.call("POST", `/api/v1/disputes/${d.number}/nudge`, { byEmail: "claire@acme.fr" });
    expect(soon.status).toBe(409);
    expect(soon.headers.get("retry-after")).toBe("1800");
    expect(soon.body.error).toMatchObject({ code: "conflict", details: { reason: "nudged_recently", lastNudgeAt: "2026-03-10T09:12:00.000Z", nextPossibleAt: "2026-03-10T10:12:00.000Z" } });
    const missing = await a.call("POST", "/api/v1/disputes/D-9999/nudge", { byEmail: "claire@acme.fr" });
    expect(missing.status).toBe(404);
    const owner = await a.call("POST", `/api/v1/disputes/${d.number}/nudge`, { byEmail: "paul@acme.fr" });
    expect(owner.status).toBe(403);
    const noActor = await a.call("POST", `/api/v1/disputes/${d.number}/nudge`, {});
    expect(noActor.status).toBe(400);
  });
});
