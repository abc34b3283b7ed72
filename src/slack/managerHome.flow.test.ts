import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentDispute } from "../app/commentDispute.ts";
import { openDispute } from "../app/openDispute.ts";
import { buttonValue, startHarness, USERS, type Harness } from "./testing/harness.ts";

// The manager view over Slack (signed requests, a fake Web API): Mona manages Sam and Sid. Her Home tab shows
// their disputes, is refreshed when one of them changes, and its Reassign button opens the card's reassign form.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const s = h.accord.deps.store;
  await s.people.upsertMany([USERS.sam, USERS.sid].map((u) => ({ email: u.email, name: u.name, role: u.role, managerEmail: USERS.mona.email })));
  if (!(await s.reasons.byCode("price"))) throw new Error("the seeded reasons are expected");
});
afterAll(async () => {
  await h.stop();
});

const home = (userId: string) => JSON.stringify(h.fake.homes.get(userId) ?? {});

describe("manager home over Slack", () => {
  let disputeId = 0;
  let number = "";

  it("the manager's Home shows the team's disputes with Nudge and Reassign", async () => {
    const { dispute } = await openDispute(h.accord.deps, {
      customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix erroné", openedByEmail: USERS.carla.email, ownerEmail: USERS.sam.email,
    });
    disputeId = dispute.id;
    number = dispute.number;
    await h.idle();
    const m = h.fake.mark;
    await h.sim.event({ type: "app_home_opened", user: USERS.mona.id, channel: "D0MONA", tab: "home" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.mona.id);
    const view = home(USERS.mona.id);
    expect(view).toContain("My team’s disputes");
    expect(view).toContain("Sam Sales");
    expect(view).toContain(number);
    expect(view).toContain('"action_id":"dispute.nudge"');
    expect(view).toContain("What to decide");
  });

  it("a change of a team member's dispute refreshes the manager's Home", async () => {
    const m = h.fake.mark;
    await commentDispute(h.accord.deps, { dispute: disputeId, byEmail: USERS.sam.email, text: "J'appelle le client" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.mona.id);
  });

  it("the Reassign button of a row opens the reassign form", async () => {
    const blocks = (h.fake.homes.get(USERS.mona.id) as { blocks: unknown[] }).blocks;
    const value = buttonValue(blocks, "card.reassign");
    expect(JSON.parse(value!)).toMatchObject({ t: "card", a: "reassign", d: disputeId });
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.mona, { action_id: "card.reassign", value: value! }, { home: true });
    const opened = await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m);
    expect(JSON.stringify(opened.args.view)).toContain(number);
  });
});
