import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../test/postgres.ts";
import { FakeSlack, type FakeReply, type StoredMessage } from "./standin/fakeSlack.ts";
import { SlackSim } from "./standin/signed.ts";
import { addUsers, buttonValue, SECRET } from "./testing/harness.ts";
import { addOwners, modalValues, owners, Replica, REPLICA_TOKEN, replicaEnv, roundRobinProxy, seedReplicaDatabase, type SeededCard } from "./testing/replicas.ts";

// Two Accord processes (src/main.ts, each in its own child process) on one PostgreSQL database, behind a
// round-robin proxy standing for the load balancer, against the fake Slack Web API at Slack's real pace
// of one post a second per channel. What the owners end up seeing in Slack is what is asserted.

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

const PACE = { SLACK_PACE_CHANNEL_PER_SEC: "1", SLACK_PACE_UPDATE_PER_MIN: "6000", SLACK_PACE_WORKSPACE_PER_SEC: "1000" };

/** `lease`: how long a claimed row is a replica's (a killed replica's rows wait that long for another). */
async function setUp(n: number, prefix: string, lease = 30_000) {
  const fake = await FakeSlack.start();
  addUsers(fake);
  const list = owners(n, prefix);
  addOwners(fake, list);
  const pg = await freshPostgresDatabase("replicas", { migrate: false });
  cleanup.push(async () => {
    await fake.close();
    await pg.drop();
  });
  const cards = await seedReplicaDatabase(fake.apiUrl, pg.url, list);
  const env = replicaEnv(fake.apiUrl, pg.url, { ...PACE, OUTBOX_LEASE_MS: String(lease) });
  const replicas = [new Replica("a", env), new Replica("b", env)];
  cleanup.push(async () => void (await Promise.all(replicas.map((r) => r.kill()))));
  await Promise.all(replicas.map((r) => r.start()));
  const proxy = await roundRobinProxy(replicas);
  cleanup.push(proxy.close);
  const api = (method: string, path: string) =>
    fetch(`${proxy.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${REPLICA_TOKEN}` } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  return { fake, cards, replicas, proxy, api, sim: new SlackSim(`${proxy.url}/slack/events`, SECRET) };
}

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cardMessage = (fake: FakeSlack, c: SeededCard): StoredMessage => (fake.messages.get(c.channel) ?? []).find((m) => m.ts === c.ts && !m.threadTs)!;
const threadTexts = (fake: FakeSlack, c: SeededCard, part: string) => fake.thread(c.channel, c.ts).map((m) => m.text).filter((t) => t.includes(part));

/** Never two posts in one channel within a second (what Slack allows), whichever replica sent them. */
function expectPaced(fake: FakeSlack, after: number) {
  const byChannel = new Map<string, number[]>();
  for (const c of fake.callsOf("chat.postMessage").filter((x) => x.seq > after)) byChannel.set(String(c.args.channel), [...(byChannel.get(String(c.args.channel)) ?? []), c.at]);
  let closest = Infinity;
  for (const at of byChannel.values()) for (let i = 1; i < at.length; i++) closest = Math.min(closest, at[i]! - at[i - 1]!);
  expect(closest).toBeGreaterThanOrEqual(1000);
  return byChannel;
}

/** A person's "Add update": the card's button, the modal Slack opens, the submission; retried as a person would after an error page. */
async function addUpdate(s: { fake: FakeSlack; sim: SlackSim }, c: SeededCard, text: string, alsoTo: SlackSim[] = []): Promise<void> {
  const fake = s.fake;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 5) throw new Error(`${c.number}: the click kept failing`);
    const mark = fake.mark;
    const value = buttonValue(cardMessage(fake, c).blocks, "card.comment")!;
    const click = await s.sim.blockAction({ id: c.user }, { action_id: "card.comment", value }, { channel: c.channel, ts: c.ts });
    if (click.status !== 200) continue;
    const opened = await fake.waitFor((x) => x.method === "views.open" && String(x.args.trigger_id).startsWith(`trig.${c.user}.`), 20_000, mark).catch(() => null);
    if (!opened) continue;
    const view = fake.openView(c.user)!;
    const values = modalValues(view, { text: { value: text } });
    for (let again = 0; ; again++) {
      if (again > 5) throw new Error(`${c.number}: the submission kept failing`);
      const sent = await Promise.all([s.sim, ...alsoTo].map((to) => to.viewSubmission({ id: c.user }, view.view, values)));
      // the modal closes (an empty 200) for each copy: the first applies it, the others find it applied
      if (sent.every((r) => r.status === 200)) {
        for (const r of sent) expect(r.text).toBe("");
        return;
      }
    }
  }
}

describe("two replicas on one PostgreSQL database", () => {
  it("200 concurrent clicks and submissions spread over both (some sent to both): each change applied once, every card in its final state, each thread line once", async () => {
    const s = await setUp(100, "R");
    const [a, b] = s.replicas as [Replica, Replica];
    const direct = [new SlackSim(`${a.url}/slack/events`, SECRET), new SlackSim(`${b.url}/slack/events`, SECRET)];
    const mark = s.fake.mark;
    // 100 owners click "Add update" at the same instant, then submit at the same instant; 20 of the
    // submissions reach both replicas (a retry by Slack, a double click)
    await Promise.all(s.cards.map((c, i) => addUpdate(s, c, `Point client dossier ${i}.`, i < 20 ? direct : [])));
    expect(s.proxy.served.get("a")).toBeGreaterThan(50);
    expect(s.proxy.served.get("b")).toBeGreaterThan(50);

    await until("every card in its final state", () => s.cards.every((c, i) => JSON.stringify(cardMessage(s.fake, c).blocks).includes(`Point client dossier ${i}.`) && threadTexts(s.fake, c, `dossier ${i}.`).length > 0), 150_000);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate would have arrived by now (poll 200 ms)
    for (const [i, c] of s.cards.entries()) {
      expect(threadTexts(s.fake, c, `Point client dossier ${i}.`)).toHaveLength(1);
      const { body } = await s.api("GET", `/disputes/${c.number}`);
      expect(body.dispute.timeline.filter((e: any) => e.type === "commented").map((e: any) => e.text)).toEqual([`Point client dossier ${i}.`]);
    }
    expectPaced(s.fake, mark);
    expect((await s.api("GET", "/outbox?status=pending&channel=slack")).body.messages).toEqual([]);
    expect((await s.api("GET", "/outbox?status=failed&channel=slack")).body.messages).toEqual([]);
  }, 300_000);

  it("one replica killed with SIGKILL in the middle of 100 changes while Slack answers 5xx and 429: after its restart every card is final, no thread line missing or doubled, never two posts a second in a channel", async () => {
    const s = await setUp(20, "K", 5000);
    const [a] = s.replicas as [Replica, Replica];
    const mark = s.fake.mark;
    // Slack misbehaves: a post it took but answered 503 for, a post refused 429, an update lost in a 502, ...
    const flaky: FakeReply[] = [{ status: 503, applied: true }, { status: 429, retryAfter: 1 }, { status: 502 }];
    s.fake.script("chat.postMessage", ...flaky, { status: 500, applied: true });
    s.fake.script("chat.update", { status: 502 }, { status: 429, retryAfter: 1 }, { status: 503, applied: true });
    const ROUNDS = 5;
    const burst = Promise.all(
      s.cards.map(async (c, i) => {
        for (let r = 1; r <= ROUNDS; r++) await addUpdate(s, c, `Étape ${r} du dossier ${i}.`);
      }),
    );
    // in the middle of the burst, replica a dies (no shutdown), then comes back
    await until("the burst under way", () => s.fake.callsOf("chat.postMessage").filter((x) => x.seq > mark).length >= 25);
    await a.kill();
    const killedAt = s.fake.mark;
    await new Promise((r) => setTimeout(r, 1000));
    await a.start();
    await burst;
    expect(s.fake.mark).toBeGreaterThan(killedAt);

    await until("every card in its final state", () => s.cards.every((c, i) => JSON.stringify(cardMessage(s.fake, c).blocks).includes(`Étape ${ROUNDS} du dossier ${i}.`) && threadTexts(s.fake, c, `du dossier ${i}.`).length >= ROUNDS), 150_000);
    await new Promise((r) => setTimeout(r, 5500)); // past a lease (5 s): a doubled line would be here
    for (const [i, c] of s.cards.entries()) {
      // each line once, in order
      expect(threadTexts(s.fake, c, `du dossier ${i}.`).map((t) => /Étape (\d)/.exec(t)?.[1])).toEqual(["1", "2", "3", "4", "5"]);
      const { body } = await s.api("GET", `/disputes/${c.number}`);
      expect(body.dispute.timeline.filter((e: any) => e.type === "commented")).toHaveLength(ROUNDS);
    }
    expectPaced(s.fake, mark);
    // the 503 after Slack took a post was reconciled from the message metadata, not posted again
    expect(s.fake.callsOf("conversations.replies").filter((x) => x.seq > mark && x.args.include_all_metadata)).not.toHaveLength(0);
    expect((await s.api("GET", "/outbox?status=pending&channel=slack")).body.messages).toEqual([]);
    expect((await s.api("GET", "/outbox?status=failed&channel=slack")).body.messages).toEqual([]);
  }, 300_000);
});
