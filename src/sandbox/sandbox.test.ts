import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { previewDunning } from "../app/dunning.ts";
import type { Customer, Item, Person } from "../domain/types.ts";
import { sandboxUserId } from "./standin.ts";
import { ROOT, sandboxInBrowser, screenshot, type Browser, type SandboxRun } from "./testing.ts";

// The whole story in headless Chromium, through the page only: as the controller, open a dispute on two
// items with a partial amount; as the sales rep, add an update and resolve it with a credit note; watch the
// holds appear, shrink to the conceded amount and go when the credit note is imported, and the next run's
// preview change each time. Screenshots go to screenshots/ (and, with UPDATE_README_SCREENSHOT=1, the one the
// README shows to src/sandbox/public/screenshot.png).

let run: SandboxRun;
let browser: Browser;
let page: Page;

interface Target {
  customer: Customer;
  rep: Person;
  a: Item;
  b: Item;
}
let target: Target;
const PARTIAL = 100_00;
const CONCEDED = 150_00;
const CREDIT_NOTE = "AV-SBX-0001";
let disputeNumber = "";

const dec = (units: number) => (units / 100).toFixed(2);

/** A customer without disputes whose next run would dun at least two of its invoices; an English-speaking rep if there is one. */
async function pickTarget(): Promise<Target> {
  const { store } = run.accord.deps;
  const found: Target[] = [];
  for (const customer of await store.customers.list()) {
    if (customer.currency !== "EUR" || (await store.disputes.list({ customerId: customer.id })).length) continue;
    const plan = await previewDunning(run.accord.deps, { mode: "item", customerRefs: [customer.ref] });
    const refs = plan.letters.flatMap((l) => l.lines.filter((x) => x.kind === "invoice" && x.heldAmount === 0).map((x) => x.ref));
    if (refs.length < 2) continue;
    const items = await store.items.byRefs(customer.id, refs.slice(0, 2));
    const [a, b] = refs.slice(0, 2).map((r) => items.find((i) => i.ref === r)!);
    const rep = customer.salesRepEmail ? await store.people.byEmail(customer.salesRepEmail) : null;
    if (!a || !b || !rep || a.openAmount <= CONCEDED || b.openAmount <= PARTIAL * 2) continue;
    found.push({ customer, rep, a, b });
  }
  const pick = found.find((t) => t.rep.locale === "en") ?? found[0];
  if (!pick) throw new Error("the demo data has no customer to run the story on");
  return pick;
}

const hold = (itemRef: string) => page.locator(`[data-hold][data-customer="${target.customer.ref}"][data-item="${itemRef}"]`);
const line = (itemRef: string) => page.locator(`[data-section=run] [data-line][data-ref="${itemRef}"]`);
const modal = () => page.locator(".bk-modal");

async function noUnknownBlocks(): Promise<void> {
  expect(await page.locator("[data-unknown-block], [data-unknown-element]").count()).toBe(0);
}

async function heldTotal(): Promise<number> {
  const amounts = await page.locator(`[data-hold][data-customer="${target.customer.ref}"]`).evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-amount"))));
  return Math.round(amounts.reduce((s, x) => s + x, 0) * 100);
}

async function asPerson(email: string, lang: "fr" | "en"): Promise<void> {
  await page.selectOption("#persona", sandboxUserId(email));
  await page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l, lang);
}

sandboxInBrowser({}, async (s) => {
  ({ run, browser, page } = s);
  target = await pickTarget();
});

describe("the sandbox story, in a browser", () => {
  it("serves a sandbox page that says so, in the person's language", async () => {
    await page.goto(`${run.accord.url}/?as=claire.martin@demo.accord.fr`);
    await page.waitForSelector("body[data-ready]");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await expect(page.locator("[data-sandbox-banner]").innerText()).resolves.toMatch(/BAC À SABLE/);
    await expect(page.locator("#persona option:checked").innerText()).resolves.toMatch(/Claire Martin — chargé·e de recouvrement/);
    // the customer picker counts each customer's held items and open disputes, agreed in number
    const labels = await page.locator("#coll-customer option").allInnerTexts();
    const counted = labels.filter((l) => l.includes("("));
    expect(counted.length).toBeGreaterThan(0);
    for (const l of counted) expect(l).toMatch(/\((\d+ pièces? suspendues?(, )?)?(\d+ litiges? ouverts?)?\)$/);
    // the collections panel for the customer: two invoices due in the next run, nothing held
    await page.selectOption("#coll-customer", target.customer.ref);
    await line(target.a.ref).waitFor();
    await line(target.b.ref).waitFor();
    expect(await page.locator(`[data-hold][data-customer="${target.customer.ref}"]`).count()).toBe(0);
    expect(await line(target.a.ref).getAttribute("data-amount")).toBe(dec(target.a.openAmount));
    // amounts in the person's locale (fr: 1 234,56 €)
    expect(await line(target.a.ref).locator(".num").first().innerText()).toMatch(/^\d{1,3}([\s\u202f]\d{3})*,\d{2}\s€$/);
    await screenshot(page, "01-controller-before");
  });

  it("as the controller: /dispute new, two items, one partial amount, the real modal", async () => {
    await page.fill("#composer-input", "/dispute new");
    await page.press("#composer-input", "Enter");
    await page.waitForSelector('.bk-modal[data-callback-id="form.new"]');
    // customer: a type-ahead (external_select) answered by Accord's options handler
    const customerInput = modal().locator('[data-action-id="customer"] input');
    await customerInput.click();
    await customerInput.pressSequentially(target.customer.ref);
    await modal().locator(`[role=option][data-value="${target.customer.ref}"]`).click();
    // picking the customer dispatches an action: Accord updates the view with that customer's items
    const items = modal().locator(`[data-block-id="items:${target.customer.ref}"] input`);
    await items.waitFor();
    for (const [n, it] of [target.a, target.b].entries()) {
      await items.click();
      await modal().locator(`[role=option][data-value="${it.id}"]`).click();
      await modal().locator('[data-block-id^="amount_"]').nth(n).waitFor();
    }
    await modal().locator(`[data-block-id="amount_${target.b.id}"] input`).fill("100,00");
    await modal().locator('[data-block-id="reason"] select').selectOption("price");
    await modal().locator('[data-block-id="follow_up:price"]').waitFor();
    // what was typed survives the view update (same block and action ids), as in Slack
    expect(await modal().locator(`[data-block-id="amount_${target.b.id}"] input`).inputValue()).toBe("100,00");
    await modal().locator('[data-block-id="statement"] textarea').fill("Le client conteste le prix unitaire de deux factures (devis 2026-118).");
    // the owner defaults to the customer's sales rep
    expect(await modal().locator(`[data-block-id="owner:${target.customer.ref}"] select`).inputValue()).toBe(sandboxUserId(target.rep.email));
    await noUnknownBlocks();
    await screenshot(page, "02-new-dispute-modal");
    // "Preview the notice" pushes a view on the stack; closing it comes back to the form as it was
    await modal().locator('[data-action-id="form.preview"] button').click();
    await page.waitForSelector('.bk-modal[data-callback-id="form.info"]');
    await expect(modal().innerText()).resolves.toContain(target.customer.name);
    await modal().locator(".bk-modal-close").click();
    await page.waitForSelector('.bk-modal[data-callback-id="form.new"]');
    expect(await modal().locator('[data-block-id="statement"] textarea').inputValue()).toMatch(/devis 2026-118/);
    await modal().locator(".bk-modal-submit").click();
    await modal().waitFor({ state: "detached" });
    const told = page.locator("article.msg.ephemeral", { hasText: /D-\d{4}-\d{4}/ }).last();
    await told.waitFor();
    disputeNumber = /D-\d{4}-\d{4}/.exec(await told.innerText())![0];
  });

  it("the holds appear: the first item whole, the second for the partial amount; the run preview drops the first and claims the rest of the second", async () => {
    await hold(target.a.ref).waitFor();
    await hold(target.b.ref).waitFor();
    expect(await hold(target.a.ref).getAttribute("data-amount")).toBe(dec(target.a.openAmount));
    expect(await hold(target.b.ref).getAttribute("data-amount")).toBe(dec(PARTIAL));
    await line(target.a.ref).waitFor({ state: "detached" });
    expect(await line(target.b.ref).getAttribute("data-held")).toBe(dec(PARTIAL));
    expect(await line(target.b.ref).getAttribute("data-amount")).toBe(dec(target.b.openAmount - PARTIAL));
    expect(await hold(target.a.ref).getAttribute("data-dispute")).toBe(disputeNumber);
    await noUnknownBlocks();
    await screenshot(page, "03-controller-holds");
  });

  it("as the sales rep: the card is in my DM, in my language; Add update opens the modal and updates the card", async () => {
    await asPerson(target.rep.email, target.rep.locale);
    const card = page.locator("article.msg", { hasText: disputeNumber }).filter({ has: page.locator('[data-action-id="card.resolve"]') }).first();
    await card.waitFor();
    await noUnknownBlocks();
    await screenshot(page, "04-rep-card");
    if (process.env.UPDATE_README_SCREENSHOT === "1") fs.copyFileSync(path.join(ROOT, "screenshots", "04-rep-card.png"), path.join(ROOT, "src/sandbox/public/screenshot.png"));
    await card.locator('[data-action-id="card.comment"] button').click();
    await page.waitForSelector('.bk-modal[data-callback-id="form.card"]');
    await modal().locator('[data-block-id="text"] textarea').fill("Called the buyer: the quote was 12 € a unit, we will credit the difference.");
    await modal().locator(".bk-modal-submit").click();
    await modal().waitFor({ state: "detached" });
    await page.locator("article.msg", { hasText: "Called the buyer" }).first().waitFor();
    // a reply in the card's thread becomes a comment too: the card shows it as the last update
    await card.locator(".thread-toggle").click();
    await card.locator(".reply-form input").fill("The buyer agrees, credit note on its way.");
    await card.locator(".reply-form button").click();
    await page.locator("article.msg", { hasText: disputeNumber }).filter({ hasText: /Last update.*credit note on its way/ }).first().waitFor();
    await screenshot(page, "05-rep-update");
  });

  it("resolving with a credit note keeps only the conceded amount held; the preview claims the rest again", async () => {
    const card = page.locator("article.msg", { hasText: disputeNumber }).filter({ has: page.locator('[data-action-id="card.resolve"]') }).first();
    await card.locator('[data-action-id="card.resolve"] button').click();
    await page.waitForSelector('.bk-modal[data-callback-id="form.card"]');
    await modal().locator('[data-block-id="outcome"] select').selectOption("credit_note");
    await modal().locator('[data-block-id="note"] textarea').fill("Credit note for the price difference");
    await modal().locator('[data-block-id="credit_note_ref"] input').fill(CREDIT_NOTE);
    await modal().locator('[data-block-id="conceded"] input').fill(dec(CONCEDED));
    await noUnknownBlocks();
    await screenshot(page, "06-resolve-modal");
    await modal().locator(".bk-modal-submit").click();
    await modal().waitFor({ state: "detached" });
    await page.waitForFunction(
      ({ customer, conceded }) => {
        type Row = { getAttribute(name: string): string | null };
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Row> } }).document;
        const rows = Array.from(doc.querySelectorAll(`[data-hold][data-customer="${customer}"]`));
        return rows.length > 0 && rows.every((r) => r.getAttribute("data-kind") === "credit_pending") && Math.round(rows.reduce((s, r) => s + Number(r.getAttribute("data-amount")), 0) * 100) === conceded;
      },
      { customer: target.customer.ref, conceded: CONCEDED },
    );
    expect(await heldTotal()).toBe(CONCEDED);
    // the conceded amount stays held on the first item; everything else is claimed again
    await line(target.a.ref).waitFor();
    expect(await line(target.a.ref).getAttribute("data-held")).toBe(dec(CONCEDED));
    expect(await line(target.a.ref).getAttribute("data-amount")).toBe(dec(target.a.openAmount - CONCEDED));
    expect(await line(target.b.ref).getAttribute("data-held")).toBe("0.00");
    expect(await line(target.b.ref).getAttribute("data-amount")).toBe(dec(target.b.openAmount));
    await page.locator("article.msg", { hasText: disputeNumber }).filter({ hasText: /Resolved|Résolu/ }).first().waitFor();
    await screenshot(page, "07-resolved-conceded-held");
  });

  it("importing the credit note releases what was still held; the preview claims everything", async () => {
    await page.selectOption("#ledger-customer", target.customer.ref);
    await page.fill("#ledger-ref", CREDIT_NOTE);
    await page.fill("#ledger-amount", dec(CONCEDED));
    await page.click("#ledger-submit");
    await page.waitForSelector("#ledger-result.ok");
    expect(await page.locator("#ledger-result").innerText()).toMatch(/: 1\.$/);
    await page.locator(`[data-hold][data-customer="${target.customer.ref}"]`).first().waitFor({ state: "detached" });
    expect(await line(target.a.ref).getAttribute("data-held")).toBe("0.00");
    expect(await line(target.a.ref).getAttribute("data-amount")).toBe(dec(target.a.openAmount));
    await screenshot(page, "08-credit-note-released");
    const x = await run.accord.deps.store.disputes.byNumber(disputeNumber);
    expect(x?.creditNoteSeenAt).not.toBeNull();
  });

  it("the App Home tab shows the person's disputes, and nothing on the way needed a block the page cannot draw", async () => {
    await asPerson("claire.martin@demo.accord.fr", "fr");
    await page.click("#tab-home");
    await page.locator("#home [data-surface=home]").waitFor();
    await expect(page.locator("#home").innerText()).resolves.toMatch(/Mes litiges/);
    await noUnknownBlocks();
    await screenshot(page, "09-controller-home");
    // a controller's card actions in Home: the overflow menu (Edit, Withdraw) opens the edit modal
    await page.locator("#home .bk-overflow").first().click();
    await page.locator("#home [role=menuitem]", { hasText: "Modifier" }).first().click();
    await page.waitForSelector('.bk-modal[data-callback-id="form.card"]');
    await noUnknownBlocks();
    await modal().locator(".bk-modal-close").click();
    await modal().waitFor({ state: "detached" });
    // /dispute list answers privately; a row's menu (Ouvrir, Envoyer un rappel: the controller owns none) opens a card, privately too
    await page.click("#tab-messages");
    await page.fill("#composer-input", "/dispute list all");
    await page.press("#composer-input", "Enter");
    const list = page.locator("article.msg.ephemeral").filter({ has: page.locator('[data-action-id="list.menu"]') }).last();
    await list.waitFor();
    const row = list.locator("[data-block-type=section]").filter({ has: page.locator('[data-action-id="list.menu"]') }).first();
    const shown = /D-\d{4}-\d{4}/.exec(await row.innerText())![0];
    await row.locator('[data-action-id="list.menu"] .bk-overflow').click();
    await row.locator("[role=menuitem]", { hasText: "Ouvrir" }).click();
    await page.locator("article.msg.ephemeral", { hasText: shown }).filter({ has: page.locator('[data-action-id="card.comment"]') }).last().waitFor();
    await noUnknownBlocks();
    expect(browser.errors).toEqual([]);
  });
});
