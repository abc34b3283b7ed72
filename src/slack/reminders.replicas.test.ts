import fs from "node:fs";
import { afterAll, expect, it } from "vitest";
import { METADATA_EVENT } from "./delivery.ts";
import { FakeSlack } from "./standin/fakeSlack.ts";
import { addUsers } from "./testing/harness.ts";
import { procs, quiet, seedDueReminders, worker, workerEnv } from "./testing/workers.ts";

// Two Accord processes (src/slack/testing/reminderWorker.ts, child processes) on one SQLite database file,
// ticking the reminder job over the same due disputes at the same instant: the fake Slack receives each
// reminder exactly once (the follow-up lock and the notice ledger in the job, the lease in the delivery).

let fake: FakeSlack;
let dir = "";
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  await fake?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("two processes ticking the reminder job at once over 40 due disputes: each owner's DM gets its reminder once", async () => {
  fake = await FakeSlack.start();
  addUsers(fake);
  const seeded = await seedDueReminders(fake, 40, "RR");
  dir = seeded.dir;
  fake.reset();
  const env = workerEnv(dir, fake, { SLACK_PACE_WORKSPACE_PER_SEC: "1000" });
  const workers = [worker(env), worker(env)];
  const queued = await Promise.all(workers.map((w) => w.ran));
  expect(queued.reduce((s, n) => s + n, 0)).toBe(40);
  await quiet(fake);
  for (const w of workers) w.proc.kill("SIGTERM");

  for (const o of seeded.list) {
    const posts = fake.posts(`D${o.id.slice(1)}`);
    expect(posts, o.name).toHaveLength(1);
    expect(posts[0]!.metadata?.event_type).toBe(METADATA_EVENT);
    expect(posts[0]!.text).toContain(seeded.numbers.get(o.id)!);
  }
  expect(fake.callsOf("chat.postMessage")).toHaveLength(40);
});
