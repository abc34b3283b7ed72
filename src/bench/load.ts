import { spawn } from "node:child_process";
import path from "node:path";
import type { FakeSlack, StoredView } from "../slack/standin/fakeSlack.ts";
import type { SlackSim } from "../slack/standin/signed.ts";
import { modalValues, type SeededCard } from "../slack/testing/replicas.ts";

// What the Slack benches share: percentiles, an open-loop load at a fixed rate, the server side in a
// child process (src/bench/slackServer.ts), and one person's "click a card button, fill in the modal,
// submit" measured at each step.

export const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
export const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms · p99 ${pct(xs, 99).toFixed(2)} ms · max ${Math.max(...xs).toFixed(2)} ms · n=${xs.length}`;

/** Starts `op(i)` at `rate` per second for `seconds` whatever the answers take (an open loop). */
export async function paced(seconds: number, rate: number, op: (i: number) => Promise<void>): Promise<void> {
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
export async function benchServer(mode: "accord" | "bare", apiUrl: string, disputes = 0, env: Record<string, string> = {}): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROFILE] : []), "--import", "tsx", path.join(import.meta.dirname, "slackServer.ts"), mode, apiUrl, String(disputes)], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...env } });
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

/** A card button's block action, as Slack sends it. */
export function blockAction(sim: SlackSim, actionId: string, value: string, where: { channel: string; ts: string; user: string }, trigger: string) {
  return sim.interaction({
    type: "block_actions",
    user: { id: where.user, username: "owner", team_id: "T0ACCORD" },
    trigger_id: trigger,
    actions: [{ type: "button", block_id: "b", action_id: actionId, value, action_ts: String(Date.now() / 1000) }],
    container: { type: "message", message_ts: where.ts, channel_id: where.channel, is_ephemeral: false },
    channel: { id: where.channel },
    message: { type: "message", ts: where.ts, text: "" },
  });
}

export interface Timings {
  acks: number[];
  submitAcks: number[];
  /** submission -> the card's chat.update reaching the fake */
  fromSubmit: number[];
  /** click -> modal -> submission -> chat.update */
  fromClick: number[];
  failures: number;
}

export const timings = (): Timings => ({ acks: [], submitAcks: [], fromSubmit: [], fromClick: [], failures: 0 });

/** One person's click, modal and submission on a card, timed; false when a step failed. */
export async function clickAndSubmit(fake: FakeSlack, sim: SlackSim, card: SeededCard, action: { id: string; value: string; trigger: string; fields: Record<string, Record<string, unknown>> }, t: Timings): Promise<boolean> {
  const mark = fake.mark;
  const t0 = performance.now();
  const click = await blockAction(sim, action.id, action.value, card, action.trigger);
  t.acks.push(click.ms);
  await fake.waitFor((c) => c.method === "views.open" && c.args.trigger_id === action.trigger, 10_000, mark);
  const view: StoredView = [...fake.views.values()].reverse().find((v) => v.user === card.user && String(v.view.private_metadata).includes(`"d":${card.id},`))!;
  const mark2 = fake.mark;
  const t1 = performance.now();
  const sub = await sim.viewSubmission({ id: card.user }, view.view, modalValues(view, action.fields));
  t.submitAcks.push(sub.ms);
  if (sub.status !== 200 || sub.text) {
    t.failures++;
    return false;
  }
  const upd = await fake.waitFor((c) => c.method === "chat.update" && c.args.ts === card.ts, 10_000, mark2);
  t.fromSubmit.push(upd.at - t1);
  t.fromClick.push(upd.at - t0);
  return true;
}
