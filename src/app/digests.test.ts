import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AccordError } from "../domain/errors.ts";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { DIGEST_POST, listDigests, postDueDigests, subscribeDigest, unsubscribeDigest, type DigestPostPayload } from "./digests.ts";

// The digest's subscriptions and its job on a real store (SQLite, then PostgreSQL), called with any `now`.
// 2026-03-10 is a Tuesday; Paris is UTC+1 until 29 March: 09:00 there is 08:00Z.

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AccordError);
  return `${(e as AccordError).code}:${(e as AccordError).message}`;
}

describe.each(["sqlite", "postgres"] as TestDatabase[])("digests on %s", (database) => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { database, now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  const deps = () => ({ ...a.deps, chatQueue: ["slack"] as const });
  const run = (iso: string) => postDueDigests(deps(), new Date(iso));
  const posted = async () => (await a.deps.store.outbox.list({ channel: "slack", type: DIGEST_POST })).map((m) => JSON.parse(m.payload) as DigestPostPayload);
  const subscribe = (over: Partial<Parameters<typeof subscribeDigest>[1]> = {}) => subscribeDigest(a.deps, { byEmail: "marc@acme.fr", platform: "slack", channelId: "C0DIGEST", ...over });
  const openOne = async (over: Record<string, unknown> = {}) => {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis.",
      openedByEmail: "claire@acme.fr", ownerEmail: "paul@acme.fr", followUpOn: "2026-03-20", ...over,
    });
    expect(r.status).toBe(201);
    return r.body.dispute as { id: number; number: string };
  };

  it("controllers, managers and admins subscribe a channel, with a clear refusal of a bad time, reason or person; a sales rep may not", async () => {
    expect(await codeOf(subscribe({ byEmail: "paul@acme.fr" }))).toMatch(/^forbidden:/);
    await expect(subscribe({ time: "25:00" })).rejects.toMatchObject({ code: "validation", field: "time", key: "digest_time_invalid", params: { value: "25:00" } });
    await expect(subscribe({ reasonCode: "nope" })).rejects.toMatchObject({ code: "validation", field: "reasonCode", key: "reason_not_found" });
    await expect(subscribe({ ownerEmail: "nobody@acme.fr" })).rejects.toMatchObject({ code: "validation", field: "ownerEmail", key: "unknown_person" });
    const { subscription, created } = await subscribe();
    expect(created).toBe(true);
    expect(subscription).toMatchObject({ time: "09:00", cadence: "daily", always: false, locale: "fr", reasonCode: null, ownerEmail: null, createdByEmail: "marc@acme.fr", coveredUntil: null });
    const other = await subscribeDigest(a.deps, { byEmail: "ana@acme.fr", platform: "slack", channelId: "C0DIGEST", time: "8:30", cadence: "weekly", always: true, reasonCode: "PRICE", ownerEmail: "Paul@acme.fr" });
    expect(other.subscription).toMatchObject({ time: "08:30", cadence: "weekly", always: true, locale: "en", reasonCode: "price", ownerEmail: "paul@acme.fr" });
    expect((await listDigests(a.deps, { byEmail: "paul@acme.fr", platform: "slack", channelId: "C0DIGEST" })).length).toBe(2);
    expect(await codeOf(unsubscribeDigest(a.deps, { byEmail: "paul@acme.fr", platform: "slack", channelId: "C0DIGEST" }))).toMatch(/^forbidden:/);
    expect(await unsubscribeDigest(a.deps, { byEmail: "claire@acme.fr", platform: "slack", channelId: "C0DIGEST" })).toBe(2);
    expect(await listDigests(a.deps, { byEmail: "claire@acme.fr", platform: "slack", channelId: "C0DIGEST" })).toEqual([]);
  });

  it("nothing new and nothing to act on: nothing posted, what it covered moves on; then a dispute opened is posted once, at the time", async () => {
    const { subscription } = await subscribe(); // made Tuesday 10:00 in Paris, after today's 09:00
    expect(await run("2026-03-10T09:00:30Z")).toEqual({ done: 0, failed: 0 });
    expect((await a.deps.store.digest.subscription(subscription.id))!.coveredUntil).toBeNull();
    expect(await run("2026-03-11T08:00:00Z")).toEqual({ done: 0, failed: 0 }); // Wednesday 09:00: nothing ever opened
    expect((await a.deps.store.digest.subscription(subscription.id))!.coveredUntil).toEqual(new Date("2026-03-11T08:00:00Z"));
    expect(await posted()).toEqual([]);
    a.clock.set("2026-03-11T10:00:00Z");
    await openOne();
    expect(await run("2026-03-12T07:59:59Z")).toEqual({ done: 0, failed: 0 });
    const both = await Promise.all([run("2026-03-12T08:00:00Z"), run("2026-03-12T08:00:00Z")]); // two processes at the same tick
    expect(both.reduce((n, r) => n + r.done, 0)).toBe(1);
    expect(await run("2026-03-12T08:00:30Z")).toEqual({ done: 0, failed: 0 }); // the next tick
    expect(await posted()).toEqual([
      { subscriptionId: subscription.id, platform: "slack", channelId: "C0DIGEST", dueAt: "2026-03-12T08:00:00.000Z", since: "2026-03-11T08:00:00.000Z", locale: "fr", reasonCode: null, ownerEmail: null },
    ]);
    // Friday: nothing opened since Thursday, nothing overdue: nothing
    expect(await run("2026-03-13T08:00:00Z")).toEqual({ done: 0, failed: 0 });
    // Saturday: no digest at all, even with `always`
    await subscribe({ always: true });
    expect(await run("2026-03-14T08:00:00Z")).toEqual({ done: 0, failed: 0 });
    // Monday: `always` posts though nothing is new
    expect(await run("2026-03-16T08:00:00Z")).toEqual({ done: 1, failed: 0 });
    expect((await posted()).at(-1)).toMatchObject({ dueAt: "2026-03-16T08:00:00.000Z", since: "2026-03-13T08:00:00.000Z" });
  });

  it("a new subscription's first digest counts what was ever opened; an overdue dispute keeps the digest coming; filters apply", async () => {
    const d = await openOne();
    await subscribe({ time: "07:00" });
    await subscribe({ time: "07:00", reasonCode: "quality" });
    expect(await run("2026-03-11T06:00:00Z")).toEqual({ done: 1, failed: 0 }); // the quality one has nothing to say
    expect((await posted()).map((p) => p.reasonCode)).toEqual([null]);
    await a.deps.store.followUps.put({ disputeId: d.id, firstMissedOn: "2026-03-10", unanswered: 1, lastReminderAt: null }, new Date("2026-03-11T07:00:00Z"));
    expect(await run("2026-03-12T06:00:00Z")).toEqual({ done: 1, failed: 0 }); // nothing new, but one overdue
    expect(await posted()).toHaveLength(2);
  });

  it("a platform that is off here is left alone: its digest goes once it is on", async () => {
    await subscribe({ time: "07:00" });
    await openOne();
    expect(await postDueDigests({ ...a.deps, chatQueue: [] }, new Date("2026-03-11T06:00:00Z"))).toEqual({ done: 0, failed: 0 });
    expect(await run("2026-03-11T06:30:00Z")).toEqual({ done: 1, failed: 0 });
  });
});
