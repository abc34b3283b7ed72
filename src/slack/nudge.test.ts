import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { actionIds, buttonValue, NOW, USERS, type Harness, dmOf, openPriceDispute, startQuietHarness } from "./testing/harness.ts";

// Nudge end to end (issue 11): the controller's card has Nudge, the owner's does not; a click sends the owner a
// DM with the card (through the delivery queue) and answers the clicker privately; a second click within the
// hour is refused with the time of the next possible nudge; the timeline line shows on the card's thread.

let h: Harness;
let clock = NOW;
beforeAll(async () => void (h = await startQuietHarness(() => clock)));
afterAll(async () => h?.stop());


describe("Nudge through Slack", () => {
  let number = "";
  let nudge: string | null = null;

  it("the controller's card offers Nudge; the owner's own card does not", async () => {
    const dispute = await openPriceDispute(h, USERS.sid, "2026-03-20");
    number = dispute.number;
    await h.idle();
    const ownerCard = h.fake.posts(dmOf(USERS.sid)).at(-1)!;
    expect(actionIds(ownerCard.blocks)).not.toContain("dispute.nudge");
    const url = h.fake.responseUrl();
    const mark = h.fake.mark;
    await h.sim.command(USERS.carla, `show ${number}`, { responseUrl: url });
    const shown = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > mark);
    expect(actionIds(shown.args.blocks)).toContain("dispute.nudge");
    expect(JSON.stringify(shown.args.blocks)).toContain("Envoyer un rappel");
    nudge = buttonValue(shown.args.blocks as unknown[], "dispute.nudge");
    expect(nudge).not.toBeNull();
  });

  it("a click sends the owner a DM with the card and answers the clicker « Rappel envoyé à Sid Sales »", async () => {
    const before = h.fake.posts(dmOf(USERS.sid)).length;
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "dispute.nudge", value: nudge! }, { channel: dmOf(USERS.carla), ts: "1773133200.000100" });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Rappel envoyé à Sid Sales.");
    await h.idle();
    const posts = h.fake.posts(dmOf(USERS.sid));
    expect(posts.length).toBe(before + 1);
    const dm = posts.at(-1)!;
    expect(dm.text).toContain(`Rappel de Carla Control\u00a0: merci de faire le point sur le litige ${number}.`);
    expect(JSON.stringify(dm.blocks)).toContain("Boulangerie Martin"); // the card
    expect(actionIds(dm.blocks)).toEqual(expect.arrayContaining(["snooze.tomorrow", "card.comment"]));
    expect(dm.text).not.toMatch(/relance/i);
    const last = (await h.accord.deps.store.disputes.timeline((await h.accord.deps.store.disputes.byNumber(number))!.id)).at(-1)!;
    expect(last).toMatchObject({ type: "nudged", byEmail: USERS.carla.email });
    // the line in the thread of the owner's card, like every other timeline event
    const threaded = h.fake.calls.filter((c) => c.seq > mark && c.method === "chat.postMessage" && c.args.thread_ts).map((c) => String(c.args.text));
    expect(threaded).toContain("Carla Control a envoyé un rappel à Sid Sales");
  });

  it("a second click within the hour, by the manager, is refused with the time of the next possible nudge (in their language)", async () => {
    clock = new Date(NOW.getTime() + 20 * 60_000);
    const before = h.fake.posts(dmOf(USERS.sid)).length;
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.mona, { action_id: "dispute.nudge", value: nudge! }, { channel: dmOf(USERS.mona), ts: "1773133200.000200" });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    // NOW is 09:00 UTC, 10:00 in Paris (the company's time zone)
    expect(String(answer.args.text)).toBe("A nudge was already sent at 10:00; the next one is possible at 11:00.");
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.sid)).length).toBe(before);
  });

  it("a manager nudges an English-speaking owner: the DM and the answer in each one's language", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-002" }], reasonCode: "price", statement: "Wrong price",
      ownerEmail: USERS.sam.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-20", priority: "normal",
    });
    await h.idle();
    const before = h.fake.posts(dmOf(USERS.sam)).length;
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.mona, { action_id: "dispute.nudge", value: JSON.stringify({ t: "nudge", d: dispute.id }) }, { channel: dmOf(USERS.mona), ts: "1773133200.000400" });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Nudge sent to Sam Sales.");
    await h.idle();
    const dm = h.fake.posts(dmOf(USERS.sam));
    expect(dm.length).toBe(before + 1);
    expect(dm.at(-1)!.text).toContain(`Nudge from Mona Manager: please give an update on dispute ${dispute.number}.`);
  });

  it("the owner clicking a Nudge value is refused politely, in French", async () => {
    clock = new Date(NOW.getTime() + 2 * 3600_000);
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.sid, { action_id: "dispute.nudge", value: nudge! }, { channel: dmOf(USERS.sid), ts: "1773133200.000300" });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Désolé, vous ne pouvez pas faire cela sur ce litige. Rien n'a été modifié.");
  });

  it("an owner away today: the nudge goes to their deputy with « En l’absence de … », and the clicker is told who got it", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-003" }], reasonCode: "price", statement: "Wrong price again",
      ownerEmail: USERS.sam.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-20", priority: "normal",
    });
    await h.accord.deps.store.absences.add({ personEmail: USERS.sam.email, fromOn: "2026-03-10", untilOn: "2026-03-12", deputyEmail: USERS.sid.email, createdAt: NOW });
    await h.idle();
    const [samBefore, sidBefore] = [h.fake.posts(dmOf(USERS.sam)).length, h.fake.posts(dmOf(USERS.sid)).length];
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "dispute.nudge", value: JSON.stringify({ t: "nudge", d: dispute.id }) }, { channel: dmOf(USERS.carla), ts: "1773133200.000500" });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Rappel envoyé à Sid Sales, suppléant de Sam Sales.");
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.sam)).length).toBe(samBefore);
    const dm = h.fake.posts(dmOf(USERS.sid));
    expect(dm.length).toBe(sidBefore + 1);
    expect(dm.at(-1)!.text).toMatch(/^En l’absence de Sam Sales \(jusqu’au 12 .*\), vous êtes son suppléant\u00a0: Rappel de Carla Control\u00a0: merci de faire le point sur le litige /);
    expect(dm.at(-1)!.text).toContain(dispute.number);
  });
});
