import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldIdOf } from "./blocks.ts";
import type { StoredView } from "./standin/fakeSlack.ts";
import { date, opt, opts, submitted, text, user } from "./testing/forms.ts";
import { startHarness, USERS, type Harness } from "./testing/harness.ts";

// The new-dispute modal as a person fills it: every missing field told at once, in their language; the
// notice preview shows what the notice sent will show.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

type User = (typeof USERS)[keyof typeof USERS];

async function openForm(who: User, args: string): Promise<StoredView> {
  const m = h.fake.mark;
  await h.sim.command(who, `new ${args}`.trim(), { responseUrl: h.fake.responseUrl() });
  await h.fake.waitFor((c) => (c.method === "views.open" || c.method === "views.update") && c.seq > m);
  await h.idle();
  return h.fake.openView(who.id)!;
}

/** The errors a person sees, keyed by field id. */
function errorsOf(json: unknown): Record<string, string> {
  const r = json as { response_action?: string; errors?: Record<string, string> };
  expect(r.response_action).toBe("errors");
  return Object.fromEntries(Object.entries(r.errors ?? {}).map(([block, msg]) => [fieldIdOf(block), msg]));
}

describe("the new-dispute form", () => {
  it("an empty form tells every missing field at once, in French", async () => {
    const v = await openForm(USERS.carla, "");
    const r = await h.sim.viewSubmission(USERS.carla, v.view, submitted(v, { reason: { selected_option: null } }));
    const errors = errorsOf(r.json);
    expect(errors.customer).toBe("Choisissez le client.");
    expect(errors.statement).toBe("Les mots du client sont obligatoires.");
    expect(errors.reason).toBe("Choisissez le motif de litige.");
    expect(errors.customer).not.toBe("Code ou nom du client");
    expect((await h.accord.deps.store.disputes.list({})).length).toBe(0);
  });

  it("a customer but no item and no words: both told, in English, nothing else", async () => {
    const v = await openForm(USERS.ada, "C001");
    const r = await h.sim.viewSubmission(USERS.ada, v.view, submitted(v, { customer: opt("C001"), reason: opt("price") }));
    const errors = errorsOf(r.json);
    expect(errors).toEqual({ items: "Select at least one item to dispute.", statement: "The customer's own words are required." });
    expect((await h.accord.deps.store.disputes.list({})).length).toBe(0);
  });

  it("the preview shows a partial amount as the notice sent does: 500,00 € on one invoice", async () => {
    let v = await openForm(USERS.carla, "C001");
    const itemsBlock = (v.view.blocks as { block_id?: string }[]).find((b) => b.block_id?.startsWith("items"))!.block_id!;
    const o = await h.sim.options(USERS.carla, v.view, "items", itemsBlock, "");
    const [first, second] = (o.json as { options: { value: string }[] }).options;
    const m1 = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "items", type: "multi_external_select", block_id: itemsBlock }, { view: { ...v.view, state: { values: submitted(v, { customer: opt("C001"), items: opts(first!.value, second!.value) }) } } });
    await h.fake.waitFor((c) => c.method === "views.update" && c.seq > m1);
    await h.idle();
    v = h.fake.openView(USERS.carla.id)!;
    const filled = submitted(v, {
      customer: opt("C001"),
      items: opts(first!.value, second!.value),
      [`amount_${first!.value}`]: text("500,00"),
      reason: opt("price"),
      statement: text("Le prix n'est pas le bon"),
      owner: user(USERS.sid.id),
      notify: opts("yes"),
    });
    const m2 = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "form.preview", value: '{"t":"preview"}' }, { view: { ...v.view, state: { values: filled } } });
    const pushed = await h.fake.waitFor((c) => c.method === "views.push" && c.seq > m2);
    const preview = JSON.stringify(pushed.args.view);
    // 500,00 € + 1 000,01 € (the second invoice in full)
    expect(preview).toContain("F-2026-001 (500,00\u00a0€)");
    expect(preview).toMatch(/Montant en litige[ \u00a0]: 1\u202f500,01\u00a0€/);

    const m3 = h.fake.mark;
    const r = await h.sim.viewSubmission(USERS.carla, v.view, filled);
    expect(r.text).toBe("");
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.seq > m3 && String(c.args.channel).startsWith("D0SID"));
    const sent = JSON.stringify(post.args.blocks);
    expect(sent).toContain("F-2026-001 (500,00\u00a0€)");
    expect(sent).toMatch(/Montant en litige[ \u00a0]: 1\u202f500,01\u00a0€/);
  });

  it("changing the reason moves only the priority and follow-up date the person has not chosen", async () => {
    let v = await openForm(USERS.carla, "C001");
    const shown = () => {
      const blocks = v.view.blocks as { block_id?: string; element?: { initial_option?: { value: string }; initial_date?: string } }[];
      const of = (id: string) => blocks.find((b) => b.block_id && fieldIdOf(b.block_id) === id)?.element;
      return { priority: of("priority")?.initial_option?.value, followUp: of("follow_up")?.initial_date };
    };
    const pick = async (changes: Parameters<typeof submitted>[1]) => {
      const m = h.fake.mark;
      const reasonBlock = (v.view.blocks as { block_id?: string }[]).find((b) => b.block_id && fieldIdOf(b.block_id) === "reason")!.block_id!;
      await h.sim.blockAction(USERS.carla, { action_id: "reason", type: "static_select", block_id: reasonBlock }, { view: { ...v.view, state: { values: submitted(v, { customer: opt("C001"), ...changes }) } } });
      await h.fake.waitFor((c) => c.method === "views.update" && c.seq > m);
      await h.idle();
      v = h.fake.openView(USERS.carla.id)!;
    };
    // untouched: both follow the reason (quantity: normal, first follow-up in 5 days)
    await pick({ reason: opt("quantity") });
    expect(shown()).toEqual({ priority: "normal", followUp: "2026-03-15" });
    // the person chose « urgent »: it stays; the follow-up date follows (already paid: 2 days)
    await pick({ reason: opt("already_paid"), priority: opt("urgent") });
    expect(shown()).toEqual({ priority: "urgent", followUp: "2026-03-12" });
    // and a date they chose stays too, as does the priority chosen before
    await pick({ reason: opt("quality"), follow_up: date("2026-04-01") });
    expect(shown()).toEqual({ priority: "urgent", followUp: "2026-04-01" });
    await pick({ reason: opt("quantity") });
    expect(shown()).toEqual({ priority: "urgent", followUp: "2026-04-01" });
  });
});
