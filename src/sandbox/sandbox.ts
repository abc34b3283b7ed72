import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import type { Deps } from "../app/context.ts";
import { DEMO_PEOPLE, seedDemo } from "../app/seedDemo.ts";
import { todayIn } from "../domain/dates.ts";
import type { Job } from "../jobs/scheduler.ts";
import { SANDBOX_CLOCK_TEXT } from "../views/sandboxClockText.ts";
import { DIGEST_CHANNEL, SANDBOX_CHANNELS } from "./channels.ts";
import { clockFile, resetClockOffset, SandboxClock, type Advance } from "./clock.ts";
import type { Config } from "../config.ts";
import type { Locale, Role } from "../domain/types.ts";
import type { LedgerImporter } from "../http/api.ts";
import { BadRequest, zodDetails } from "../http/errors.ts";
import { SHORTCUT_ID } from "../slack/blocks.ts";
import { SLACK_EVENTS_PATH } from "../slack/mount.ts";
import { SlackSim, triggerFor } from "../slack/standin/signed.ts";
import { collectionsView, importCreditNote } from "./collections.ts";
import { conversationsFile, latestTs, readConversations, type SavedConversations } from "./conversations.ts";
import { dmChannelOf, sandboxUserId, Standin } from "./standin.ts";

// The sandbox workspace: `npm start` with neither Slack nor Teams configured serves, on localhost only, a
// small chat client in the browser (src/sandbox/public) that is a client of the real thing. Accord's Slack
// app runs as in production, its Web API client pointed at an in-process stand-in (standin.ts); the page
// renders the Block Kit the stand-in captured and sends every interaction to a route here that shapes it
// like Slack's payload, signs it with the sandbox's signing secret (never sent to the page) and forwards it
// to the real `POST /slack/events`. Nothing in here decides anything about disputes.

export interface SandboxInput {
  app: express.Express;
  deps: Deps;
  config: Config;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** the ledger import shared with `POST /api/v1/items` */
  ledger: LedgerImporter;
  /** the sandbox's business clock, `deps.clock` (openSandboxClock) */
  clock: SandboxClock;
}

export interface Sandbox {
  /** the config with the stand-in's Web API URL as the Slack API URL */
  config: Config;
  standin: Standin;
  /** logs where to open the sandbox, once Accord listens */
  announce(url: string): void;
  /**
   * The scheduler's jobs, which the clock buttons run at the new time, and how to wait for the delivery queue
   * (server.ts, once the jobs and Slack are built). Returns the jobs for the scheduler: each run waits while the
   * clock moves and its jobs run, so what a move sends is the move's (and the page says how much it was).
   */
  useJobs(jobs: readonly Job[], delivered: () => Promise<void>): Job[];
  /** ends the page's event streams (before the HTTP server closes) */
  closeStreams(): void;
  stop(): Promise<void>;
}

export interface Persona {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  timezone: string;
}

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const TEAM = "T0ACCORD";

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const d = zodDetails(r.error);
    throw new BadRequest(`${d.field || "body"}: ${d.issues[0]?.message ?? "invalid"}`, d);
  }
  return r.data;
}

const userId = z.string().regex(/^[UW][A-Z0-9]{2,30}$/);
/** one of the workspace's channels (src/sandbox/channels.ts); absent: the person's DM with Accord */
const channelId = z.enum(SANDBOX_CHANNELS.map((c) => c.id) as [string, ...string[]]).optional();
const values = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional();
const option = z.object({ text: z.object({ type: z.string(), text: z.string() }).passthrough().optional(), value: z.string() }).passthrough();
const action = z
  .object({
    action_id: z.string().min(1).max(255),
    block_id: z.string().max(255).optional(),
    type: z.string().min(1).max(50),
    value: z.string().max(2000).optional(),
    selected_option: option.nullable().optional(),
    selected_options: z.array(option).optional(),
    selected_date: z.string().nullable().optional(),
    selected_user: z.string().nullable().optional(),
    selected_users: z.array(z.string()).optional(),
    selected_time: z.string().nullable().optional(),
  })
  .strict();
const Bodies = {
  command: z.object({ user: userId, text: z.string().min(1).max(4000), channel: channelId }),
  message: z.object({ user: userId, text: z.string().min(1).max(4000), threadTs: z.string().max(40).optional(), channel: channelId }),
  action: z.object({
    user: userId,
    where: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("message"), ts: z.string().max(40), ephemeral: z.boolean().optional(), channel: channelId }),
      z.object({ kind: z.literal("view"), viewId: z.string().max(40) }),
      z.object({ kind: z.literal("home") }),
    ]),
    action,
    values,
  }),
  options: z.object({ user: userId, viewId: z.string().max(40), actionId: z.string().max(255), blockId: z.string().max(255), value: z.string().max(500), values }),
  submit: z.object({ user: userId, viewId: z.string().max(40), values }),
  close: z.object({ user: userId, viewId: z.string().max(40) }),
  home: z.object({ user: userId }),
  shortcut: z.object({ user: userId, ts: z.string().max(40), channel: channelId }),
  creditNote: z.object({ customerRef: z.string().min(1).max(100), ref: z.string().min(1).max(100), amount: z.string().min(1).max(30), issuedOn: z.string().max(10).optional() }),
};

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** The page's API is for this machine's browser only: no other Host (DNS rebinding), JSON writes (no form posts from other sites). */
function guard(req: Request, res: Response, next: NextFunction): void {
  const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
  if (!LOOPBACK_HOSTS.test(host)) {
    res.status(403).json({ error: { code: "forbidden", message: "The sandbox answers on localhost only", details: {} } });
    return;
  }
  if (req.method !== "GET") {
    const origin = req.headers.origin;
    const sameOrigin = (o: string) => {
      try {
        return new URL(o).host === req.headers.host;
      } catch {
        return false;
      }
    };
    if (origin && !sameOrigin(origin)) {
      res.status(403).json({ error: { code: "forbidden", message: "Cross-origin request refused", details: {} } });
      return;
    }
    if (!req.is("application/json")) {
      res.status(415).json({ error: { code: "validation", message: "JSON only", details: {} } });
      return;
    }
  }
  next();
}

/**
 * The sandbox's clock: `base` (real time unless a test gives one) plus the offset kept beside the conversations
 * file. A file that cannot be read is said and removed: real time again.
 */
export function openSandboxClock(config: Pick<Config, "database">, base: (() => Date) | undefined, log: SandboxInput["log"]): SandboxClock {
  const file = clockFile(conversationsFile(config.database));
  const real = base ? () => base().getTime() : Date.now;
  try {
    return new SandboxClock(file, real);
  } catch (e) {
    log.warn({ file, err: e instanceof Error ? e.message : String(e) }, "sandbox: the saved clock cannot be read; back to real time");
    resetClockOffset(file);
    return new SandboxClock(file, real);
  }
}

/**
 * On first start (an empty database), the French demo at real time (the clock's offset goes with the old data),
 * with a Slack id for each demo person and the managers' channel subscribed to the daily digest.
 */
async function loadDemo(deps: Deps, clock: SandboxClock): Promise<Awaited<ReturnType<typeof seedDemo>> | null> {
  if ((await deps.store.customers.list()).length) return null;
  clock.reset();
  const loaded = await seedDemo(deps, { digestChannel: DIGEST_CHANNEL.id });
  await deps.store.people.upsertMany(DEMO_PEOPLE.map((p) => ({ email: p.email, name: p.name, role: p.role, slackUserId: sandboxUserId(p.email) })));
  return loaded;
}

export async function startSandbox(input: SandboxInput): Promise<Sandbox> {
  const { app, deps, log } = input;
  if (!input.config.slack) throw new Error("startSandbox: the sandbox's Slack settings are missing (config.ts sets them)");
  const secret = input.config.slack.signingSecret;
  const clock = input.clock;
  const demo = await loadDemo(deps, clock);
  if (demo) log.info({ demo }, "sandbox: French demo data loaded into the empty database");
  const standin = await Standin.start(() => clock.now().getTime());
  // Accord is in the workspace's channels, as after `/invite @Accord`
  for (const c of SANDBOX_CHANNELS) {
    standin.fake.botChannels.add(c.id);
    standin.fake.channelNames.set(c.id, c.name);
  }
  await restoreConversations(deps, standin, { file: conversationsFile(input.config.database), freshDemo: Boolean(demo), log });
  const config: Config = { ...input.config, slack: { ...input.config.slack, apiUrl: standin.apiUrl } };

  // ---- the people of the workspace: every Accord person, with their Slack id or one made for the sandbox ----
  async function personas(): Promise<Persona[]> {
    const people = await deps.store.people.list();
    const out = people
      .map((p) => ({ id: p.slackUserId ?? sandboxUserId(p.email), email: p.email, name: p.name, role: p.role, locale: p.locale, timezone: p.timezone }))
      .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name));
    for (const p of out) standin.fake.addUser({ id: p.id, email: p.email, name: p.name, locale: p.locale === "fr" ? "fr-FR" : "en-US" });
    return out;
  }
  await personas();
  async function persona(id: string): Promise<Persona> {
    const p = (await personas()).find((x) => x.id === id);
    if (!p) throw new BadRequest(`No person ${id} in the sandbox`, { field: "user" });
    return p;
  }

  // ---- change notifications: Server-Sent Events; the page re-reads what it shows ----
  const streams = new Set<Response>();
  let version = 0;
  let pending: NodeJS.Timeout | null = null;
  let closed = false;
  const changed = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      version++;
      for (const s of streams) s.write(`event: change\ndata: ${version}\n\n`);
    }, 25);
  };
  standin.fake.on("call", changed);
  deps.listeners.push(() => changed());
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(`: ${Date.now()}\n\n`);
  }, 20_000);
  heartbeat.unref();

  // ---- signed requests to the real Slack endpoint ----
  let selfUrl = "";
  const sim = (req: Request) => {
    let base = selfUrl;
    if (!base) {
      const addr = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
      base = `http://${addr.includes(":") ? `[${addr}]` : addr}:${req.socket.localPort}`;
    }
    return new SlackSim(`${base}${SLACK_EVENTS_PATH}`, secret, TEAM);
  };
  const who = (p: Persona) => ({ id: p.id, username: p.name, name: p.name, team_id: TEAM });

  // ---- the page ----
  app.get("/", (_req, res) => {
    res.set("cache-control", "no-cache").sendFile(path.join(PUBLIC_DIR, "index.html"));
  });
  app.use("/sandbox/assets", express.static(PUBLIC_DIR, { index: false, cacheControl: true, maxAge: 0 }));

  const r = express.Router();
  r.use(guard, express.json({ limit: "2mb" }));

  r.get("/info", async (_req, res) => {
    res.json({ sandbox: true, personas: await personas(), version, reason: config.sandbox ? config.sandbox.reason : null });
  });
  r.get("/personas", async (_req, res) => {
    res.json({ personas: await personas() });
  });
  r.get("/stream", (req, res) => {
    if (closed) return void res.status(503).end();
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write(`retry: 1000\nevent: change\ndata: ${version}\n\n`);
    streams.add(res);
    req.on("close", () => streams.delete(res));
  });
  r.get("/state", async (req, res) => {
    const p = await persona(String(req.query.user ?? ""));
    const asked = typeof req.query.channel === "string" && req.query.channel ? req.query.channel : null;
    if (asked && !SANDBOX_CHANNELS.some((c) => c.id === asked)) throw new BadRequest(`channel: no channel ${asked} in the sandbox`, { field: "channel" });
    const channel = asked ?? dmChannelOf(p.id);
    res.json({
      version, user: p, channel, clock: await clockState(),
      // the workspace's channels for the side bar, with how many posts each has (the page marks new ones)
      channels: SANDBOX_CHANNELS.map((c) => ({ ...c, posts: standin.fake.posts(c.id).length })),
      timeline: standin.timeline(p.id, channel), modal: standin.modal(p.id), home: standin.home(p.id),
    });
  });

  // ---- the clock: the business time every `now` of this process reads; the buttons move it forward ----
  let jobs: readonly Job[] = [];
  let delivered: () => Promise<void> = () => Promise.resolve();
  async function clockState() {
    const tz = (await deps.store.settings.get()).timezone;
    const now = clock.now();
    return { now: now.toISOString(), today: todayIn(tz, now), timezone: tz, offsetMs: clock.offset };
  }
  r.get("/clock", async (_req, res) => {
    res.json({ clock: await clockState() });
  });
  // one job run at a time, the scheduler's and the buttons': a move is not split with a tick running beside it
  let running: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = running.then(fn, fn);
    running = next.catch(() => undefined);
    return next;
  };
  r.post("/clock", async (req, res) => {
    const body = (req.body ?? {}) as { user?: unknown; advance?: unknown };
    // the words of the person who clicked, when the body names one
    const who = typeof body.user === "string" ? (await personas()).find((x) => x.id === body.user) : undefined;
    const t = SANDBOX_CLOCK_TEXT[who?.locale === "fr" ? "fr" : "en"];
    const bad = (field: string, message: string) => void res.status(400).json({ error: { code: "validation", message, details: { field } } });
    if (body.user !== undefined && !who) return bad("user", t.unknownUser);
    if (typeof body.advance !== "string" || !(ADVANCES as readonly string[]).includes(body.advance)) return bad("advance", t.badAdvance(ADVANCES));
    const extra = Object.keys(body).filter((k) => k !== "user" && k !== "advance");
    if (extra.length) return bad(extra[0]!, t.unknownField(extra[0]!));
    // one advance at a time (the second starts from where the first left the clock), no tick beside it
    const moved = exclusive(async () => {
      const tz = (await deps.store.settings.get()).timezone;
      const from = clock.now();
      const to = clock.advance(body.advance as Advance, tz);
      log.info({ from: from.toISOString(), to: to.toISOString(), offsetMs: clock.offset }, "sandbox: clock moved forward");
      const ran: Record<string, { done: number; failed: number }> = {};
      for (const job of jobs) {
        try {
          ran[job.name] = await job.run(to);
        } catch (err) {
          log.warn({ job: job.name, err: err instanceof Error ? err.message : String(err) }, "sandbox: a job failed after the clock moved");
          ran[job.name] = { done: 0, failed: 1 };
        }
      }
      return { from: from.toISOString(), ran };
    });
    const out = await moved;
    await delivered();
    changed();
    res.json({ ok: true, from: out.from, clock: await clockState(), ran: out.ran });
  });
  r.get("/files/:index", (req, res) => {
    const f = standin.file(Number(req.params.index));
    if (!f) return void res.status(404).end();
    res.attachment(f.filename).send(f.content);
  });

  r.post("/command", async (req, res) => {
    const b = parse(Bodies.command, req.body);
    const p = await persona(b.user);
    const m = /^(\/\S+)\s*([\s\S]*)$/.exec(b.text.trim());
    if (!m) throw new BadRequest("A command starts with /", { field: "text" });
    if (m[1] !== "/dispute") return void res.json({ ok: false, error: "unknown_command", command: m[1] });
    const channel = b.channel ?? dmChannelOf(p.id);
    const sent = await sim(req).command(who(p), m[2]!.trim(), { channel, responseUrl: standin.responseUrlFor(p.id, channel), triggerId: triggerFor(p.id) });
    changed();
    res.json({ ok: sent.status === 200, status: sent.status });
  });

  r.post("/message", async (req, res) => {
    const b = parse(Bodies.message, req.body);
    const p = await persona(b.user);
    const channel = b.channel ?? dmChannelOf(p.id);
    const msg = standin.fake.userMessage(channel, p.id, b.text, b.threadTs ?? null);
    changed();
    const sent = await sim(req).event({ type: "message", channel, channel_type: b.channel ? "channel" : "im", user: p.id, text: b.text, ts: msg.ts, ...(b.threadTs ? { thread_ts: b.threadTs } : {}) });
    res.json({ ok: sent.status === 200, ts: msg.ts });
  });

  r.post("/action", async (req, res) => {
    const b = parse(Bodies.action, req.body);
    const p = await persona(b.user);
    const channel = (b.where.kind === "message" ? b.where.channel : undefined) ?? dmChannelOf(p.id);
    const base = { type: "block_actions", user: who(p), trigger_id: triggerFor(p.id), actions: [{ block_id: "b", ...b.action, action_ts: String(Date.now() / 1000) }] };
    let payload: Record<string, unknown>;
    if (b.where.kind === "view") {
      const view = standin.viewFor(p.id, b.where.viewId, b.values);
      if (!view) return void res.status(404).json({ error: { code: "not_found", message: "That modal is closed", details: {} } });
      payload = { ...base, container: { type: "view", view_id: view.id }, view };
    } else if (b.where.kind === "home") {
      const home = standin.home(p.id);
      if (!home) return void res.status(404).json({ error: { code: "not_found", message: "No Home tab yet", details: {} } });
      payload = { ...base, container: { type: "view", view_id: home.id }, view: { ...home, state: { values: b.values ?? {} } } };
    } else {
      const stored = (standin.fake.messages.get(channel) ?? []).find((m) => m.ts === (b.where as { ts: string }).ts);
      const ephemeral = Boolean(b.where.ephemeral);
      payload = {
        ...base,
        container: { type: "message", message_ts: b.where.ts, channel_id: channel, is_ephemeral: ephemeral },
        channel: { id: channel, name: SANDBOX_CHANNELS.find((c) => c.id === channel)?.name ?? "directmessage" },
        ...(ephemeral ? {} : { message: { type: "message", ts: b.where.ts, text: stored?.text ?? "", user: standin.fake.botUserId, blocks: stored?.blocks ?? [] } }),
        response_url: standin.responseUrlFor(p.id, channel),
      };
    }
    const sent = await sim(req).interaction(payload);
    changed();
    res.json({ ok: sent.status === 200, status: sent.status });
  });

  r.post("/options", async (req, res) => {
    const b = parse(Bodies.options, req.body);
    const p = await persona(b.user);
    const view = standin.viewFor(p.id, b.viewId, b.values);
    if (!view) return void res.status(404).json({ error: { code: "not_found", message: "That modal is closed", details: {} } });
    const sent = await sim(req).interaction({ type: "block_suggestion", user: who(p), action_id: b.actionId, block_id: b.blockId, value: b.value, container: { type: "view", view_id: view.id }, view });
    const body = (sent.json ?? {}) as { options?: unknown[]; option_groups?: unknown[] };
    res.json({ options: body.options ?? [], ...(body.option_groups ? { option_groups: body.option_groups } : {}) });
  });

  r.post("/submit", async (req, res) => {
    const b = parse(Bodies.submit, req.body);
    const p = await persona(b.user);
    const view = standin.viewFor(p.id, b.viewId, b.values);
    if (!view) return void res.status(404).json({ error: { code: "not_found", message: "That modal is closed", details: {} } });
    const sent = await sim(req).interaction({ type: "view_submission", user: who(p), trigger_id: triggerFor(p.id), view, response_urls: [] });
    if (sent.status !== 200) return void res.status(502).json({ error: { code: "slack_endpoint", message: `Accord answered ${sent.status}`, details: {} } });
    const ack = (sent.json ?? {}) as { response_action?: string; errors?: Record<string, string>; view?: Record<string, unknown> };
    switch (ack.response_action) {
      case "errors":
        standin.setErrors(b.viewId, ack.errors ?? {});
        break;
      case "update":
        if (ack.view) standin.replace(b.viewId, ack.view);
        break;
      case "push":
        if (ack.view) await standin.push(p.id, ack.view);
        break;
      case "clear":
        standin.clear(p.id);
        break;
      default:
        standin.closeView(p.id, b.viewId);
    }
    changed();
    res.json({ ok: true, responseAction: ack.response_action ?? null, errors: ack.errors ?? {} });
  });

  r.post("/close", async (req, res) => {
    const b = parse(Bodies.close, req.body);
    const p = await persona(b.user);
    const view = standin.closeView(p.id, b.viewId);
    changed();
    if (view?.notify_on_close) await sim(req).interaction({ type: "view_closed", user: who(p), view: { ...view, state: { values: {} } }, is_cleared: false });
    res.json({ ok: Boolean(view) });
  });

  r.post("/home", async (req, res) => {
    const b = parse(Bodies.home, req.body);
    const p = await persona(b.user);
    const sent = await sim(req).event({ type: "app_home_opened", user: p.id, channel: dmChannelOf(p.id), tab: "home" });
    res.json({ ok: sent.status === 200 });
  });

  r.post("/shortcut", async (req, res) => {
    const b = parse(Bodies.shortcut, req.body);
    const p = await persona(b.user);
    const channel = b.channel ?? dmChannelOf(p.id);
    const msg = (standin.fake.messages.get(channel) ?? []).find((m) => m.ts === b.ts);
    if (!msg) return void res.status(404).json({ error: { code: "not_found", message: "No such message", details: {} } });
    const sent = await sim(req).messageShortcut(who(p), { text: msg.text, ts: msg.ts, user: msg.user ?? standin.fake.botUserId }, channel, SHORTCUT_ID);
    changed();
    res.json({ ok: sent.status === 200 });
  });

  // ---- the collections panel and its ledger action ----
  r.get("/collections", async (req, res) => {
    const mode = req.query.mode === "account" || req.query.mode === "item" ? req.query.mode : undefined;
    const customer = typeof req.query.customer === "string" && req.query.customer ? req.query.customer : undefined;
    res.json(await collectionsView(deps, { mode, customerRef: customer }));
  });
  r.post("/ledger/credit-note", async (req, res) => {
    const b = parse(Bodies.creditNote, req.body);
    const result = await importCreditNote(deps, input.ledger, b);
    changed();
    res.json({ result });
  });
  r.use((req, res) => {
    res.status(404).json({ error: { code: "not_found", message: `No route ${req.method} ${req.baseUrl}${req.path}`, details: {} } });
  });
  app.use("/sandbox/api", r);

  log.warn(
    { sandbox: config.sandbox ? config.sandbox.reason : null, signingSecret: "random, server-side only", slackApiUrl: standin.apiUrl },
    "SANDBOX MODE: a local demo workspace stands in for Slack and Teams; nothing is sent to Slack or Teams. Not for production.",
  );
  if (config.sandbox && config.sandbox.ignoredHost) log.warn({ ignoredHost: config.sandbox.ignoredHost, host: config.host }, "sandbox: HOST ignored, the sandbox listens on this machine only");

  return {
    config,
    standin,
    useJobs(list, wait) {
      jobs = list;
      delivered = wait;
      return list.map((job) => ({ ...job, run: (now: Date) => exclusive(() => job.run(now)) }));
    },
    announce(url: string) {
      selfUrl = url;
      // PORT=0 (any free port): links in notices name the port actually taken
      if (/:0$/.test(deps.publicUrl)) deps.publicUrl = url;
      log.warn({ url: `${url}/` }, `SANDBOX: open ${url}/ in your browser (a local sandbox workspace, not Slack)`);
    },
    closeStreams() {
      closed = true;
      for (const s of streams) s.end();
      streams.clear();
    },
    async stop() {
      closed = true;
      clearInterval(heartbeat);
      if (pending) clearTimeout(pending);
      for (const s of streams) s.end();
      streams.clear();
      standin.fake.off("call", changed);
      await standin.stop();
    },
  };
}

/**
 * The conversations of the last run, if they belong to this database (conversations.ts): every card the
 * database refers to is among them, and a database without cards (new, or reset by seed --demo --reset)
 * does not inherit another's. Either way the stand-in's ts continue past every card ref the database holds.
 */
async function restoreConversations(deps: Deps, standin: Standin, opts: { file: string; freshDemo: boolean; log: SandboxInput["log"] }): Promise<void> {
  const { file } = opts;
  let saved: SavedConversations | null = null;
  try {
    saved = readConversations(file);
  } catch (e) {
    opts.log.warn({ file, err: e instanceof Error ? e.message : String(e) }, "sandbox: the saved conversations cannot be read; starting with empty conversations");
  }
  const cards = (await Promise.all((await deps.store.disputes.list({})).map((d) => deps.store.slack.cardsOf(d.id)))).flat();
  if (saved) {
    const known = new Set(saved.messages.map((m) => `${m.channel} ${m.ts}`));
    const missing = cards.filter((c) => !known.has(`${c.channel} ${c.ts}`));
    const botPosts = saved.messages.some((m) => !m.user && !m.threadTs);
    const why = opts.freshDemo ? "the database is new" : missing.length ? `${missing.length} of the database's cards are not in it` : !cards.length && botPosts ? "the database holds no card" : null;
    if (why) {
      opts.log.warn({ file, reason: why }, "sandbox: the saved conversations belong to another database; starting with empty conversations");
      saved = null;
    } else {
      opts.log.info({ file, messages: saved.messages.length }, "sandbox: conversations of the last run restored");
    }
  }
  standin.restore(saved, latestTs(cards.map((c) => c.ts)));
  standin.keepIn(file, (err) => opts.log.warn({ file, err: err instanceof Error ? err.message : String(err) }, "sandbox: the conversations cannot be saved; they will not survive a restart"));
}

const ROLE_ORDER: Role[] = ["controller", "sales", "manager", "admin"];
const ADVANCES: readonly Advance[] = ["tomorrow-0900", "plus-1-week"];
