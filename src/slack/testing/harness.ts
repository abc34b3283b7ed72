import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { openDispute } from "../../app/openDispute.ts";
import { loadConfig } from "../../config.ts";
import type { Dispute } from "../../domain/types.ts";
import type { JobOutcome } from "../../jobs/scheduler.ts";
import { startAccord, type Accord } from "../../server.ts";
import { FakeSlack, type FakeUser } from "../standin/fakeSlack.ts";
import { SlackSim } from "../standin/signed.ts";

// An Accord with Slack on, in-process, against the fake Slack Web API, with a seeded ledger.
// Shared by the integration tests, the manifest test and the bench.

export const SECRET = "test-signing-secret-0123456789";
export const NOW = new Date("2026-03-10T09:00:00.000Z");

export const USERS = {
  carla: { id: "U0CARLA", email: "carla@acme.test", name: "Carla Control", locale: "fr", role: "controller" },
  sam: { id: "U0SAM", email: "sam@acme.test", name: "Sam Sales", locale: "en", role: "sales" },
  sid: { id: "U0SID", email: "sid@acme.test", name: "Sid Sales", locale: "fr", role: "sales" },
  mona: { id: "U0MONA", email: "mona@acme.test", name: "Mona Manager", locale: "en", role: "manager" },
  ada: { id: "U0ADA", email: "ada@acme.test", name: "Ada Admin", locale: "en", role: "admin" },
  /** in Slack, not in Accord */
  eve: { id: "U0EVE", email: "eve@elsewhere.test", name: "Eve Stranger", locale: "en", role: null },
} as const;

export interface Harness {
  accord: Accord;
  fake: FakeSlack;
  sim: SlackSim;
  dir: string;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function addUsers(fake: FakeSlack): void {
  for (const u of Object.values(USERS)) fake.addUser({ id: u.id, email: u.email, name: u.name, locale: u.locale === "fr" ? "fr-FR" : "en-US" } satisfies FakeUser);
}

export interface HarnessOptions {
  env?: Record<string, string>;
  items?: number;
  quiet?: boolean;
  clock?: () => Date;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeSlack.start();
  addUsers(fake);
  const { accord, dir } = await startSeededAccord(fake.apiUrl, opts);
  const sim = new SlackSim(`${accord.url}/slack/events`, SECRET);
  return {
    accord,
    fake,
    sim,
    dir,
    idle: () => accord.slack!.idle(),
    async stop() {
      await accord.stop();
      await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Accord with Slack pointed at `apiUrl` (a FakeSlack, maybe in another process), seeded. */
export async function startSeededAccord(apiUrl: string, opts: HarnessOptions = {}): Promise<{ accord: Accord; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-slack-"));
  const config = loadConfig(
    {
      DATABASE_URL: `file:${path.join(dir, "a.db")}`,
      PORT: "0",
      LOG_LEVEL: "silent",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_API_URL: apiUrl,
      // Slack's real pacing is proven by the delivery tests; the others should not wait a second a post
      SLACK_PACE_CHANNEL_PER_SEC: "1000",
      SLACK_PACE_UPDATE_PER_MIN: "60000",
      SLACK_PACE_WORKSPACE_PER_SEC: "10000",
      OUTBOX_POLL_MS: "200",
      ...(opts.env ?? {}),
    },
    dir,
  );
  const logger = pino({ level: opts.quiet === false ? "info" : "silent" });
  const accord = await startAccord(config, { clock: opts.clock ?? (() => NOW), logger });
  const store = accord.deps.store;
  await store.people.upsertMany(
    Object.values(USERS)
      .filter((u) => u.role)
      .map((u) => ({ email: u.email, name: u.name, role: u.role!, locale: u.locale })),
  );
  const [c1] = await store.customers.upsertMany([
    { ref: "C001", name: "Boulangerie Martin", currency: "EUR", salesRepEmail: USERS.sam.email, controllerEmail: USERS.carla.email },
    { ref: "C002", name: "Acme Corp", currency: "EUR", salesRepEmail: USERS.sid.email, controllerEmail: USERS.carla.email },
    { ref: "C003", name: "Acme Industries", currency: "EUR", salesRepEmail: USERS.sid.email },
  ]);
  const n = opts.items ?? 3;
  await store.items.upsertMany(
    Array.from({ length: n }, (_, i) => ({
      customerId: c1!.id,
      ref: `F-2026-${String(i + 1).padStart(3, "0")}`,
      kind: "invoice" as const,
      issuedOn: "2026-01-05",
      dueOn: "2026-02-04",
      amount: 1000_00 + i,
      openAmount: 1000_00 + i,
      currency: "EUR",
      dunningLevel: "R1" as const,
    })),
  );
  return { accord, dir };
}

/** The value of a button with this action id in a list of blocks. */
export function buttonValue(blocks: unknown[], actionId: string): string | null {
  const s = JSON.stringify(blocks);
  const all = JSON.parse(s) as unknown[];
  const walk = (x: unknown): string | null => {
    if (Array.isArray(x)) {
      for (const y of x) {
        const r = walk(y);
        if (r) return r;
      }
      return null;
    }
    if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (o.action_id === actionId && typeof o.value === "string") return o.value;
      if (o.action_id === actionId && Array.isArray(o.options)) return null;
      for (const v of Object.values(o)) {
        const r = walk(v);
        if (r) return r;
      }
    }
    return null;
  };
  return walk(all);
}

/** Every action_id in blocks (buttons, overflow, inputs). */
export function actionIds(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (typeof o.action_id === "string") out.push(o.action_id);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

/** The fake Slack's DM channel of a user (fakeSlack opens `D…` for `U…`). */
export const dmOf = (u: { id: string }): string => `D${u.id.replace(/^U/, "")}`;

/** Runs one of Accord's scheduled jobs at the instant the test chooses. */
export const runJob = (h: Harness, name: string, at: Date): Promise<JobOutcome> => h.accord.jobs.find((j) => j.name === name)!.run(at);

/** The follow-up tests' harness: the background tick out of the way (each test runs the jobs at the instants it chooses). */
export function startQuietHarness(clock: () => Date): Promise<Harness> {
  return startHarness({ clock, env: { ACCORD_TICK_SECONDS: "3600" } });
}

/** A normal-priority price dispute on C001's F-2026-001, opened by Carla for `owner`, its next follow-up on `followUpOn`. */
export async function openPriceDispute(h: Harness, owner: { email: string }, followUpOn: string): Promise<Dispute> {
  const { dispute } = await openDispute(h.accord.deps, {
    customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix non conforme au devis",
    ownerEmail: owner.email, openedByEmail: USERS.carla.email, followUpOn, priority: "normal",
  });
  return dispute;
}
