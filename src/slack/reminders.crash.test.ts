import { afterAll, expect, it } from "vitest";
import fs from "node:fs";
import { METADATA_EVENT } from "./delivery.ts";
import { FakeSlack } from "./standin/fakeSlack.ts";
import { addUsers } from "./testing/harness.ts";
import { procs, quiet, seedDueReminders, worker, workerEnv } from "./testing/workers.ts";

// The reminder job in an Accord process (src/slack/testing/reminderWorker.ts, a child process) killed with
// SIGKILL at its tenth reminder post (Slack applies it; the process never hears the answer), then started
// again on the same SQLite file: every reminder arrives, none twice (the notice ledger keeps the job from
// queueing them again; the queue key in the message metadata, looked for with conversations.history, keeps
// the delivery from posting again what the dead process posted).

let fake: FakeSlack;
let dir = "";
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  await fake?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("a process killed with SIGKILL in the middle of 30 reminder posts, then restarted: each owner's DM gets its reminder exactly once", async () => {
  fake = await FakeSlack.start();
  addUsers(fake);
  const seeded = await seedDueReminders(fake, 30, "KC");
  dir = seeded.dir;
  fake.reset();
  // posts spaced, so that the kill lands in the middle of the run; a short lease, so the restart takes over soon
  const env = workerEnv(dir, fake, { SLACK_PACE_WORKSPACE_PER_SEC: "20", OUTBOX_LEASE_MS: "1000" });

  const first = worker(env);
  let jobDone = false;
  void first.ran.then(() => (jobDone = true), () => undefined);
  // the tenth post (or the first after the job's end): Slack keeps it, the process dies before it hears the answer
  const killed = new Promise<void>((resolve) => {
    const onCall = (c: { method: string }) => {
      if (c.method === "chat.postMessage" && jobDone && fake.callsOf("chat.postMessage").length >= 10) {
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
  await quiet(fake);
  second.proc.kill("SIGTERM");

  for (const o of seeded.list) {
    const posts = fake.posts(`D${o.id.slice(1)}`);
    expect(posts, o.name).toHaveLength(1);
    expect(posts[0]!.metadata?.event_type).toBe(METADATA_EVENT);
    expect(posts[0]!.text).toContain(seeded.numbers.get(o.id)!);
  }
  // the restarted process looked for the posts its predecessor may have made before posting again
  expect(fake.callsOf("conversations.history").length).toBeGreaterThan(0);
});
