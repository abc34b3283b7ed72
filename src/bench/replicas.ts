import { createDatabase, startPostgresServer } from "../db/postgresServer.ts";
import { FakeSlack } from "../slack/standin/fakeSlack.ts";
import { SlackSim } from "../slack/standin/signed.ts";
import { addUsers, SECRET } from "../slack/testing/harness.ts";
import { addOwners, owners, Replica, REPLICA_TOKEN, replicaEnv, roundRobinProxy, seedReplicaDatabase, type Target } from "../slack/testing/replicas.ts";
import { encodeAction } from "../views/actions.ts";
import { benchServer, blockAction, clickAndSubmit, fmt, paced, pct, timings, type Timings } from "./load.ts";

// npm run bench:replicas — N = 1 and N = 2 Accord processes (src/main.ts) on one PostgreSQL database
// behind a round-robin proxy, and a bare Bolt app behind the same proxy, in the same run. Signed "Add
// update" actions at 50/s for 30 s (BENCH_RATE, BENCH_SECONDS), each on a different dispute and DM:
// the click (its ack), the modal, the submission (its ack) and the card's chat.update at the fake Slack.
// The fake enforces 100 posts/s per channel and 1,000 calls/s per workspace, and Accord's pacing is set to
// the same, so the figures measure Accord rather than the pacing (which the replica tests prove at Slack's
// real limits). Then counts what was lost (a submission whose line never reached its thread) or doubled.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const DISPUTES = Number(process.env.BENCH_DISPUTES ?? 200);
const PACE = { SLACK_PACE_CHANNEL_PER_SEC: "100", SLACK_PACE_WORKSPACE_PER_SEC: "1000", SLACK_PACE_UPDATE_PER_MIN: "60000" };

interface Outcome {
  n: number;
  t: Timings;
  lost: number;
  doubled: number;
  limited: number;
  served: string;
}

async function run(n: number, adminUrl: string, fake: FakeSlack): Promise<Outcome> {
  const db = await createDatabase(adminUrl, `bench_replicas_${n}`, { migrate: false });
  const list = owners(DISPUTES, `N${n}`);
  addOwners(fake, list);
  const cards = (await seedReplicaDatabase(fake.apiUrl, db.url, list)).map((c) => ({ ...c, busy: false }));
  const env = replicaEnv(fake.apiUrl, db.url, PACE);
  const replicas = Array.from({ length: n }, (_, i) => new Replica(String.fromCharCode(97 + i), env));
  await Promise.all(replicas.map((r) => r.start()));
  const proxy = await roundRobinProxy(replicas);
  const sim = new SlackSim(`${proxy.url}/slack/events`, SECRET);
  const limitedBefore = fake.limited;
  try {
    // warm up each replica (the first requests compile the handlers' code paths, fill the pools)
    const warm = 10 * n;
    for (let i = 0; i < warm; i++) {
      const c = cards[cards.length - 1 - i]!;
      await clickAndSubmit(fake, sim, c, { id: "card.comment", value: encodeAction({ t: "card", a: "comment", d: c.id, v: 1 }), trigger: `trig.${c.user}.warm`, fields: { text: { value: "warm-up" } } }, timings());
    }
    const t = timings();
    const sent: { card: (typeof cards)[number]; text: string }[] = [];
    await paced(SECONDS, RATE, async (i) => {
      const card = cards[i % (cards.length - warm)]!;
      if (card.busy) return;
      card.busy = true;
      const text = `Bench update #${i}.`;
      try {
        if (await clickAndSubmit(fake, sim, card, { id: "card.comment", value: encodeAction({ t: "card", a: "comment", d: card.id, v: 1 }), trigger: `trig.${card.user}.r${i}`, fields: { text: { value: text } } }, t)) sent.push({ card, text });
      } catch (err) {
        t.failures++;
        console.error(err instanceof Error ? err.message : err);
      } finally {
        card.busy = false;
      }
    });
    // everything delivered: nothing pending in the queue, then count each line in its thread
    const end = Date.now() + 60_000;
    for (;;) {
      const r = await fetch(`${proxy.url}/api/v1/outbox?status=pending&channel=slack`, { headers: { authorization: `Bearer ${REPLICA_TOKEN}` } });
      if (((await r.json()) as { messages: unknown[] }).messages.length === 0 || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    let lost = 0;
    let doubled = 0;
    for (const s of sent) {
      const lines = fake.thread(s.card.channel, s.card.ts).filter((m) => m.text.includes(s.text)).length;
      if (lines === 0) lost++;
      if (lines > 1) doubled++;
    }
    return { n, t, lost, doubled, limited: fake.limited - limitedBefore, served: [...proxy.served].map(([k, v]) => `${k}: ${v}`).join(", ") };
  } finally {
    await proxy.close();
    await Promise.all(replicas.map((r) => r.stop()));
    await db.drop();
  }
}

async function main(): Promise<void> {
  const pg = await startPostgresServer();
  console.log(`Replica bench: ${RATE} Add-update actions/s for ${SECONDS} s over ${DISPUTES} disputes (one DM each), through a round-robin proxy, PostgreSQL${pg.embedded ? " (embedded server)" : " (TEST_DATABASE_URL)"}; fake Slack and Accord pacing at 100 posts/s per channel, 1,000 calls/s per workspace`);
  const fake = await FakeSlack.start();
  fake.limits = { channelPerSec: 100, workspacePerSec: 1000 };
  addUsers(fake);
  try {
    // the bare Bolt app behind the same proxy: what the proxy and Bolt cost without Accord
    const bare = await benchServer("bare", fake.apiUrl);
    const bareTarget: Target = { name: "bare", port: Number(new URL(String(bare.info.url)).port), running: true };
    const bareProxy = await roundRobinProxy([bareTarget]);
    const bareSim = new SlackSim(`${bareProxy.url}/slack/events`, SECRET);
    const where = { channel: "D0SAM", ts: "1.1", user: "U0SAM" };
    await blockAction(bareSim, "warm", "x", where, "trig.U0SAM.warm");
    const bareAcks: number[] = [];
    await paced(SECONDS, RATE, async (i) => {
      const r = await blockAction(bareSim, "card.comment", encodeAction({ t: "card", a: "comment", d: 1, v: 1 }), where, `trig.U0SAM.bare${i}`);
      if (r.status === 200) bareAcks.push(r.ms);
    });
    await bareProxy.close();
    await bare.stop();

    const outcomes: Outcome[] = [];
    for (const n of [1, 2]) outcomes.push(await run(n, pg.adminUrl, fake));

    console.log("");
    console.log(`bare Bolt app, block action ack:               ${fmt(bareAcks)}`);
    for (const o of outcomes) {
      console.log(`N=${o.n} block action ack:                     ${fmt(o.t.acks)}`);
      console.log(`N=${o.n} view submission ack:                  ${fmt(o.t.submitAcks)}`);
      console.log(`N=${o.n} full work (submission -> chat.update): ${fmt(o.t.fromSubmit)}`);
      console.log(`N=${o.n} lost ${o.lost} · doubled ${o.doubled} · failed ${o.t.failures} · 429s from the fake ${o.limited} · requests per replica: ${o.served}`);
    }
    console.log("");
    const bare99 = pct(bareAcks, 99);
    for (const o of outcomes) {
      const ratio = pct(o.t.acks, 99) / bare99;
      console.log(`N=${o.n} goal: ack p99 <= 1.5x bare (${(bare99 * 1.5).toFixed(2)} ms): ${ratio <= 1.5 ? "met" : "NOT met"} (x${ratio.toFixed(2)})`);
      console.log(`N=${o.n} goal: full work p99 <= 30 ms: ${pct(o.t.fromSubmit, 99) <= 30 ? "met" : "NOT met"} (${pct(o.t.fromSubmit, 99).toFixed(2)} ms)`);
      console.log(`N=${o.n} goal: 0 lost, 0 duplicated: ${o.lost === 0 && o.doubled === 0 ? "met" : "NOT met"}`);
    }
  } finally {
    await fake.close();
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
