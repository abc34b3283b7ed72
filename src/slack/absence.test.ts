import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds, NOW, USERS, type Harness, dmOf, runJob, openPriceDispute, startQuietHarness } from "./testing/harness.ts";

// Absences through Slack (issue 11): the reminder of an away owner reaches their deputy's DM, saying on
// whose behalf and until when, in the deputy's language, without Snooze (the owner's own button).

let h: Harness;
let clock = NOW;
beforeAll(async () => void (h = await startQuietHarness(() => clock)));
afterAll(async () => h?.stop());

const remind = (at: Date) => runJob(h, "followups.remind", at);

describe("a deputy's reminder through Slack", () => {
  it("the deputy's DM says « En l’absence de … (jusqu’au …), vous êtes son suppléant », the owner gets nothing", async () => {
    const dispute = await openPriceDispute(h, USERS.sam, "2026-03-12");
    await h.accord.deps.store.absences.add({ personEmail: USERS.sam.email, fromOn: "2026-03-11", untilOn: "2026-12-12", deputyEmail: USERS.sid.email, createdAt: NOW });
    await h.idle();
    const ownerBefore = h.fake.posts(dmOf(USERS.sam)).length;
    const deputyBefore = h.fake.posts(dmOf(USERS.sid)).length;
    clock = new Date("2026-03-12T09:00:00.000Z");
    expect((await remind(clock)).done).toBe(1);
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.sam))).toHaveLength(ownerBefore);
    const posts = h.fake.posts(dmOf(USERS.sid));
    expect(posts).toHaveLength(deputyBefore + 1);
    const reminder = posts.at(-1)!;
    expect(reminder.text).toContain(`En l’absence de Sam Sales (jusqu’au 12 déc.), vous êtes son suppléant\u00a0: Rappel\u00a0: le suivi du litige ${dispute.number} était prévu le 12 mars.`);
    expect(reminder.text).not.toMatch(/relance/i);
    expect(actionIds(reminder.blocks)).not.toContain("snooze.in3days");
  });
});
