// The scheduler (issue 11): node-schedule fires a short tick; at each tick the jobs whose cadence has come
// run, one after another, each with `run(now)` (tests call it with any `now`). What is due inside a job is
// decided by pure functions of `now` (src/domain/followups.ts); the database's locks and the notice ledger
// make a job safe to run in several processes at once. Each run is logged with its duration and outcome;
// a job that fails is logged and the others still run; the next tick runs it again.
import schedule from "node-schedule";
import type { Logger } from "../logger.ts";

export interface JobOutcome {
  /** items handled (notices sent...) */
  done: number;
  /** items that failed: each logged by the job, none stops the rest */
  failed: number;
}

export interface Job {
  name: string;
  /** at most one run every `everyMs` (a multiple of the tick is what it gets) */
  everyMs: number;
  run(now: Date): Promise<JobOutcome>;
}

export interface Scheduler {
  /** One tick at `now`: runs every job whose cadence has come (what node-schedule calls; tests call it too). */
  tick(now: Date): Promise<void>;
  /** Stops the tick and waits for a running one to end. */
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  jobs: readonly Job[];
  log: Pick<Logger, "info" | "warn" | "error">;
  /** the clock (tests: a fixed or moved one) */
  now: () => Date;
  /** the wall clock for durations */
  elapsedMs?: () => number;
}

/** A scheduler over a table of jobs, without a timer (tick is called by `startScheduler` or a test). */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const lastRun = new Map<string, number>();
  const elapsed = deps.elapsedMs ?? (() => performance.now());
  let running: Promise<void> | null = null;
  let stopped = false;

  async function runAll(now: Date): Promise<void> {
    for (const job of deps.jobs) {
      if (stopped) return;
      const last = lastRun.get(job.name);
      if (last !== undefined && now.getTime() - last < job.everyMs) continue;
      lastRun.set(job.name, now.getTime());
      const t0 = elapsed();
      try {
        const outcome = await job.run(now);
        const ms = Math.round(elapsed() - t0);
        const log = outcome.failed ? deps.log.warn.bind(deps.log) : deps.log.info.bind(deps.log);
        log({ job: job.name, at: now.toISOString(), ms, done: outcome.done, failed: outcome.failed, outcome: outcome.failed ? "partial" : "ok" }, "job run");
      } catch (err) {
        deps.log.error({ job: job.name, at: now.toISOString(), ms: Math.round(elapsed() - t0), outcome: "failed", err }, "job run failed");
      }
    }
  }

  return {
    async tick(now) {
      if (stopped) return;
      if (running) return; // a slow run is not overlapped by the next tick
      running = runAll(now).finally(() => {
        running = null;
      });
      await running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** Starts the tick with node-schedule every `tickSeconds`; the returned stop cancels it and waits for a running tick. */
export function startScheduler(deps: SchedulerDeps & { tickSeconds: number }): Scheduler {
  const scheduler = createScheduler(deps);
  const timer = schedule.scheduleJob({ rule: `*/${Math.min(59, deps.tickSeconds)} * * * * *` }, () => {
    void scheduler.tick(deps.now());
  });
  // a tick longer than a minute: node-schedule's RecurrenceRule cannot say "every N s" past 59, use a plain interval
  const interval = deps.tickSeconds > 59 ? setInterval(() => void scheduler.tick(deps.now()), deps.tickSeconds * 1000) : null;
  if (interval) timer?.cancel();
  return {
    tick: (now) => scheduler.tick(now),
    async stop() {
      timer?.cancel();
      if (interval) clearInterval(interval);
      await scheduler.stop();
    },
  };
}
