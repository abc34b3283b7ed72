import { describe, it, expect } from "vitest";
import { createScheduler, startScheduler, type Job } from "./scheduler.ts";

const T0 = new Date("2026-12-03T08:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function recorder() {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const push = (level: string) => (fields: unknown) => void lines.push({ level, fields: fields as Record<string, unknown> });
  return { lines, log: { info: push("info"), warn: push("warn"), error: push("error") } as never };
}

describe("scheduler", () => {
  it("runs each job at its cadence with the tick's now, logs duration and outcome, and a failing job stops none of the others", async () => {
    const seen: string[] = [];
    const jobs: Job[] = [
      { name: "broken", everyMs: 0, run: async () => { throw new Error("boom"); } },
      { name: "reminders", everyMs: 60_000, run: async (now) => (seen.push(`reminders@${now.toISOString()}`), { done: 2, failed: 0 }) },
      { name: "partial", everyMs: 0, run: async () => ({ done: 1, failed: 1 }) },
    ];
    const { lines, log } = recorder();
    let clock = 0;
    const s = createScheduler({ jobs, log, now: () => T0, elapsedMs: () => (clock += 5) });
    await s.tick(at(0));
    await s.tick(at(30)); // reminders: not yet a minute
    await s.tick(at(60));
    expect(seen).toEqual(["reminders@2026-12-03T08:00:00.000Z", "reminders@2026-12-03T08:01:00.000Z"]);
    expect(lines.slice(0, 3).map((l) => [l.level, l.fields.job, l.fields.outcome, l.fields.ms])).toEqual([
      ["error", "broken", "failed", 5],
      ["info", "reminders", "ok", 5],
      ["warn", "partial", "partial", 5],
    ]);
    expect(lines[1]!.fields).toMatchObject({ done: 2, failed: 0, at: "2026-12-03T08:00:00.000Z" });
    await s.stop();
    await s.tick(at(120));
    expect(seen).toHaveLength(2); // stopped: nothing more runs
  });

  it("a tick that comes while a run is still going does not overlap it; stop waits for the run", async () => {
    let release!: () => void;
    let runs = 0;
    const job: Job = { name: "slow", everyMs: 0, run: () => (runs++, new Promise((r) => (release = () => r({ done: 1, failed: 0 })))) };
    const s = createScheduler({ jobs: [job], log: recorder().log, now: () => T0 });
    const first = s.tick(at(0));
    await s.tick(at(1));
    expect(runs).toBe(1);
    const stopping = s.stop();
    release();
    await Promise.all([first, stopping]);
    expect(runs).toBe(1);
  });

  it("node-schedule's tick starts and stops cleanly", async () => {
    const s = startScheduler({ jobs: [], log: recorder().log, now: () => T0, tickSeconds: 30 });
    await s.tick(at(0));
    await s.stop();
  });
});
