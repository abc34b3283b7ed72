import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDispute } from "../app/getDispute.ts";
import { openDispute } from "../app/openDispute.ts";
import { withdrawDispute } from "../app/withdrawDispute.ts";
import { AccordError } from "../domain/errors.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { encodeAction } from "../views/actions.ts";
import { errorText } from "../views/errors.ts";
import { t } from "../views/i18n.ts";
import { NUDGE_TEXT, tooSoonText } from "../views/nudgeText.ts";
import { TEAMS_ACTION_TEXT } from "../views/teamsActionText.ts";
import { TEAMS_CHAT_TEXT } from "../views/teamsChatText.ts";
import { PAYLOAD_KEY } from "./cards/actions.ts";
import { LIST_SCOPE_KEY, TEAMS_LIST_NUDGE_VERB } from "./cards/chatCards.ts";
import type { AdaptiveJson } from "./cards/disputeCard.ts";
import { messageActivity, postActivity, postSignedActivity, TEST_BOT_ID, teamsEnv, type Activity } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";
import { startTestIdentity, type TestIdentity } from "./testing/identity.ts";

// The personal chat list's Nudge over HTTP (POST /api/messages, tokens checked by the SDK's own JWT validation,
// the fake Bot Connector): a row whose owner the person may nudge has « Envoyer un rappel » (an Action.Execute),
// as Slack's /dispute list menu has; the click runs the same nudge use case (once an hour) and the answer is the
// same list, a notice on top, in the person's language.

let identity: TestIdentity;
let connector: FakeConnector;
let accord: TestAccord;

const USERS = {
  claire: { id: "29:claire", aadObjectId: "aad-claire", locale: "fr-FR" },
  paul: { id: "29:paul", aadObjectId: "aad-paul", locale: "fr-FR" },
  sophie: { id: "29:sophie", aadObjectId: "aad-sophie", locale: "en-US" },
  marc: { id: "29:marc", aadObjectId: "aad-marc", locale: "fr-FR" },
  ana: { id: "29:ana", aadObjectId: "aad-ana", locale: "en-US" },
} as const;
type Who = keyof typeof USERS;

beforeAll(async () => {
  identity = await startTestIdentity(TEST_BOT_ID);
  connector = await startFakeConnector();
  accord = await startTestAccord(teamsEnv({ identity, connectorUrl: connector.url }), { startJobs: false });
  await seedLedger(accord);
  for (const [who, u] of Object.entries(USERS)) await accord.deps.store.teams.pin(`${who}@acme.fr`, { teamsUserId: u.id, aadObjectId: u.aadObjectId });
});
afterAll(async () => {
  await accord?.stop();
  await connector?.close();
  await identity?.close();
});

let dispute: { id: number; number: string };
beforeEach(async () => {
  accord.clock.set("2026-03-10T09:00:00Z");
  const r = await openDispute(accord.deps, { customerRef: "C001", items: [{ ref: "F-1002", amount: "1" }], reasonCode: "price", statement: "Remise oubliée", openedByEmail: "claire@acme.fr" });
  dispute = { id: r.dispute.id, number: r.dispute.number };
});

const activity = (who: Who, extra: Record<string, unknown>): Activity => ({ ...messageActivity({ serviceUrl: connector.url, from: USERS[who], locale: USERS[who].locale }), ...extra });
async function post(a: Activity) {
  const res = await postSignedActivity(accord.url, a, identity);
  expect(res.status).toBe(200);
  return res.body as { statusCode: number; type: string; value: unknown };
}
/** `who` writes `text` in their personal chat: the card Accord answers with. */
async function listOf(who: Who, text: string): Promise<AdaptiveJson> {
  const mark = connector.posted().length;
  await post(activity(who, { type: "message", text }));
  // the answer in the person's chat (the delivery queue may post cards and notices meanwhile): the list
  const answers = connector
    .posted()
    .slice(mark)
    .map((p) => (p.activity.attachments as { content: AdaptiveJson }[] | undefined)?.[0]?.content)
    .filter((c): c is AdaptiveJson => !!c && Object.values(TEAMS_CHAT_TEXT).some((w) => Object.values(w.listScope).includes((c.body as AdaptiveJson[])[0]?.text as string)));
  expect(answers).toHaveLength(1);
  return answers[0]!;
}
/** A click on an Action.Execute: the invoke's answer. */
const click = (who: Who, verb: string, data: unknown) => post(activity(who, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" }, replyToId: "list-card-1" }));

function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
/** The list row naming `number`: its text and its buttons. */
function rowOf(card: AdaptiveJson, number: string): { text: string; buttons: AdaptiveJson[] } | null {
  const row = (card.body as AdaptiveJson[]).find((n) => n.type === "ColumnSet" && JSON.stringify(n).includes(number));
  if (!row) return null;
  const all = nodes(row);
  return { text: String(all.find((n) => n.type === "TextBlock")?.text), buttons: all.filter((n) => typeof n.type === "string" && n.type.startsWith("Action.")) };
}
const nudgeOf = (card: AdaptiveJson, number: string) => rowOf(card, number)?.buttons.find((b) => b.type === "Action.Execute") ?? null;
/** The notice on top of an answered card. */
const noticeOf = (card: AdaptiveJson) => {
  const top = (card.body as AdaptiveJson[])[0]!;
  expect(top.type).toBe("Container");
  return { style: top.style, text: (top.items as AdaptiveJson[])[0]!.text };
};
const cardOf = (r: { type: string; value: unknown }) => {
  expect(r.type).toBe("application/vnd.microsoft.card.adaptive");
  return r.value as AdaptiveJson;
};
const nudges = async (id = dispute.id) => ((await getDispute(accord.deps, { dispute: id })).timeline ?? []).filter((e) => e.type === "nudged");

describe("Nudge in the Teams list", () => {
  it("a row whose owner the person may nudge has « Envoyer un rappel », in each list; the owner's own rows have none", async () => {
    const list = await listOf("claire", "liste tous");
    const row = rowOf(list, dispute.number)!;
    expect(row.buttons.map((b) => [b.type, b.title])).toEqual([["Action.Submit", "Ouvrir"], ["Action.Execute", NUDGE_TEXT.fr.button]]);
    expect(nudgeOf(list, dispute.number)).toMatchObject({ verb: TEAMS_LIST_NUDGE_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: dispute.id }), [LIST_SCOPE_KEY]: "all" } });
    // a manager too (his team's disputes), in the list he asked for
    expect(nudgeOf(await listOf("marc", "liste tous"), dispute.number)).toMatchObject({ data: { [LIST_SCOPE_KEY]: "all" } });
    // the owner does not nudge himself: his row opens the card, nothing more
    expect(rowOf(await listOf("paul", "liste"), dispute.number)!.buttons.map((b) => b.type)).toEqual(["Action.Submit"]);
    // an overdue one too, in the overdue list
    accord.clock.set("2026-06-10T09:00:00Z");
    expect(nudgeOf(await listOf("claire", "liste en retard"), dispute.number)).toMatchObject({ data: { [LIST_SCOPE_KEY]: "overdue" } });
    // a withdrawn dispute leaves the list (and is not nudged: see the refusals below)
    await withdrawDispute(accord.deps, { dispute: dispute.id, byEmail: "claire@acme.fr", version: 1, note: "ouvert par erreur" });
    expect(rowOf(await listOf("claire", "liste tous"), dispute.number)).toBeNull();
  });

  it("the click nudges the owner through the same use case and answers with the same list, a notice on top; once an hour", async () => {
    const button = nudgeOf(await listOf("claire", "liste tous"), dispute.number)!;
    const sent = cardOf(await click("claire", button.verb as string, button.data));
    expect(noticeOf(sent)).toEqual({ style: "good", text: NUDGE_TEXT.fr.sent("Paul Durand") });
    // the list as it is now, still with its rows
    expect(rowOf(sent, dispute.number)).not.toBeNull();
    expect((await nudges()).map((e) => [e.byEmail, e.data?.to])).toEqual([["claire@acme.fr", "paul@acme.fr"]]);

    // again within the hour: when the next one is possible (in Claire's time zone), nothing sent
    accord.clock.set("2026-03-10T09:40:00Z");
    const again = cardOf(await click("claire", button.verb as string, button.data));
    const tz = (await accord.deps.store.settings.get()).timezone;
    expect(noticeOf(again)).toEqual({ style: "emphasis", text: tooSoonText(new Date("2026-03-10T09:00:00Z"), new Date("2026-03-10T10:00:00Z"), tz, "fr") });
    expect(noticeOf(again).text).toBe("Rappel déjà envoyé à 10\u00a0h\u00a000\u00a0; prochain possible à 11\u00a0h\u00a000.");
    expect(await nudges()).toHaveLength(1);

    // an hour later it goes again
    accord.clock.set("2026-03-10T10:00:00Z");
    expect(noticeOf(cardOf(await click("claire", button.verb as string, button.data))).text).toBe(NUDGE_TEXT.fr.sent("Paul Durand"));
    expect(await nudges()).toHaveLength(2);
  });

  it("speaks English to an English speaker", async () => {
    const list = await listOf("ana", "list all");
    const button = nudgeOf(list, dispute.number)!;
    expect(button.title).toBe("Nudge");
    expect(noticeOf(cardOf(await click("ana", button.verb as string, button.data))).text).toBe("Nudge sent to Paul Durand.");
  });

  it("refuses politely above the list, recording nothing: the owner himself, a sales rep, a dispute no longer open; an unreadable click", async () => {
    const data = { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: dispute.id }), [LIST_SCOPE_KEY]: "mine" };
    // a row of an older list clicked by the owner (his own lists never offer it)
    const owner = cardOf(await click("paul", TEAMS_LIST_NUDGE_VERB, data));
    expect(noticeOf(owner)).toEqual({ style: "attention", text: t("fr").reply.forbidden });
    expect(rowOf(owner, dispute.number)).not.toBeNull();
    expect(noticeOf(cardOf(await click("sophie", TEAMS_LIST_NUDGE_VERB, data))).text).toBe(t("en").reply.forbidden);
    await withdrawDispute(accord.deps, { dispute: dispute.id, byEmail: "claire@acme.fr", version: 1, note: "ouvert par erreur" });
    const closed = cardOf(await click("claire", TEAMS_LIST_NUDGE_VERB, data));
    expect(noticeOf(closed)).toEqual({ style: "attention", text: errorText(new AccordError("illegal_transition", { key: "illegal_transition", params: { number: dispute.number, status: "withdrawn", command: "remind" } }), "fr") });
    expect(noticeOf(closed).text).toMatch(/^Le litige D-2026-\d+ est retiré\u00a0: impossible d'envoyer un rappel\.$/);
    expect(await nudges()).toEqual([]);
    // a dispute that does not exist, a payload that is not a nudge: a plain answer
    const gone = await click("claire", TEAMS_LIST_NUDGE_VERB, { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: 999999 }), [LIST_SCOPE_KEY]: "all" });
    expect(gone.type).toBe("application/vnd.microsoft.activity.message");
    expect(String(gone.value)).toContain("999999");
    expect(await click("claire", TEAMS_LIST_NUDGE_VERB, { [PAYLOAD_KEY]: "{nope" })).toMatchObject({ type: "application/vnd.microsoft.activity.message", value: t("fr").reply.unknownAction });
  });

  it("a click whose token the SDK refuses nudges no one", async () => {
    const data = { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: dispute.id }), [LIST_SCOPE_KEY]: "all" };
    const a = activity("claire", { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: TEAMS_LIST_NUDGE_VERB, data }, trigger: "manual" } });
    expect((await postActivity(accord.url, a, { token: identity.sign({ serviceurl: connector.url }, { key: "other" }) })).status).toBe(401);
    expect((await postActivity(accord.url, a)).status).toBe(401);
    expect(await nudges()).toEqual([]);
  });

  it("someone Accord does not know is told so", async () => {
    const stranger = { ...messageActivity({ serviceUrl: connector.url, from: { id: "29:stranger", aadObjectId: "aad-stranger" }, locale: "fr-FR" }), type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: TEAMS_LIST_NUDGE_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: dispute.id }) } } } };
    expect(await post(stranger)).toMatchObject({ type: "application/vnd.microsoft.activity.message", value: TEAMS_ACTION_TEXT.fr.notKnown });
    expect(await nudges()).toEqual([]);
  });
});
