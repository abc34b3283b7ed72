import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { actionIds, buttonValue, NOW, USERS, type Harness, dmOf, runJob, openPriceDispute, startQuietHarness } from "./testing/harness.ts";

// Follow-up reminders end to end (issue 11): the reminder job at a `now` in working hours, the owner's DM
// with the card and Snooze in their language, a snooze moving the follow-up date, an escalation without
// Snooze for the controller, and nothing sent twice.

let h: Harness;
let clock = NOW;
// the background tick stays out of the way: the test runs the job itself, at the instants it chooses
beforeAll(async () => void (h = await startQuietHarness(() => clock)));
afterAll(async () => h?.stop());

const remind = (at: Date) => runJob(h, "followups.remind", at);
const SNOOZE = ["snooze.tomorrow", "snooze.in3days", "snooze.nextMonday", "snooze.date"];

describe("follow-up reminders through Slack", () => {
  let id = 0;
  let number = "";
  // Thursday 12 March 2026, 10:00 in Paris: the follow-up day, in working hours
  const T1 = new Date("2026-03-12T09:00:00.000Z");

  it("the owner's DM gets the reminder with the card and Snooze, in their language", async () => {
    const dispute = await openPriceDispute(h, USERS.sid, "2026-03-12");
    id = dispute.id;
    number = dispute.number;
    await h.idle();
    const before = h.fake.posts(dmOf(USERS.sid)).length;

    clock = T1;
    expect((await remind(T1)).done).toBe(1);
    await h.idle();
    const posts = h.fake.posts(dmOf(USERS.sid));
    expect(posts).toHaveLength(before + 1);
    const reminder = posts.at(-1)!;
    expect(reminder.text).toContain(`Rappel\u00a0: le suivi du litige ${number} était prévu le 12 mars. Sans action de votre part, prochain rappel le 17 mars.`);
    expect(JSON.stringify(reminder.blocks)).toContain("Boulangerie Martin"); // the card
    expect(JSON.stringify(reminder.blocks)).toContain("Dans 3 jours");
    expect(String((reminder.blocks[0] as { text: { text: string } }).text.text)).not.toMatch(/relance/i);
    expect(actionIds(reminder.blocks)).toEqual(expect.arrayContaining([...SNOOZE, "card.follow_up"]));
    const timeline = (await h.accord.deps.store.disputes.timeline(id)).map((e) => e.type);
    expect(timeline).toContain("reminded");
    // the card shows the overdue state, in the reminder and in the owner's card posted when it was opened
    expect(JSON.stringify(reminder.blocks)).toContain("en retard depuis le 12 mars, 1 rappel sans réponse");
    expect(before).toBeGreaterThan(0);
    expect(JSON.stringify(h.fake.posts(dmOf(USERS.sid))[before - 1]!.blocks)).toContain("en retard depuis le 12 mars, 1 rappel sans réponse");
  });

  it("running the job again at the same instant sends nothing more", async () => {
    const mark = h.fake.mark;
    expect((await remind(T1)).done).toBe(0);
    await h.idle();
    expect(h.fake.calls.filter((c) => c.seq > mark && c.method === "chat.postMessage")).toHaveLength(0);
  });

  it("a non-owner clicking Snooze is refused politely; the owner's « in 3 days » moves the follow-up date", async () => {
    const reminder = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    const value = buttonValue(reminder.blocks, "snooze.in3days")!;

    let mark = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "snooze.in3days", value }, { channel: dmOf(USERS.sid), ts: reminder.ts });
    const refused = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(refused.args.text)).toContain("Seul le chargé de résolution");

    mark = h.fake.mark;
    await h.sim.blockAction(USERS.sid, { action_id: "snooze.in3days", value }, { channel: dmOf(USERS.sid), ts: reminder.ts });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    // Thursday + 3 days is a Sunday: the next working day
    expect(String(answer.args.text)).toBe("Suivi reporté au 16 mars.");
    await h.idle();
    const d = (await h.accord.deps.store.disputes.byId(id))!;
    expect(d.followUpOn).toBe("2026-03-16");
    const last = (await h.accord.deps.store.disputes.timeline(id)).at(-1)!;
    expect(last).toMatchObject({ type: "follow_up_set", byEmail: USERS.sid.email, data: { on: "2026-03-16", snoozed: "in3days" } });
    // the owner acted: the overdue episode is over, and the card says so
    expect(await h.accord.deps.store.followUps.get(id)).toMatchObject({ unanswered: 0, firstMissedOn: null });
    expect(JSON.stringify(h.fake.posts(dmOf(USERS.sid))[0]!.blocks)).not.toContain("en retard");
    // and nothing more is due at that instant
    mark = h.fake.mark;
    expect((await remind(clock)).done).toBe(0);
    await h.idle();
    expect(h.fake.calls.filter((c) => c.seq > mark && c.method === "chat.postMessage")).toHaveLength(0);
  });

  it("an escalation reaches the controller who opened it, with the card and no Snooze; each notice goes once", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-003" }], reasonCode: "price", statement: "Remise oubliée",
      ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-13", priority: "urgent",
    });
    await h.idle();
    const T2 = new Date("2026-03-13T09:00:00.000Z");
    clock = T2;
    expect((await remind(T2)).done).toBe(1); // the owner's reminder
    // the owner has until the next follow-up date to answer: nobody else is told meanwhile
    expect((await remind(T2)).done).toBe(0);
    expect(h.fake.posts(dmOf(USERS.carla)).filter((m) => m.text.startsWith("Escalade"))).toHaveLength(0);
    // urgent: the controller is told once 1 reminder went unanswered, with the next reminder
    const next = (await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn!;
    expect(next > "2026-03-13").toBe(true);
    const T3 = new Date(`${next}T09:00:00.000Z`);
    clock = T3;
    expect((await remind(T3)).done).toBeGreaterThanOrEqual(2); // the reminder, the escalation (and the SLA breach when past)
    expect((await remind(T3)).done).toBe(0);
    await h.idle();
    const msg = h.fake.posts(dmOf(USERS.carla)).find((m) => m.text.startsWith("Escalade"))!;
    expect(msg.text).toContain(`Escalade\u00a0: Sid Sales n’a pas répondu à 1 rappel sur le litige ${dispute.number}`);
    expect(JSON.stringify(msg.blocks)).toContain("Remise oubliée"); // the card
    expect(actionIds(msg.blocks).filter((a) => a.startsWith("snooze."))).toEqual([]);
    expect(h.fake.posts(dmOf(USERS.carla)).filter((m) => m.text.startsWith("Escalade") && m.text.includes(dispute.number))).toHaveLength(1);
  });

  it("an English owner gets it in English", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-002" }], reasonCode: "price", statement: "Price differs from the quote",
      ownerEmail: USERS.sam.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-20",
    });
    await h.idle();
    const at = new Date("2026-03-20T09:00:00.000Z");
    clock = at;
    expect((await remind(at)).done).toBeGreaterThanOrEqual(1);
    await h.idle();
    const msg = h.fake.posts(dmOf(USERS.sam)).at(-1)!;
    expect(msg.text).toContain(`Reminder: the follow-up of dispute ${dispute.number} was due on 20 Mar.`);
    expect(JSON.stringify(msg.blocks)).toContain("In 3 days");
    expect(actionIds(msg.blocks)).toEqual(expect.arrayContaining(SNOOZE));

    // the date picker: its block id says which dispute
    const picker = (msg.blocks as { type: string; block_id?: string; elements?: { action_id: string }[] }[]).find((b) => b.elements?.some((e) => e.action_id === "snooze.date"))!;
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "snooze.date", type: "datepicker", block_id: picker.block_id!, selected_date: "2026-03-27" }, { channel: dmOf(USERS.sam), ts: msg.ts });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Follow-up moved to 27 Mar.");
    expect((await h.accord.deps.store.disputes.byId(dispute.id))!.followUpOn).toBe("2026-03-27");
  });
});
