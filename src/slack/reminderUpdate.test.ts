import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { shortDate } from "../views/followupText.ts";
import type { StoredMessage } from "./standin/fakeSlack.ts";
import { opt, submitted, text } from "./testing/forms.ts";
import { actionIds, buttonValue, dmOf, NOW, runJob, USERS, type Harness, openPriceDispute, startQuietHarness } from "./testing/harness.ts";

// Acting on the reminder itself (issue 11): the owner's reminder DM offers Snooze, Add update, Reassign and
// Resolve; Add update there opens the card's modal, and its submission saves the update on the timeline, renders
// the owner's card again with it and threads the line under it. The reminder message is one of the dispute's
// copies: after each action it shows the new state too (the update, the new follow-up date, « Résolu », no more
// Snooze, the overdue line gone), in place, with no timeline lines in its own thread.

let h: Harness;
let clock = NOW;
beforeAll(async () => void (h = await startQuietHarness(() => clock)));
afterAll(async () => h?.stop());

/** The reminder message as the fake Slack holds it now (after every chat.update). */
const atFake = (m: StoredMessage): StoredMessage => h.fake.posts(m.channel).find((x) => x.ts === m.ts)!;
const snoozes = (blocks: unknown[]) => actionIds(blocks).filter((a) => a.startsWith("snooze."));

describe("Add update from the reminder", () => {
  it("the reminder has Snooze, Add update, Reassign and Resolve; Add update saves, updates the reminder and threads the line", async () => {
    const dispute = await openPriceDispute(h, USERS.sid, "2026-03-12");
    await h.idle();
    const T1 = new Date("2026-03-12T09:00:00.000Z");
    clock = T1;
    expect((await runJob(h, "followups.remind", T1)).done).toBe(1);
    await h.idle();
    const reminder = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    expect(actionIds(reminder.blocks)).toEqual(expect.arrayContaining(["snooze.tomorrow", "card.comment", "card.reassign", "card.resolve"]));
    expect(JSON.stringify(reminder.blocks)).toContain("Ajouter un point");
    expect(JSON.stringify(reminder.blocks)).toContain("en retard depuis le 12 mars, 1 rappel sans réponse");
    // the card refresh the reminder queued leaves the reminder as posted (it shows that state already)
    expect(atFake(reminder).versions).toBe(1);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sid, { action_id: "card.comment", value: buttonValue(reminder.blocks, "card.comment")! }, { channel: dmOf(USERS.sid), ts: reminder.ts });
    await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m);
    await h.idle();
    const v = h.fake.openView(USERS.sid.id)!;
    expect(v.view.callback_id).toBe("form.card");
    const r = await h.sim.viewSubmission(USERS.sid, v.view, submitted(v, { text: text("Client rappelé, avoir en cours") }));
    expect(r.text).toBe("");
    await h.idle();
    const tl = await h.accord.deps.store.disputes.timeline(dispute.id);
    expect(tl.filter((e) => e.type === "commented")).toEqual([expect.objectContaining({ byEmail: USERS.sid.email, text: "Client rappelé, avoir en cours" })]);
    // the owner's card (posted when the dispute was opened) is rendered again with the update, and threads the line
    const card = h.fake.posts(dmOf(USERS.sid))[0]!;
    expect(card.ts).not.toBe(reminder.ts);
    const upd = h.fake.callsOf("chat.update").filter((c) => c.seq > m && c.args.ts === card.ts);
    expect(JSON.stringify(upd.at(-1)!.args.blocks)).toContain("Client rappelé, avoir en cours");
    expect(h.fake.thread(dmOf(USERS.sid), card.ts).filter((x) => x.text.includes("Client rappelé, avoir en cours"))).toHaveLength(1);
    // the clicker is not left without an answer: nothing refused, nothing written twice
    expect(r.json).not.toMatchObject({ response_action: "errors" });
    // the reminder message itself shows the update, the overdue line is gone; its own line and Snooze stay
    const now = JSON.stringify(atFake(reminder).blocks);
    expect(atFake(reminder).versions).toBeGreaterThan(1);
    expect(now).toContain("Client rappelé, avoir en cours");
    expect(now).not.toContain("en retard depuis");
    expect(now).toContain("Rappel\u00a0: le suivi du litige " + dispute.number + " était prévu le 12 mars.");
    expect(snoozes(atFake(reminder).blocks)).toHaveLength(4);
    // the timeline lines stay under the card: none in the reminder's thread
    expect(h.fake.thread(dmOf(USERS.sid), reminder.ts)).toEqual([]);
  });

  it("Snooze on the reminder: the reminder shows the new follow-up date as its next reminder, the overdue line gone", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-002" }], reasonCode: "price", statement: "Quantité livrée inférieure",
      ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-13", priority: "normal",
    });
    await h.idle();
    // Friday 13 March, 10:00 in Paris
    const T2 = new Date("2026-03-13T09:00:00.000Z");
    clock = T2;
    expect((await runJob(h, "followups.remind", T2)).done).toBe(1);
    await h.idle();
    const reminder = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    expect(JSON.stringify(reminder.blocks)).toContain(dispute.number);
    const movedOn = (await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn!;
    expect(JSON.stringify(reminder.blocks)).toContain(`prochain rappel le ${shortDate(movedOn, "fr")}`);
    expect(JSON.stringify(reminder.blocks)).toContain("en retard depuis le 13 mars");

    await h.sim.blockAction(USERS.sid, { action_id: "snooze.tomorrow", value: buttonValue(reminder.blocks, "snooze.tomorrow")! }, { channel: dmOf(USERS.sid), ts: reminder.ts });
    await h.idle();
    const on = (await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn!;
    expect(on).not.toBe(movedOn);
    const now = JSON.stringify(atFake(reminder).blocks);
    expect(now).toContain(`prochain rappel le ${shortDate(on, "fr")}`);
    expect(now).not.toContain(`prochain rappel le ${shortDate(movedOn, "fr")}`);
    expect(now).not.toContain("en retard depuis");
    // still open and still Sid's: Snooze stays, the last choice first
    expect(snoozes(atFake(reminder).blocks)[0]).toBe("snooze.tomorrow");
  });

  it("Resolve from the reminder: the reminder shows « Résolu », no Snooze, no next reminder, no overdue line", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-003" }], reasonCode: "price", statement: "Remise non appliquée",
      ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-17", priority: "normal",
    });
    await h.idle();
    const T3 = new Date("2026-03-17T09:00:00.000Z");
    clock = T3;
    await runJob(h, "followups.remind", T3);
    await h.idle();
    // (the dispute snoozed above may be due again today: this dispute's reminder is the one naming it)
    const reminders = h.fake.posts(dmOf(USERS.sid)).filter((x) => JSON.stringify(x.blocks).includes(`le suivi du litige ${dispute.number}`));
    expect(reminders).toHaveLength(1);
    const reminder = reminders[0]!;
    expect(snoozes(reminder.blocks)).toHaveLength(4);
    expect(JSON.stringify(reminder.blocks)).toContain("en retard depuis le 17 mars");

    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sid, { action_id: "card.resolve", value: buttonValue(reminder.blocks, "card.resolve")! }, { channel: dmOf(USERS.sid), ts: reminder.ts });
    await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m);
    await h.idle();
    const v = h.fake.openView(USERS.sid.id)!;
    const r = await h.sim.viewSubmission(USERS.sid, v.view, submitted(v, { outcome: opt("invoice_corrected"), note: text("Remise appliquée sur facture rectificative"), root_cause: text("tarif") }));
    expect(r.text).toBe("");
    await h.idle();
    expect((await h.accord.deps.store.disputes.byId(dispute.id))!.status).toBe("resolved");
    const after = atFake(reminder);
    expect(JSON.stringify(after.blocks)).toContain("Résolu");
    expect(snoozes(after.blocks)).toEqual([]);
    expect(actionIds(after.blocks)).not.toContain("card.resolve");
    expect(JSON.stringify(after.blocks)).not.toContain("prochain rappel");
    expect(JSON.stringify(after.blocks)).not.toContain("en retard depuis");
    // what stays true stays: the follow-up that was due
    expect(JSON.stringify(after.blocks)).toContain(`le suivi du litige ${dispute.number} était prévu le 17 mars.`);
    expect(h.fake.thread(dmOf(USERS.sid), reminder.ts)).toEqual([]);
  });
});
