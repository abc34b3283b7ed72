import { createDatabase, startPostgresServer, type PostgresDatabase, type PostgresServer } from "../db/postgresServer.ts";
import { FakeSlack } from "../slack/standin/fakeSlack.ts";
import { SlackSim } from "../slack/standin/signed.ts";
import { addUsers, SECRET, USERS } from "../slack/testing/harness.ts";
import { owners, type SeededCard } from "../slack/testing/replicas.ts";
import { encodeAction } from "../views/actions.ts";
import { benchServer, blockAction, clickAndSubmit, fmt, paced, pct, timings } from "./load.ts";

// npm run bench:slack — signed block actions (Add update, Set follow-up) at 50 requests/s for 30 s
// (BENCH_SECONDS, BENCH_RATE to change) against the fake Web API. Each operation is what a person does:
// the button click (a block action: its ack is measured), the modal it opens (views.open), the submission
// (view_submission), and the chat.update of the card it causes reaching the fake Slack.
// Prints p50/p99 of the acks and of the full work, and the acks of a bare Bolt app that only acks.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const DISPUTES = Number(process.env.BENCH_DISPUTES ?? 200);


async function main(): Promise<void> {
  const dbArg = process.argv.indexOf("--db");
  const db = dbArg > 0 ? process.argv[dbArg + 1] : "sqlite";
  if (db !== "sqlite" && db !== "postgres") throw new Error("--db must be sqlite or postgres");
  let pgServer: PostgresServer | null = null;
  let pgDatabase: PostgresDatabase | null = null;
  if (db === "postgres") {
    pgServer = await startPostgresServer();
    pgDatabase = await createDatabase(pgServer.adminUrl, "bench_slack", { migrate: false });
    process.env.BENCH_DATABASE_URL = pgDatabase.url;
  }
  console.log(`Slack bench: ${RATE} block actions/s for ${SECONDS} s (Add update, Set follow-up), fake Web API on loopback, store on ${db}${pgServer ? (pgServer.embedded ? " (embedded server)" : " (TEST_DATABASE_URL)") : ""}`);
  const fake = await FakeSlack.start();
  addUsers(fake);
  for (const o of owners(DISPUTES)) fake.addUser({ id: o.id, email: o.email, name: o.name, locale: "en-US" });

  // 1. The bare Bolt app: only acks.
  const bare = await benchServer("bare", fake.apiUrl);
  const bareSim = new SlackSim(String(bare.info.url), SECRET);
  await blockAction(bareSim, "warm", "x", { channel: "D0SAM", ts: "1.1", user: USERS.sam.id }, "trig.U0SAM.warm");
  const bareAcks: number[] = [];
  await paced(SECONDS, RATE, async (i) => {
    const r = await blockAction(bareSim, i % 2 ? "card.comment" : "card.follow_up", encodeAction({ t: "card", a: "comment", d: 1, v: 1 }), { channel: "D0SAM", ts: "1.1", user: USERS.sam.id }, `trig.U0SAM.bare${i}`);
    if (r.status === 200) bareAcks.push(r.ms);
  });
  await bare.stop();

  const srv = await benchServer("accord", fake.apiUrl, DISPUTES);
  const sim = new SlackSim(String(srv.info.url), SECRET);
  const cards = (srv.info.cards as SeededCard[]).map((c) => ({ ...c, busy: false }));
  // warm up: one of each
  for (const a of ["comment", "follow_up"]) await blockAction(sim, `card.${a}`, encodeAction({ t: "card", a: a as "comment", d: cards[0]!.id, v: 1 }), cards[0]!, `trig.U0SAM.warm${a}`);
  await new Promise((r) => setTimeout(r, 500));

  // 2. Accord.
  const t = timings();
  let skipped = 0;
  await paced(SECONDS, RATE, async (i) => {
    const card = cards[i % cards.length]!;
    if (card.busy) return void skipped++;
    card.busy = true;
    try {
      const a = i % 2 ? "comment" : "follow_up";
      const fields: Record<string, Record<string, unknown>> = a === "comment" ? { text: { value: `update ${i}` } } : { on: { selected_date: `2027-${String(1 + ((i / 2) % 12 | 0)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}` } };
      await clickAndSubmit(fake, sim, card, { id: `card.${a}`, value: encodeAction({ t: "card", a, d: card.id, v: 1 }), trigger: `trig.${card.user}.b${i}`, fields }, t);
    } catch (err) {
      t.failures++;
      console.error(err instanceof Error ? err.message : err);
    } finally {
      card.busy = false;
    }
  });
  const { acks, submitAcks, fromSubmit, fromClick, failures } = t;
  await srv.stop();
  await pgDatabase?.drop();
  await pgServer?.stop();

  const ratio = pct(acks, 99) / pct(bareAcks, 99);
  console.log("");
  console.log(`bare Bolt app, block action ack round trip:    ${fmt(bareAcks)}`);
  console.log(`Accord, block action ack round trip:           ${fmt(acks)}`);
  console.log(`Accord, view submission ack round trip:        ${fmt(submitAcks)}`);
  console.log(`Accord, full work (submission -> chat.update): ${fmt(fromSubmit)}`);
  console.log(`Accord, whole flow (click -> modal -> submit -> chat.update): ${fmt(fromClick)}`);
  console.log(`skipped (card busy): ${skipped} · failed: ${failures}`);
  console.log("");
  console.log(`goal: ack p99 <= 1.5x bare (${(pct(bareAcks, 99) * 1.5).toFixed(2)} ms): ${ratio <= 1.5 ? "met" : "NOT met"} (x${ratio.toFixed(2)})`);
  console.log(`goal: full work p99 <= 30 ms: ${pct(fromSubmit, 99) <= 30 ? "met" : "NOT met"} (${pct(fromSubmit, 99).toFixed(2)} ms)`);
  await fake.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
