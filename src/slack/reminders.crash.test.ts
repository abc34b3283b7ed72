import { describe, expect, it } from "vitest";
import { METADATA_EVENT } from "./delivery.ts";
import { delivered, worker, workerEnv, workerTests } from "./testing/workers.ts";

// The reminder job in an Accord process (src/slack/testing/reminderWorker.ts, a child process) killed with
// SIGKILL at the tenth reminder post Slack takes (it applies it; the process never hears the answer), then started
// again on the same database — a SQLite file, and a PostgreSQL database (embedded, or TEST_DATABASE_URL's
// server), whose server drops the dead process's connections and rolls back what it had in flight: every
// reminder arrives, none twice (the notice ledger keeps the job from queueing them again; the queue key in the
// message metadata, looked for with conversations.history, keeps the delivery from posting again what the dead
// process posted).

const { backends, seed } = workerTests("reminders_crash");

describe.each(backends)("$backend", ({ database }) => {
  it("a process killed with SIGKILL in the middle of 30 reminder posts, then restarted: each owner's DM gets its reminder exactly once", async () => {
    const seeded = await seed(database, 30, "KC");
    const { fake } = seeded;
    // posts spaced, so that the kill lands in the middle of the run; a short lease, so the restart takes over soon
    const env = workerEnv(seeded.databaseUrl, fake, { SLACK_PACE_WORKSPACE_PER_SEC: "20", OUTBOX_LEASE_MS: "1000" });

    const first = worker(env);
    // Slack refuses posts (429, nothing applied) until the job has queued every reminder: on PostgreSQL the
    // delivery, woken by each commit, would otherwise have posted them all meanwhile; so the kill lands after the
    // job, in the middle of the delivery
    let free = -1;
    void fake.busy("chat.postMessage", first.ran).then(() => (free = fake.mark));
    // the tenth post Slack takes: it keeps it, the process dies before it hears the answer
    const killed = new Promise<void>((resolve) => {
      const onCall = (c: { method: string }) => {
        if (c.method === "chat.postMessage" && free >= 0 && fake.callsOf("chat.postMessage").filter((x) => x.seq > free).length >= 10) {
          fake.off("call", onCall);
          first.proc.kill("SIGKILL");
          resolve();
        }
      };
      fake.on("call", onCall);
    });
    expect(await first.ran).toBe(30);
    await killed;
    await new Promise<void>((r) => (first.proc.exitCode !== null || first.proc.signalCode !== null ? r() : first.proc.once("exit", () => r())));
    const postedBefore = [...fake.messages.values()].flat().length;
    expect(postedBefore).toBeGreaterThanOrEqual(10);
    expect(postedBefore).toBeLessThan(30);

    const second = worker(env);
    expect(await second.ran).toBe(0); // the notices are in the ledger: the job queues nothing again
    const queue = await delivered(fake, seeded.databaseUrl);
    second.proc.kill("SIGTERM");

    for (const o of seeded.list) {
      const posts = fake.posts(`D${o.id.slice(1)}`);
      expect(posts, `${o.name} (queue: ${queue.get(seeded.numbers.get(o.id)!)})`).toHaveLength(1);
      expect(posts[0]!.metadata?.event_type).toBe(METADATA_EVENT);
      expect(posts[0]!.text).toContain(seeded.numbers.get(o.id)!);
    }
    // the restarted process looked for the posts its predecessor may have made before posting again
    expect(fake.callsOf("conversations.history").length).toBeGreaterThan(0);
  }, 120_000); // child processes starting under tsx take most of it on a busy machine
});
