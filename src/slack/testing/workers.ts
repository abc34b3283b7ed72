import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import { openDispute } from "../../app/openDispute.ts";
import { parseDatabaseUrl } from "../../db/connect.ts";
import { openStore } from "../../db/store.ts";
import { freshPostgresDatabase } from "../../test/postgres.ts";
import { FakeSlack } from "../standin/fakeSlack.ts";
import { addUsers, SECRET, startSeededAccord, USERS } from "./harness.ts";
import { addOwners, owners } from "./replicas.ts";

// The reminder job's process tests (src/slack/reminders.*.test.ts): a database (a SQLite file, or the PostgreSQL
// database given) seeded with owners whose Slack ids are known, one dispute each due on AT, and Accord processes
// (reminderWorker.ts) started on it.

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** Thursday 12 March 2026, 10:00 in Paris: the follow-up day, in working hours */
export const AT = "2026-03-12T09:00:00.000Z";

/**
 * Seeds `n` owners and their due disputes in `databaseUrl` (migrating it; a SQLite file in the returned folder when
 * not given); returns the folder, the database's URL and each owner's dispute number by Slack id.
 */
export async function seedDueReminders(
  fake: FakeSlack,
  n: number,
  prefix: string,
  databaseUrl?: string,
): Promise<{ dir: string; databaseUrl: string; list: ReturnType<typeof owners>; numbers: Map<string, string> }> {
  const list = owners(n, prefix);
  addOwners(fake, list);
  const seeded = await startSeededAccord(fake.apiUrl, { items: 1, clock: () => new Date("2026-03-01T09:00:00.000Z"), env: { ACCORD_TICK_SECONDS: "3600", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
  const seeder = seeded.accord;
  const store = seeder.deps.store;
  await store.people.upsertMany(list.map((o) => ({ email: o.email, name: o.name, role: "sales" as const, locale: "en" as const, slackUserId: o.id })));
  const numbers = new Map<string, string>();
  for (const [i, o] of list.entries()) {
    const ref = `${prefix}${String(i).padStart(4, "0")}`;
    const [customer] = await store.customers.upsertMany([{ ref, name: `Client ${o.name}`, currency: "EUR", salesRepEmail: o.email, controllerEmail: USERS.carla.email }]);
    await store.items.upsertMany([{ customerId: customer!.id, ref: `I-${ref}`, kind: "invoice", issuedOn: "2026-01-05", dueOn: "2026-02-04", amount: 1000_00, openAmount: 1000_00, currency: "EUR" }]);
    const { dispute } = await openDispute(seeder.deps, { customerRef: ref, items: [{ ref: `I-${ref}` }], reasonCode: "price", statement: `Prix contesté ${i}`, openedByEmail: USERS.carla.email, ownerEmail: o.email, followUpOn: "2026-03-12", origin: { notifyOwner: false } });
    numbers.set(o.id, dispute.number);
  }
  await seeder.slack!.idle();
  await seeder.stop();
  return { dir: seeded.dir, databaseUrl: databaseUrl ?? `file:${path.join(seeded.dir, "a.db")}`, list, numbers };
}

/** A worker's settings: the database (seedDueReminders' URL), Slack at the fake, the reminder job at AT. */
export function workerEnv(databaseUrl: string, fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_API_URL: fake.apiUrl,
    OUTBOX_POLL_MS: "100",
    WORKER_AT: AT,
    ...extra,
  };
}

/** Waits until the fake has received nothing for a while (every row delivered or reconciled). */
export async function quiet(fake: FakeSlack): Promise<void> {
  let last = fake.mark;
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    if (fake.mark === last) return;
    last = fake.mark;
  }
}

export const procs: ChildProcess[] = [];

export function worker(env: Record<string, string>): { proc: ChildProcess; ran: Promise<number> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/slack/testing/reminderWorker.ts"], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  procs.push(proc);
  let out = "";
  let err = "";
  proc.stderr!.on("data", (c) => (err += c));
  const ran = new Promise<number>((resolve, reject) => {
    proc.stdout!.on("data", (c) => {
      out += c;
      const m = /RAN (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once("exit", () => reject(new Error(`worker exited before running the job: ${err}`)));
  });
  ran.catch(() => undefined);
  return { proc, ran };
}

/**
 * The worker tests' set-up: after each test, the workers left are killed and what the test made is removed; each
 * backend (a SQLite file; a fresh PostgreSQL database named after `name`, embedded or TEST_DATABASE_URL's server)
 * with `seed(database, n, prefix)`: a fake Slack with the team's users and `n` owners whose disputes are due at AT
 * (seedDueReminders), its call log cleared.
 */
export function workerTests(name: string) {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    cleanup = [];
  });
  const backends = [
    { backend: "sqlite", database: async (): Promise<string | undefined> => undefined },
    {
      backend: "postgresql",
      database: async (): Promise<string | undefined> => {
        const pg = await freshPostgresDatabase(name, { migrate: false });
        cleanup.push(pg.drop);
        return pg.url;
      },
    },
  ] as const;
  async function seed(database: () => Promise<string | undefined>, n: number, prefix: string) {
    const fake = await FakeSlack.start();
    cleanup.push(() => fake.close());
    addUsers(fake);
    const seeded = await seedDueReminders(fake, n, prefix, await database());
    cleanup.push(async () => fs.rmSync(seeded.dir, { recursive: true, force: true }));
    fake.reset();
    return { fake, ...seeded };
  }
  return { backends, seed };
}

/**
 * Waits until the queue holds no pending Slack row any more (the workers deliver them: a row deferred by a 429 or
 * its pacing may come after a quiet spell), then until Slack has been quiet; gives up after a minute. Returns the
 * queue's Slack rows by dispute number as it ends ("delivered", "dead: reason"...), for the tests' messages.
 */
export async function delivered(fake: FakeSlack, databaseUrl: string): Promise<Map<string, string>> {
  const { store } = await openStore(parseDatabaseUrl(databaseUrl));
  try {
    const end = Date.now() + 60_000;
    while (Date.now() < end && (await store.outbox.list({ status: "pending", channel: "slack", limit: 1 })).length) await new Promise((r) => setTimeout(r, 250));
    await quiet(fake);
    const rows = new Map<string, string>();
    for (const m of await store.outbox.list({ channel: "slack", limit: 10_000 })) {
      const was = rows.get(m.orderKey);
      rows.set(m.orderKey, `${was ? `${was}; ` : ""}${m.type} ${m.status}${m.lastError ? `: ${m.lastError}` : ""}`);
    }
    return rows;
  } finally {
    await store.close();
  }
}
