import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Deps } from "../../app/context.ts";
import { getDispute } from "../../app/getDispute.ts";
import { openDispute } from "../../app/openDispute.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../../test/harness.ts";
import { encodeAction, parseAction, type CardAction } from "../../views/actions.ts";
import { t } from "../../views/i18n.ts";
import { NUDGE_TEXT } from "../../views/nudgeText.ts";
import { TEAMS_ACTION_TEXT } from "../../views/teamsActionText.ts";
import { inputId, SNOOZE_DATE_INPUT, TEAMS_NUDGE_VERB, TEAMS_REFRESH_VERB, TEAMS_SNOOZE_VERB, teamsVerb } from "../cards/actions.ts";
import { FOLLOWUP_TEXT, shortDate } from "../../views/followupText.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import { handleCardAction, type CardActionResponse } from "./cardAction.ts";
import type { TeamsInvoke } from "./invoke.ts";

// The dispute card's Action.Execute, handler called directly (the HTTP path is in src/teams/invoke.http.test.ts):
// the use cases run, each viewer gets their own card back, stale cards and field errors say so.

let a: TestAccord;
let deps: Deps;

const USERS = {
  paul: { id: "29:paul", aadObjectId: "aad-paul" },
  claire: { id: "29:claire", aadObjectId: "aad-claire" },
  sophie: { id: "29:sophie", aadObjectId: "aad-sophie" },
  marc: { id: "29:marc", aadObjectId: "aad-marc" },
  nobody: { id: "29:nobody", aadObjectId: "aad-nobody" },
} as const;
type Who = keyof typeof USERS;

beforeAll(async () => {
  a = await startTestAccord();
  await seedLedger(a);
  // the Teams deliverer's queue: every change writes its row for Teams
  deps = { ...a.deps, chatQueue: ["teams"] };
  for (const [who, ids] of Object.entries(USERS)) if (who !== "nobody") await a.deps.store.teams.pin(`${who}@acme.fr`, { teamsUserId: ids.id, aadObjectId: ids.aadObjectId });
});
afterAll(() => a.stop());

let disputeId: number;
let seq = 0;
beforeEach(async () => {
  const r = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001", amount: "100" }], reasonCode: "price", statement: "Prix non conforme au devis", openedByEmail: "claire@acme.fr" });
  disputeId = r.dispute.id;
});

const h = () => ({ deps, log: { warn() {}, error() {}, info() {} } });

function invoke(who: Who, verb: string, data: Record<string, unknown>, trigger: "manual" | "automatic" = "manual"): TeamsInvoke {
  seq++;
  return { id: `act-${seq}`, name: "adaptiveCard/action", from: USERS[who], conversation: { id: `a:conv-${who}` }, replyToId: "card-1", locale: "fr-FR", value: { action: { type: "Action.Execute", verb, data }, trigger } };
}

async function version(): Promise<number> {
  return (await getDispute(deps, { dispute: disputeId })).dispute.version;
}

async function act(who: Who, action: CardAction, inputs: Record<string, string>, v?: number): Promise<CardActionResponse> {
  const data = { accord: encodeAction({ t: "card", a: action, d: disputeId, v: v ?? (await version()) }), ...Object.fromEntries(Object.entries(inputs).map(([k, x]) => [inputId(action, k), x])) };
  return handleCardAction(h(), invoke(who, teamsVerb(action), data));
}

const refresh = (who: Who, trigger: "manual" | "automatic" = "automatic") => handleCardAction(h(), invoke(who, TEAMS_REFRESH_VERB, { accord: encodeAction({ t: "show", d: disputeId }) }, trigger));

function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
function cardOf(r: CardActionResponse): AdaptiveJson {
  expect(r.type).toBe("application/vnd.microsoft.card.adaptive");
  return r.value as AdaptiveJson;
}
const verbs = (c: AdaptiveJson) => nodes(c).filter((n) => n.type === "Action.Execute" && n.verb !== TEAMS_REFRESH_VERB).map((n) => n.verb as string).sort();
/** The element right after the input with this id in its container: where its error goes. */
function after(c: AdaptiveJson, id: string): AdaptiveJson | undefined {
  for (const n of nodes(c)) {
    const items = (n.items ?? n.body) as AdaptiveJson[] | undefined;
    const i = Array.isArray(items) ? items.findIndex((x) => x.id === id) : -1;
    if (i >= 0) return items![i + 1];
  }
  return undefined;
}
const texts = (c: AdaptiveJson) => nodes(c).filter((n) => n.type === "TextBlock").map((n) => n.text as string);
const timeline = async () => (await getDispute(deps, { dispute: disputeId })).timeline ?? [];
const teamsRows = async () => (await deps.store.outbox.list({ orderKey: (await getDispute(deps, { dispute: disputeId })).dispute.number, limit: 100 })).filter((r) => r.channel === "teams");

describe("Teams card actions", () => {
  it("answers each viewer's refresh with the actions they may take; others get the read-only card", async () => {
    const owner = cardOf(await refresh("paul"));
    expect(verbs(owner)).toEqual(["comment", "follow_up", "reassign", "resolve"].map((x) => teamsVerb(x as CardAction)).sort());
    // the card keeps refreshing for everyone concerned whom Teams knows
    expect((owner.refresh as { userIds: string[] }).userIds).toEqual(expect.arrayContaining(["29:paul", "29:claire"]));
    const controller = cardOf(await refresh("claire"));
    expect(verbs(controller)).toEqual(expect.arrayContaining([teamsVerb("edit"), teamsVerb("withdraw"), TEAMS_NUDGE_VERB]));
    // a manager comments, reassigns and nudges; he does not resolve
    const manager = cardOf(await refresh("marc", "manual"));
    expect(verbs(manager)).toContain(teamsVerb("comment"));
    expect(verbs(manager)).not.toContain(teamsVerb("resolve"));
    // another customer's sales rep, and someone Accord does not know: the facts, no action
    for (const who of ["sophie", "nobody"] as const) {
      const c = cardOf(await refresh(who));
      expect(verbs(c)).toEqual([]);
      expect(nodes(c).some((n) => typeof n.type === "string" && (n.type as string).startsWith("Input."))).toBe(false);
    }
  });

  it("adds an update through the same use case, answers with the fresh card and queues the update of every posted copy", async () => {
    const before = (await teamsRows()).length;
    const c = cardOf(await act("paul", "comment", { text: "Le client a reçu le devis corrigé" }));
    expect(texts(c)).toContain(TEAMS_ACTION_TEXT.fr.saved((await getDispute(deps, { dispute: disputeId })).dispute.number));
    expect((await timeline()).filter((e) => e.type === "commented").map((e) => [e.byEmail, e.text])).toEqual([["paul@acme.fr", "Le client a reçu le devis corrigé"]]);
    const rows = await teamsRows();
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ channel: "teams", type: "dispute.changed" });
    // the clicking person is recorded on Teams (notices go to the platform last used)
    expect(await deps.store.teams.lastPlatform("paul@acme.fr")).toBe("teams");
  });

  it("applies a double click once", async () => {
    const v = await version();
    await act("paul", "comment", { text: "Une seule fois" }, v);
    await act("paul", "comment", { text: "Une seule fois" }, v);
    expect((await timeline()).filter((e) => e.type === "commented")).toHaveLength(1);
  });

  it("shows field errors in the card, in the person's language, with what they typed", async () => {
    // caught before the use case: an empty update
    const empty = cardOf(await act("paul", "comment", { text: "   " }));
    const input = nodes(empty).find((n) => n.id === inputId("comment", "text"));
    expect(input).toBeTruthy();
    expect(texts(empty)[0]).toContain(TEAMS_ACTION_TEXT.fr.fixFields);
    expect(verbs(empty)).toEqual([teamsVerb("comment")]);
    // refused by the use case: a follow-up date in the past goes under its input, the note typed is kept
    const past = cardOf(await act("paul", "follow_up", { on: "2026-01-02", note: "voir avec la compta" }));
    expect(nodes(past).find((n) => n.id === inputId("follow_up", "on"))).toMatchObject({ value: "2026-01-02" });
    expect(nodes(past).find((n) => n.id === inputId("follow_up", "note"))).toMatchObject({ value: "voir avec la compta" });
    const err = after(past, inputId("follow_up", "on"));
    expect(err).toMatchObject({ type: "TextBlock", color: "Attention", text: expect.stringMatching(/^La date du prochain suivi \(2\sjanv\. 2026\) est déjà passée\.$/) });
    // "Back to the card" is a refresh of the dispute
    const back = nodes(past).find((n) => n.verb === TEAMS_REFRESH_VERB && n.title === TEAMS_ACTION_TEXT.fr.back);
    expect(parseAction((back?.data as { accord: string }).accord)).toEqual({ t: "show", d: disputeId });
    expect((await getDispute(deps, { dispute: disputeId })).dispute.followUpOn).not.toBe("2026-01-02");
  });

  it("says a card is out of date, changes nothing and shows the dispute as it is now", async () => {
    const old = await version();
    await act("paul", "follow_up", { on: "2026-03-20" });
    const now = await version();
    expect(now).toBeGreaterThan(old);
    const c = cardOf(await act("paul", "resolve", { outcome: "credit_note", note: "avoir accordé" }, old));
    expect(texts(c)[0]).toBe(TEAMS_ACTION_TEXT.fr.staleCard);
    expect((await getDispute(deps, { dispute: disputeId })).dispute.status).toBe("open");
    // the card shown carries the current version: acting from it works
    const resolve = nodes(c).find((n) => n.verb === teamsVerb("resolve"));
    expect(parseAction((resolve?.data as { accord: string }).accord)).toMatchObject({ v: now });
  });

  it("reassigns to a person picked in Accord's people search; an unknown one is refused under the field", async () => {
    const bad = cardOf(await act("paul", "reassign", { to: "inconnu@ailleurs.fr" }));
    expect(after(bad, inputId("reassign", "to"))).toMatchObject({ type: "TextBlock", color: "Attention", text: expect.stringContaining("pas utilisatrice d'Accord") });
    expect(texts(bad)[0]).toContain(TEAMS_ACTION_TEXT.fr.fixFields);
    expect((await getDispute(deps, { dispute: disputeId })).dispute.ownerEmail).toBe("paul@acme.fr");
    const ok = cardOf(await act("paul", "reassign", { to: "sophie@acme.fr", note: "elle suit ce client" }));
    expect(texts(ok)[0]).toBe(t("fr").reply.reassigned((await getDispute(deps, { dispute: disputeId })).dispute.number, "Sophie Leroy"));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.ownerEmail).toBe("sophie@acme.fr");
    // Paul handed it over: his card is read-only now
    expect(verbs(cardOf(await refresh("paul")))).toEqual([]);
  });

  it("refuses a viewer without the right, politely, with the card they may see", async () => {
    // a manager may not resolve (he could if he took the dispute: owning grants no more than the role)
    const c = cardOf(await act("marc", "resolve", { outcome: "credit_note", note: "je tranche" }));
    expect(texts(c)[0]).toBe(t("fr").reply.forbidden);
    expect(verbs(c)).not.toContain(teamsVerb("resolve"));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.status).toBe("open");
    // someone Accord does not know
    const n = cardOf(await act("nobody", "comment", { text: "bonjour" }));
    expect(texts(n)[0]).toBe(TEAMS_ACTION_TEXT.fr.notKnown);
    expect((await timeline()).some((e) => e.type === "commented")).toBe(false);
  });

  it("resolves, reopens, edits and withdraws through the same use cases, each by whom the table allows", async () => {
    cardOf(await act("claire", "edit", { priority: "urgent", note: "client stratégique" }));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.priority).toBe("urgent");
    cardOf(await act("paul", "resolve", { outcome: "credit_note", note: "avoir de 100 € accordé", credit_note_ref: "AV-9001" }));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.status).toBe("resolved");
    // the owner may not reopen; the controller may
    expect(verbs(cardOf(await refresh("paul")))).not.toContain(teamsVerb("reopen"));
    const reopened = cardOf(await act("claire", "reopen", { note: "l'avoir n'est pas arrivé" }));
    expect(texts(reopened)[0]).toBe(TEAMS_ACTION_TEXT.fr.saved((await getDispute(deps, { dispute: disputeId })).dispute.number));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.status).toBe("open");
    cardOf(await act("claire", "withdraw", { note: "ouvert par erreur" }));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.status).toBe("withdrawn");
  });

  it("nudges the owner once an hour from the card", async () => {
    const data = { accord: encodeAction({ t: "nudge", d: disputeId }) };
    const first = cardOf(await handleCardAction(h(), invoke("claire", TEAMS_NUDGE_VERB, data)));
    expect(texts(first)[0]).toBe(NUDGE_TEXT.fr.sent("Paul Durand"));
    const again = cardOf(await handleCardAction(h(), invoke("claire", TEAMS_NUDGE_VERB, data)));
    expect(texts(again)[0]).toMatch(/déjà envoyé/);
    expect((await timeline()).filter((e) => e.type === "nudged")).toHaveLength(1);
  });

  it("snoozes the follow-up from a reminder, for the owner only", async () => {
    const before = (await getDispute(deps, { dispute: disputeId })).dispute.followUpOn;
    const data = { accord: encodeAction({ t: "snooze", d: disputeId, c: "date" }), [SNOOZE_DATE_INPUT]: "2026-03-25" };
    const refused = cardOf(await handleCardAction(h(), invoke("claire", TEAMS_SNOOZE_VERB, data)));
    expect(texts(refused)[0]).toBe(FOLLOWUP_TEXT.fr.snoozeOwnerOnly);
    expect((await getDispute(deps, { dispute: disputeId })).dispute.followUpOn).toBe(before);
    const ok = cardOf(await handleCardAction(h(), invoke("paul", TEAMS_SNOOZE_VERB, data)));
    expect(texts(ok)[0]).toBe(FOLLOWUP_TEXT.fr.snoozed(shortDate("2026-03-25", "fr")));
    expect((await getDispute(deps, { dispute: disputeId })).dispute.followUpOn).toBe("2026-03-25");
  });

  it("answers malformed invokes politely, changing nothing", async () => {
    const before = (await getDispute(deps, { dispute: disputeId })).dispute.version;
    const good = encodeAction({ t: "card", a: "comment", d: disputeId, v: before });
    for (const value of [null, undefined, 42, "x", [], {}, { action: null }, { action: { verb: 7, data: {} } }, { action: { verb: teamsVerb("comment"), data: [] } }, { action: { verb: teamsVerb("comment"), data: { accord: 12 } } },
      { action: { verb: teamsVerb("comment"), data: { accord: "{not json" } } }, { action: { verb: teamsVerb("resolve"), data: { accord: good } } }, { action: { verb: TEAMS_REFRESH_VERB, data: { accord: encodeAction({ t: "show", d: 999999 }) } } }]) {
      const r = await handleCardAction(h(), { ...invoke("paul", "x", {}), value });
      expect(r.statusCode).toBe(200);
      if (r.type === "application/vnd.microsoft.activity.message") expect(r.value).toBeTruthy();
    }
    expect((await getDispute(deps, { dispute: disputeId })).dispute.version).toBe(before);
    expect((await timeline()).some((e) => e.type === "commented")).toBe(false);
  });

  it("answers a button it does not know politely", async () => {
    const r = await handleCardAction(h(), invoke("paul", "accord.card.explode", { accord: "{}" }));
    expect(r).toEqual({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: t("fr").reply.unknownAction });
  });
});
