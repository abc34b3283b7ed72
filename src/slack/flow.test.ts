import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listHolds } from "../app/dunning.ts";
import { EXPORT_LABELS } from "../views/exportLabels.ts";
import { fieldIdOf } from "./blocks.ts";
import type { StoredView } from "./standin/fakeSlack.ts";
import { date, opt, opts, text, user, type El } from "./testing/forms.ts";
import { actionIds, buttonValue, startHarness, USERS, type Harness } from "./testing/harness.ts";
import { signature } from "./standin/signed.ts";

// The whole flow over HTTP with signed requests shaped like Slack's, against the fake Web API.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

/** state.values for a view, keyed by field id (block ids carry a context key). */
function values(v: StoredView, byField: Record<string, El>): Record<string, Record<string, El>> {
  const blocks = (v.view.blocks as { block_id?: string; type: string; element?: { action_id: string; type: string } }[]) ?? [];
  const out: Record<string, Record<string, El>> = {};
  for (const b of blocks) {
    if (b.type !== "input" || !b.block_id || !b.element) continue;
    const f = byField[fieldIdOf(b.block_id)];
    out[b.block_id] = { [b.element.action_id]: { type: b.element.type, ...(f ?? {}) } };
  }
  return out;
}

async function openedView(userId: string, after: number): Promise<StoredView> {
  await h.fake.waitFor((c) => (c.method === "views.open" || c.method === "views.update" || c.method === "views.push") && c.seq > after);
  await h.idle();
  return h.fake.openView(userId)!;
}

const lastCard = (channel: string) => h.fake.posts(channel).at(-1)!;

describe("signatures", () => {
  it("refuses a bad signature, a missing one and a timestamp older than 5 minutes", async () => {
    const body = "command=%2Fdispute&text=&user_id=U0CARLA";
    const bad = await h.sim.send(body, "application/x-www-form-urlencoded", { signature: "v0=deadbeef" });
    expect(bad.status).toBe(401);
    const none = await h.sim.send(body, "application/x-www-form-urlencoded", { signature: null });
    expect(none.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const replay = await h.sim.send(body, "application/x-www-form-urlencoded", { timestamp: old, signature: signature(h.sim.secret, old, body) });
    expect(replay.status).toBe(401);
    expect(h.fake.callsOf("response_url")).toHaveLength(0);
  });
});

describe("the whole flow", () => {
  let disputeId = 0;
  let samDm = "";

  it("tells an unknown Slack user how to be added, and does nothing else", async () => {
    const url = h.fake.responseUrl();
    const before = h.fake.mark;
    await h.sim.command(USERS.eve, "list", { responseUrl: url });
    const r = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > before);
    expect(JSON.stringify(r.args)).toContain("import people.csv");
    expect(h.fake.calls.filter((c) => c.seq > before && c.method.startsWith("chat."))).toHaveLength(0);
  });

  it("/dispute new opens the modal, type-ahead lists the customer's items, selecting items adds amounts", async () => {
    const m0 = h.fake.mark;
    const ack = await h.sim.command(USERS.carla, "new C001", { responseUrl: h.fake.responseUrl() });
    expect(ack.status).toBe(200);
    let v = await openedView(USERS.carla.id, m0);
    expect(v.view.callback_id).toBe("form.new");
    expect(JSON.stringify(v.view.blocks)).toContain("Boulangerie Martin");

    const itemsBlock = (v.view.blocks as { block_id?: string }[]).find((b) => b.block_id?.startsWith("items"))!.block_id!;
    const o = await h.sim.options(USERS.carla, v.view, "items", itemsBlock, "F-2026");
    const options = (o.json as { options: { value: string; text: { text: string } }[] }).options;
    expect(options.map((x) => x.text.text)).toEqual([expect.stringContaining("F-2026-001"), expect.stringContaining("F-2026-002"), expect.stringContaining("F-2026-003")]);
    const cust = await h.sim.options(USERS.carla, v.view, "customer", "customer", "acme");
    expect((cust.json as { options: unknown[] }).options).toHaveLength(2);

    const m1 = h.fake.mark;
    const view = { ...v.view, state: { values: values(v, { customer: opt("C001"), items: opts(options[0]!.value, options[1]!.value) }) } };
    await h.sim.blockAction(USERS.carla, { action_id: "items", type: "multi_external_select", block_id: itemsBlock }, { view });
    v = await openedView(USERS.carla.id, m1);
    expect(JSON.stringify(v.view.blocks)).toContain(`amount_${options[0]!.value}`);
  });

  it("reports bad input on the field and creates nothing", async () => {
    const v = h.fake.openView(USERS.carla.id)!;
    const ids = JSON.parse(v.view.private_metadata as string).i as number[];
    const r = await h.sim.viewSubmission(
      USERS.carla,
      v.view,
      values(v, { customer: opt("C001"), items: opts(String(ids[0]), String(ids[1])), [`amount_${ids[0]}`]: text("douze"), reason: opt("price"), statement: text("Prix pas conforme"), owner: user(USERS.sam.id) }),
    );
    expect(r.json).toMatchObject({ response_action: "errors" });
    expect(Object.keys((r.json as { errors: object }).errors)[0]).toBe(`amount_${ids[0]}`);
    const r2 = await h.sim.viewSubmission(
      USERS.carla,
      v.view,
      values(v, { customer: opt("C001"), items: opts(String(ids[0])), [`amount_${ids[0]}`]: text("5000"), reason: opt("price"), statement: text("Prix"), owner: user(USERS.sam.id) }),
    );
    expect(r2.json).toMatchObject({ response_action: "errors" });
    expect((await h.accord.deps.store.disputes.list({})).length).toBe(0);
  });

  it("a preview renders the notice template before sending", async () => {
    const v = h.fake.openView(USERS.carla.id)!;
    const ids = JSON.parse(v.view.private_metadata as string).i as number[];
    const m = h.fake.mark;
    const view = { ...v.view, state: { values: values(v, { customer: opt("C001"), items: opts(String(ids[0])), reason: opt("price"), statement: text("Le prix n'est pas le bon"), owner: user(USERS.sam.id) }) } };
    await h.sim.blockAction(USERS.carla, { action_id: "form.preview", value: '{"t":"preview"}' }, { view });
    const pushed = await h.fake.waitFor((c) => c.method === "views.push" && c.seq > m);
    const shown = JSON.stringify(pushed.args.view);
    expect(shown).toContain("Boulangerie Martin");
    expect(shown).toContain("Le prix n'est pas le bon");
    expect(shown).not.toContain("#customer_name");
  });

  it("submitting opens the dispute; the card reaches the owner's DM with the notice; dunning is held", async () => {
    const v = [...h.fake.views.values()].filter((x) => x.user === USERS.carla.id && x.view.callback_id === "form.new").at(-1)!;
    const ids = JSON.parse(v.view.private_metadata as string).i as number[];
    const m = h.fake.mark;
    const r = await h.sim.viewSubmission(
      USERS.carla,
      v.view,
      values(v, {
        customer: opt("C001"),
        items: opts(String(ids[0]), String(ids[1])),
        [`amount_${ids[0]}`]: text("200,00"),
        reason: opt("price"),
        priority: opt("high"),
        statement: text("Le prix facturé ne correspond pas au devis"),
        owner: user(USERS.sam.id),
        follow_up: date("2026-03-15"),
        notify: opts("yes"),
      }),
    );
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
    // a double submission (retry) creates nothing more
    await h.sim.viewSubmission(USERS.carla, v.view, values(v, { customer: opt("C001"), items: opts(String(ids[0]), String(ids[1])), [`amount_${ids[0]}`]: text("200,00"), reason: opt("price"), priority: opt("high"), statement: text("Le prix facturé ne correspond pas au devis"), owner: user(USERS.sam.id), follow_up: date("2026-03-15"), notify: opts("yes") }));
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.seq > m && !c.args.thread_ts && String(c.args.channel).startsWith("D0SAM"));
    await h.idle();
    const disputes = await h.accord.deps.store.disputes.list({});
    expect(disputes).toHaveLength(1);
    disputeId = disputes[0]!.id;
    samDm = String(post.args.channel);
    const card = JSON.stringify(post.args.blocks);
    expect(card).toContain("Boulangerie Martin");
    expect(card).toContain("Hello, a dispute was opened"); // the owner's notice, in the owner's language (en)
    expect(card).toContain("Le prix facturé");
    const ids2 = actionIds(post.args.blocks);
    expect(ids2).toEqual(expect.arrayContaining(["card.comment", "card.reassign", "card.follow_up", "card.resolve"]));
    expect(ids2).not.toContain("card.edit");
    expect(ids2).not.toContain("card.more");
    const holds = await listHolds(h.accord.deps, { customerRef: "C001" });
    expect(holds.reduce((s, x) => s + x.amount, 0)).toBe(200_00 + 1000_01);
    // the controller is told
    expect(h.fake.ephemerals.some((e) => e.user === USERS.carla.id && e.text.includes(disputes[0]!.number))).toBe(true);
    await expect(h.accord.deps.store.people.bySlackId(USERS.sam.id)).resolves.toMatchObject({ email: USERS.sam.email });
  });

  it("Add update: the button opens a modal, the submission updates the card in place and threads a line; a double submit changes nothing twice", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.comment", value: buttonValue(card.blocks, "card.comment")! }, { channel: samDm, ts: card.ts });
    const v = await openedView(USERS.sam.id, m);
    expect(v.view.callback_id).toBe("form.card");
    const r = await h.sim.viewSubmission(USERS.sam, v.view, values(v, { text: text("J'appelle le client demain") }));
    expect(r.text).toBe("");
    await h.sim.viewSubmission(USERS.sam, v.view, values(v, { text: text("J'appelle le client demain") }));
    await h.idle();
    const upd = h.fake.callsOf("chat.update").filter((c) => c.seq > m && c.args.ts === card.ts);
    expect(upd.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(upd.at(-1)!.args.blocks)).toContain("J'appelle le client demain");
    const thread = h.fake.thread(samDm, card.ts);
    expect(thread.filter((x) => x.text.includes("J'appelle le client demain"))).toHaveLength(1);
    const tl = await h.accord.deps.store.disputes.timeline(disputeId);
    expect(tl.filter((e) => e.type === "commented")).toHaveLength(1);
  });

  it("Add update: the field stops at 2,000 characters, and a longer text sent anyway is refused at the field in the person's language, saving nothing", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.comment", value: buttonValue(card.blocks, "card.comment")! }, { channel: samDm, ts: card.ts });
    const v = await openedView(USERS.sam.id, m);
    expect(JSON.stringify(v.view.blocks)).toContain('"max_length":2000');
    const before = (await h.accord.deps.store.disputes.timeline(disputeId)).length;
    const r = await h.sim.viewSubmission(USERS.sam, v.view, values(v, { text: text("a".repeat(2001)) }));
    expect(r.json).toMatchObject({ response_action: "errors" });
    expect(Object.values((r.json as { errors: Record<string, string> }).errors)).toEqual(["Too long: at most 2,000 characters (2,001 given)."]); // Sam reads English
    expect(await h.accord.deps.store.disputes.timeline(disputeId)).toHaveLength(before);
  });

  it("a modal submitted on a dispute that changed meanwhile shows the fresh state and saves nothing", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.follow_up", value: buttonValue(card.blocks, "card.follow_up")! }, { channel: samDm, ts: card.ts });
    const stale = await openedView(USERS.sam.id, m);
    // meanwhile, another follow-up form is opened and submitted
    const m2 = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.follow_up", value: buttonValue(card.blocks, "card.follow_up")! }, { channel: samDm, ts: card.ts });
    const fresh = await openedView(USERS.sam.id, m2);
    const ok = await h.sim.viewSubmission(USERS.sam, fresh.view, values(fresh, { on: date("2026-03-20") }));
    expect(ok.text).toBe("");
    const r = await h.sim.viewSubmission(USERS.sam, stale.view, values(stale, { on: date("2026-03-25") }));
    expect(r.json).toMatchObject({ response_action: "update", view: { callback_id: "form.info" } });
    expect(JSON.stringify(r.json)).toContain("changed");
    expect((await h.accord.deps.store.disputes.byId(disputeId))!.followUpOn).toBe("2026-03-20");
    await h.idle();
  });

  it("a person who may not act gets a polite refusal and nothing changes", async () => {
    const card = lastCard(samDm);
    const before = (await h.accord.deps.store.disputes.byId(disputeId))!.version;
    const m = h.fake.mark;
    const value = buttonValue(card.blocks, "card.resolve")!;
    await h.sim.blockAction(USERS.mona, { action_id: "card.resolve", value }, { channel: samDm, ts: card.ts });
    const e = await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && c.seq > m && c.args.user === USERS.mona.id);
    expect(String(e.args.text)).toMatch(/may not/);
    expect(h.fake.callsOf("views.open").filter((c) => c.seq > m)).toHaveLength(0);
    expect((await h.accord.deps.store.disputes.byId(disputeId))!.version).toBe(before);
  });

  it("an unknown or malformed button payload gets a polite answer", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.resolve", value: '{"t":"nope"}' }, { channel: samDm, ts: card.ts });
    await h.sim.blockAction(USERS.sam, { action_id: "legacy.button", value: "x" }, { channel: samDm, ts: card.ts });
    await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && c.seq > m);
    await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && c.seq > m + 1);
    expect(h.fake.callsOf("chat.postEphemeral").filter((c) => c.seq > m).every((c) => /did not understand/.test(String(c.args.text)))).toBe(true);
  });

  it("a reply in the card's thread becomes a comment (retries ignored, no echo in that thread)", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    const ev = { type: "message", channel: samDm, channel_type: "im", user: USERS.sam.id, text: "Le client confirme l'erreur", ts: "1800009999.000100", thread_ts: card.ts };
    await h.sim.event(ev, { eventId: "EvTHREAD1" });
    await h.sim.event(ev, { eventId: "EvTHREAD1", retryNum: 1 });
    await h.fake.waitFor((c) => c.method === "chat.update" && c.seq > m && c.args.ts === card.ts);
    await h.idle();
    const tl = await h.accord.deps.store.disputes.timeline(disputeId);
    expect(tl.filter((e) => e.text === "Le client confirme l'erreur")).toHaveLength(1);
    expect(h.fake.thread(samDm, card.ts).filter((x) => x.text.includes("Le client confirme"))).toHaveLength(0);
  });

  it("reassigning posts the card to the new owner", async () => {
    const card = lastCard(samDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sam, { action_id: "card.reassign", value: buttonValue(card.blocks, "card.reassign")! }, { channel: samDm, ts: card.ts });
    const v = await openedView(USERS.sam.id, m);
    await h.sim.viewSubmission(USERS.sam, v.view, values(v, { to: user(USERS.sid.id), note: text("Sid suit ce client") }));
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.seq > m && String(c.args.channel) === "D0SID" && !c.args.thread_ts);
    await h.idle();
    expect(JSON.stringify(post.args.blocks)).toContain("card.resolve");
    expect((await h.accord.deps.store.disputes.byId(disputeId))!.ownerEmail).toBe(USERS.sid.email);
    // the old owner's copy no longer offers owner actions
    expect(actionIds(lastCard(samDm).blocks)).not.toContain("card.resolve");
  });

  it("resolving releases dunning; controllers are then offered Reopen", async () => {
    const sidDm = "D0SID";
    const card = lastCard(sidDm);
    const m = h.fake.mark;
    await h.sim.blockAction(USERS.sid, { action_id: "card.resolve", value: buttonValue(card.blocks, "card.resolve")! }, { channel: sidDm, ts: card.ts });
    const v = await openedView(USERS.sid.id, m);
    expect(JSON.stringify(v.view.blocks)).toContain("credit_note_ref");
    // Sid reads French: a refusal in the modal is French, with euros, never minor units (hardening item 13)
    const over = await h.sim.viewSubmission(USERS.sid, v.view, values(v, { outcome: opt("credit_note"), note: text("Avoir accordé"), credit_note_ref: text("AV-1"), conceded: text("5000") }));
    expect(over.json).toMatchObject({ response_action: "errors" });
    expect(Object.values((over.json as { errors: Record<string, string> }).errors)).toEqual([
      "Le montant concédé (5\u202f000,00\u00a0€) ne peut pas dépasser le montant en litige (1\u202f200,01\u00a0€).",
    ]);
    const r = await h.sim.viewSubmission(USERS.sid, v.view, values(v, { outcome: opt("invoice_corrected"), note: text("Facture corrigée"), root_cause: text("tarif") }));
    expect(r.text).toBe("");
    await h.idle();
    expect((await h.accord.deps.store.disputes.byId(disputeId))!.status).toBe("resolved");
    expect(await listHolds(h.accord.deps, { customerRef: "C001" })).toHaveLength(0);
    expect(JSON.stringify(lastCard(sidDm).blocks)).toMatch(/Résolu|Resolved/);
    const url = h.fake.responseUrl();
    const m2 = h.fake.mark;
    await h.sim.command(USERS.carla, `show ${(await h.accord.deps.store.disputes.byId(disputeId))!.number}`, { responseUrl: url });
    const shown = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m2);
    expect(actionIds(shown.args.blocks)).toContain("card.reopen");
  });

  it("/dispute list answers an ephemeral list whose buttons open each card", async () => {
    const url = h.fake.responseUrl();
    const m = h.fake.mark;
    await h.sim.command(USERS.carla, "list all", { responseUrl: url });
    const resp = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m);
    expect(resp.args.response_type).toBe("ephemeral");
    const m2 = h.fake.mark;
    await h.sim.command(USERS.carla, "list all reason:nope", { responseUrl: h.fake.responseUrl() });
    const bad = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m2);
    expect(String(bad.args.text)).toMatch(/nope/);
  });

  it("customer <ref or name>: flags the customer, then shows the flag to clear it", async () => {
    const m = h.fake.mark;
    await h.sim.command(USERS.carla, "customer acme", { responseUrl: h.fake.responseUrl() });
    const amb = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m);
    expect(actionIds(amb.args.blocks)).toContain("customer.pick");
    const m2 = h.fake.mark;
    await h.sim.command(USERS.carla, "customer C002", { responseUrl: h.fake.responseUrl() });
    const v = await openedView(USERS.carla.id, m2);
    expect(JSON.parse(v.view.private_metadata as string)).toMatchObject({ scope: "customer", c: "C002" });
    const r = await h.sim.viewSubmission(USERS.carla, v.view, values(v, { customer: opt("C002"), reason: opt("wrong_entity"), statement: text("Ce n'est pas nous"), notify: opts() }));
    expect(r.text).toBe("");
    await h.idle();
    const flag = await h.accord.deps.store.disputes.openCustomerLevel((await h.accord.deps.store.customers.byRef("C002"))!.id);
    expect(flag).not.toBeNull();
    expect(h.fake.posts("D0SID").filter((p) => JSON.stringify(p.blocks).includes(flag!.number))).toHaveLength(0); // notify unchecked
    const m3 = h.fake.mark;
    await h.sim.command(USERS.carla, "customer C002", { responseUrl: h.fake.responseUrl() });
    const shown = await h.fake.waitFor((c) => c.method === "response_url" && c.seq > m3);
    expect(JSON.stringify(shown.args.blocks)).toContain(flag!.number);
    expect(actionIds(shown.args.blocks)).toEqual(expect.arrayContaining(["card.resolve", "card.more"]));
  });

  /** The file `/dispute export <text>` puts in the person's DM. */
  async function exported(u: (typeof USERS)[keyof typeof USERS], text: string) {
    const m = h.fake.mark;
    await h.sim.command(u, text, { responseUrl: h.fake.responseUrl() });
    await h.fake.waitFor((c) => c.method === "files.completeUploadExternal" && c.seq > m);
    return h.fake.files.at(-1)!;
  }

  it("export uploads the file to the user's DM: a French user's XLSX in French (sheet, headers, labels), codes in their own columns", async () => {
    const f = await exported(USERS.carla, "export all xlsx");
    expect(f.channel).toBe("D0CARLA");
    expect(f.filename).toMatch(/\.xlsx$/);
    expect(f.content.subarray(0, 2).toString()).toBe("PK");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(f.content as never);
    const ws = wb.getWorksheet("Litiges")!;
    expect(ws).toBeDefined();
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(Object.values(EXPORT_LABELS.fr.header));
    expect(header).toEqual(expect.arrayContaining(["Numéro", "Statut", "Ouvert le"]));
    const statuses = new Set<unknown>();
    for (let n = 2; n <= ws.rowCount; n++) statuses.add(ws.getRow(n).getCell(header.indexOf("Statut") + 1).value);
    expect([...statuses].every((x) => ["Ouvert", "Résolu", "Retiré"].includes(String(x)))).toBe(true);
    const codes = new Set<unknown>();
    for (let n = 2; n <= ws.rowCount; n++) codes.add(ws.getRow(n).getCell(header.indexOf("Code statut") + 1).value);
    expect([...codes].every((x) => ["open", "resolved", "withdrawn"].includes(String(x)))).toBe(true);
    expect(ws.getRow(2).getCell(header.indexOf("Ouvert le") + 1).value).toBeInstanceOf(Date);
    expect(wb.getWorksheet("Totaux")).toBeDefined();
  });

  it("export csv: French Excel's CSV for a French user (BOM, ;, French headers); English for an English-speaking one", async () => {
    const fr = (await exported(USERS.carla, "export all csv")).content.toString("utf8");
    expect(fr.startsWith("\ufeff")).toBe(true);
    expect(fr.slice(1).split(/\r?\n/)[0]).toBe(Object.values(EXPORT_LABELS.fr.header).join(";"));
    const en = (await exported(USERS.mona, "export all csv")).content.toString("utf8");
    expect(en.slice(1).split(/\r?\n/)[0]).toBe(Object.values(EXPORT_LABELS.en.header).join(","));
  });

  it("App Home: my disputes with a summary; admins get the admin section", async () => {
    const m = h.fake.mark;
    await h.sim.event({ type: "app_home_opened", user: USERS.carla.id, channel: "D0CARLA", tab: "home" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.carla.id);
    const home = JSON.stringify(h.fake.homes.get(USERS.carla.id));
    expect(home).toContain("Mes litiges");
    expect(home).not.toContain("admin.add_reason");
    await h.sim.event({ type: "app_home_opened", user: USERS.ada.id, channel: "D0ADA", tab: "home" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.args.user_id === USERS.ada.id);
    const admin = JSON.stringify(h.fake.homes.get(USERS.ada.id));
    expect(admin).toContain("admin.add_reason");
    expect(admin).toContain("#items_list_selected");
  });

  it("the message shortcut opens the modal with the message as the customer's words", async () => {
    const m = h.fake.mark;
    await h.sim.messageShortcut(USERS.carla, { text: "Bonjour, la facture F-2026-003 est fausse", ts: "1800000001.000001", user: "U0CUSTOMER" });
    const v = await openedView(USERS.carla.id, m);
    expect(JSON.stringify(v.view.blocks)).toContain("la facture F-2026-003 est fausse");
  });
});

describe("Slack failures", () => {
  it("expired_trigger_id: the user is told to try again", async () => {
    h.fake.script("views.open", { error: "expired_trigger_id" });
    const m = h.fake.mark;
    await h.sim.command(USERS.carla, "new", { responseUrl: h.fake.responseUrl(), channel: "C0GENERAL" });
    const e = await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && c.seq > m);
    expect(String(e.args.text)).toMatch(/trop de temps|too long/);
  });

  it("429 with Retry-After: the card update waits and still arrives", async () => {
    const d = (await h.accord.deps.store.disputes.list({})).find((x) => x.scope === "items");
    h.fake.script("chat.update", { status: 429, retryAfter: 1 });
    const m = h.fake.mark;
    const t0 = Date.now();
    await (await import("../app/commentDispute.ts")).commentDispute(h.accord.deps, { dispute: d!.id, byEmail: USERS.carla.email, text: "via REST" });
    await h.idle();
    const updates = h.fake.callsOf("chat.update").filter((c) => c.seq > m);
    expect(updates.length).toBeGreaterThanOrEqual(2); // the 429, then the retry
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it("channel_not_found: a copy that is gone is forgotten, the others still update", async () => {
    const d = (await h.accord.deps.store.disputes.list({})).find((x) => x.scope === "items");
    const before = await h.accord.slack!.state.cards.forDispute(d!.id);
    await h.accord.slack!.state.cards.add({ disputeId: d!.id, channel: "C0GONE", ts: "1.1", kind: "channel", viewerEmail: null, postedAt: new Date() });
    await (await import("../app/commentDispute.ts")).commentDispute(h.accord.deps, { dispute: d!.id, byEmail: USERS.carla.email, text: "encore" });
    await h.idle();
    expect(await h.accord.slack!.state.cards.forDispute(d!.id)).toHaveLength(before.length);
  });

  it("hash_conflict on views.update: the newer view wins, nothing breaks", async () => {
    const m = h.fake.mark;
    await h.sim.command(USERS.carla, "new C001", { responseUrl: h.fake.responseUrl() });
    const v = await openedView(USERS.carla.id, m);
    h.fake.script("views.update", { error: "hash_conflict" });
    const m2 = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "reason", type: "static_select", block_id: "reason" }, { view: { ...v.view, state: { values: values(v, { customer: opt("C001"), reason: opt("quality") }) } } });
    await h.fake.waitFor((c) => c.method === "views.update" && c.seq > m2);
    await h.idle();
    const r = await h.sim.command(USERS.carla, "");
    expect(r.status).toBe(200);
  });

  it("slow Slack replies do not delay the ack", async () => {
    h.fake.script("views.open", { delayMs: 1500 });
    const r = await h.sim.command(USERS.carla, "new");
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(1000);
    await h.fake.waitFor((c) => c.method === "views.open", 5000);
  });
});
