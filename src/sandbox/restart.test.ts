import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import type { Person } from "../domain/types.ts";
import type { TimelineEntry } from "./standin.ts";
import { startSandboxAccord, type SandboxRun } from "./testing.ts";

// The sandbox keeps its conversations across a restart (src/sandbox/conversations.ts): stopped and started
// again on the same database, the owner's DM still shows the dispute's card and its thread, and the next
// change updates that same card in place. Through the page's API only (no browser).

const runs: SandboxRun[] = [];
/** the first run's saved conversations, and the owner and number of its dispute */
let kept: { file: string; owner: string; number: string } | null = null;
afterAll(async () => {
  for (const r of runs.reverse()) await r.stop().catch(() => undefined);
});

const api = (run: SandboxRun) => ({
  state: async (user: string) => (await (await fetch(`${run.accord.url}/sandbox/api/state?user=${user}`)).json()) as { timeline: TimelineEntry[] },
  post: async (p: string, body: object) => (await fetch(`${run.accord.url}/sandbox/api${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>,
});

/** What the person's DM shows, once `pred` holds (the delivery queue posts in the background). */
async function until(run: SandboxRun, user: string, pred: (t: TimelineEntry[]) => boolean, what: string): Promise<TimelineEntry[]> {
  let last: TimelineEntry[] = [];
  for (let i = 0; i < 200; i++) {
    last = (await api(run).state(user)).timeline;
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not seen; the DM shows ${JSON.stringify(last.map((e) => e.text))}`);
}

const cardOf = (t: TimelineEntry[], number: string) => t.filter((e) => !e.ephemeral && e.user === null && JSON.stringify(e.blocks).includes(number) && JSON.stringify(e.blocks).includes("card.resolve"));
const words = (e: { text: string; blocks: unknown[] }) => `${e.text} ${JSON.stringify(e.blocks)}`;

describe("the sandbox after a restart on the same database", () => {
  it("the owner's DM still shows the card and its thread; a change after the restart updates that same card in place", async () => {
    const first = await startSandboxAccord();
    runs.push(first);
    const { store } = first.accord.deps;
    // a customer without disputes, its sales rep and an open invoice
    let target: { ref: string; rep: Person; item: string } | null = null;
    for (const c of await store.customers.list()) {
      if (target || !c.salesRepEmail || (await store.disputes.list({ customerId: c.id })).length) continue;
      const item = (await store.items.ofCustomer(c.id, { openOnly: true })).find((i) => i.kind === "invoice" && i.openAmount > 0);
      const rep = await store.people.byEmail(c.salesRepEmail);
      if (item && rep?.slackUserId) target = { ref: c.ref, rep, item: item.ref };
    }
    if (!target) throw new Error("the demo data has no customer without disputes");
    const owner = target.rep.slackUserId!;
    const { dispute } = await openDispute(first.accord.deps, {
      customerRef: target.ref,
      items: [{ ref: target.item }],
      reasonCode: "price",
      statement: "Le client conteste le prix unitaire.",
      openedByEmail: "claire.martin@demo.accord.fr",
    });
    await until(first, owner, (t) => cardOf(t, dispute.number).length === 1, "the card in the owner's DM");
    // a reply in the card's thread: a comment, that the card then shows as the last update
    const card = cardOf((await api(first).state(owner)).timeline, dispute.number)[0]!;
    expect((await api(first).post("/message", { user: owner, text: "Avant le redémarrage : j'appelle l'acheteur.", threadTs: card.ts })).ok).toBe(true);
    await until(first, owner, (t) => words(cardOf(t, dispute.number)[0]!).includes("j'appelle l'acheteur"), "the card showing the comment");
    // everything queued delivered first (the demo's own cards and thread lines too): the DM as it is before the stop
    await first.accord.slack!.delivery.idle(30_000);
    const before = (await api(first).state(owner)).timeline;
    const cardBefore = cardOf(before, dispute.number)[0]!;
    expect(cardBefore.replies.map((r) => r.text)).toContain("Avant le redémarrage : j'appelle l'acheteur.");
    const everyTs = before.flatMap((e) => [e.ts, ...e.replies.map((r) => r.ts)]);
    await first.stop({ keep: true });
    expect(fs.readdirSync(first.dir)).toContain("accord.db.sandbox-slack.json");
    kept = { file: fs.readFileSync(path.join(first.dir, "accord.db.sandbox-slack.json"), "utf8"), owner, number: dispute.number };

    const second = await startSandboxAccord({ dir: first.dir });
    runs.push(second);
    // the same conversation: the card at its ts, as it was, with its thread and when it was posted
    const after = (await api(second).state(owner)).timeline.filter((e) => !e.ephemeral);
    expect(after.map((e) => ({ ts: e.ts, text: e.text, replies: e.replies.map((r) => r.text) }))).toEqual(
      before.filter((e) => !e.ephemeral).map((e) => ({ ts: e.ts, text: e.text, replies: e.replies.map((r) => r.text) })),
    );
    const cardAfter = cardOf(after, dispute.number)[0]!;
    expect(cardAfter).toMatchObject({ ts: cardBefore.ts, at: cardBefore.at, blocks: cardBefore.blocks });
    expect((await second.accord.deps.store.slack.cardsOf(dispute.id)).map((c) => c.ts)).toContain(cardBefore.ts);

    // a change after the restart: the same card (same ts) shows it, no second card; new messages get later ts
    expect((await api(second).post("/message", { user: owner, text: "Après le redémarrage : avoir accepté.", threadTs: cardBefore.ts })).ok).toBe(true);
    const now = await until(second, owner, (t) => words(cardOf(t, dispute.number)[0] ?? { text: "", blocks: [] }).includes("avoir accepté"), "the card showing the comment made after the restart");
    const cards = cardOf(now, dispute.number);
    expect(cards.map((c) => c.ts)).toEqual([cardBefore.ts]);
    expect(cards[0]!.edited).toBe(true);
    expect(cards[0]!.replies.map((r) => r.text)).toEqual(expect.arrayContaining(["Avant le redémarrage : j'appelle l'acheteur.", "Après le redémarrage : avoir accepté."]));
    const newer = now.flatMap((e) => [e.ts, ...e.replies.map((r) => r.ts)]).filter((ts) => !everyTs.includes(ts));
    expect(newer.length).toBeGreaterThan(0);
    for (const ts of newer) expect(Number(ts)).toBeGreaterThan(Math.max(...everyTs.map(Number)));
  });

  it("another database does not inherit them: a new one starts with empty conversations", async () => {
    expect(kept).not.toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-sandbox-"));
    fs.writeFileSync(path.join(dir, "accord.db.sandbox-slack.json"), kept!.file);
    const run = await startSandboxAccord({ dir });
    runs.push(run);
    const t = (await api(run).state(kept!.owner)).timeline;
    expect(t.filter((e) => words(e).includes("j'appelle l'acheteur"))).toEqual([]);
    expect(cardOf(t, kept!.number)).toEqual([]);
  });
});
