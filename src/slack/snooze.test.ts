import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds, buttonValue, NOW, USERS, type Harness, dmOf, runJob, openPriceDispute, startQuietHarness } from "./testing/harness.ts";

// Snooze (issue 11), the owner's last choice offered first on their next reminder, and a double click on
// one reminder's button moving the date once with one timeline line.

let h: Harness;
let clock = NOW;
beforeAll(async () => void (h = await startQuietHarness(() => clock)));
afterAll(async () => h?.stop());

const remind = (at: Date) => runJob(h, "followups.remind", at);
const snoozes = (blocks: unknown[]) => actionIds(blocks).filter((a) => a.startsWith("snooze."));

describe("Snooze: the last choice first, and once per click", () => {
  it("a double click on « Dans 3 jours » moves the date once; the next reminder offers « Dans 3 jours » first", async () => {
    const dispute = await openPriceDispute(h, USERS.sid, "2026-03-12");
    await h.idle();
    // Thursday 12 March 2026, 10:00 in Paris
    const T1 = new Date("2026-03-12T09:00:00.000Z");
    clock = T1;
    expect((await remind(T1)).done).toBe(1);
    await h.idle();
    const first = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    // no snooze yet: the usual order
    expect(snoozes(first.blocks)).toEqual(["snooze.tomorrow", "snooze.in3days", "snooze.nextMonday", "snooze.date"]);

    const value = buttonValue(first.blocks, "snooze.in3days")!;
    const before = (await h.accord.deps.store.disputes.timeline(dispute.id)).length;
    const mark = h.fake.mark;
    const click = () => h.sim.blockAction(USERS.sid, { action_id: "snooze.in3days", value }, { channel: dmOf(USERS.sid), ts: first.ts });
    await Promise.all([click(), click()]);
    await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    await h.idle();
    // Thursday + 3 days is a Sunday: the next working day, once (not moved on again from there)
    expect((await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn).toBe("2026-03-16");
    const added = (await h.accord.deps.store.disputes.timeline(dispute.id)).slice(before);
    expect(added.filter((e) => e.type === "follow_up_set")).toEqual([expect.objectContaining({ byEmail: USERS.sid.email, data: expect.objectContaining({ on: "2026-03-16", snoozed: "in3days" }) })]);
    // a third click later, on the same button of the same reminder, still changes nothing
    await click();
    await h.idle();
    expect((await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn).toBe("2026-03-16");
    expect((await h.accord.deps.store.disputes.timeline(dispute.id)).slice(before).filter((e) => e.type === "follow_up_set")).toHaveLength(1);

    // Monday 16 March: the next reminder offers the owner's last choice first
    const T2 = new Date("2026-03-16T09:00:00.000Z");
    clock = T2;
    expect((await remind(T2)).done).toBe(1);
    await h.idle();
    const next = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    expect(next.ts).not.toBe(first.ts);
    expect(snoozes(next.blocks)).toEqual(["snooze.in3days", "snooze.tomorrow", "snooze.nextMonday", "snooze.date"]);
    expect(JSON.stringify(next.blocks)).toContain("Dans 3 jours");

    // the same choice on the new reminder is a new snooze: the date moves again
    await h.sim.blockAction(USERS.sid, { action_id: "snooze.in3days", value: buttonValue(next.blocks, "snooze.in3days")! }, { channel: dmOf(USERS.sid), ts: next.ts });
    await h.idle();
    expect((await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn).toBe("2026-03-19");
  });
});
