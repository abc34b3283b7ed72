import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Deps, Listener } from "./app/context.ts";
import { reconcileHolds } from "./app/ledgerChanged.ts";
import { listenForQueued, type QueueListener } from "./db/notify.ts";
import { ensureDefaultReasons } from "./app/reasons.ts";
import type { Config } from "./config.ts";
import { importLedger } from "./db/ledger.ts";
import { describeDatabase } from "./db/connect.ts";
import { openStore } from "./db/store.ts";
import { apiRouter } from "./http/api.ts";
import { errorHandler } from "./http/errors.ts";
import { postDueDigests } from "./app/digests.ts";
import { startOutboxLoop } from "./jobs/outboxDelivery.ts";
import { startScheduler, type Job, type Scheduler } from "./jobs/scheduler.ts";
import { remindFollowUps } from "./app/remindFollowUps.ts";
import { chartFile, deleteExpiredCharts } from "./app/charts.ts";
import { createLogger, type Logger } from "./logger.ts";
import { openSandboxClock, startSandbox, type Sandbox } from "./sandbox/sandbox.ts";
import { mountSlack, type MountedSlack } from "./slack/mount.ts";
import { mountTeams, type MountedTeams } from "./teams/mount.ts";
import { teamsDeliveryFor, type TeamsDelivery } from "./teams/delivery.ts";

// Builds a whole Accord (database, use cases, HTTP server, jobs) from a Config. main.ts runs it;
// tests run it in-process on a random port with a temporary database and a fixed clock.

export interface AccordOptions {
  clock?: () => Date;
  logger?: Logger;
  listeners?: Listener[];
  /** Background jobs (outbox delivery loop, the scheduler); tests that drive them by hand turn them off. */
  startJobs?: boolean;
}

export interface Accord {
  config: Config;
  deps: Deps;
  app: express.Express;
  server: http.Server;
  url: string;
  /** present when Slack is configured */
  slack?: MountedSlack;
  /** present when Teams is configured (TEAMS_* credentials, or TEAMS_DEV_UNAUTHENTICATED) */
  teams?: MountedTeams;
  /** present in sandbox mode: the page's server side, its Slack stand-in and clock */
  sandbox?: Sandbox;
  /** the scheduler's table of jobs (tests run a job at any `now` with `run`) */
  jobs: readonly Job[];
  stop(): Promise<void>;
  /** present when Teams is configured: its deliverer (tests wait for it with `idle`) */
  teamsDelivery?: TeamsDelivery;
}

/**
 * Opens the database (migrations applied, default reasons loaded) and the use-case dependencies.
 * Shared by the server and the command line, so both run the same code on the same file.
 */
export async function openDeps(config: Config, opts: { log: Logger; clock?: () => Date; listeners?: Listener[] }): Promise<Deps> {
  const { store, applied } = await openStore(config.database, config.databaseOptions);
  if (applied.length) opts.log.info({ applied, database: describeDatabase(config.database) }, "database migrated");
  const loaded = await ensureDefaultReasons(store.reasons);
  if (loaded) opts.log.info({ reasons: loaded }, "default dispute reasons loaded");
  return {
    store,
    clock: opts.clock ?? (() => new Date()),
    newId: () => crypto.randomUUID(),
    collectionsMode: config.collections.mode,
    publicUrl: config.publicUrl,
    // Slack (or the sandbox's) delivers chat effects: every change queues its rows for it
    chatQueue: config.slack ? ["slack"] : [],
    // …and Teams' deliverer (src/teams/delivery.ts) when Teams is on: each platform's row, notices routed to one
    ...(config.teams ? { chatQueue: [...(config.slack ? ["slack" as const] : []), "teams" as const] } : {}),
    listeners: [...(opts.listeners ?? [])],
    log: opts.log,
  };
}

export async function startAccord(config: Config, opts: AccordOptions = {}): Promise<Accord> {
  const log = opts.logger ?? createLogger(config.logLevel);
  // The sandbox's business clock (src/sandbox/clock.ts): the given clock (or real time) plus the offset its page
  // moves forward; every `now` of the process reads it. Only in the sandbox: elsewhere the given clock or real time.
  const sandboxClock = config.sandbox ? openSandboxClock(config, opts.clock, log) : null;
  const clock = sandboxClock ? sandboxClock.now : opts.clock;
  const deps = await openDeps(config, { log, ...(clock ? { clock } : {}), ...(opts.listeners ? { listeners: opts.listeners } : {}) });
  const { store, listeners } = deps;
  // Holds are re-derived in the background, in short batches: a large ledger does not delay the start.
  const stopReconcile = new AbortController();
  const started = Date.now();
  const reconciled = reconcileHolds(deps, { signal: stopReconcile.signal }).then(
    (healed) => (healed ? log.warn({ holdChanges: healed, ms: Date.now() - started }, "holds re-derived at start") : log.debug({ ms: Date.now() - started }, "holds checked at start")),
    (err: unknown) => log.error({ err }, "re-deriving holds at start failed"),
  );

  let outbox: ReturnType<typeof startOutboxLoop> | null = null;
  let queueListener: QueueListener | null = null;
  let slack: MountedSlack | undefined;
  if (config.collections.mode === "webhook" && opts.startJobs !== false) {
    outbox = startOutboxLoop(deps, { url: config.collections.webhookUrl!, secret: config.collections.webhookSecret!, pollMs: config.collections.pollMs, leaseMs: config.collections.leaseMs });
    listeners.push(() => outbox?.kick());
    outbox.kick();
  }
  // other replicas' commits wake this one's deliverers (PostgreSQL NOTIFY); on SQLite, polling
  let teamsDelivery: TeamsDelivery | undefined;
  if (opts.startJobs !== false && (outbox || config.slack || config.teams)) {
    queueListener = listenForQueued(
      config.database,
      (channel) => {
        if (channel === "webhook") outbox?.kick();
        if (channel === "slack") slack?.delivery.kick();
        if (channel === "teams") teamsDelivery?.kick();
      },
      { ...config.databaseOptions, log },
    );
  }

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // Readiness, for a load balancer: the database answers and this process applied the migrations (at
  // start, before listening); 503 once it is stopping, so traffic drains to the other replicas.
  let draining = false;
  // the same probes at the root and under the API's prefix, without a token (src/http/api.ts has no route of these names)
  app.get(["/readyz", "/api/v1/readyz"], async (_req, res) => {
    if (draining) return void res.status(503).json({ status: "stopping" });
    try {
      await store.settings.get();
      // a refused Slack token pauses deliveries (nothing is lost): degraded, still serving
      const chat = slack?.delivery.health();
      if (chat && chat.status !== "ok") return void res.json({ status: "degraded", database: store.dialect, migrations: "applied", slack: chat });
      // a refused Teams token pauses Teams deliveries the same way (issue 13)
      const teamsChat = await teamsDelivery?.health();
      if (teamsChat && teamsChat.status !== "ok") return void res.json({ status: "degraded", database: store.dialect, migrations: "applied", teams: teamsChat });
      res.json({ status: "ready", database: store.dialect, migrations: "applied" });
    } catch {
      res.status(503).json({ status: "unavailable", database: store.dialect });
    }
  });
  app.get(["/healthz", "/api/v1/healthz"], async (_req, res) => {
    try {
      await store.settings.get();
      res.json({ status: "ok", collections: config.collections.mode, slack: Boolean(config.slack), teams: Boolean(config.teams) });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });
  // Charts (the digest's PNG, src/app/charts.ts): public by their unguessable token, cached at most a day and
  // never past the chart's expiry; unknown, malformed and expired tokens alike are a 404.
  app.get("/charts/:file", async (req, res, next) => {
    try {
      const chart = await chartFile(deps, req.params.file);
      if (!chart) return void res.status(404).set("Cache-Control", "no-store").type("text/plain").send("Not found");
      res
        .status(200)
        .set({ "Content-Type": "image/png", "Cache-Control": `public, max-age=${Math.min(chart.maxAgeSeconds, 86_400)}, immutable`, "X-Content-Type-Options": "nosniff" })
        .send(chart.png);
    } catch (err) {
      next(err);
    }
  });
  const ledger = (input: Omit<Parameters<typeof importLedger>[0], "database">) =>
    importLedger({ ...input, database: config.database, collectionsMode: config.collections.mode, now: deps.clock() });
  // The local sandbox workspace (config.sandbox): its own Slack settings, pointed at its Web API stand-in.
  let sandbox: Sandbox | undefined;
  if (config.sandbox) {
    sandbox = await startSandbox({ app, deps, config, log, ledger, clock: sandboxClock! });
    config = sandbox.config;
  }
  if (config.slack) {
    slack = await mountSlack({ app, deps, config, log, startDelivery: opts.startJobs !== false });
    listeners.push(slack.onChange);
  }
  // Teams (config.teams): the SDK at POST /api/messages on this same express app; without it, that path is a 404
  let teams: MountedTeams | undefined;
  if (config.teams) teams = await mountTeams({ app, deps, config, log });
  // Teams' deliverer: the teams rows of the delivery queue (cards, notices, digests), woken by commits here
  if (teams && config.teams) {
    teamsDelivery = teamsDeliveryFor({ deps, teams, config: config.teams, log, leaseMs: config.collections.leaseMs, pollMs: config.collections.pollMs });
    listeners.push(() => teamsDelivery?.kick());
    if (opts.startJobs !== false) teamsDelivery.start();
  }
  // The scheduler's jobs (src/jobs/scheduler.ts), ticked every ACCORD_TICK_SECONDS at the business clock: what
  // they queue goes out through the delivery queue (kicked here, and by NOTIFY / polling in the other replicas).
  const jobs: Job[] = [
    {
      name: "followups.remind",
      everyMs: config.jobs.tickSeconds * 1000,
      async run(now) {
        // the deliverers start after each small batch the job committed, not after the whole run
        const kick = () => {
          slack?.delivery.kick();
          teamsDelivery?.kick();
        };
        const outcome = await remindFollowUps(deps, now, { onQueued: kick });
        if (outcome.done) kick();
        return outcome;
      },
    },
    {
      // the channels' digests due at this tick (src/app/digests.ts): each once, through the delivery queue
      name: "digests.post",
      everyMs: config.jobs.tickSeconds * 1000,
      async run(now) {
        const outcome = await postDueDigests(deps, now);
        if (outcome.done) {
          slack?.delivery.kick();
          teamsDelivery?.kick();
        }
        return outcome;
      },
    },
    {
      // expired charts' rows (and their PNG bytes) deleted, once an hour
      name: "charts.cleanup",
      everyMs: 3_600_000,
      async run(now) {
        return { done: await deleteExpiredCharts(deps, now), failed: 0 };
      },
    },
  ];
  // the sandbox's clock buttons run these jobs at the new time, then wait for the delivery queue; its scheduler's
  // runs wait while they do
  const scheduled = sandbox ? sandbox.useJobs(jobs, () => slack?.delivery.idle(15_000) ?? Promise.resolve()) : jobs;
  let scheduler: Scheduler | null = null;
  if (opts.startJobs !== false) scheduler = startScheduler({ jobs: scheduled, log, now: deps.clock, tickSeconds: config.jobs.tickSeconds });
  // the router authenticates before it reads a body, and bounds what it reads (src/http/api.ts)
  app.use("/api/v1", apiRouter(deps, config.apiTokens, ledger));
  app.use(errorHandler(log));

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${addr.port}`;
  log.info({ url, collections: config.collections.mode, api: config.apiTokens.length > 0 }, "Accord is listening");
  sandbox?.announce(url);

  let stopping: Promise<void> | null = null;
  return {
    config,
    deps,
    app,
    server,
    url,
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    ...(teamsDelivery ? { teamsDelivery } : {}),
    ...(sandbox ? { sandbox } : {}),
    jobs,
    stop() {
      stopping ??= (async () => {
        draining = true;
        await new Promise<void>((resolve) => {
          sandbox?.closeStreams();
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        stopReconcile.abort();
        await reconciled;
        // no new tick; a running one ends before the store closes
        await scheduler?.stop();
        await queueListener?.close();
        await outbox?.stop();
        await slack?.stop();
        await teamsDelivery?.stop();
        await teams?.stop();
        await sandbox?.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}
