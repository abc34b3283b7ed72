import { describe, expect, it } from "vitest";
import { LIMITS as TEXT_LIMITS } from "../../domain/limits.ts";
import type { Person } from "../../domain/types.ts";
import { ACTION_IDS, cardMessage } from "../../slack/blocks.ts";
import { detailsOf, personOf } from "../../test/builders.ts";
import { CARD_ACTIONS, parseAction, type CardAction } from "../../views/actions.ts";
import { buildDisputeCard } from "../../views/disputeCard.ts";
import { t } from "../../views/i18n.ts";
import { inputId, parseTeamsRefresh, TEAMS_DATASETS, TEAMS_NUDGE_VERB, TEAMS_REFRESH_VERB, teamsVerb } from "./actions.ts";
import { MAX_CARD_BYTES, MAX_REFRESH_USERS, renderDisputeAdaptiveCard, type AdaptiveJson } from "./disputeCard.ts";
import { TEAMS_CARD_TEXT } from "./teamsText.ts";

// The Teams dispute card: the same facts and actions as the Slack card, from the same view model.

const today = "2026-03-10";
const owner = personOf("sam@acme.test", { role: "sales", locale: "en" });
const controller = personOf("carla@acme.test", { role: "controller", locale: "fr" });
const admin = personOf("ada@acme.test", { role: "admin", locale: "en" });
const manager = personOf("mona@acme.test", { role: "manager" });
const stranger = personOf("x@acme.test", { role: "sales" });
const viewers: Person[] = [owner, controller, admin, manager, stranger];
const litigation = (() => {
  const x = detailsOf({ status: "resolved" });
  return { ...x, dispute: { ...x.dispute, resolution: { ...x.dispute.resolution!, outcome: "litigation" as const } } };
})();
const disputes = [litigation, detailsOf(), detailsOf({ status: "resolved" }), detailsOf({ status: "withdrawn" }), detailsOf({ scope: "customer" }), detailsOf({ scope: "customer", status: "resolved" })];

/** Every node of a JSON tree. */
function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
const executes = (card: AdaptiveJson) => nodes(card).filter((n) => n.type === "Action.Execute" && n.verb !== TEAMS_REFRESH_VERB && n.verb !== TEAMS_NUDGE_VERB);
const nudges = (card: AdaptiveJson) => nodes(card).filter((n) => n.type === "Action.Execute" && n.verb === TEAMS_NUDGE_VERB);
const inputIds = (card: AdaptiveJson) => nodes(card).filter((n) => typeof n.type === "string" && (n.type as string).startsWith("Input.")).map((n) => n.id as string);

/** The card actions a Slack message offers: its buttons, and the options of its overflow menu. */
function slackActions(blocks: unknown): CardAction[] {
  const found: CardAction[] = [];
  for (const n of nodes(blocks)) {
    for (const a of CARD_ACTIONS) if (n.type === "button" && n.action_id === ACTION_IDS.cardButton(a)) found.push(a);
    if (n.type === "overflow" && n.action_id === ACTION_IDS.cardMore)
      for (const o of n.options as { value: string }[]) {
        const p = parseAction(o.value);
        if (p?.t === "card") found.push(p.a);
      }
  }
  return found.sort();
}

describe("Teams dispute card", () => {
  it("offers every action of the view model, as Slack does, for every viewer and dispute", () => {
    const seen = new Set<CardAction>();
    for (const x of disputes)
      for (const viewer of viewers)
        for (const lang of ["fr", "en"] as const) {
          const view = buildDisputeCard(x, viewer, lang, { today });
          const offered = view.actions.map((a) => a.action);
          offered.forEach((a) => seen.add(a));
          expect(slackActions(cardMessage(view).blocks)).toEqual([...offered].sort());
          const card = renderDisputeAdaptiveCard(view, lang);
          expect(executes(card).map((e) => e.verb).sort()).toEqual(offered.map(teamsVerb).sort());
          for (const e of executes(card)) {
            const p = parseAction((e.data as Record<string, string>).accord);
            expect(p).toEqual({ t: "card", a: (e.verb as string).replace("accord.card.", ""), d: x.dispute.id, v: x.dispute.version });
          }
          // Nudge, as the Slack card offers it (controllers, managers, admins who are not the owner, open disputes)
          expect(nudges(card).map((n) => (n.data as Record<string, string>).accord)).toEqual(view.nudge ? [view.nudge.value] : []);
          // input ids are unique across the card
          const ids = inputIds(card);
          expect(new Set(ids).size).toBe(ids.length);
        }
    // the table above went through every action the view model can offer
    expect([...seen].sort()).toEqual([...CARD_ACTIONS].sort());
  });

  it("holds the inline inputs of each action in its Action.ShowCard", () => {
    const card = renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), controller, "en", { today }), "en", { reasons: [{ value: "PRICE", label: "Price" }] });
    const shows = nodes(card).filter((n) => n.type === "Action.ShowCard");
    expect(shows.map((s) => s.title)).toEqual(["Add update", "Reassign", "Set follow-up", "Resolve", "Edit", "Withdraw"]);
    const ids = inputIds(card);
    for (const id of ["comment.text", "reassign.to", "follow_up.on", "resolve.outcome", "resolve.note", "edit.reason", "edit.priority", "edit.statement", "withdraw.note"]) expect(ids).toContain(id);
    const date = nodes(card).find((n) => n.id === inputId("follow_up", "on"));
    expect(date?.type).toBe("Input.Date");
    // Reassign searches Accord's people (the value is an email), not the whole tenant
    expect(nodes(card).find((n) => n.id === "reassign.to")?.["choices.data"]).toEqual({ type: "Data.Query", dataset: TEAMS_DATASETS.people });
    const comment = nodes(card).find((n) => n.id === "comment.text");
    expect(comment).toMatchObject({ type: "Input.Text", isMultiline: true, maxLength: TEXT_LIMITS.note, isRequired: true });
  });

  it("is an Adaptive Card 1.5", () => {
    const card = renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), owner, "en", { today }), "en");
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", $schema: "http://adaptivecards.io/schemas/adaptive-card.json" });
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it("stays under 28 KB for the largest dispute: 200 items, 3,000-character statement and update, every action", () => {
    const worst = detailsOf({ items: 200, statement: "Très long « litige » <&> ".repeat(200).slice(0, TEXT_LIMITS.statement) });
    for (const viewer of [owner, controller, admin])
      for (const lang of ["fr", "en"] as const) {
        const view = buildDisputeCard(worst, viewer, lang, { today });
        const reasons = Array.from({ length: 100 }, (_, i) => ({ value: `R${i}`, label: "r".repeat(TEXT_LIMITS.reasonLabel) }));
        const card = renderDisputeAdaptiveCard(view, lang, { userIds: Array.from({ length: 100 }, (_, i) => `29:${"u".repeat(60)}${i}`), reasons });
        expect(Buffer.byteLength(JSON.stringify(card), "utf8")).toBeLessThan(MAX_CARD_BYTES);
        expect(JSON.stringify(card)).toContain(view.statement.text.slice(0, 100));
      }
    // a usual dispute keeps Edit's 100 reason choices
    const reasons = Array.from({ length: 100 }, (_, i) => ({ value: `R${i}`, label: `Reason ${i}` }));
    const usual = renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), controller, "en", { today }), "en", { reasons });
    expect((nodes(usual).find((n) => n.id === "edit.reason")?.choices as unknown[]).length).toBe(100);
  });

  it("is read-only for a viewer without rights, and for read-only copies", () => {
    for (const card of [
      renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), stranger, "en", { today }), "en"),
      renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), null, "fr", { today }), "fr"),
      renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), controller, "fr", { today, readOnly: true }), "fr"),
    ]) {
      expect(card.actions).toBeUndefined();
      expect(executes(card)).toEqual([]);
      expect(inputIds(card)).toEqual([]);
    }
  });

  it("refreshes for the given users (at most 60), with a refresh payload naming the dispute", () => {
    const view = buildDisputeCard(detailsOf({ id: 7 }), null, "en", { today });
    expect(renderDisputeAdaptiveCard(view, "en").refresh).toBeUndefined();
    const card = renderDisputeAdaptiveCard(view, "en", { userIds: ["29:a", "29:b", "29:a"] });
    const refresh = card.refresh as { action: { type: string; verb: string; data: unknown }; userIds: string[] };
    expect(refresh.userIds).toEqual(["29:a", "29:b"]);
    expect(refresh.action.type).toBe("Action.Execute");
    expect(parseTeamsRefresh(refresh.action.verb, refresh.action.data)).toBe(7);
    expect(parseTeamsRefresh("accord.card.comment", refresh.action.data)).toBeNull();
    const many = renderDisputeAdaptiveCard(view, "en", { userIds: Array.from({ length: 80 }, (_, i) => `29:${i}`) });
    expect((many.refresh as { userIds: string[] }).userIds).toHaveLength(MAX_REFRESH_USERS);
  });

  it("speaks French and English: the facts, the buttons and the inputs", () => {
    for (const lang of ["fr", "en"] as const) {
      const m = t(lang);
      const view = buildDisputeCard(detailsOf(), controller, lang, { today });
      const json = JSON.stringify(renderDisputeAdaptiveCard(view, lang));
      for (const w of [m.field.reason, m.field.owner, m.field.followUp, m.action.comment, m.action.resolve, m.form.save, m.form.outcome, m.form.followUpOn, TEAMS_CARD_TEXT[lang].searchPerson, m.outcome.customer_paid])
        expect(json).toContain(JSON.stringify(w).slice(1, -1));
      expect(json).toContain(`"lang":"${lang}"`);
    }
    expect(JSON.stringify(renderDisputeAdaptiveCard(buildDisputeCard(detailsOf(), controller, "fr", { today }), "fr"))).toContain("Ajouter");
  });
});
