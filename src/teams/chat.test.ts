import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { botAddedActivity, installationActivity, messageActivity, postActivity, teamsEnv, type TeamsUser } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// Teams over HTTP (POST /api/messages, dev flag: no token; the JWT checks are in auth.test.ts) against the fake
// Bot Connector, which records Accord's answers and answers its member lookups: conversation references kept on
// install and on every message, people matched by email, then UPN, then pinned to their Entra object id, and the
// personal chat's commands in French and English.

type Json = Record<string, any>;

const CLAIRE: TeamsUser = { id: "29:claire", name: "Claire Martin", aadObjectId: "aad-claire" };
const PAUL: TeamsUser = { id: "29:paul", name: "Paul Durand", aadObjectId: "aad-paul" };
const SOPHIE: TeamsUser = { id: "29:sophie", name: "Sophie Leroy", aadObjectId: "aad-sophie" };
const EVE: TeamsUser = { id: "29:eve", name: "Eve Stranger", aadObjectId: "aad-eve" };

let accord: TestAccord;
let connector: FakeConnector;

beforeEach(async () => {
  connector = await startFakeConnector();
  accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
  await seedLedger(accord);
  // what the Bot Connector's member lookup tells of each user
  connector.addMember({ id: CLAIRE.id, aadObjectId: "aad-claire", email: "Claire@ACME.fr", userPrincipalName: "claire.martin@acme.onmicrosoft.com" });
  // Paul's mailbox is an alias Accord does not know; his user principal name is his Accord email
  connector.addMember({ id: PAUL.id, aadObjectId: "aad-paul", email: "p.durand@acme-group.example", userPrincipalName: "paul@acme.fr" });
  connector.addMember({ id: SOPHIE.id, aadObjectId: "aad-sophie", email: "sophie@acme.fr", userPrincipalName: "sophie@acme.fr" });
  connector.addMember({ id: EVE.id, aadObjectId: "aad-eve", email: "eve@elsewhere.example", userPrincipalName: "eve@elsewhere.example" });
});
afterEach(async () => {
  await accord.stop();
  await connector.close();
});

const s = () => accord.deps.store;

/** writes `text` (or an Action.Submit's `value`) in the user's personal chat; the answers posted */
async function say(from: TeamsUser, text: string | undefined, opts: { locale?: string; value?: unknown; scope?: "personal" | "channel" | "groupChat" } = {}) {
  const before = connector.posted().length;
  const res = await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from, locale: opts.locale ?? "fr-FR", ...(text !== undefined ? { text } : {}), ...(opts.value ? { value: opts.value } : {}), ...(opts.scope ? { scope: opts.scope } : {}) }));
  expect(res.status).toBe(200);
  // the Teams deliverer's own messages (an owner's card sent once they write: they carry a summary) are not answers
  await accord.teamsDelivery?.idle();
  return connector.posted().slice(before).filter((p) => !("summary" in p.activity));
}
const only = async (...args: Parameters<typeof say>) => {
  const posted = await say(...args);
  expect(posted).toHaveLength(1);
  return posted[0]!;
};
const textOf = (p: { activity: Json }) => String(p.activity.text ?? "");
const cardOf = (p: { activity: Json }): Json => {
  const [att] = p.activity.attachments as Json[];
  expect(att!.contentType).toBe("application/vnd.microsoft.card.adaptive");
  return att!.content;
};
const memberLookups = () => connector.calls.filter((c) => c.method === "GET" && c.path.includes("/members/")).length;

async function openDispute(body: Json = {}) {
  const r = await accord.call("POST", "/api/v1/disputes", {
    customerRef: "C001",
    items: [{ ref: "F-1001", amount: "400.00" }],
    reasonCode: "price",
    statement: "Le prix facturé ne correspond pas au devis n°452.",
    openedByEmail: "claire@acme.fr",
    ...body,
  });
  expect(r.status).toBe(201);
  return r.body.dispute as { id: number; number: string };
}

describe("conversation references and people", () => {
  it("install in a personal chat: the reference is kept, the person matched by email (any case) and pinned, welcomed in their language", async () => {
    const res = await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: CLAIRE, locale: "en-US" }));
    expect(res.status).toBe(200);
    expect(await s().teams.conversation("a:personal-29:claire")).toMatchObject({ kind: "personal", serviceUrl: connector.url, teamsUserId: "29:claire", aadObjectId: "aad-claire", tenantId: expect.any(String) });
    // pinned: Accord can now write to claire@acme.fr first (reminders, notices)
    expect(await s().teams.personalConversationOf("claire@acme.fr")).toMatchObject({ conversationId: "a:personal-29:claire" });
    expect(await s().teams.matchPerson({ aadObjectId: "aad-claire" })).toBe("claire@acme.fr");
    // Claire's Accord language is French, whatever her Teams client's
    const [welcome] = connector.posted();
    expect(textOf(welcome!)).toMatch(/^Bonjour\u00a0! Je suis Accord/);
    expect(textOf(welcome!)).toContain("**nouveau**");
    // installing is not writing: the last platform is set when someone writes
    expect(await s().teams.lastPlatform("claire@acme.fr")).toBeNull();
  });

  it("install by someone Accord does not know: the chat is kept, nobody is written to; an upgrade or a removal changes nothing", async () => {
    await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: EVE }));
    expect(await s().teams.conversation("a:personal-29:eve")).not.toBeNull();
    expect(connector.posted()).toEqual([]);
    await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: CLAIRE }));
    expect(connector.posted()).toHaveLength(1);
    await postActivity(accord.url, { ...installationActivity({ serviceUrl: connector.url, from: CLAIRE }), action: "add-upgrade" });
    await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: CLAIRE, action: "remove" }));
    // welcomed once; the reference stays (a later send fails and the deliverer marks it)
    expect(connector.posted()).toHaveLength(1);
    expect(await s().teams.personalConversationOf("claire@acme.fr")).toMatchObject({ conversationId: "a:personal-29:claire" });
  });

  it("the bot added to a team's channel or a group chat: their references are kept (no one is written to)", async () => {
    await postActivity(accord.url, botAddedActivity({ serviceUrl: connector.url, from: CLAIRE, scope: "channel", teamId: "19:team-recouvrement@thread.tacv2", conversationId: "19:general@thread.tacv2" }));
    expect(await s().teams.conversation("19:general@thread.tacv2")).toMatchObject({ kind: "channel", teamId: "19:team-recouvrement@thread.tacv2", channelId: "19:general@thread.tacv2", teamsUserId: null, aadObjectId: null });
    await postActivity(accord.url, installationActivity({ serviceUrl: connector.url, from: CLAIRE, scope: "groupChat", conversationId: "19:group-litiges@thread.v2" }));
    expect(await s().teams.conversation("19:group-litiges@thread.v2")).toMatchObject({ kind: "groupChat", teamId: null, teamsUserId: null });
    expect(connector.posted()).toEqual([]);
    // a conversationUpdate that does not add the bot is not an install
    await postActivity(accord.url, { ...botAddedActivity({ serviceUrl: connector.url, from: CLAIRE, scope: "groupChat", conversationId: "19:other@thread.v2" }), membersAdded: [{ id: "29:someone" }] });
    expect(await s().teams.conversation("19:other@thread.v2")).toBeNull();
  });

  it("a channel thread's message keeps the channel's reference, not the thread's, and looks the member up in the channel", async () => {
    await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: CLAIRE, scope: "channel", conversationId: "19:general@thread.tacv2;messageid=1700000000000", text: "aide" }));
    expect(await s().teams.conversation("19:general@thread.tacv2")).toMatchObject({ kind: "channel", channelId: "19:general@thread.tacv2" });
    expect(connector.calls.filter((c) => c.path.includes("/members/")).map((c) => c.path)).toEqual(["/v3/conversations/19:general@thread.tacv2/members/29:claire"]);
    // Claire was matched there: the answer is the channel's help in her language
    expect(String(connector.posted()[0]!.activity.text)).toContain("Dans un canal");
  });

  it("matched by UPN when the mailbox is an alias Accord does not know, then pinned: no lookup on the next message", async () => {
    const first = await only(PAUL, "help");
    expect(textOf(first)).toContain("**liste**");
    expect(memberLookups()).toBe(1);
    expect(await s().teams.matchPerson({ aadObjectId: "aad-paul" })).toBe("paul@acme.fr");
    expect(await s().teams.personalConversationOf("paul@acme.fr")).toMatchObject({ conversationId: "a:personal-29:paul" });
    await only(PAUL, "aide");
    expect(memberLookups()).toBe(1);
  });

  it("a person's own UPN (Person.upn) matches too", async () => {
    await s().teams.pin("marc@acme.fr", { upn: "m.petit@acme.onmicrosoft.com" });
    connector.addMember({ id: "29:marc", email: null as never, userPrincipalName: "M.Petit@acme.onmicrosoft.com" });
    await only({ id: "29:marc" }, "aide");
    expect(await s().teams.matchPerson({ teamsUserId: "29:marc" })).toBe("marc@acme.fr");
  });

  it("writing makes Teams the person's last platform", async () => {
    await only(CLAIRE, "aide");
    expect(await s().teams.lastPlatform("claire@acme.fr")).toBe("teams");
  });

  it("someone Accord does not know is told so, in their Teams client's language, with what was looked for", async () => {
    const fr = await only(EVE, "liste", { locale: "fr-FR" });
    expect(textOf(fr)).toBe(
      "Je ne vous trouve pas dans Accord (eve@elsewhere.example). Demandez à un administrateur d’Accord de vous ajouter avec l’adresse e-mail de votre compte Microsoft 365, puis écrivez-moi de nouveau.",
    );
    const en = await only(EVE, "help", { locale: "en-GB" });
    expect(textOf(en)).toMatch(/^I cannot find you in Accord \(eve@elsewhere\.example\)\./);
    // a user the member lookup does not know either
    const ghost = await only({ id: "29:ghost" }, "help", { locale: "en-US" });
    expect(textOf(ghost)).toMatch(/^I cannot find you in Accord\. Ask/);
    expect(await s().teams.matchPerson({ aadObjectId: "aad-eve" })).toBeNull();
    // their chat is still kept: once an admin adds them, Accord can answer them there
    expect(await s().teams.conversation("a:personal-29:eve")).not.toBeNull();
  });
});

describe("personal chat commands", () => {
  it("help: what the person may do (a sales rep is not offered `new`)", async () => {
    const claire = textOf(await only(CLAIRE, "aide"));
    expect(claire.split("\n")).toEqual([
      "**Accord**\u00a0: les litiges sur factures clients. Écrivez-moi\u00a0:",
      "- **nouveau**\u00a0: ouvrir un litige (un formulaire s’ouvre)",
      "- **liste** [mes | en retard | tous]\u00a0: vos litiges (mes, par défaut), ceux dont le prochain suivi est dépassé (en retard), ou tous ceux que vous pouvez voir (tous)",
      "- **voir** D-2026-0042\u00a0: la carte d’un litige, avec ce que vous pouvez y faire",
      "- **aide**\u00a0: ce message",
    ]);
    const sophie = textOf(await only(SOPHIE, "help", { locale: "en-US" }));
    expect(sophie).toContain("- **list** [mine | overdue | all]");
    expect(sophie).not.toContain("**new**");
  });

  it("new: a card whose button opens the new-dispute dialog (Action.Submit, task/fetch, { accord: \"new\" })", async () => {
    const card = cardOf(await only(CLAIRE, "nouveau"));
    expect(card.version).toBe("1.5");
    expect(card.actions).toEqual([{ type: "Action.Submit", title: "Ouvrir un litige", style: "positive", data: { msteams: { type: "task/fetch" }, accord: "new" } }]);
    // a sales rep may not open disputes: told who may, nothing else
    expect(textOf(await only(SOPHIE, "new", { locale: "en-US" }))).toMatch(/^Only .* may open/);
  });

  it("show: the dispute's card for this viewer, recorded so that it can be updated in place", async () => {
    const d = await openDispute();
    const posted = await only(CLAIRE, `voir ${d.number.toLowerCase()}`);
    const card = cardOf(posted);
    expect(card.body[0]).toMatchObject({ type: "TextBlock", text: expect.stringContaining(d.number) });
    // a controller's actions, and the viewer's own view on refresh
    const titles = (card.actions as Json[]).map((a) => a.title);
    // (and Nudge: a controller who is not the owner, on an open dispute)
    expect(titles).toEqual(["Ajouter un point", "Réattribuer", "Prochain suivi", "Résoudre", "Modifier", "Retirer", "Envoyer un rappel"]);
    expect(card.refresh.userIds).toEqual(["29:claire"]);
    expect(await s().teams.cardsOf(d.id)).toEqual([
      expect.objectContaining({ disputeId: d.id, conversationId: "a:personal-29:claire", activityId: posted.activityId, kind: "dm", viewerEmail: "claire@acme.fr" }),
    ]);
    // Paul, the owner (a sales rep), sees his own actions: no Edit, no Withdraw
    const paul = cardOf(await only(PAUL, `show ${d.number}`));
    expect((paul.actions as Json[]).map((a) => a.title)).toEqual(["Ajouter un point", "Réattribuer", "Prochain suivi", "Résoudre"]);
    // a dispute number alone works too
    cardOf(await only(CLAIRE, d.number));
  });

  it("show: an unknown number, a dispute the viewer may not see (not told it exists), no number", async () => {
    await openDispute();
    expect(textOf(await only(CLAIRE, "voir D-2026-9999"))).toBe("Aucun litige D-2026-9999.");
    // Sophie is the sales rep of C002, not of C001
    expect(textOf(await only(SOPHIE, "show D-2026-0001", { locale: "en-US" }))).toBe("No dispute D-2026-0001.");
    expect(textOf(await only(CLAIRE, "voir"))).toBe("Quel litige\u00a0? Écrivez **voir** suivi de son numéro, par exemple **voir D-2026-0042**.");
  });

  it("list mine / overdue / all, in French or English words, each row with an Open button that shows the card", async () => {
    const a = await openDispute({ followUpOn: "2026-04-30" });
    const b = await openDispute({ customerRef: "C002", items: [{ ref: "F-2001" }], followUpOn: "2026-03-12" });
    // ten days on: b's follow-up is past, a's is not
    accord.clock.set("2026-03-20T09:00:00Z");
    const rowsOf = (card: Json) => (card.body as Json[]).filter((x) => x.type === "ColumnSet").map((r) => r.columns[0].items[0].text as string);
    const mine = cardOf(await only(CLAIRE, "liste"));
    expect(mine.body[0].text).toBe("Vos litiges");
    expect(rowsOf(mine)).toHaveLength(2);
    const late = cardOf(await only(CLAIRE, "liste en retard"));
    expect(late.body[0].text).toBe("Litiges en retard");
    expect(rowsOf(late)).toEqual([expect.stringMatching(new RegExp(`^⚠ ${b.number} · Garage Moreau`))]);
    const all = cardOf(await only(SOPHIE, "list all", { locale: "en-US" }));
    expect(all.body[0].text).toBe("All the disputes you may see");
    // Sophie sees only her customer's dispute
    expect(rowsOf(all)).toEqual([expect.stringContaining(b.number)]);
    expect(rowsOf(cardOf(await only(PAUL, "liste tous")))).toEqual([expect.stringContaining(a.number)]);
    // the row's Open: an Action.Submit whose value comes back as a message
    const row = (all.body as Json[]).find((x) => x.type === "ColumnSet")!;
    const open = row.columns[1].items[0].actions[0];
    expect(open).toMatchObject({ type: "Action.Submit", title: "Open", data: { accord: JSON.stringify({ t: "show", d: b.id }) } });
    const shownPost = await only(SOPHIE, undefined, { value: open.data });
    const shown = cardOf(shownPost);
    expect(shown.body[0].text).toContain(b.number);
    // recorded for in-place updates (besides the owner's card the deliverer sent her when she first wrote)
    expect((await s().teams.cardsOf(b.id)).filter((c) => c.activityId === shownPost.activityId)).toHaveLength(1);
  });

  it("list: a row whose owner Accord cannot reach in Teams says so, to everyone but that owner", async () => {
    const a = await openDispute();
    await openDispute({ customerRef: "C002", items: [{ ref: "F-2001" }] });
    // Sophie writes to Accord: she can be reached (her card goes out); Paul has not installed it
    await say(SOPHIE, "aide");
    expect((await s().teams.unreachable()).map((u) => u.email)).toEqual(["paul@acme.fr"]);
    const warningsOf = (card: Json) => (card.body as Json[]).filter((x) => x.type === "ColumnSet").map((r): [string, string | null] => [r.columns[0].items[0].text as string, (r.columns[0].items[1]?.text as string | undefined) ?? null]);
    const rows = warningsOf(cardOf(await only(CLAIRE, "liste")));
    expect(rows).toHaveLength(2);
    // Paul owns the C001 dispute: its row says it; Sophie's (C002) does not
    expect(rows.find(([t]) => t.includes(a.number))![1]).toBe("⚠ Paul Durand n’est pas encore joignable dans Teams\u00a0: son avis est conservé jusqu’à ce qu’il ou elle ouvre Accord dans Teams.");
    expect(rows.filter(([t]) => !t.includes(a.number)).map(([, w]) => w)).toEqual([null]);
    // not to Paul himself (he is reading it in Teams)
    expect(warningsOf(cardOf(await only(PAUL, "liste tous"))).map(([, w]) => w)).toEqual([null]);
    // reachable again: gone
    await s().teams.markReachable("paul@acme.fr");
    expect(warningsOf(cardOf(await only(CLAIRE, "liste"))).map(([, w]) => w)).toEqual([null, null]);
  });

  it("list: nothing to show, a word it does not know", async () => {
    const empty = cardOf(await only(CLAIRE, "liste mes"));
    expect((empty.body as Json[]).map((x) => x.text)).toContain("Aucun litige ne correspond.");
    expect(textOf(await only(CLAIRE, "liste hier"))).toBe("Je ne connais pas « hier » après **liste**\u00a0: écrivez **liste mes**, **liste en retard** ou **liste tous**.");
  });

  it("an unknown word or button: said so, with the help; nothing is changed", async () => {
    const t = textOf(await only(CLAIRE, "bonjour"));
    expect(t).toMatch(/^Je n’ai pas compris « bonjour »\.\n\n\*\*Accord\*\*/);
    expect(textOf(await only(CLAIRE, undefined, { value: { accord: "{\"t\":\"nope\"}" } }))).toMatch(/^Désolé, je n’ai pas compris ce bouton/);
  });

  it("in a channel or a group chat: the channel's help (disputes are handled in the personal chat)", async () => {
    const posted = await only(CLAIRE, "<at>Accord</at> aide", { scope: "channel" });
    expect(textOf(posted)).toContain("Dans un canal, mentionnez-moi");
    expect(posted.conversationId).toMatch(/^19:/);
  });
});
