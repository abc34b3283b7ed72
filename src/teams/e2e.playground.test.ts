import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDispute } from "../app/getDispute.ts";
import { seedDemo } from "../app/seedDemo.ts";
import type { Dispute } from "../domain/types.ts";
import { startTestAccord, type TestAccord } from "../test/harness.ts";
import { PLAYGROUND_DEMO_USER, startPlayground, type Playground, type PlaygroundMessage } from "./testing/playground.ts";

// End to end in the Microsoft 365 Agents Playground (0.2.28): a whole Accord (HTTP server, SQLite file, the
// French demo data) with Teams in its local dev mode (TEAMS_DEV_UNAUTHENTICATED=true: the Playground sends no
// token), and the Playground started by the test, pointed at Accord's POST /api/messages. The person in the
// Playground is Claire Martin, a controller of the demo, found by her email through the Playground's member
// lookup; she reads French (her profile), so Accord answers her in French.
// The Playground must start: if it cannot, the test fails with its log (it is never skipped).

let accord: TestAccord;
let pg: Playground;
let welcome: PlaygroundMessage;
/** the card `show` posted */
let shownCard: PlaygroundMessage;
/** an open demo dispute Claire opened (Thomas Moreau owns it) */
let dispute: Dispute;

beforeAll(async () => {
  accord = await startTestAccord({ TEAMS_DEV_UNAUTHENTICATED: "true" });
  await seedDemo(accord.deps);
  const open = await accord.deps.store.disputes.list({ status: "open" });
  dispute = open.find((d) => d.openedByEmail === PLAYGROUND_DEMO_USER.email && d.ownerEmail === "thomas.moreau@demo.accord.fr")!;
  expect(dispute, "a demo dispute opened by Claire, owned by Thomas").toBeDefined();
  customerName = (await accord.deps.store.customers.byId(dispute.customerId))!.name;
  pg = await startPlayground({ botEndpoint: `${accord.url}/api/messages`, currentUser: PLAYGROUND_DEMO_USER });
  await pg.install();
  // (Claire's notices kept while Accord could not reach her may come first: the demo's opener notices)
  welcome = await pg.nextBotMessage("Accord's welcome on install", (m) => String(m.text).includes("Je suis Accord"));
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  await accord?.stop();
});

/** its customer's name */
let customerName: string;
/** the dispute card's first line */
const header = () => `${dispute.number} · ${customerName}`;
const cardOf = (m: PlaygroundMessage) => {
  expect(m.attachments.map((a) => a.contentType)).toEqual(["application/vnd.microsoft.card.adaptive"]);
  return m.attachments[0]!.content;
};
/** the Action.Execute of this verb, wherever it is in the card (inside an Action.ShowCard) */
const executeOf = (node: any, verb: string): any =>
  Array.isArray(node) ? node.map((n) => executeOf(n, verb)).find(Boolean) : node && typeof node === "object" ? (node.type === "Action.Execute" && node.verb === verb ? node : executeOf(Object.values(node), verb)) : undefined;
const findInput = (node: any, id: string): any =>
  Array.isArray(node) ? node.map((n) => findInput(n, id)).find(Boolean) : node && typeof node === "object" ? (node.id === id && String(node.type).startsWith("Input.") ? node : findInput(Object.values(node), id)) : undefined;
/** the dispute's timeline as Accord keeps it */
const timeline = async () => (await getDispute(accord.deps, { dispute: dispute.id, viewerEmail: PLAYGROUND_DEMO_USER.email })).timeline ?? [];
const texts = (node: unknown): string[] =>
  Array.isArray(node) ? node.flatMap(texts) : node && typeof node === "object" ? Object.entries(node).flatMap(([k, v]) => (typeof v === "string" && (k === "text" || k === "title" || k === "value") ? [v] : texts(v))) : [];

describe("Accord in the Agents Playground", () => {
  it("install: Accord says hello, and Claire is known by her email", async () => {
    expect(welcome.from.id).toBe(pg.bot.id);
    expect(welcome.text).toContain("Bonjour");
    expect(welcome.text).toContain("Je suis Accord");
    const claire = await accord.deps.store.people.byEmail(PLAYGROUND_DEMO_USER.email);
    expect(claire).toMatchObject({ teamsUserId: PLAYGROUND_DEMO_USER.id });
  });

  it("aide / help: the commands of personal chat, in Claire's French", async () => {
    await pg.sendMessage("help");
    const reply = await pg.nextBotMessage("Accord's answer to help", (m) => String(m.text).includes("**liste**"));
    expect(reply.text).toContain("**Accord**\u00a0: les litiges sur factures clients.");
    for (const command of ["**nouveau**", "**liste** [mes | en retard | tous]", "**voir** D-2026-0042", "**aide**"]) expect(reply.text).toContain(command);
  });

  it("show D-…: the dispute card, with the actions a controller may take", async () => {
    await pg.sendMessage(`show ${dispute.number}`);
    // (the deliverer may post Claire's notices meanwhile: the opener's notices of the demo's disputes)
    const m = (shownCard = await pg.nextBotMessage(`the card of ${dispute.number}`, (m) => m.attachments.length > 0 && texts(m.attachments[0]!.content.body)[0] === header()));
    const card = cardOf(m);
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", lang: "fr" });
    expect(texts(card.body)[0]).toBe(header());
    expect(texts(card.body)).toEqual(expect.arrayContaining(["Thomas Moreau", "Claire Martin", "Ouvert"]));
    expect(card.actions.map((a: { title: string }) => a.title)).toEqual(expect.arrayContaining(["Ajouter un point", "Réattribuer", "Prochain suivi", "Résoudre", "Modifier", "Retirer"]));
    // Claire's Teams client fetches her own view of it
    expect(card.refresh).toMatchObject({ action: { type: "Action.Execute", verb: "accord.refresh" }, userIds: [PLAYGROUND_DEMO_USER.id] });
    // the copy is recorded (once the turn is over: the Playground shows the card as soon as Accord posts it), so
    // later changes update it in place
    await expect.poll(() => accord.deps.store.teams.cardsOf(dispute.id), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ conversationId: pg.conversationId, activityId: m.messageId, kind: "dm", viewerEmail: PLAYGROUND_DEMO_USER.email }),
    ]);
  });

  it("nouveau: the card whose button opens the new-dispute dialog in Teams (a task/fetch; the Playground has no dialogs)", async () => {
    await pg.sendMessage("nouveau");
    const m = await pg.nextBotMessage("the new-dispute card", (m) => m.attachments.length > 0 && texts(m.attachments[0]!.content.body)[0] === "Nouveau litige");
    const [button] = cardOf(m).actions;
    expect(button).toMatchObject({ type: "Action.Submit", title: "Ouvrir un litige", data: { msteams: { type: "task/fetch" } } });
  });

  it("list all: the open disputes Claire may see, each with Open, which brings its card", async () => {
    await pg.sendMessage("liste tous");
    const m = await pg.nextBotMessage("the list card", (m) => m.attachments.length > 0 && texts(m.attachments[0]!.content.body)[0] === "Tous les litiges que vous pouvez voir");
    const card = cardOf(m);
    const open = await accord.deps.store.disputes.list({ status: "open" });
    const shown = texts(card.body).join("\n");
    for (const d of open) expect(shown).toContain(d.number);
    // the row of our dispute: its Open button is an Action.Submit whose data Teams sends back as a message value
    const row = card.body.find((b: { type: string }) => b.type === "ColumnSet" && texts(b).some((t) => t.includes(dispute.number)));
    const button = row.columns.flatMap((c: any) => c.items).flatMap((i: any) => i.actions ?? []).find((a: { title: string }) => a.title === "Ouvrir");
    expect(button).toMatchObject({ type: "Action.Submit", title: "Ouvrir" });
    await pg.submitCard(m.messageId, button.data);
    const opened = await pg.nextBotMessage(`the card of ${dispute.number} from Open`, (x) => x.attachments.length > 0 && texts(x.attachments[0]!.content.body)[0] === header());
    expect(cardOf(opened).actions.length).toBeGreaterThan(0);
  });

  it("a card button: Add update with its input saves the comment, and the answer is Claire's card as it is now", async () => {
    const card = cardOf(shownCard);
    const save = executeOf(card.actions, "accord.card.comment");
    expect(save, "the Add update form's Save button").toMatchObject({ type: "Action.Execute", title: "Enregistrer" });
    const before = await timeline();
    // Teams sends the button's data with the form's inputs merged in
    const answer = await pg.invokeCardAction(shownCard.messageId, { verb: save.verb, data: { ...save.data, "comment.text": "Client relancé par téléphone, réponse attendue vendredi." } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.type).toBe("application/vnd.microsoft.card.adaptive");
    const after = answer.body.value;
    // a confirmation above the card, then the card with the new last update
    expect(after.body[0]).toMatchObject({ type: "Container", style: "good" });
    expect(texts(after.body[0])[0]).toContain(dispute.number);
    expect(texts(after.body)[1]).toBe(header());
    expect(texts(after.body)).toContain("Dernier point — Claire Martin, 10 mars 2026\u00a0: Client relancé par téléphone, réponse attendue vendredi.");
    const now = await timeline();
    expect(now.slice(0, before.length)).toEqual(before);
    expect(now.slice(before.length)).toEqual([expect.objectContaining({ type: "commented", byEmail: PLAYGROUND_DEMO_USER.email, text: "Client relancé par téléphone, réponse attendue vendredi." })]);
  });

  it("a card button with its input left empty: the field's error under the input, nothing saved", async () => {
    const save = executeOf(cardOf(shownCard).actions, "accord.card.comment");
    const before = await timeline();
    const answer = await pg.invokeCardAction(shownCard.messageId, { verb: save.verb, data: { ...save.data, "comment.text": "  " } });
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe("application/vnd.microsoft.card.adaptive");
    const form = answer.body.value;
    expect(texts(form.body)[0]).toBe("Corrigez les champs ci-dessous\u00a0: rien n'a encore été enregistré.");
    // the input again, as typed, with its error under it
    const container = form.body.find((b: any) => b.type === "Container" && findInput(b, "comment.text"));
    expect(findInput(container, "comment.text")).toMatchObject({ type: "Input.Text", value: "  " });
    expect(texts(container)).toContain("Le commentaire ne peut pas être vide.");
    expect(executeOf(form.actions, "accord.card.comment")).toBeDefined();
    expect(await timeline()).toEqual(before);
  });
});

describe("a change made elsewhere, in the Agents Playground", () => {
  it("a comment over REST updates the card posted in Claire's chat in place, over the Playground's WebSocket", async () => {
    const current = (await accord.deps.store.disputes.byId(dispute.id))!;
    const res = await accord.call("POST", `/api/v1/disputes/${dispute.number}/comments`, { byEmail: "thomas.moreau@demo.accord.fr", text: "Technicien passé ce matin : maintenance faite.", version: current.version });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    // the Teams deliverer, outside any turn, PUTs the copy show posted (through the Playground's Bot Connector)
    const updated = await pg.nextBotUpdate("the card updated in place", (m) => m.messageId === shownCard.messageId && texts(m.attachments).some((t) => t.includes("Technicien passé ce matin")));
    const card = cardOf(updated);
    expect(texts(card.body)[0]).toBe(header());
    expect(texts(card.body)).toContain("Dernier point — Thomas Moreau, 10 mars 2026\u00a0: Technicien passé ce matin\u00a0: maintenance faite.");
    // still Claire's view: her actions, her refresh
    expect(card.actions.map((a: { title: string }) => a.title)).toEqual(expect.arrayContaining(["Ajouter un point", "Résoudre", "Retirer"]));
    expect(card.refresh).toMatchObject({ userIds: [PLAYGROUND_DEMO_USER.id] });
    // nothing was posted anew in Claire's chat for it
    expect(pg.events.filter((e) => e.action === "createMessage" && e.message?.from.id === pg.bot.id && texts(e.message.attachments).some((t) => t.includes("Technicien passé")))).toEqual([]);
  });
});

describe("notices, in the Agents Playground", () => {
  it("the notice Accord kept while it could not reach Claire comes to her chat once she has the app", async () => {
    // the demo resolves a dispute Claire opened (Paul Durand, credit note): she is told, on Teams, her last platform
    const resolved = (await accord.deps.store.disputes.list({ status: "resolved" })).find((d) => d.openedByEmail === PLAYGROUND_DEMO_USER.email && d.closedByEmail === "paul.durand@demo.accord.fr")!;
    expect(resolved).toBeDefined();
    const notice = await pg.nextBotMessage(`the opener's notice of ${resolved.number}`, (m) => m.attachments.length > 0 && String(texts(m.attachments[0]!.content.body)[0]).startsWith(`Le litige ${resolved.number}, que vous avez ouvert, a été résolu par Paul Durand`));
    // the line on top of the dispute's card as it is now
    expect(texts(cardOf(notice).body)).toContain("Résolu");
  });
});

describe("someone Accord does not know, in the Agents Playground", () => {
  it("is not written to on install, and told in their client's language (en-US) how to be added", { timeout: 120_000 }, async () => {
    // the Playground's own user, Alex Wilber (alexw@example.com), is not in the demo
    const stranger = await startPlayground({ botEndpoint: `${accord.url}/api/messages` });
    try {
      await stranger.install();
      await stranger.sendMessage("help");
      const reply = await stranger.nextBotMessage("Accord's answer to someone it does not know");
      expect(reply.text).toContain("I cannot find you in Accord");
      expect(reply.text).toContain("alexw@example.com");
      // the answer to help is the first thing Accord said: nothing on install
      expect(stranger.events.filter((e) => e.action === "createMessage" && e.message?.from.id === stranger.bot.id)).toHaveLength(1);
      expect(await accord.deps.store.people.byEmail("alexw@example.com")).toBeNull();
    } finally {
      await stranger.stop();
    }
  });
});
