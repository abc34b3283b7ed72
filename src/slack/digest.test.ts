import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds, buttonValue, dmOf, NOW, runJob, startHarness, USERS, type Harness, openPriceDispute } from "./testing/harness.ts";

// The digest end to end (issue 11) against the fake Slack: subscribing a channel (Accord must be in it), the
// scheduler's tick at the due time posting the digest once with its buttons, a Nudge click from the digest.
// NOW is Tuesday 2026-03-10 09:00Z (10:00 in Paris, the company's time zone); Wednesday 09:00 Paris is 08:00Z.

let h: Harness;
let clock = NOW;
beforeAll(async () => {
  h = await startHarness({ clock: () => clock, env: { ACCORD_TICK_SECONDS: "3600", PUBLIC_URL: "https://accord.example" } });
});
afterAll(async () => h?.stop());

const CHANNEL = "C0DIGEST";
async function command(user: (typeof USERS)[keyof typeof USERS], text: string): Promise<string> {
  const url = h.fake.responseUrl();
  const mark = h.fake.mark;
  await h.sim.command(user, text, { channel: CHANNEL, responseUrl: url });
  const r = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > mark);
  return String(r.args.text);
}
const post = (at: string) => runJob(h, "digests.post", new Date(at));

describe("the digest in a Slack channel", () => {
  let number = "";

  it("Accord not in the channel: the answer says how to add it, nothing is subscribed", async () => {
    const dispute = await openPriceDispute(h, USERS.sid, "2026-03-20");
    number = dispute.number;
    await h.idle();
    expect(await command(USERS.mona, "digest here 09:00")).toBe(
      "Accord is not in this channel, so it cannot post the digest here: add it with `/invite @Accord`, then type the command again.",
    );
    expect(await h.accord.deps.store.digest.subscriptions()).toEqual([]);
  });

  it("clear refusals: a bad time, an unknown reason or person, a sales rep", async () => {
    h.fake.botChannels.add(CHANNEL);
    expect(await command(USERS.mona, "digest here 25:00")).toBe('"25:00" is not a time: give it as HH:MM, for instance `/dispute digest here 08:30`.');
    expect(await command(USERS.mona, "digest here reason:nope")).toMatch(/^No dispute reason "nope"\. Reasons: `price`, /);
    expect(await command(USERS.mona, "digest here owner:<@U0NOBODY|nobody>")).toBe("<@U0NOBODY> is not an Accord user: pick someone from the list after `owner:@`.");
    expect(await command(USERS.carla, "digest here demain")).toBe("«\u00a0demain\u00a0» n’est pas compris. Usage\u00a0: `/dispute digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:@user]`");
    expect(await command(USERS.sid, "digest here")).toMatch(/^Seuls les chargés de recouvrement, les responsables et les administrateurs peuvent abonner un canal à la synthèse/);
    expect(await h.accord.deps.store.digest.subscriptions()).toEqual([]);
  });

  it("a manager subscribes the channel; the list says when and in which language", async () => {
    expect(await command(USERS.mona, "digest here 09:00")).toBe(
      "Done: this channel gets the dispute digest every working day at 09:00 (Europe/Paris) when there is something new or something to act on.",
    );
    expect(await command(USERS.carla, "digest")).toBe(
      "Synthèses de ce canal\u00a0:\n• chaque jour ouvré à 9\u00a0h\u00a000 (Europe/Paris) quand il y a du nouveau ou quelque chose à traiter, en anglais (par Mona Manager)",
    );
  });

  it("the tick at the due time posts the digest once, with the owner mentioned, Nudge and Reassign, and the chart", async () => {
    expect((await post("2026-03-11T07:59:00Z")).done).toBe(0);
    expect((await post("2026-03-11T08:00:00Z")).done).toBe(1);
    await h.idle();
    expect((await post("2026-03-11T08:00:30Z")).done).toBe(0); // the next tick: nothing again
    await h.idle();
    const posts = h.fake.posts(CHANNEL);
    expect(posts).toHaveLength(1);
    const digest = posts[0]!;
    const json = JSON.stringify(digest.blocks);
    expect(json).toContain("Dispute digest — Wednesday 11 Mar");
    expect(json).toContain("*EUR* · 1 open dispute · €1,000.00 disputed");
    expect(json).toContain("*Since the start:* 1 opened · 0 resolved");
    expect(json).toContain(number);
    const images = (digest.blocks as { type: string; image_url?: string }[]).filter((b) => b.type === "image");
    expect(images).toHaveLength(1);
    expect(images[0]!.image_url).toMatch(/^https:\/\/accord\.example\/charts\/[A-Za-z0-9_-]{43}\.png$/);
  });

  it("an overdue dispute: its owner @-mentioned with Nudge and Reassign; a Nudge click from the digest reaches the owner", async () => {
    const d = (await h.accord.deps.store.disputes.byNumber(number))!;
    await h.accord.deps.store.followUps.put({ disputeId: d.id, firstMissedOn: "2026-03-11", unanswered: 1, lastReminderAt: null }, new Date("2026-03-11T09:00:00Z"));
    clock = new Date("2026-03-12T08:00:00Z");
    expect((await post("2026-03-12T08:00:00Z")).done).toBe(1); // nothing new, but one overdue
    await h.idle();
    const digest = h.fake.posts(CHANNEL).at(-1)!;
    const json = JSON.stringify(digest.blocks);
    expect(json).toContain("<@U0SID> · 1 dispute: 1 overdue, 0 past SLA · €1,000.00 · most overdue: " + number);
    expect(actionIds(digest.blocks)).toEqual(expect.arrayContaining(["dispute.nudge", "card.reassign"]));
    const nudge = buttonValue(digest.blocks, "dispute.nudge");
    const before = h.fake.posts(dmOf(USERS.sid)).length;
    const mark = h.fake.mark;
    await h.sim.blockAction(USERS.mona, { action_id: "dispute.nudge", value: nudge! }, { channel: CHANNEL, ts: digest.ts });
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Nudge sent to Sid Sales.");
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.sid)).length).toBe(before + 1);
    expect(h.fake.posts(dmOf(USERS.sid)).at(-1)!.text).toContain(`Rappel de Mona Manager\u00a0: merci de faire le point sur le litige ${number}.`);
    // Reassign from the digest opens the card's reassign form
    const m2 = h.fake.mark;
    await h.sim.blockAction(USERS.mona, { action_id: "card.reassign", value: buttonValue(digest.blocks, "card.reassign")! }, { channel: CHANNEL, ts: digest.ts });
    const opened = await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m2);
    expect(JSON.stringify(opened.args.view)).toContain(number);
  });

  it("the help shows the digest commands to those who may subscribe a channel", async () => {
    expect(await command(USERS.mona, "help")).toContain("`/dispute digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:@user]`");
    expect(await command(USERS.carla, "help")).toContain("`/dispute digest off` l’arrêter");
    expect(await command(USERS.sid, "help")).not.toContain("/dispute digest");
  });

  it("off stops the channel's digests", async () => {
    expect(await command(USERS.mona, "digest off")).toBe("Digest stopped for this channel (1 subscription removed).");
    expect((await post("2026-03-13T08:00:00Z")).done).toBe(0);
    expect(await command(USERS.mona, "digest off")).toBe("This channel has no digest.");
  });
});
