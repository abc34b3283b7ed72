import { describe, expect, it } from "vitest";
import { METADATA_EVENT } from "./delivery.ts";
import { delivered, worker, workerEnv, workerTests } from "./testing/workers.ts";

// Two Accord processes (src/slack/testing/reminderWorker.ts, child processes) on one database — a SQLite file,
// and a PostgreSQL database (embedded, or TEST_DATABASE_URL's server) — ticking the reminder job over the same
// due disputes at the same instant: the fake Slack receives each reminder exactly once (the follow-up lock and
// the notice ledger in the job: the write lock on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL; the lease in the
// delivery).

const { backends, seed } = workerTests("reminders_replicas");

describe.each(backends)("$backend", ({ database }) => {
  it("two processes ticking the reminder job at once over 40 due disputes: each owner's DM gets its reminder once", async () => {
    const seeded = await seed(database, 40, "RR");
    const { fake } = seeded;
    const env = workerEnv(seeded.databaseUrl, fake, { SLACK_PACE_WORKSPACE_PER_SEC: "1000" });
    const workers = [worker(env), worker(env)];
    const queued = await Promise.all(workers.map((w) => w.ran));
    expect(queued.reduce((s, n) => s + n, 0)).toBe(40);
    const queue = await delivered(fake, seeded.databaseUrl);
    for (const w of workers) w.proc.kill("SIGTERM");

    for (const o of seeded.list) {
      const posts = fake.posts(`D${o.id.slice(1)}`);
      expect(posts, `${o.name} (queue: ${queue.get(seeded.numbers.get(o.id)!)})`).toHaveLength(1);
      expect(posts[0]!.metadata?.event_type).toBe(METADATA_EVENT);
      expect(posts[0]!.text).toContain(seeded.numbers.get(o.id)!);
    }
    expect(fake.callsOf("chat.postMessage")).toHaveLength(40);
  }, 120_000); // child processes starting under tsx take most of it on a busy machine
});
