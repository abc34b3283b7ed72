import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chartFile } from "../app/charts.ts";
import type { Deps } from "../app/context.ts";
import { DIGEST_POST, postDueDigests } from "../app/digests.ts";
import { openDispute } from "../app/openDispute.ts";
import type { TeamsConversationRef } from "../app/ports.ts";
import type { Person } from "../domain/types.ts";
import type { DigestView } from "../views/digestView.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { MAX_CARD_BYTES } from "./cards/disputeCard.ts";
import { TeamsConnectorClient } from "./deliveryClient.ts";
import { TeamsDelivery } from "./delivery.ts";
import { teamsDigestCommand } from "./digest.ts";
import { renderDigestAdaptiveCard } from "./digestCard.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// The digest in a Teams channel: `digest here` subscribes it, the job queues the digest, the deliverer posts one
// Adaptive Card under 28 KB whose charts are images at PUBLIC_URL/charts/<token>.png.

const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x), "utf8");

function bigView(owners: number): DigestView {
  const long = "Établissements Très Longue Raison Sociale Internationale & Associés ".repeat(3);
  return {
    text: "Synthèse", title: "Synthèse des litiges — mardi 10 mars", scope: "Tous les litiges ouverts",
    headline: ["*EUR* · 240 litiges ouverts · 1 200 000,00 € en litige", "*USD* · 12 litiges ouverts · 30 000,00 $ en litige"],
    since: "*Depuis la dernière synthèse :* 12 ouverts · 9 résolus",
    lateTitle: `En retard ou SLA dépassé — ${owners} chargés de résolution`, lateNone: null,
    owners: Array.from({ length: owners }, (_, i) => ({
      email: `o${i}@acme.fr`, name: `Chargé ${i} ${long.slice(0, 40)}`, slackUserId: null,
      text: `${i + 3} litiges, dont ${i + 1} en retard · 12 345,00 € · le plus en retard : D-2026-${String(i).padStart(4, "0")} ${long}`,
      nudge: { label: "Envoyer un rappel", value: "x" }, reassign: { label: "Réattribuer", value: "y" },
    })),
    ownersTotal: owners,
    moreOwners: (n) => `… et ${n} autres chargés de résolution : \`list overdue all\` affiche la liste complète`,
    reasonsTitle: "Par motif", reasons: Array.from({ length: 40 }, (_, i) => `Motif ${i} ${long}`), moreReasons: (n) => `… et ${n} autres motifs`,
    oldestTitle: "Les plus anciens", oldest: Array.from({ length: 5 }, (_, i) => `D-2026-000${i} · ${long}`),
    decide: { title: "À décider", lists: ["SLA dépassés", "Les plus gros", "Contentieux ?"].map((title) => ({ title, note: null, lines: Array.from({ length: 5 }, (_, i) => `D-2026-01${i} · ${long}`) })) },
    charts: [1, 2, 3, 4].map((i) => ({ url: `https://accord.example/charts/${"a".repeat(42)}${i}.png`, alt: `Montants en litige par ancienneté et motif ${i}` })),
  };
}

describe("the Teams digest card", () => {
  it.each([0, 1, 25, 200])("stays under 28 KB with %i late owners, ending with how many more", (n) => {
    const card = renderDigestAdaptiveCard(bigView(n), "fr");
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const body = card.body as { type: string; text?: string; url?: string }[];
    expect(body.filter((b) => b.type === "Image").map((b) => b.url)).toHaveLength(3); // at most 3 charts, by URL, never inline
    expect(JSON.stringify(card)).not.toContain("data:image");
    const rows = body.filter((b) => b.text?.startsWith("**Chargé "));
    if (n === 200) {
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.length).toBeLessThan(200);
      expect(body.some((b) => b.text === `… et ${200 - rows.length} autres chargés de résolution : \`list overdue all\` affiche la liste complète`)).toBe(true);
    } else expect(rows).toHaveLength(n);
    // the view's *bold* becomes Adaptive Card markdown
    expect(body.some((b) => b.text?.startsWith("**EUR** ·"))).toBe(true);
    // what to decide is there, whatever the owners took
    expect(body.some((b) => b.text === "À décider")).toBe(true);
  });
});

describe("digest in a Teams channel", () => {
  let a: TestAccord;
  let fake: FakeConnector;
  let delivery: TeamsDelivery;
  let deps: Deps;
  const channel: TeamsConversationRef = {
    conversationId: "19:litiges@thread.tacv2", kind: "channel", serviceUrl: "", tenantId: "tenant-1", teamsUserId: null, aadObjectId: null, teamId: "19:team", channelId: "19:litiges@thread.tacv2", updatedAt: new Date(0),
  };
  const where = { conversationId: channel.conversationId, kind: "channel" as const };
  const person = async (email: string): Promise<Person> => (await a.deps.store.people.byEmail(email))!;

  beforeEach(async () => {
    a = await startTestAccord({ PUBLIC_URL: "https://accord.example" }, { startJobs: false, now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
    fake = await startFakeConnector();
    deps = { ...a.deps, chatQueue: ["teams"] };
    await a.deps.store.teams.putConversation({ ...channel, serviceUrl: fake.url });
    delivery = new TeamsDelivery({ deps, client: new TeamsConnectorClient({ token: async () => "t" }), botId: "28:bot", serviceUrl: fake.url, log: { warn() {}, error() {}, info() {} }, pollMs: 50 });
  });
  afterEach(async () => {
    await delivery.stop();
    await fake.close();
    await a.stop();
  });

  it("`digest here` subscribes the channel; the digest is posted there as a card whose chart is served from PUBLIC_URL", async () => {
    const claire = await person("claire@acme.fr");
    expect(await teamsDigestCommand(deps, { viewer: claire, where, text: "<at>Accord</at> digest" })).toContain("Aucune synthèse dans ce canal");
    const answer = await teamsDigestCommand(deps, { viewer: claire, where, text: "<at>Accord</at> digest here 11:00 always" });
    expect(answer).toContain("ce canal recevra la synthèse des litiges");
    expect(answer).not.toContain("/dispute");
    expect(await teamsDigestCommand(deps, { viewer: claire, where, text: "digest" })).toContain("Claire Martin");
    const [sub] = await a.deps.store.digest.subscriptions({ platform: "teams", channelId: channel.conversationId });
    expect(sub).toMatchObject({ time: "11:00", always: true, locale: "fr", createdByEmail: "claire@acme.fr" });

    await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Prix non conforme", ownerEmail: "paul@acme.fr", openedByEmail: "claire@acme.fr" });
    a.clock.set("2026-03-10T10:05:00Z"); // 11:05 in Paris
    expect(await postDueDigests(deps, a.deps.clock())).toEqual({ done: 1, failed: 0 });
    expect((await a.deps.store.outbox.list({ type: DIGEST_POST })).map((m) => m.channel)).toEqual(["teams"]);
    delivery.start();
    await delivery.idle();
    const posts = fake.posted().filter((p) => p.conversationId === channel.conversationId);
    expect(posts).toHaveLength(1);
    const card = (posts[0]!.activity.attachments as { content: { body: { type: string; url?: string; text?: string }[] } }[])[0]!.content;
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(card.body[0]!.text).toContain("Synthèse des litiges");
    const images = card.body.filter((b) => b.type === "Image");
    expect(images).toHaveLength(1);
    const url = images[0]!.url!;
    expect(url).toMatch(/^https:\/\/accord\.example\/charts\/[A-Za-z0-9_-]{43}\.png$/);
    // the server serves it (by its unguessable token) until it expires
    const file = url.split("/").at(-1)!;
    const png = await chartFile(a.deps, file);
    expect(png?.png.subarray(1, 4).toString()).toBe("PNG");
    const served = await fetch(`${a.url}/charts/${file}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    a.clock.set("2026-05-01T10:00:00Z");
    expect(await chartFile(a.deps, file)).toBeNull();

    expect(await teamsDigestCommand(deps, { viewer: claire, where, text: "digest off" })).toContain("1");
    expect(await a.deps.store.digest.subscriptions({ platform: "teams", channelId: channel.conversationId })).toEqual([]);
  }, 30_000);

  it("over REST too: POST, GET and DELETE /digests with platform teams and the channel's conversation id", async () => {
    const made = await a.call("POST", "/api/v1/digests", { byEmail: "marc@acme.fr", platform: "teams", channelId: channel.conversationId, time: "08:30" });
    expect(made.status).toBe(201);
    expect(made.body.digest).toMatchObject({ platform: "teams", channelId: "19:litiges@thread.tacv2", time: "08:30", createdByEmail: "marc@acme.fr" });
    expect((await a.call("GET", "/api/v1/digests")).body.digests).toEqual([]); // Slack's by default
    const listed = await a.call("GET", `/api/v1/digests?platform=teams&channelId=${encodeURIComponent(channel.conversationId)}`);
    expect(listed.body.digests.map((d: { channelId: string }) => d.channelId)).toEqual([channel.conversationId]);
    // the channel's `digest` says the same
    expect(await teamsDigestCommand(deps, { viewer: await person("claire@acme.fr"), where, text: "digest" })).toContain("Marc Petit");
    const off = await a.call("DELETE", `/api/v1/digests?byEmail=marc@acme.fr&platform=teams&channelId=${encodeURIComponent(channel.conversationId)}`);
    expect(off.body).toEqual({ removed: 1 });
  });

  it("answers in the person's language: a personal chat, a bad time, a role that may not subscribe", async () => {
    const ana = await person("ana@acme.fr"); // English
    expect(await teamsDigestCommand(deps, { viewer: ana, where: { conversationId: "a:ana", kind: "personal" }, text: "digest here" })).toContain("in the channel that should get the digest");
    expect(await teamsDigestCommand(deps, { viewer: ana, where, text: "digest here 25:99" })).toContain('"25:99" is not a time');
    const paul = await person("paul@acme.fr"); // a sales rep, French
    const refused = await teamsDigestCommand(deps, { viewer: paul, where, text: "digest here 09:00" });
    expect(refused).toBe("paul@acme.fr (commercial) ne peut pas abonner un canal à la synthèse.");
    expect(await a.deps.store.digest.subscriptions({ platform: "teams" })).toEqual([]);
    expect(await teamsDigestCommand(deps, { viewer: ana, where, text: "digest here owner:nobody@acme.fr" })).toContain("nobody@acme.fr is not an Accord user");
  });
});
