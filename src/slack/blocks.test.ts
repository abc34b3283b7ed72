import { describe, expect, it } from "vitest";
import type { DisputeDefaults } from "../app/proposeDisputeDefaults.ts";
import type { ItemChoice } from "../app/searchItems.ts";
import { DEFAULT_SETTINGS } from "../domain/settings.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import { CARD_ACTIONS } from "../views/actions.ts";
import { buildDisputeCard } from "../views/disputeCard.ts";
import { cardActionForm, newDisputeForm, noticePreviewForm, pickReasonForm, reasonForm, staleForm, templateForm } from "../views/forms.ts";
import { buildCustomerChoice, buildDisputeList, buildHome } from "../views/lists.ts";
import { cardMessage, checkBlockKit, formModal, homeView, listMessage, LIMITS } from "./blocks.ts";
import { customerToEscape as customer, detailsOf, itemOf, mineOf, personOf, reasonOf } from "../test/builders.ts";

// The Block Kit renderer: snapshots of the usual outputs, and Slack's limits on every output,
// including the worst case (200 items, a 3,000-character statement, 100 reasons).

const controller = personOf("carla@acme.test", { role: "controller", locale: "fr" });
const owner = personOf("sam@acme.test", { role: "sales", locale: "en" });
const admin = personOf("ada@acme.test", { role: "admin", locale: "en" });
const today = "2026-03-10";
const reasons100 = Array.from({ length: 100 }, (_, i) => reasonOf(i + 1));
const reasons150 = Array.from({ length: 150 }, (_, i) => reasonOf(i + 1));
const worst = detailsOf({ items: 200, statement: "Très long <&> ".repeat(300).slice(0, 3000) });
const defaults = (r = reasons100[0]!): DisputeDefaults => ({ today, customer, reason: r, ownerEmail: "sam@acme.test", followUpOn: "2026-03-15", slaDueOn: "2026-03-30", priority: "normal" });
const choice = (i: number): ItemChoice => ({ item: itemOf(i), undisputed: itemOf(i).openAmount, disputes: [] });
const ok = (surface: "message" | "modal" | "home", payload: Parameters<typeof checkBlockKit>[1]) => expect(checkBlockKit(surface, payload)).toEqual([]);

describe("dispute card", () => {
  it("snapshot: the owner's card with the notice", () => {
    const card = buildDisputeCard(detailsOf(), owner, "en", { today });
    expect(cardMessage(card, { mention: (e) => (e === "sam@acme.test" ? "<@U0SAM>" : null) }, { notice: "Hello, a dispute was opened for #customer_name" })).toMatchSnapshot();
  });

  it("snapshot: a controller's card in French, resolved", () => {
    expect(cardMessage(buildDisputeCard(detailsOf({ status: "resolved" }), controller, "fr", { today }))).toMatchSnapshot();
  });

  it("shows each viewer only the actions they may take", () => {
    const ids = (p: typeof owner) => buildDisputeCard(detailsOf(), p, "en", { today }).actions.map((a) => a.action);
    expect(ids(owner)).toEqual(["comment", "reassign", "follow_up", "resolve"]);
    expect(ids(controller)).toEqual(["comment", "reassign", "follow_up", "resolve", "edit", "withdraw"]);
    expect(ids(personOf("mona@acme.test", { role: "manager" }))).toEqual(["comment", "reassign"]);
    expect(ids(personOf("x@acme.test", { role: "sales" }))).toEqual([]);
  });

  it("the worst case stays within the limits: 200 items, 3,000-character statement and comment", () => {
    for (const viewer of [owner, controller, admin]) {
      for (const locale of ["fr", "en"] as const) {
        const card = buildDisputeCard(worst, viewer, locale, { today });
        expect(card.items.lines).toHaveLength(5);
        expect(card.items.more).toMatch(/195/);
        const msg = cardMessage(card, {}, { notice: "n".repeat(5000) });
        ok("message", msg);
      }
    }
  });

  it("marks an overdue follow-up", () => {
    const card = buildDisputeCard(detailsOf({ followUpOn: "2026-03-01" }), owner, "en", { today });
    expect(card.overdue).toBe(true);
    expect(JSON.stringify(cardMessage(card).blocks)).toContain(":warning:");
  });
});

describe("modals", () => {
  it("snapshot: the new-dispute modal", () => {
    expect(formModal(newDisputeForm({ scope: "items", customer, selected: [choice(1)], reasons: reasons100.slice(0, 3), defaults: defaults() }, "en"), { slackIdOf: () => "U0SAM" })).toMatchSnapshot();
  });

  it("new dispute: 100 reasons as a select, more as a search; 20 amount fields, then a text area; within limits", () => {
    for (const reasons of [reasons100, reasons150]) {
      for (const n of [0, 1, 20, 21, 200]) {
        const modal = formModal(newDisputeForm({ scope: "items", customer, selected: Array.from({ length: n }, (_, i) => choice(i + 1)), reasons, defaults: defaults(), statement: "w".repeat(5000), channel: "C0GENERAL" }, "fr"));
        ok("modal", modal);
        const reason = modal.blocks.find((b) => b.block_id === "reason") as { element: { type: string } };
        expect(reason.element.type).toBe(reasons.length > 100 ? "external_select" : "static_select");
      }
    }
    const customerMode = formModal(newDisputeForm({ scope: "customer", customer, selected: [], reasons: reasons100, defaults: defaults() }, "en"));
    ok("modal", customerMode);
    expect(JSON.stringify(customerMode.blocks)).not.toContain('"items');
  });

  it("every card action form, the stale and preview views, admin forms: within limits", () => {
    const x = worst;
    for (const locale of ["fr", "en"] as const) {
      const card = buildDisputeCard(x, controller, locale, { today });
      for (const a of CARD_ACTIONS) ok("modal", formModal(cardActionForm(a, x, card, locale, reasons150)));
      ok("modal", formModal(staleForm(card, locale)));
      ok("modal", formModal(noticePreviewForm("p".repeat(9000), locale)));
      ok("modal", formModal(reasonForm(reasons100, reasons100[5]!, locale)));
      ok("modal", formModal(reasonForm(reasons100, null, locale)));
      ok("modal", formModal(pickReasonForm(reasons100, locale)));
      ok("modal", formModal(pickReasonForm(reasons150, locale)));
      ok("modal", formModal(templateForm({ ...DEFAULT_SETTINGS, noticeTemplate: { fr: "f".repeat(3000), en: "e".repeat(3000) } }, locale)));
    }
  });

  it("titles, submit and close labels fit in 24 characters in both languages", () => {
    const card = buildDisputeCard(worst, controller, "fr", { today });
    for (const locale of ["fr", "en"] as const)
      for (const a of CARD_ACTIONS) {
        const f = cardActionForm(a, worst, card, locale, reasons100);
        expect(f.title.length).toBeLessThanOrEqual(LIMITS.modalTitle);
        expect((f.submit ?? "").length).toBeLessThanOrEqual(LIMITS.modalTitle);
      }
  });
});

describe("App Home and lists", () => {
  it("snapshot: a small home", () => {
    expect(homeView(buildHome(mineOf(1, 2), owner, "en", { maxCards: 35 }))).toMatchSnapshot();
  });

  it("worst case: 60 disputes of 200 items and an admin with 100 reasons and 3,000-character templates", () => {
    const home = homeView(
      buildHome(mineOf(60, 200), admin, "fr", {
        maxCards: 60,
        admin: { reasons: reasons100, templates: { fr: "<f>".repeat(1000), en: "e".repeat(3000) }, placeholders: NOTICE_PLACEHOLDERS },
      }),
    );
    ok("home", home);
    expect(JSON.stringify(home.blocks)).toContain("admin.edit_template");
  });

  it("lists stay within a message", () => {
    const list = Array.from({ length: 80 }, (_, i) => detailsOf({ id: i + 1, items: 200, statement: "z".repeat(3000) }));
    ok("message", listMessage(buildDisputeList(list, controller, "fr", { today, max: 80 })));
    ok("message", listMessage(buildDisputeList([], controller, "en", { today, max: 20 })));
    ok("message", listMessage(buildCustomerChoice([customer, customer], "en")));
  });

  it("the checker itself finds broken payloads", () => {
    expect(checkBlockKit("message", { blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) })).not.toEqual([]);
    expect(checkBlockKit("message", { blocks: [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }] })).not.toEqual([]);
    expect(checkBlockKit("message", { blocks: [{ type: "actions", elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "b" }, value: "v".repeat(2001) }] }] })).not.toEqual([]);
  });
});
