import fs from "node:fs";
import inspector from "node:inspector";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { openDispute } from "../app/openDispute.ts";
import { loadConfig } from "../config.ts";
import { startAccord, type Accord } from "../server.ts";
import { FakeSlack } from "../slack/standin/fakeSlack.ts";
import { addUsers, SECRET, startSeededAccord, USERS } from "../slack/testing/harness.ts";
import { addOwners, owners } from "../slack/testing/replicas.ts";
import { METADATA_EVENT } from "../slack/delivery.ts";

// npm run bench:fanout — 1,000 due follow-up reminders (BENCH_REMINDERS) to 1,000 owners whose Slack ids and
// DM channels are known, delivered through the delivery queue by one, then two Accord instances (each its own
// store, delivery and scheduler) on one SQLite database file. The fake Slack enforces 1 post/s per channel and
// a workspace cap of 100 calls/s (sliding one-second windows: a call over them gets a 429, Retry-After 1), and
// serves two workspace-wide bursts of 429s (2 s each, BENCH_BURST_SECONDS) after 30% and 70% of the posts.
// Accord's pacing is its real settings (SLACK_PACE_*), with the workspace cap set to 100/s through config.
// Floor: the last reminder cannot reach Slack before (reminders - cap) / cap seconds (a sliding window lets the
// first `cap` through at once) plus the 429 pauses served (one DM per reminder: the 1/s per channel never binds).
// Prints the time from the job's start to the last reminder at the fake, the ratio to the floor, and counts
// the reminders lost (an owner with none) and doubled (an owner with two); with the fake's 429s by cause, the CPU
// time of this process (instances and fake alike) and the machine's load average, since on a shared machine the
// run is CPU-bound. BENCH_INSTANCES=1 (or 2) runs one of the two; BENCH_TRACE=1 prints the progress every 250 ms;
// BENCH_PROFILE=dir writes a CPU profile of each run's delivery phase (dir/fanout-N.cpuprofile); BENCH_HISTOGRAM=1
// prints, per 100 ms from the job's start, the reminders the fake accepted and the calls it refused (429), the longest
// gaps between two accepted reminders and the calls by method: where the time above the floor goes.

const N = Number(process.env.BENCH_REMINDERS ?? 1000);
const CAP = 100;
const BURST_S = Number(process.env.BENCH_BURST_SECONDS ?? 2);
// Thursday 12 March 2026, 10:00 in Paris: the follow-up day, in working hours
const AT = new Date("2026-03-12T09:00:00.000Z");

interface Outcome {
  n: number;
  seconds: number;
  floor: number;
  lost: number;
  doubled: number;
  limited: number;
  served: number;
  /** the job's run (every instance's), its reminders queued, the first reminder at the fake: seconds from the start */
  job: number;
  queued: number;
  first: number;
  /** CPU time of this process (the instances, the fake Slack) from the job's start to the last reminder */
  cpu: number;
  limitedBy: { burst: number; workspace: number; channel: number };
  /** the machine's load average (1 min) at the start and at the end of the run: the bench is CPU-bound on a busy machine */
  load: [number, number];
  /** CPU time of this process while the job ran (deliveries already going meanwhile), and the SQL statements run then and in all */
  cpuJob: number;
  statementsJob: number;
  statementsAll: number;
  /** BENCH_HISTOGRAM: the lines to print */
  histogram: string[];
}

/**
 * Where the time goes: per 100 ms from `start`, the reminders accepted ("+n") and the calls refused ("-n", 429s),
 * ten buckets a line; then the five longest gaps between two accepted reminders and the calls by method.
 */
export function histogram(start: number, accepted: readonly number[], refused: readonly number[], calls: readonly { at: number; method: string }[]): string[] {
  const bucket = (t: number) => Math.max(0, Math.floor((t - start) / 100));
  const n = Math.max(0, ...accepted.map(bucket), ...refused.map(bucket)) + 1;
  const ok = new Array<number>(n).fill(0);
  const no = new Array<number>(n).fill(0);
  for (const t of accepted) ok[bucket(t)]!++;
  for (const t of refused) no[bucket(t)]!++;
  const lines: string[] = [];
  for (let s = 0; s * 10 < n; s++) {
    const cells = ok.slice(s * 10, s * 10 + 10).map((a, i) => {
      const r = no[s * 10 + i]!;
      return `${a}${r > 0 ? `-${r}` : ""}`.padStart(6);
    });
    lines.push(`${String(s).padStart(3)} s |${cells.join("")}`);
  }
  const sorted = [...accepted].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => ({ from: sorted[i]! - start, ms: t - sorted[i]! }));
  gaps.sort((a, b) => b.ms - a.ms);
  lines.push(`longest gaps between accepted reminders: ${gaps.slice(0, 5).map((g) => `${Math.round(g.ms)} ms after ${(g.from / 1000).toFixed(2)} s`).join(", ")}`);
  const methods = new Map<string, number>();
  for (const c of calls) methods.set(c.method, (methods.get(c.method) ?? 0) + 1);
  lines.push(`calls at the fake: ${[...methods].map(([m, k]) => `${m} ${k}`).join(", ")}`);
  return lines;
}

async function run(replicas: number): Promise<Outcome> {
  const fake = await FakeSlack.start();
  addUsers(fake);
  const list = owners(N, `F${replicas}`);
  addOwners(fake, list);
  // 1. the database: the owners (Slack ids known), their DM channels, one dispute each due today
  const { accord: seeder, dir } = await startSeededAccord(fake.apiUrl, { items: 1, clock: () => new Date("2026-03-01T09:00:00.000Z"), env: { ACCORD_TICK_SECONDS: "3600" } });
  const store = seeder.deps.store;
  await store.people.upsertMany(list.map((o) => ({ email: o.email, name: o.name, role: "sales" as const, locale: "en" as const, slackUserId: o.id })));
  for (const o of list) await seeder.slack!.state.dmChannels.put(o.id, `D${o.id.slice(1)}`, new Date());
  for (const [i, o] of list.entries()) {
    const ref = `F${String(i).padStart(4, "0")}`;
    const [customer] = await store.customers.upsertMany([{ ref, name: `Client ${o.name}`, currency: "EUR", salesRepEmail: o.email, controllerEmail: USERS.carla.email }]);
    await store.items.upsertMany([{ customerId: customer!.id, ref: `I-${ref}`, kind: "invoice", issuedOn: "2026-01-05", dueOn: "2026-02-04", amount: 1000_00, openAmount: 1000_00, currency: "EUR" }]);
    await openDispute(seeder.deps, { customerRef: ref, items: [{ ref: `I-${ref}` }], reasonCode: "price", statement: `Prix contesté ${i}`, openedByEmail: USERS.carla.email, ownerEmail: o.email, followUpOn: "2026-03-12", origin: { notifyOwner: false } });
  }
  await seeder.slack!.idle();
  await seeder.stop();

  // 2. the instances, with Slack's real pacing but a workspace cap of 100/s
  const config = loadConfig(
    {
      DATABASE_URL: `file:${path.join(dir, "a.db")}`,
      PORT: "0",
      LOG_LEVEL: "silent",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_API_URL: fake.apiUrl,
      SLACK_PACE_WORKSPACE_PER_SEC: String(CAP),
      OUTBOX_POLL_MS: "200",
      ACCORD_TICK_SECONDS: "3600",
    },
    dir,
  );
  const instances: Accord[] = [];
  fake.reset();
  // every SQL statement the instances run, counted (SQLite's session hook): the job's and the deliveries'
  let statements = 0;
  const bySql = new Map<string, number>();
  const counted = {
    ...config,
    databaseOptions: {
      ...config.databaseOptions,
      onQuery: (sql: string) => {
        statements++;
        if (process.env.BENCH_STATEMENTS) bySql.set(sql, (bySql.get(sql) ?? 0) + 1);
      },
    },
  };
  for (let i = 0; i < replicas; i++) instances.push(await startAccord(counted, { clock: () => AT, logger: pino({ level: "silent" }) }));
  // each instance's start-up call (Bolt's auth.test, answered after startAccord resolves) is over before the clock
  // starts: an unpaced call in the first second would take one of the workspace's 100 and cost a 429 not in the floor
  for (const end = Date.now() + 10_000; fake.callsOf("auth.test").length < replicas && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  fake.reset();
  fake.limits = { channelPerSec: 1, workspacePerSec: CAP };
  const limitedBefore = fake.limited;
  const byBefore = { ...fake.limitedBy };
  const isReminder = (c: { method: string; args: Record<string, unknown> }) => c.method === "chat.postMessage" && String((c.args.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? "").endsWith(":reminder");
  let posted = 0;
  let job = 0;
  let queued = 0;
  let cpu = 0;
  let load = 0;
  let cpuJob = 0;
  let statementsJob = 0;
  let statementsAll = 0;
  const accepted: number[] = [];
  const bursts = [Math.floor(N * 0.3), Math.floor(N * 0.7)];
  fake.on("stored", (what: string) => {
    if (what !== "chat.postMessage") return;
    posted++;
    accepted.push(performance.now());
    if (bursts.length && posted >= bursts[0]!) {
      bursts.shift();
      fake.rateLimitBurst(BURST_S);
    }
  });
  try {
    const session = process.env.BENCH_PROFILE ? new inspector.Session() : null;
    if (session) {
      session.connect();
      await new Promise((r) => session.post("Profiler.enable", () => session.post("Profiler.start", r)));
    }
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const samples: string[] = [];
    load = os.loadavg()[0]!;
    const sampler = process.env.BENCH_TRACE ? setInterval(() => samples.push(`${((performance.now() - start) / 1000).toFixed(2)}s posted=${posted} limited=${fake.limited - limitedBefore} calls=${fake.calls.length}`), 250) : null;
    const statements0 = statements;
    const outcomes = await Promise.all(instances.map((a) => a.jobs.find((j) => j.name === "followups.remind")!.run(AT)));
    job = (performance.now() - start) / 1000;
    const jobUsed = process.cpuUsage(cpu0);
    cpuJob = (jobUsed.user + jobUsed.system) / 1e6;
    statementsJob = statements - statements0;
    queued = outcomes.reduce((s, o) => s + o.done, 0);
    const end = Date.now() + 600_000;
    while (posted < N && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const last = Math.max(...fake.calls.filter(isReminder).map((c) => c.at));
    const used = process.cpuUsage(cpu0);
    cpu = (used.user + used.system) / 1e6;
    statementsAll = statements - statements0;
    if (session) {
      await new Promise<void>((r) => session.post("Profiler.stop", (_e, res) => {
        fs.writeFileSync(`${process.env.BENCH_PROFILE}/fanout-${replicas}.cpuprofile`, JSON.stringify(res.profile));
        r();
      }));
      session.disconnect();
    }
    await Promise.all(instances.map((a) => a.slack!.idle()));
    let lost = 0;
    let doubled = 0;
    for (const o of list) {
      const got = fake.posts(`D${o.id.slice(1)}`).filter((m) => m.metadata?.event_type === METADATA_EVENT).length;
      if (got === 0) lost++;
      if (got > 1) doubled++;
    }
    if (sampler) clearInterval(sampler);
    if (samples.length) console.log(`N=${replicas}, every 250 ms:\n${samples.join("\n")}`);
    const served = fake.burstServedMs / 1000;
    const first = Math.min(...fake.calls.filter(isReminder).map((c) => c.at));
    const lines = process.env.BENCH_HISTOGRAM ? histogram(start, accepted, fake.limitedAt.filter((t) => t >= start), fake.calls.filter((c) => c.at >= start)) : [];
    // BENCH_STATEMENTS=1: the statements run most (seeding and start-up included), with their count
    if (process.env.BENCH_STATEMENTS) lines.push(...[...bySql].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([q, k]) => `${String(k).padStart(7)}  ${q.replace(/\s+/g, " ").slice(0, 180)}`));
    return { histogram: lines, cpuJob, statementsJob, statementsAll, n: replicas, seconds: (last - start) / 1000, floor: (N - CAP) / CAP + served, lost, doubled, limited: fake.limited - limitedBefore, served, job, queued, first: (first - start) / 1000, cpu, limitedBy: { burst: fake.limitedBy.burst - byBefore.burst, workspace: fake.limitedBy.workspace - byBefore.workspace, channel: fake.limitedBy.channel - byBefore.channel }, load: [load, os.loadavg()[0]!] };
  } finally {
    await Promise.all(instances.map((a) => a.stop()));
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Fan-out bench: ${N} due reminders to ${N} owners (one DM each), SQLite file; fake Slack: 1 post/s per channel, ${CAP} calls/s per workspace, two workspace-wide bursts of 429s (${BURST_S} s each); Accord pacing: its settings, SLACK_PACE_WORKSPACE_PER_SEC=${CAP}`);
  const outcomes: Outcome[] = [];
  for (const n of (process.env.BENCH_INSTANCES ?? "1,2").split(",").map(Number)) outcomes.push(await run(n));
  console.log("");
  for (const o of outcomes) {
    const ratio = o.seconds / o.floor;
    console.log(`N=${o.n}: ${o.seconds.toFixed(2)} s for ${N} reminders; floor ${o.floor.toFixed(2)} s ((${N} - ${CAP})/${CAP} s + ${o.served.toFixed(1)} s of 429s served); x${ratio.toFixed(3)} · lost ${o.lost} · doubled ${o.doubled} · 429s from the fake ${o.limited} (burst ${o.limitedBy.burst}, workspace window ${o.limitedBy.workspace}, channel ${o.limitedBy.channel}) · job ${o.job.toFixed(2)} s (${o.queued} queued) · first reminder at ${o.first.toFixed(2)} s · CPU ${o.cpu.toFixed(1)} s · load ${o.load.map((l) => l.toFixed(1)).join(" → ")}`);
    console.log(`N=${o.n} per reminder: CPU ${((o.cpu * 1000) / N).toFixed(2)} ms (${((o.cpuJob * 1000) / N).toFixed(2)} ms while the job ran, deliveries included, ${(((o.cpu - o.cpuJob) * 1000) / N).toFixed(2)} ms after it) · SQL statements ${(o.statementsAll / N).toFixed(1)} (${(o.statementsJob / N).toFixed(1)} while the job ran)`);
    if (o.histogram.length) console.log(`N=${o.n}, per 100 ms from the job's start (+accepted reminders -429s), then the statements run most:\n${o.histogram.join("\n")}`);
    console.log(`N=${o.n} goal: <= 1.1x the floor, 0 lost, 0 duplicated: ${ratio <= 1.1 && o.lost === 0 && o.doubled === 0 ? "met" : "NOT met"}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
