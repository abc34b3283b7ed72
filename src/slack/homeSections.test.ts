import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import type { StoredView } from "./standin/fakeSlack.ts";
import { date, opt, opts, submitted, text, user, type El } from "./testing/forms.ts";
import { buttonValue, dmOf, NOW, startHarness, USERS, type Harness } from "./testing/harness.ts";

// The App Home sections of issue 11 over Slack (signed requests, the fake Web API): « Mes absences » (declare in a
// modal with field errors, delete), the card's line about an absent owner, and for admins « Calendrier » and
// « Escalade ». Each submission goes through the use case REST uses; the Home tab is published again with the change.
// The clock: Tuesday 10 March 2026, 10:00 in Paris.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ACCORD_TICK_SECONDS: "3600" } });
  const s = h.accord.deps.store;
  // Mona manages Sam and Sid; Sid's Slack id is known (the card mentions him)
  await s.people.upsertMany([
    { email: USERS.sam.email, name: USERS.sam.name, role: "sales", managerEmail: USERS.mona.email },
    { email: USERS.sid.email, name: USERS.sid.name, role: "sales", managerEmail: USERS.mona.email, slackUserId: USERS.sid.id },
  ]);
});
afterAll(async () => h?.stop());

type U = (typeof USERS)[keyof typeof USERS];
const homeOf = (u: U) => JSON.stringify(h.fake.homes.get(u.id) ?? {});
const homeBlocks = (u: U) => ((h.fake.homes.get(u.id) as { blocks?: unknown[] } | undefined)?.blocks ?? []);

async function openHome(u: U): Promise<string> {
  const m = h.fake.mark;
  await h.sim.event({ type: "app_home_opened", user: u.id, channel: `D${u.id.slice(1)}`, tab: "home" });
  await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === u.id);
  return homeOf(u);
}

/** Clicks a button of the Home tab and waits for the modal it opens. */
async function click(u: U, actionId: string, value?: string): Promise<StoredView> {
  const m = h.fake.mark;
  await h.sim.blockAction(u, { action_id: actionId, value: value ?? buttonValue(homeBlocks(u), actionId)! }, { home: true });
  await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m);
  await h.idle();
  return h.fake.openView(u.id)!;
}

/** Submits the modal; the ack's body (errors by block id, or nothing when it closes). */
async function submit(u: U, v: StoredView, changes: Record<string, El>): Promise<{ response_action?: string; errors?: Record<string, string> } | null> {
  const r = await h.sim.viewSubmission(u, v.view, submitted(v, changes));
  expect(r.status).toBe(200);
  return (r.json as { response_action?: string; errors?: Record<string, string> } | null) ?? null;
}

/** Waits until the user's Home tab is published again after `mark`. */
async function republished(u: U, mark: number): Promise<string> {
  await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > mark && c.args.user_id === u.id);
  return homeOf(u);
}

const blockIds = (v: StoredView) => (v.view.blocks as { block_id?: string; type: string }[]).filter((b) => b.type === "input").map((b) => b.block_id);

describe("« Mes absences » in App Home", () => {
  it("Sam's Home has the section, no absence to come, and a button to declare one", async () => {
    const home = await openHome(USERS.sam);
    expect(home).toContain("My absences");
    expect(home).toContain("No absence to come.");
    expect(home).toContain("home.absence_add");
  });

  it("the modal refuses an end before the start, himself as deputy, a past start, each on its field", async () => {
    const v = await click(USERS.sam, "home.absence_add");
    expect(v.view.callback_id).toBe("form.absence");
    expect(blockIds(v)).toEqual(["fromOn", "untilOn", "deputyEmail"]); // no « who »: Sam declares his own
    const before = await submit(USERS.sam, v, { fromOn: date("2026-03-12"), untilOn: date("2026-03-11") });
    expect(before?.response_action).toBe("errors");
    expect(Object.keys(before!.errors!)).toEqual(["untilOn"]);
    expect(before!.errors!.untilOn).toContain("12 Mar 2026");
    const self = await submit(USERS.sam, v, { fromOn: date("2026-03-11"), untilOn: date("2026-03-13"), deputyEmail: user(USERS.sam.id) });
    expect(self!.errors!.deputyEmail).toContain("cannot be their own deputy");
    const past = await submit(USERS.sam, v, { fromOn: date("2026-03-09"), untilOn: date("2026-03-13") });
    expect(past!.errors!.fromOn).toBe("An absence cannot start in the past: 9 Mar 2026 is before today (10 Mar 2026).");
    const stranger = await submit(USERS.sam, v, { fromOn: date("2026-03-11"), untilOn: date("2026-03-13"), deputyEmail: user(USERS.eve.id) });
    expect(Object.keys(stranger!.errors!)).toEqual(["deputyEmail"]);
    expect(await h.accord.deps.store.absences.listFor(USERS.sam.email)).toEqual([]);
  });

  it("a deputy away on those dates is refused; a valid absence is saved and shows on Sam's Home", async () => {
    await h.accord.deps.store.absences.add({ personEmail: USERS.sid.email, fromOn: "2026-03-13", untilOn: "2026-03-20", deputyEmail: null, createdAt: NOW });
    const v = await click(USERS.sam, "home.absence_add");
    const clash = await submit(USERS.sam, v, { fromOn: date("2026-03-10"), untilOn: date("2026-03-13"), deputyEmail: user(USERS.sid.id) });
    expect(clash!.errors!.deputyEmail).toBe("sid@acme.test is away too from 13 Mar 2026 to 20 Mar 2026: choose another deputy.");
    const m = h.fake.mark;
    const ok = await submit(USERS.sam, v, { fromOn: date("2026-03-10"), untilOn: date("2026-03-12"), deputyEmail: user(USERS.sid.id) });
    expect(ok?.response_action).toBeUndefined();
    // submitted twice (a double click, Slack's retry): one absence
    expect(await submit(USERS.sam, v, { fromOn: date("2026-03-10"), untilOn: date("2026-03-12"), deputyEmail: user(USERS.sid.id) })).toBeNull();
    expect(await h.accord.deps.store.absences.listFor(USERS.sam.email)).toHaveLength(1);
    const [a] = await h.accord.deps.store.absences.listFor(USERS.sam.email);
    expect(a).toMatchObject({ fromOn: "2026-03-10", untilOn: "2026-03-12", deputyEmail: USERS.sid.email });
    const home = await republished(USERS.sam, m);
    expect(home).toContain("From 10 Mar to 12 Mar · deputy: Sid Sales");
    expect(home).toContain("home.absence_remove");
  });

  it("while Sam is away, his dispute's card says until when and mentions his deputy, in the viewer's language", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix non conforme", ownerEmail: USERS.sam.email, openedByEmail: USERS.carla.email,
    });
    await h.idle();
    const m = h.fake.mark;
    await h.sim.command(USERS.carla, `show ${dispute.number}`, { responseUrl: h.fake.responseUrl() });
    const r = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m);
    expect(JSON.stringify(r.args)).toContain(`Absent jusqu’au 12 mars — suppléant\\u00a0: <@${USERS.sid.id}>`.replace("\\u00a0", "\u00a0"));
    const m2 = h.fake.mark;
    await h.sim.command(USERS.ada, `show ${dispute.number}`, { responseUrl: h.fake.responseUrl() });
    const r2 = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m2);
    expect(JSON.stringify(r2.args)).toContain(`Away until 12 Mar — deputy: <@${USERS.sid.id}>`);
    // the owner's own card, posted in his DM when the dispute opened, says it too
    expect(JSON.stringify(h.fake.posts(dmOf(USERS.sam)).at(-1)!.blocks)).toContain(`Away until 12 Mar — deputy: <@${USERS.sid.id}>`);
  });

  it("Delete takes the absence away, the Home says so, and the posted card no longer says he is away", async () => {
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "home.absence_remove", value: buttonValue(homeBlocks(USERS.sam), "home.absence_remove")! }, { home: true });
    const home = await republished(USERS.sam, m);
    expect(home).toContain("No absence to come.");
    expect(await h.accord.deps.store.absences.listFor(USERS.sam.email)).toEqual([]);
    // no "unknown action" answer besides
    await h.idle();
    expect(h.fake.calls.filter((c) => c.seq > m && (c.method === "chat.postMessage" || c.method === "chat.postEphemeral"))).toEqual([]);
    const updated = h.fake.calls.filter((c) => c.seq > m && c.method === "chat.update" && c.args.channel === dmOf(USERS.sam));
    expect(updated).toHaveLength(1);
    expect(JSON.stringify(updated[0]!.args.blocks)).not.toContain("Away until");
    expect(JSON.stringify(updated[0]!.args.blocks)).toContain("Prix non conforme");
  });

  it("a manager declares one for a member of the team, not for someone else (said on « who is away »)", async () => {
    await openHome(USERS.mona);
    const v = await click(USERS.mona, "home.absence_add");
    expect(blockIds(v)).toEqual(["personEmail", "fromOn", "untilOn", "deputyEmail"]);
    const outside = await submit(USERS.mona, v, { personEmail: user(USERS.carla.id), fromOn: date("2026-03-16"), untilOn: date("2026-03-17") });
    expect(outside!.errors!.personEmail).toContain("may not set the absences of carla@acme.test");
    const m = h.fake.mark;
    expect(await submit(USERS.mona, v, { personEmail: user(USERS.sam.id), fromOn: date("2026-03-16"), untilOn: date("2026-03-17"), deputyEmail: user(USERS.mona.id) })).toBeNull();
    expect((await h.accord.deps.store.absences.listFor(USERS.sam.email)).map((a) => a.fromOn)).toEqual(["2026-03-16"]);
    expect(await republished(USERS.mona, m)).toContain("Sam Sales: From 16 Mar to 17 Mar · deputy: Mona Manager");
  });

  it("an absence declared for today re-renders the cards already posted of the person's open disputes", async () => {
    const v = await click(USERS.mona, "home.absence_add");
    const m = h.fake.mark;
    expect(await submit(USERS.mona, v, { personEmail: user(USERS.sam.id), fromOn: date("2026-03-10"), untilOn: date("2026-03-11"), deputyEmail: user(USERS.sid.id) })).toBeNull();
    await h.fake.waitFor((c) => c.method === "chat.update" && c.seq > m && c.args.channel === dmOf(USERS.sam));
    await h.idle();
    const updated = h.fake.calls.filter((c) => c.seq > m && c.method === "chat.update" && c.args.channel === dmOf(USERS.sam));
    expect(JSON.stringify(updated.at(-1)!.args.blocks)).toContain(`Away until 11 Mar — deputy: <@${USERS.sid.id}>`);
    // no thread line: nothing happened to the dispute itself
    expect(h.fake.calls.filter((c) => c.seq > m && c.method === "chat.postMessage" && c.args.thread_ts)).toEqual([]);
  });
});

describe("« Calendrier » and « Escalade » in an admin's App Home", () => {
  it("only admins have them; the Home lists this year's French public holidays", async () => {
    expect(await openHome(USERS.carla)).not.toContain("home.calendar_close");
    const home = await openHome(USERS.ada);
    expect(home).toContain("Company calendar 2026");
    expect(home).toContain("25 Dec · Christmas Day");
    expect(home).toContain("6 Apr · Easter Monday");
    expect(home).toContain("Escalation");
    expect(home).toContain("Urgent · controller after 1 reminder · manager after 2 reminders");
  });

  it("closing a day: a past one is refused on its field, a bridge day is saved and shown", async () => {
    const v = await click(USERS.ada, "home.calendar_close");
    expect(v.view.callback_id).toBe("form.calendar");
    const past = await submit(USERS.ada, v, { on: date("2026-03-09") });
    expect(past!.errors!.on).toContain("is in the past");
    const off = await submit(USERS.ada, v, { on: date("2026-03-14") });
    expect(off!.errors!.on).toBe("14 Mar 2026 is already a non-working day.");
    const m = h.fake.mark;
    expect(await submit(USERS.ada, v, { on: date("2026-05-15") })).toBeNull();
    expect((await h.accord.deps.store.settings.get()).calendar.extraHolidays).toEqual(["2026-05-15"]);
    expect(await republished(USERS.ada, m)).toContain("15 May · company closed");
  });

  it("working on a public holiday: picked among the days off to come, then marked worked", async () => {
    const v = await click(USERS.ada, "home.calendar_reopen");
    const options = JSON.stringify(v.view.blocks);
    expect(options).toContain('"value":"2026-04-06"');
    expect(options).toContain('"value":"2026-05-15"');
    expect(options).not.toContain('"value":"2026-01-01"');
    const m = h.fake.mark;
    expect(await submit(USERS.ada, v, { on: opt("2026-04-06") })).toBeNull();
    expect((await h.accord.deps.store.settings.get()).calendar.removedHolidays).toEqual(["2026-04-06"]);
    expect(await republished(USERS.ada, m)).toContain("6 Apr · Easter Monday (worked)");
  });

  it("the ladder: whole numbers from 1, the manager not before the controller, each on its box; then saved and shown", async () => {
    const v = await click(USERS.ada, "home.escalation");
    expect(v.view.callback_id).toBe("form.escalation");
    const zero = await submit(USERS.ada, v, { "escalation.urgent.controllerAfter": text("0") });
    expect(Object.keys(zero!.errors!)).toEqual(["escalation.urgent.controllerAfter"]);
    expect(zero!.errors!["escalation.urgent.controllerAfter"]).toContain("not a whole number from 1 to 50");
    const word = await submit(USERS.ada, v, { "escalation.high.managerAfter": text("trois") });
    expect(Object.keys(word!.errors!)).toEqual(["escalation.high.managerAfter"]);
    const order = await submit(USERS.ada, v, { "escalation.normal.controllerAfter": text("5"), "escalation.normal.managerAfter": text("3") });
    expect(order!.errors!["escalation.normal.managerAfter"]).toBe("Normal: the manager (after 3) cannot be told before the controller (after 5).");
    const m = h.fake.mark;
    const saved = await submit(USERS.ada, v, { "escalation.low.controllerAfter": text(""), "escalation.low.managerAfter": text("6"), "escalation.urgent.managerAfter": text("1"), slaBreach: opts() });
    expect(saved).toBeNull();
    const e = (await h.accord.deps.store.settings.get()).escalation;
    expect(e).toEqual({ urgent: { controllerAfter: 1, managerAfter: 1 }, high: { controllerAfter: 2, managerAfter: 3 }, normal: { controllerAfter: 2, managerAfter: 4 }, low: { controllerAfter: null, managerAfter: 6 }, slaBreach: false });
    const home = await republished(USERS.ada, m);
    expect(home).toContain("Low · controller never · manager after 6 reminders");
    expect(home).toContain("SLA exceeded: nobody is told beyond the reminders.");
  });

  it("a controller clicking an admin button is told politely, and nothing opens", async () => {
    const value = buttonValue(homeBlocks(USERS.ada), "home.escalation")!;
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "home.escalation", value }, { home: true });
    const told = await h.fake.waitFor((c) => (c.method === "chat.postMessage" || c.method === "chat.postEphemeral") && c.seq > m);
    expect(String(told.args.text)).toMatch(/Vous ne pouvez pas|administrat/);
    expect(h.fake.calls.filter((c) => c.seq > m && c.method === "views.open")).toEqual([]);
  });
});
