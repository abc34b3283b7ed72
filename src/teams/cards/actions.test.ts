import { describe, expect, it } from "vitest";
import { LIMITS } from "../../domain/limits.ts";
import { detailsOf, personOf } from "../../test/builders.ts";
import { CARD_ACTIONS, encodeAction, type CardAction } from "../../views/actions.ts";
import { buildDisputeCard } from "../../views/disputeCard.ts";
import { ACTION_INPUTS, inputId, parseTeamsAction, TEAMS_NUDGE_VERB, teamsVerb } from "./actions.ts";
import { renderDisputeAdaptiveCard, type AdaptiveJson } from "./disputeCard.ts";

// An Action.Execute invoke read back as the typed action and form values the Slack listeners pass on.

const payload = (a: CardAction, d = 42, v = 3) => ({ accord: encodeAction({ t: "card", a, d, v }) });

/** What a person could type in each action's inputs. */
const TYPED: Record<CardAction, Record<string, string>> = {
  comment: { text: "Called the customer, credit note on its way" },
  reassign: { to: "00000000-0000-0000-0000-00000000abcd", note: "You know them" },
  follow_up: { on: "2026-03-20", note: "" },
  resolve: { outcome: "credit_note", note: "Credit note issued", credit_note_ref: "AV-12", conceded: "120.50", root_cause: "Price" },
  withdraw: { note: "Opened by mistake" },
  reopen: { note: "The customer still refuses" },
  release_holds: { note: "Paid" },
  edit: { reason: "PRICE", priority: "high", statement: "New words", note: "" },
};

describe("parseTeamsAction", () => {
  it("round-trips every action: the card's verb and data, with the typed inputs, give the Slack form's meta and values", () => {
    for (const a of CARD_ACTIONS) {
      const data = { ...payload(a), ...Object.fromEntries(Object.entries(TYPED[a]).map(([k, v]) => [inputId(a, k), v])) };
      const r = parseTeamsAction(teamsVerb(a), data, "en");
      expect(r).toEqual({ ok: true, meta: { m: "card", a, d: 42, v: 3 }, values: Object.fromEntries(Object.entries(TYPED[a]).filter(([, v]) => v !== "")) });
    }
  });

  it("reads the verbs and data the rendered card carries", () => {
    const view = buildDisputeCard(detailsOf(), personOf("carla@acme.test", { role: "controller" }), "en", { today: "2026-03-10" });
    const card = renderDisputeAdaptiveCard(view, "en");
    const walk = (x: unknown): AdaptiveJson[] => (Array.isArray(x) ? x.flatMap(walk) : x && typeof x === "object" ? [x as AdaptiveJson, ...Object.values(x).flatMap(walk)] : []);
    // the card actions (Nudge, a one-click Action.Execute of its own, is read in src/teams/listeners/cardAction.ts)
    const execs = walk(card).filter((n) => n.type === "Action.Execute" && n.verb !== TEAMS_NUDGE_VERB);
    expect(execs.length).toBe(view.actions.length);
    for (const e of execs) {
      const a = (e.verb as string).replace("accord.card.", "") as CardAction;
      const typed = Object.fromEntries(Object.entries(TYPED[a]).map(([k, v]) => [inputId(a, k), v]));
      const r = parseTeamsAction(e.verb as string, { ...(e.data as object), ...typed }, "en");
      expect(r).toMatchObject({ ok: true, meta: { m: "card", a, d: view.disputeId, v: view.version } });
    }
  });

  it("gives field errors in the person's language", () => {
    const fr = parseTeamsAction(teamsVerb("comment"), { ...payload("comment"), "comment.text": "  " }, "fr");
    const en = parseTeamsAction(teamsVerb("comment"), { ...payload("comment"), "comment.text": "  " }, "en");
    expect(fr?.ok).toBe(false);
    expect(en?.ok).toBe(false);
    const frText = fr && !fr.ok ? fr.errors["comment.text"] : "";
    const enText = en && !en.ok ? en.errors["comment.text"] : "";
    expect(frText).toBeTruthy();
    expect(enText).toBeTruthy();
    expect(frText).not.toBe(enText);

    const r = parseTeamsAction(teamsVerb("resolve"), { ...payload("resolve"), "resolve.outcome": "won", "resolve.note": "n".repeat(LIMITS.note + 1) }, "en");
    expect(r?.ok).toBe(false);
    const errs = r && !r.ok ? r.errors : {};
    expect(Object.keys(errs).sort()).toEqual(["resolve.note", "resolve.outcome"]);
    expect(errs["resolve.note"]).toMatch(/^Too long: at most 2,000 characters \(2,001 given\)/);

    const date = parseTeamsAction(teamsVerb("follow_up"), { ...payload("follow_up"), "follow_up.on": "next week" }, "fr");
    expect(date && !date.ok ? Object.keys(date.errors) : []).toEqual(["follow_up.on"]);
    const missing = parseTeamsAction(teamsVerb("follow_up"), payload("follow_up"), "en");
    expect(missing && !missing.ok ? Object.keys(missing.errors) : []).toEqual(["follow_up.on"]);
  });

  it("every required input is checked", () => {
    for (const a of CARD_ACTIONS) {
      const required = ACTION_INPUTS[a].filter((f) => f.required).map((f) => inputId(a, f.id));
      const r = parseTeamsAction(teamsVerb(a), payload(a), "en");
      if (required.length) expect(r && !r.ok ? Object.keys(r.errors).sort() : []).toEqual(required.sort());
      else expect(r?.ok).toBe(true);
    }
  });

  it("answers null to anything that is not an Accord card action", () => {
    expect(parseTeamsAction("other", payload("comment"), "en")).toBeNull();
    expect(parseTeamsAction("accord.card.fly", payload("comment"), "en")).toBeNull();
    expect(parseTeamsAction(teamsVerb("resolve"), payload("comment"), "en")).toBeNull();
    expect(parseTeamsAction(teamsVerb("comment"), { accord: "{not json" }, "en")).toBeNull();
    expect(parseTeamsAction(teamsVerb("comment"), { accord: JSON.stringify({ t: "card", a: "comment", d: -1, v: 1 }) }, "en")).toBeNull();
    expect(parseTeamsAction(teamsVerb("comment"), null, "en")).toBeNull();
    expect(parseTeamsAction(undefined, payload("comment"), "en")).toBeNull();
  });
});
