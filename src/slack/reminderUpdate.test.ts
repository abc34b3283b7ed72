import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { submitted, text } from "./testing/forms.ts";
import { actionIds, buttonValue, dmOf, NOW, runJob, startHarness, USERS, type Harness } from "./testing/harness.ts";

// Add update on the reminder itself (issue 11): the owner's reminder DM offers Snooze, Add update, Reassign and
// Resolve; Add update there opens the card's modal, and its submission saves the update on the timeline, renders
// the owner's card again with it and threads the line under it (the reminder message itself is not a tracked
// copy of the card: it keeps the state it was sent with).

let h: Harness;
let clock = NOW;
beforeAll(async () => {
  h = await startHarness({ clock: () => clock, env: { ACCORD_TICK_SECONDS: "3600" } });
});
afterAll(async () => h?.stop());

describe("Add update from the reminder", () => {
  it("the reminder has Snooze, Add update, Reassign and Resolve; Add update saves, updates the reminder and threads the line", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix non conforme au devis",
      ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-12", priority: "normal",
    });
    await h.idle();
    const T1 = new Date("2026-03-12T09:00:00.000Z");
    clock = T1;
    expect((await runJob(h, "followups.remind", T1)).done).toBe(1);
    await h.idle();
    const reminder = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    expect(actionIds(reminder.blocks)).toEqual(expect.arrayContaining(["snooze.tomorrow", "card.comment", "card.reassign", "card.resolve"]));
    expect(JSON.stringify(reminder.blocks)).toContain("Ajouter un point");
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
  });
});
