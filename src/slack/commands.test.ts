import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { withdrawDispute } from "../app/withdrawDispute.ts";
import { submitted, user } from "./testing/forms.ts";
import { buttonValue, startHarness, USERS, type Harness } from "./testing/harness.ts";

// `/dispute` as each person sees it: who may open disputes, the help by role, the list's filters.

let h: Harness;
let numbers: { price: string; delivery: string; withdrawn: string };
beforeAll(async () => {
  h = await startHarness();
  const deps = h.accord.deps;
  const open = async (ref: string, reasonCode: string, ownerEmail: string) =>
    (await openDispute(deps, { customerRef: "C001", items: [{ ref, amount: "100,00" }], reasonCode, statement: "Le client conteste", ownerEmail, openedByEmail: USERS.carla.email, origin: { notifyOwner: false } })).dispute.number;
  numbers = {
    price: await open("F-2026-001", "price", USERS.sid.email),
    delivery: await open("F-2026-002", "delivery", USERS.sam.email),
    withdrawn: await open("F-2026-003", "price", USERS.sid.email),
  };
  await withdrawDispute(deps, { dispute: numbers.withdrawn, byEmail: USERS.carla.email, note: "Erreur de saisie" });
  await h.idle();
});
afterAll(async () => h?.stop());

type User = (typeof USERS)[keyof typeof USERS];

/** What the person reads back from `/dispute <text>`. */
async function run(who: User, text: string): Promise<string> {
  const m = h.fake.mark;
  await h.sim.command(who, text, { responseUrl: h.fake.responseUrl() });
  const r = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m);
  return JSON.stringify(r.args);
}

describe("/dispute", () => {
  it("new, as a sales rep: says who may open disputes, in their language", async () => {
    const fr = await run(USERS.sid, "new C001");
    expect(fr).toContain("Seuls les chargés de recouvrement et les administrateurs peuvent ouvrir un litige.");
    expect(fr).not.toContain("sur ce litige");
    const en = await run(USERS.sam, "new");
    expect(en).toContain("Only credit controllers and admins may open disputes.");
    expect(en).not.toContain("on this dispute");
  });

  it("help shows each person the commands they may use, and documents each filter", async () => {
    const sales = await run(USERS.sid, "help");
    expect(sales).toContain("/dispute list");
    expect(sales).toContain("/dispute show");
    expect(sales).not.toContain("/dispute new");
    expect(sales).not.toContain("/dispute customer");
    expect(sales).toContain("status:");
    const controller = await run(USERS.carla, "help");
    expect(controller).toContain("/dispute new");
    expect(controller).toContain("/dispute customer");
    for (const filter of ["`mine`", "`overdue`", "`all`", "`status:`", "`reason:<code>`", "`owner:@personne`", "owner:@Paul Durand"]) expect(controller).toContain(filter);
    const manager = await run(USERS.mona, "help");
    expect(manager).toContain("`owner:@user`");
    expect(manager).not.toContain("/dispute new");
  });

  it("list status: open by default, resolved, withdrawn or all", async () => {
    const open = await run(USERS.carla, "list all");
    expect(open).toContain(numbers.price);
    expect(open).not.toContain(numbers.withdrawn);
    const withdrawn = await run(USERS.carla, "list all status:withdrawn");
    expect(withdrawn).toContain(numbers.withdrawn);
    expect(withdrawn).not.toContain(numbers.price);
    const all = await run(USERS.carla, "list all status:all");
    for (const n of Object.values(numbers)) expect(all).toContain(n);
  });

  it("list: a row whose owner Accord cannot reach in Teams says so (not to that owner), in the reader's language", async () => {
    const s = h.accord.deps.store;
    await s.teams.markUnreachable(USERS.sam.email, "not_installed", h.accord.deps.clock());
    try {
      const carla = await run(USERS.carla, "list all");
      expect(carla).toContain("⚠ Sam Sales n’est pas encore joignable dans Teams\u00a0: son avis est conservé jusqu’à ce qu’il ou elle ouvre Accord dans Teams.");
      // only under Sam's row (the delivery dispute), not under Sid's
      expect(carla.match(/joignable dans Teams/g)).toHaveLength(1);
      expect(await run(USERS.sam, "list")).not.toContain("Teams");
      await s.teams.markUnreachable(USERS.sid.email, "403", h.accord.deps.clock());
      expect(await run(USERS.sam, "list all")).toContain("⚠ Sid Sales cannot be reached in Teams yet: their notice is kept until they open Accord there.");
    } finally {
      await s.teams.markReachable(USERS.sam.email);
      await s.teams.markReachable(USERS.sid.email);
    }
    expect(await run(USERS.carla, "list all")).not.toContain("joignable");
  });

  it("list owner: as Slack sends a picked mention and as typed text", async () => {
    const picked = await run(USERS.carla, `list all owner:<@${USERS.sid.id}|sid>`);
    expect(picked).toContain(numbers.price);
    expect(picked).not.toContain(numbers.delivery);
    const typed = await run(USERS.carla, "list all owner:@Sam Sales");
    expect(typed).toContain(numbers.delivery);
    expect(typed).not.toContain(numbers.price);
    const typedThenFilter = await run(USERS.carla, "list owner:@sid sales status:all all");
    expect(typedThenFilter).toContain(numbers.withdrawn);
    expect(typedThenFilter).not.toContain(numbers.delivery);
  });

  it("list reason: applies to the scope asked, not only the viewer's own", async () => {
    const all = await run(USERS.carla, "list all reason:price");
    expect(all).toContain(numbers.price);
    expect(all).not.toContain(numbers.delivery);
    // carla owns none of them, but opened both: « mine » is her App Home list, narrowed to the reason
    const mine = await run(USERS.carla, "list reason:delivery");
    expect(mine).toContain(numbers.delivery);
    expect(mine).not.toContain(numbers.price);
  });
});

describe("a manager's reassignment", () => {
  it("is confirmed to the manager, and the manager's copy of the card (from /dispute show) shows the new owner", async () => {
    const url = h.fake.responseUrl();
    const m0 = h.fake.mark;
    await h.sim.command(USERS.mona, `show ${numbers.delivery}`, { responseUrl: url, channel: "C0GENERAL" });
    const shown = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m0);
    const blocks = (shown.args as { blocks: unknown[] }).blocks;
    expect(JSON.stringify(blocks)).toMatch(/Sam Sales|<@U0SAM>/);

    const m1 = h.fake.mark;
    const clickUrl = h.fake.responseUrl();
    await h.sim.blockAction(USERS.mona, { action_id: "card.reassign", value: buttonValue(blocks as never, "card.reassign")! }, { channel: "C0GENERAL", ts: "1700000000.000100", ephemeral: true, responseUrl: clickUrl });
    await h.fake.waitFor((c) => c.method === "views.open" && c.seq > m1);
    await h.idle();
    const v = h.fake.openView(USERS.mona.id)!;
    const m2 = h.fake.mark;
    const r = await h.sim.viewSubmission(USERS.mona, v.view, submitted(v, { to: user(USERS.sid.id) }));
    expect(r.text).toBe("");
    const replaced = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m2 && (c.args as { replace_original?: boolean }).replace_original === true);
    const card = JSON.stringify((replaced.args as { blocks: unknown[] }).blocks);
    expect(card).toMatch(/Sid Sales|<@U0SID>/);
    await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && c.seq > m2);
    expect(h.fake.ephemerals.some((e) => e.user === USERS.mona.id && e.channel === "C0GENERAL" && e.text.includes(`Done: ${numbers.delivery} is now with Sid Sales.`))).toBe(true);
    await h.idle();
    // and the dispute is now with Sid
    const dispute = (await h.accord.deps.store.disputes.list({})).find((d) => d.number === numbers.delivery)!;
    expect(dispute.ownerEmail).toBe(USERS.sid.email);
  });
});
