import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDispute } from "../app/getDispute.ts";
import { listDisputes } from "../app/listDisputes.ts";
import { openDispute } from "../app/openDispute.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { encodeAction, parseAction } from "../views/actions.ts";
import { t } from "../views/i18n.ts";
import { TEAMS_ACTION_TEXT } from "../views/teamsActionText.ts";
import { inputId, TEAMS_DATASETS, TEAMS_REFRESH_VERB, teamsVerb } from "./cards/actions.ts";
import type { AdaptiveJson } from "./cards/disputeCard.ts";
import { messageActivity, postActivity, TEST_BOT_ID, teamsEnv, type Activity } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";
import { startTestIdentity, type TestIdentity } from "./testing/identity.ts";

// Card actions, the new-dispute dialog and type-ahead over HTTP: invokes posted to POST /api/messages with a
// token the SDK's own JWT validation checks; the invoke's answer is the HTTP response.

let identity: TestIdentity;
let connector: FakeConnector;
let accord: TestAccord;

const USERS = {
  claire: { id: "29:claire", aadObjectId: "aad-claire" },
  paul: { id: "29:paul", aadObjectId: "aad-paul" },
  sophie: { id: "29:sophie", aadObjectId: "aad-sophie" },
  /** not pinned: found through the connector's member lookup */
  ana: { id: "29:ana", aadObjectId: "aad-ana" },
} as const;
type Who = keyof typeof USERS;

beforeAll(async () => {
  identity = await startTestIdentity(TEST_BOT_ID);
  connector = await startFakeConnector();
  accord = await startTestAccord(teamsEnv({ identity, connectorUrl: connector.url }), { startJobs: false });
  await seedLedger(accord);
  for (const [who, ids] of Object.entries(USERS)) if (who !== "ana") await accord.deps.store.teams.pin(`${who}@acme.fr`, { teamsUserId: ids.id, aadObjectId: ids.aadObjectId });
});
afterAll(async () => {
  await accord?.stop();
  await connector?.close();
  await identity?.close();
});

function invoke(who: Who, name: string, value: unknown, extra: Record<string, unknown> = {}): Activity {
  return { ...messageActivity({ serviceUrl: connector.url, from: USERS[who], locale: "fr-FR" }), type: "invoke", name, value, ...extra };
}
async function post(a: Activity) {
  return postActivity(accord.url, a, { token: identity.sign({ serviceurl: connector.url }) });
}

function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
const texts = (c: AdaptiveJson) => nodes(c).filter((n) => n.type === "TextBlock").map((n) => n.text as string);
const verbs = (c: AdaptiveJson) => nodes(c).filter((n) => n.type === "Action.Execute" && n.verb !== TEAMS_REFRESH_VERB).map((n) => n.verb as string);
const dialogCard = (body: unknown) => (body as { task: { type: string; value: { card: { content: AdaptiveJson } } } }).task.value.card.content;

async function newDispute(): Promise<{ id: number; version: number; number: string }> {
  const r = await openDispute(accord.deps, { customerRef: "C001", items: [{ ref: "F-1001", amount: "10" }], reasonCode: "price", statement: "Remise non appliquée", openedByEmail: "claire@acme.fr" });
  return { id: r.dispute.id, version: r.dispute.version, number: r.dispute.number };
}
const cardAction = (who: Who, verb: string, data: Record<string, unknown>, trigger = "manual") =>
  post(invoke(who, "adaptiveCard/action", { action: { type: "Action.Execute", verb, data }, trigger }, { replyToId: "posted-card-1" }));

describe("Teams invokes over HTTP", () => {
  it("task/fetch opens the new-dispute dialog", async () => {
    const res = await post(invoke("claire", "task/fetch", { data: { accord: "new", msteams: { type: "task/fetch" } }, context: { theme: "default" } }));
    expect(res.status).toBe(200);
    expect((res.body as { task: { type: string } }).task.type).toBe("continue");
    const card = dialogCard(res.body);
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(nodes(card).find((n) => n.id === "customer")?.["choices.data"]).toMatchObject({ dataset: TEAMS_DATASETS.customers });
  });

  it("task/submit with invalid input answers with the dialog and its field errors; valid input opens the dispute and closes it", async () => {
    const bad = await post(invoke("claire", "task/submit", { data: { accord: "new", step: "submit", key: "http-dialog-0001", customer: "C002", reason: "price", statement: "" } }));
    expect(bad.status).toBe(200);
    const card = dialogCard(bad.body);
    expect(texts(card)).toContain(TEAMS_ACTION_TEXT.fr.fixFields);
    const body = card.body as AdaptiveJson[];
    const at = body.findIndex((n) => n.id === "statement");
    expect(body.slice(at + 1).find((n) => n.color === "Attention")?.text).toBeTruthy();
    const before = (await listDisputes(accord.deps, {})).length;

    const item = (await accord.deps.store.items.ofCustomer((await accord.deps.store.customers.byRef("C002"))!.id, {})).find((i) => i.ref === "F-2001")!;
    const ok = await post(invoke("claire", "task/submit", { data: { accord: "new", step: "submit", key: "http-dialog-0001", customer: "C002", items: String(item.id), reason: "price", statement: "Le prix facturé dépasse le devis" } }));
    expect(ok.status).toBe(200);
    const after = await listDisputes(accord.deps, {});
    expect(after.length).toBe(before + 1);
    const d = after.find((x) => x.customer.ref === "C002")!.dispute;
    expect(ok.body).toEqual({ task: { type: "message", value: t("fr").reply.opened(d.number, "Sophie Leroy") } });
  });

  it("application/search answers the type-ahead", async () => {
    const res = await post(invoke("claire", "application/search", { queryText: "garage", dataset: TEAMS_DATASETS.customers, queryOptions: { skip: 0, top: 15 } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ statusCode: 200, type: "application/vnd.microsoft.search.searchResponse", value: { results: [{ title: "Garage Moreau (C002)", value: "C002" }] } });
  });

  it("a card action changes the dispute and answers with the clicker's fresh card", async () => {
    const d = await newDispute();
    const res = await cardAction("paul", teamsVerb("follow_up"), { accord: encodeAction({ t: "card", a: "follow_up", d: d.id, v: d.version }), [inputId("follow_up", "on")]: "2026-03-27" });
    expect(res.status).toBe(200);
    const body = res.body as { statusCode: number; type: string; value: AdaptiveJson };
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(texts(body.value)[0]).toBe(TEAMS_ACTION_TEXT.fr.saved(d.number));
    const x = await getDispute(accord.deps, { dispute: d.id });
    expect(x.dispute.followUpOn).toBe("2026-03-27");
    // the card answered is as of the new version
    const next = nodes(body.value).find((n) => n.verb === teamsVerb("comment"));
    expect(parseAction((next!.data as { accord: string }).accord)).toMatchObject({ v: x.dispute.version });
  });

  it("a stale card action changes nothing and shows the dispute as it is now", async () => {
    const d = await newDispute();
    await cardAction("paul", teamsVerb("follow_up"), { accord: encodeAction({ t: "card", a: "follow_up", d: d.id, v: d.version }), [inputId("follow_up", "on")]: "2026-03-28" });
    const res = await cardAction("paul", teamsVerb("resolve"), { accord: encodeAction({ t: "card", a: "resolve", d: d.id, v: d.version }), [inputId("resolve", "outcome")]: "credit_note", [inputId("resolve", "note")]: "avoir" });
    expect(res.status).toBe(200);
    expect(texts((res.body as { value: AdaptiveJson }).value)[0]).toBe(TEAMS_ACTION_TEXT.fr.staleCard);
    expect((await getDispute(accord.deps, { dispute: d.id })).dispute.status).toBe("open");
  });

  it("a viewer without rights gets the read-only card on refresh", async () => {
    const d = await newDispute();
    const refresh = { accord: encodeAction({ t: "show", d: d.id }) };
    const stranger = await cardAction("sophie", TEAMS_REFRESH_VERB, refresh, "automatic");
    expect(stranger.status).toBe(200);
    const ro = (stranger.body as { value: AdaptiveJson }).value;
    expect(verbs(ro)).toEqual([]);
    expect(ro.actions).toBeUndefined();
    // the owner's own view
    const owner = await cardAction("paul", TEAMS_REFRESH_VERB, refresh, "automatic");
    expect(verbs((owner.body as { value: AdaptiveJson }).value)).toContain(teamsVerb("resolve"));
  });

  it("someone not pinned yet is found by the member lookup (email), pinned, and gets their own view", async () => {
    const d = await newDispute();
    connector.addMember({ id: USERS.ana.id, aadObjectId: USERS.ana.aadObjectId, email: "Ana@acme.fr", userPrincipalName: "ana.admin@acme.onmicrosoft.com" });
    const res = await cardAction("ana", TEAMS_REFRESH_VERB, { accord: encodeAction({ t: "show", d: d.id }) }, "automatic");
    expect(verbs((res.body as { value: AdaptiveJson }).value)).toEqual(expect.arrayContaining([teamsVerb("edit"), teamsVerb("withdraw")]));
    expect(await accord.deps.store.teams.matchPerson({ teamsUserId: USERS.ana.id })).toBe("ana@acme.fr");
  });

  it("an invoke without a valid token is refused and runs nothing", async () => {
    const d = await newDispute();
    const a = invoke("paul", "adaptiveCard/action", { action: { type: "Action.Execute", verb: teamsVerb("comment"), data: { accord: encodeAction({ t: "card", a: "comment", d: d.id, v: d.version }), [inputId("comment", "text")]: "sans jeton" } } });
    const res = await postActivity(accord.url, a, { token: identity.sign({ serviceurl: connector.url }, { key: "other" }) });
    expect(res.status).toBe(401);
    expect(((await getDispute(accord.deps, { dispute: d.id })).timeline ?? []).some((e) => e.type === "commented")).toBe(false);
  });
});
