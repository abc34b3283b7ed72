import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { dmOf, NOW, startHarness, USERS, type Harness } from "./testing/harness.ts";

// Nudge from a /dispute list row (issue 11): a controller's, manager's or admin's row of an open dispute they do
// not own has a menu (Open, Nudge) in place of the single Open button; the owner's own rows keep the button.
// Nudge from the menu is the card's Nudge: the owner's DM, the clicker's answer, the once-an-hour refusal.

let h: Harness;
let clock = NOW;
let number = "";
beforeAll(async () => {
  h = await startHarness({ clock: () => clock, env: { ACCORD_TICK_SECONDS: "3600" } });
  number = (await openDispute(h.accord.deps, {
    customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix non conforme au devis",
    ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, followUpOn: "2026-03-20", priority: "normal",
  })).dispute.number;
  await h.idle();
});
afterAll(async () => h?.stop());

type User = (typeof USERS)[keyof typeof USERS];
type Row = { accessory?: { type: string; action_id: string; value?: string; options?: { text: { text: string }; value: string }[] } };

async function listRows(who: User): Promise<Row[]> {
  const m = h.fake.mark;
  await h.sim.command(who, "list all", { responseUrl: h.fake.responseUrl() });
  const r = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m);
  return (r.args.blocks as Row[]).filter((b) => b.accessory);
}

const menuClick = (who: User, value: string, ts: string) =>
  h.sim.blockAction(who, { action_id: "list.menu", type: "overflow", selected_option: { value } }, { channel: dmOf(who), ts });

describe("Nudge from /dispute list rows", () => {
  let nudgeValue = "";
  let openValue = "";

  it("the controller's row has a menu « Ouvrir » / « Envoyer un rappel »; the owner's row keeps its single button", async () => {
    const [row] = await listRows(USERS.carla);
    expect(row!.accessory).toMatchObject({ type: "overflow", action_id: "list.menu" });
    const labels = row!.accessory!.options!.map((o) => o.text.text);
    expect(labels[1]).toBe("Envoyer un rappel");
    openValue = row!.accessory!.options![0]!.value;
    nudgeValue = row!.accessory!.options![1]!.value;
    const [own] = await listRows(USERS.sid);
    expect(own!.accessory).toMatchObject({ type: "button", action_id: "list.show" });
    const [manager] = await listRows(USERS.mona);
    expect(manager!.accessory!.options!.map((o) => o.text.text)[1]).toBe("Nudge");
  });

  it("Open from the menu shows the card", async () => {
    const mark = h.fake.mark;
    await menuClick(USERS.carla, openValue, "1773133200.000050");
    const shown = await h.fake.waitFor((c) => c.seq > mark && (c.method === "chat.postEphemeral" || c.method === "chat.postMessage" || c.method === "response_url") && JSON.stringify(c.args.blocks ?? "").includes("Boulangerie Martin"), 5000);
    expect(JSON.stringify(shown.args.blocks)).toContain(number);
  });

  it("Nudge from the menu sends the owner the DM and answers « Rappel envoyé à Sid Sales. »", async () => {
    const before = h.fake.posts(dmOf(USERS.sid)).length;
    const mark = h.fake.mark;
    await menuClick(USERS.carla, nudgeValue, "1773133200.000100");
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Rappel envoyé à Sid Sales.");
    await h.idle();
    const posts = h.fake.posts(dmOf(USERS.sid));
    expect(posts.length).toBe(before + 1);
    expect(posts.at(-1)!.text).toContain(`Rappel de Carla Control\u00a0: merci de faire le point sur le litige ${number}.`);
  });

  it("the manager's Nudge within the hour is refused the card's way, in English", async () => {
    clock = new Date(NOW.getTime() + 20 * 60_000);
    const before = h.fake.posts(dmOf(USERS.sid)).length;
    const mark = h.fake.mark;
    await menuClick(USERS.mona, nudgeValue, "1773133200.000200");
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("A nudge was already sent at 10:00; the next one is possible at 11:00.");
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.sid)).length).toBe(before);
  });

  it("the owner choosing a Nudge value in a menu is refused politely", async () => {
    clock = new Date(NOW.getTime() + 2 * 3600_000);
    const mark = h.fake.mark;
    await menuClick(USERS.sid, nudgeValue, "1773133200.000300");
    const answer = await h.fake.waitFor((c) => c.method === "chat.postEphemeral", 5000, mark);
    expect(String(answer.args.text)).toBe("Désolé, vous ne pouvez pas faire cela sur ce litige. Rien n'a été modifié.");
  });
});
