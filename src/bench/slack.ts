import { spawn } from "node:child_process";
import { benchOwners } from "./slackOwners.ts";
import { createDatabase, startPostgresServer, type PostgresDatabase, type PostgresServer } from "../db/postgresServer.ts";
import path from "node:path";
import { encodeAction } from "../views/actions.ts";
import { fieldIdOf } from "../slack/blocks.ts";
import { FakeSlack, type StoredView } from "../slack/standin/fakeSlack.ts";
import { addUsers, SECRET, USERS } from "../slack/testing/harness.ts";
import { SlackSim } from "../slack/standin/signed.ts";

// npm run bench:slack — signed block actions (Add update, Set follow-up) at 50 requests/s for 30 s
// (BENCH_SECONDS, BENCH_RATE to change) against the fake Web API. Each operation is what a person does:
// the button click (a block action: its ack is measured), the modal it opens (views.open), the submission
// (view_submission), and the chat.update of the card it causes reaching the fake Slack.
// Prints p50/p99 of the acks and of the full work, and the acks of a bare Bolt app that only acks.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const DISPUTES = Number(process.env.BENCH_DISPUTES ?? 200);


const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms · p99 ${pct(xs, 99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms · n=${xs.length}`;

async function paced(seconds: number, rate: number, op: (i: number) => Promise<void>): Promise<void> {
  const total = Math.round(seconds * rate);
  const t0 = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(op(i).catch((err: unknown) => void console.error("op failed:", err instanceof Error ? err.message : err)));
  }
  await Promise.all(running);
}

/** Starts src/bench/slackServer.ts in a child process; resolves with what it printed on READY. */
async function server(mode: "accord" | "bare", apiUrl: string): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROFILE] : []), "--import", "tsx", path.join(import.meta.dirname, "slackServer.ts"), mode, apiUrl, String(DISPUTES)], { stdio: ["pipe", "pipe", "inherit"] });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /READY (.+)\n/.exec(buf);
      if (m) resolve(JSON.parse(m[1]!) as Record<string, unknown>);
    });
    child.once("exit", (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return {
    info,
    stop: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.stdin.end();
      }),
  };
}

function blockAction(sim: SlackSim, actionId: string, value: string, where: { channel: string; ts: string; user?: string }, trigger: string) {
  return sim.interaction({
    type: "block_actions",
    user: { id: where.user ?? USERS.sam.id, username: "owner", team_id: "T0ACCORD" },
    trigger_id: trigger,
    actions: [{ type: "button", block_id: "b", action_id: actionId, value, action_ts: String(Date.now() / 1000) }],
    container: { type: "message", message_ts: where.ts, channel_id: where.channel, is_ephemeral: false },
    channel: { id: where.channel },
    message: { type: "message", ts: where.ts, text: "" },
  });
}

function stateOf(v: StoredView, byField: Record<string, Record<string, unknown>>) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const b of (v.view.blocks as { block_id?: string; type: string; element?: { action_id: string; type: string } }[]) ?? []) {
    if (b.type !== "input" || !b.block_id || !b.element) continue;
    out[b.block_id] = { [b.element.action_id]: { type: b.element.type, ...(byField[fieldIdOf(b.block_id)] ?? {}) } };
  }
  return out;
}

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
  for (const o of benchOwners(DISPUTES)) fake.addUser({ id: o.id, email: o.email, name: o.name, locale: "en-US" });

  // 1. The bare Bolt app: only acks.
  const bare = await server("bare", fake.apiUrl);
  const bareSim = new SlackSim(String(bare.info.url), SECRET);
  await blockAction(bareSim, "warm", "x", { channel: "D0SAM", ts: "1.1" }, "trig.U0SAM.warm");
  const bareAcks: number[] = [];
  await paced(SECONDS, RATE, async (i) => {
    const r = await blockAction(bareSim, i % 2 ? "card.comment" : "card.follow_up", encodeAction({ t: "card", a: "comment", d: 1, v: 1 }), { channel: "D0SAM", ts: "1.1" }, `trig.U0SAM.bare${i}`);
    if (r.status === 200) bareAcks.push(r.ms);
  });
  await bare.stop();

  const srv = await server("accord", fake.apiUrl);
  const sim = new SlackSim(String(srv.info.url), SECRET);
  const cards = (srv.info.cards as { id: number; channel: string; ts: string; user: string }[]).map((c) => ({ ...c, busy: false }));
  // warm up: one of each
  for (const a of ["comment", "follow_up"]) await blockAction(sim, `card.${a}`, encodeAction({ t: "card", a: a as "comment", d: cards[0]!.id, v: 1 }), cards[0]!, `trig.U0SAM.warm${a}`);
  await new Promise((r) => setTimeout(r, 500));

  // 2. Accord.
  const acks: number[] = [];
  const submitAcks: number[] = [];
  const fromSubmit: number[] = [];
  const fromClick: number[] = [];
  let skipped = 0;
  let failures = 0;
  await paced(SECONDS, RATE, async (i) => {
    const card = cards[i % cards.length]!;
    if (card.busy) return void skipped++;
    card.busy = true;
    try {
      const a = i % 2 ? "comment" : "follow_up";
      const trigger = `trig.${card.user}.b${i}`;
      const mark = fake.mark;
      const t0 = performance.now();
      const click = await blockAction(sim, `card.${a}`, encodeAction({ t: "card", a, d: card.id, v: 1 }), card, trigger);
      acks.push(click.ms);
      await fake.waitFor((c) => c.method === "views.open" && c.args.trigger_id === trigger, 10_000, mark);
      const view = [...fake.views.values()].reverse().find((v) => v.user === card.user && String(v.view.private_metadata).includes(`"d":${card.id},`))!;
      const values = a === "comment" ? stateOf(view, { text: { value: `update ${i}` } }) : stateOf(view, { on: { selected_date: `2027-${String(1 + ((i / 2) % 12 | 0)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}` } });
      const mark2 = fake.mark;
      const t1 = performance.now();
      const sub = await sim.viewSubmission({ id: card.user }, view.view, values);
      submitAcks.push(sub.ms);
      if (sub.text) {
        failures++;
        return;
      }
      const upd = await fake.waitFor((c) => c.method === "chat.update" && c.args.ts === card.ts, 10_000, mark2);
      fromSubmit.push(upd.at - t1);
      fromClick.push(upd.at - t0);
    } catch (err) {
      failures++;
      console.error(err instanceof Error ? err.message : err);
    } finally {
      card.busy = false;
    }
  });
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
