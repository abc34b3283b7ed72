import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDatabaseUrl, type DatabaseOptions, type DatabaseTarget } from "./db/connect.ts";

// The one place that reads process.env. Every problem is reported at once at start.
// The environment holds infrastructure and secrets only; company settings live in the database.

/** true / false, or undefined when unset or empty */
const triState = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => (v === "true" || v === "1" || v === "yes" ? true : v === "false" || v === "0" || v === "no" ? false : undefined));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    PUBLIC_URL: z.url().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DATABASE_URL: z
      .string()
      .default("file:./data/accord.db")
      .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\/./.test(v), "must be a SQLite file URL (file:./data/accord.db) or a PostgreSQL URL (postgres://user:password@host:5432/accord)"),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_CA_FILE: optionalString,
    ACCORD_API_TOKENS: optionalString,
    COLLECTIONS_MODE: z.enum(["embedded", "webhook"]).default("embedded"),
    COLLECTIONS_WEBHOOK_URL: z.url().optional(),
    COLLECTIONS_WEBHOOK_SECRET: optionalString,
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60000).default(1000),
    OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).max(600000).default(30000),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_BOT_TOKEN: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_API_URL: z.url().optional(),
    SLACK_DISPUTES_CHANNEL: optionalString,
    SLACK_PACE_CHANNEL_PER_SEC: z.coerce.number().positive().max(1000).default(1),
    SLACK_PACE_UPDATE_PER_MIN: z.coerce.number().positive().max(60000).default(50),
    SLACK_PACE_WORKSPACE_PER_SEC: z.coerce.number().positive().max(10000).default(10),
    SLACK_PROBE_SECONDS: z.coerce.number().positive().max(3600).default(60),
    /** how often the scheduler's tick runs the due jobs (reminders, escalations) */
    ACCORD_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** unset: automatic (see `decideSandbox`); true: force on; false: off */
    ACCORD_SANDBOX: triState,
    // Microsoft Teams (src/teams/mount.ts): all three credentials, or the local dev flag, or Teams is off
    TEAMS_CLIENT_ID: optionalString,
    TEAMS_CLIENT_SECRET: optionalString,
    TEAMS_TENANT_ID: optionalString,
    TEAMS_DEV_UNAUTHENTICATED: triState,
    TEAMS_CLOUD: optionalString,
    TEAMS_SERVICE_URL: z.url().optional(),
    TEAMS_LOGIN_ENDPOINT: z.url().optional(),
    TEAMS_OPENID_METADATA_URL: z.url().optional(),
    TEAMS_TOKEN_ISSUER: optionalString,
    TEAMS_DISPUTES_CHANNEL: optionalString,
    // Teams' limits per bot (src/teams/delivery.ts teamsRateKeys), shared by every replica
    TEAMS_PACE_CONVERSATION_PER_SEC: z.coerce.number().int("a whole number of messages").min(1).max(1000).default(7),
    TEAMS_PACE_CONVERSATION_PER_HOUR: z.coerce.number().int("a whole number of messages").min(2).max(1_000_000).default(1800),
    TEAMS_PACE_BOT_PER_SEC: z.coerce.number().int("a whole number of calls").min(1).max(10_000).default(30),
  })
  .superRefine((e, ctx) => {
    if (e.COLLECTIONS_MODE === "webhook") {
      if (!e.COLLECTIONS_WEBHOOK_URL) ctx.addIssue({ code: "custom", path: ["COLLECTIONS_WEBHOOK_URL"], message: "required when COLLECTIONS_MODE=webhook" });
      if (!e.COLLECTIONS_WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["COLLECTIONS_WEBHOOK_SECRET"], message: "required when COLLECTIONS_MODE=webhook" });
    }
    const slack = [e.SLACK_SIGNING_SECRET, e.SLACK_BOT_TOKEN];
    if (slack.some(Boolean) && !slack.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: [e.SLACK_BOT_TOKEN ? "SLACK_SIGNING_SECRET" : "SLACK_BOT_TOKEN"], message: "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN go together" });
    }
    if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "required with SLACK_APP_TOKEN (Socket Mode)" });
    if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith("xapp-")) ctx.addIssue({ code: "custom", path: ["SLACK_APP_TOKEN"], message: "an app-level token starts with xapp-" });
    for (const p of teamsProblems(e)) ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
    if (e.TEAMS_PACE_CONVERSATION_PER_HOUR < e.TEAMS_PACE_CONVERSATION_PER_SEC)
      ctx.addIssue({ code: "custom", path: ["TEAMS_PACE_CONVERSATION_PER_HOUR"], message: `at least TEAMS_PACE_CONVERSATION_PER_SEC (${e.TEAMS_PACE_CONVERSATION_PER_SEC}): an hour holds more than a second` });
    if (e.ACCORD_SANDBOX === true && (e.SLACK_SIGNING_SECRET || e.SLACK_BOT_TOKEN || e.SLACK_APP_TOKEN)) {
      ctx.addIssue({ code: "custom", path: ["ACCORD_SANDBOX"], message: "the sandbox is its own local workspace: unset the SLACK_* settings, or ACCORD_SANDBOX" });
    }
  });

/** Teams settings (any TEAMS_* variable set) turn the automatic sandbox off. */
const teamsConfigured = (env: Record<string, string | undefined>) => Object.entries(env).some(([k, v]) => k.startsWith("TEAMS_") && Boolean(v?.trim()));

const isLoopback = (host: string) => host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * The local sandbox workspace (src/sandbox): forced with ACCORD_SANDBOX=true, off with false; otherwise on
 * only when neither Slack nor Teams is configured and NODE_ENV is development (never in production, nor
 * under NODE_ENV=test where tests build their own data).
 */
function decideSandbox(e: z.infer<typeof envSchema>, env: Record<string, string | undefined>): "forced" | "auto" | null {
  if (e.ACCORD_SANDBOX === true) return "forced";
  if (e.ACCORD_SANDBOX === false) return null;
  const chat = Boolean(e.SLACK_SIGNING_SECRET || e.SLACK_BOT_TOKEN || e.SLACK_APP_TOKEN) || teamsConfigured(env);
  return !chat && e.NODE_ENV === "development" ? "auto" : null;
}

/** What a REST token may reach: ledger sync and dunning, disputes, company settings (and admins in ledger sync). */
export const API_SCOPES = ["ledger", "disputes", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiToken {
  name: string;
  token: string;
  /** `name:token:ledger+disputes`; a token written without scopes (`name:token`) has every scope. */
  scopes: ApiScope[];
}

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  publicUrl: string;
  logLevel: string;
  /** DATABASE_URL: a SQLite file (absolute path, resolved once) or a PostgreSQL server. */
  database: DatabaseTarget;
  /** PostgreSQL pool size and TLS CA (DATABASE_POOL_SIZE, DATABASE_CA_FILE). */
  databaseOptions: DatabaseOptions;
  apiTokens: ApiToken[];
  collections: { mode: "embedded" | "webhook"; webhookUrl?: string; webhookSecret?: string; pollMs: number; leaseMs: number };
  slack?: { signingSecret: string; botToken: string; appToken?: string; apiUrl?: string; disputesChannel?: string };
  /** How the Slack deliverer paces its calls (shared by every replica through the database) and probes a refused token. */
  slackDelivery: { pacing: { channelPerSec: number; updatePerMin: number; workspacePerSec: number }; probeMs: number };
  /** The scheduler (src/jobs/scheduler.ts): one tick every `tickSeconds`. */
  jobs: { tickSeconds: number };
  /**
   * The local sandbox workspace (src/sandbox), or false. When on, `slack` is the sandbox's own (a random
   * signing secret, a fake bot token; the stand-in Web API's URL is filled in at start) and `host` is loopback.
   */
  sandbox: false | { reason: "forced" | "auto"; ignoredHost?: string };
  /** Microsoft Teams (src/teams/mount.ts), or absent: Teams is off and POST /api/messages answers 404. */
  teams?: TeamsConfig;
}

export const TEAMS_CLOUDS = ["Public", "USGov", "USGovDoD", "China"] as const;
export type TeamsCloudName = (typeof TEAMS_CLOUDS)[number];

/** What the Teams SDK is given, every option explicitly (it would otherwise read CLIENT_ID, SERVICE_URL… itself). */
export interface TeamsConfig {
  /**
   * The bot's Entra app registration (TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID): incoming activities
   * are checked (JWT), replies get a bot token. null with `devUnauthenticated` (the local Agents Playground).
   */
  credentials: { clientId: string; clientSecret: string; tenantId: string } | null;
  /** TEAMS_DEV_UNAUTHENTICATED=true: no token checked on POST /api/messages (never in production). */
  devUnauthenticated: boolean;
  /** TEAMS_CLOUD: which Microsoft cloud's endpoints (default Public). */
  cloud: TeamsCloudName;
  /** Overrides of the cloud's endpoints (TEAMS_LOGIN_ENDPOINT, TEAMS_OPENID_METADATA_URL, TEAMS_TOKEN_ISSUER): a private cloud, tests. */
  endpoints: { loginEndpoint?: string; openIdMetadataUrl?: string; tokenIssuer?: string };
  /** TEAMS_SERVICE_URL: the Bot Connector base URL for messages not answering an activity (default Teams' global one). */
  serviceUrl: string;
  /**
   * TEAMS_DISPUTES_CHANNEL: a team channel (its conversation id) where every new dispute's card is also posted,
   * read-only, and updated in place like the owner's copy; sent at the service URL of its stored reference.
   */
  disputesChannel?: string;
  /** TEAMS_PACE_*: messages per conversation a second and an hour, and every call of the bot a second (Teams: 7, 1,800, 30) */
  pacing: { perSecond: number; perHour: number; botPerSecond: number };
}

export const TEAMS_DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams";

/** A team channel's conversation id (19:…@thread.tacv2, older teams @thread.skype), without a thread's ;messageid= */
const TEAMS_CHANNEL_ID = /^19:[^\s;]+@thread\.[a-z0-9]+$/i;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every problem of the TEAMS_* settings: all three credentials or none, the dev flag never in production. */
function teamsProblems(e: {
  NODE_ENV: string;
  HOST: string;
  ACCORD_SANDBOX?: boolean | undefined;
  TEAMS_CLIENT_ID?: string | undefined;
  TEAMS_CLIENT_SECRET?: string | undefined;
  TEAMS_TENANT_ID?: string | undefined;
  TEAMS_DEV_UNAUTHENTICATED?: boolean | undefined;
  TEAMS_CLOUD?: string | undefined;
  TEAMS_LOGIN_ENDPOINT?: string | undefined;
  TEAMS_OPENID_METADATA_URL?: string | undefined;
  TEAMS_DISPUTES_CHANNEL?: string | undefined;
}): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const creds = { TEAMS_CLIENT_ID: e.TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET: e.TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID: e.TEAMS_TENANT_ID };
  const given = Object.entries(creds).filter(([, v]) => v);
  if (given.length && given.length < 3) {
    for (const [k, v] of Object.entries(creds)) {
      if (!v) out.push({ path: k, message: `missing: Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID together (${given.map(([g]) => g).join(", ")} ${given.length === 1 ? "is" : "are"} set)` });
    }
  }
  if (e.TEAMS_CLIENT_ID && !GUID.test(e.TEAMS_CLIENT_ID)) out.push({ path: "TEAMS_CLIENT_ID", message: "the bot's Microsoft App ID, a GUID (00000000-0000-0000-0000-000000000000)" });
  if (e.TEAMS_DEV_UNAUTHENTICATED === true) {
    if (e.NODE_ENV === "production") out.push({ path: "TEAMS_DEV_UNAUTHENTICATED", message: "refused when NODE_ENV=production: it turns off the check of Microsoft's token on POST /api/messages (local Agents Playground only)" });
    if (given.length) out.push({ path: "TEAMS_DEV_UNAUTHENTICATED", message: "is for the local Agents Playground, without credentials: unset it, or unset TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID" });
    // anyone who reaches the port could write as any Teams user: this machine only (the sandbox forces loopback by itself)
    if (!isLoopback(e.HOST) && e.ACCORD_SANDBOX !== true) out.push({ path: "TEAMS_DEV_UNAUTHENTICATED", message: `accepts activities from anyone who reaches the port: listen on this machine only (HOST=127.0.0.1, not ${e.HOST})` });
  }
  if (e.TEAMS_CLOUD && !TEAMS_CLOUDS.some((c) => c.toLowerCase() === e.TEAMS_CLOUD!.toLowerCase())) out.push({ path: "TEAMS_CLOUD", message: `unknown cloud "${e.TEAMS_CLOUD}" (known: ${TEAMS_CLOUDS.join(", ")})` });
  if (e.TEAMS_DISPUTES_CHANNEL) {
    if (!TEAMS_CHANNEL_ID.test(e.TEAMS_DISPUTES_CHANNEL)) out.push({ path: "TEAMS_DISPUTES_CHANNEL", message: `a team channel's conversation id, 19:…@thread.tacv2 (in Teams: the channel's ⋯ → Get link to channel, the part after /channel/, decoded), not "${e.TEAMS_DISPUTES_CHANNEL}"` });
    if (!given.length && e.TEAMS_DEV_UNAUTHENTICATED !== true) out.push({ path: "TEAMS_DISPUTES_CHANNEL", message: "Teams is off: set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID (or TEAMS_DEV_UNAUTHENTICATED=true locally), or unset it" });
  }
  if (e.NODE_ENV === "production") {
    for (const k of ["TEAMS_LOGIN_ENDPOINT", "TEAMS_OPENID_METADATA_URL"] as const) {
      const v = e[k];
      if (v && !v.startsWith("https://")) out.push({ path: k, message: "must be an https:// URL in production" });
    }
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * `ACCORD_API_TOKENS`: comma-separated `name:token` pairs (or bare tokens, named token1, token2...), each with
 * optional scopes after a second colon, joined by `+`: `erp:token:ledger`, `ops:token:admin+ledger`.
 * Without scopes a token keeps every scope (set-ups written before scopes keep working).
 */
function parseTokens(raw: string | undefined): { tokens: ApiToken[]; problems: string[] } {
  const problems: string[] = [];
  if (!raw) return { tokens: [], problems };
  const tokens = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s, i): ApiToken => {
      const parts = s.split(":");
      if (parts.length < 2) return { name: `token${i + 1}`, token: s, scopes: [...API_SCOPES] };
      const name = parts[0] || `token${i + 1}`;
      if (parts.length === 2) return { name, token: parts[1]!, scopes: [...API_SCOPES] };
      const scopeText = parts.at(-1)!;
      const scopes = scopeText.split("+").map((x) => x.trim());
      const unknown = scopes.filter((x) => !(API_SCOPES as readonly string[]).includes(x));
      if (unknown.length || !scopeText) problems.push(`ACCORD_API_TOKENS: token "${name}" has unknown scope${unknown.length === 1 ? "" : "s"} "${unknown.join("+") || scopeText}" (known: ${API_SCOPES.join(", ")}; join several with +)`);
      return { name, token: parts.slice(1, -1).join(":"), scopes: [...new Set(scopes)].filter((x): x is ApiScope => (API_SCOPES as readonly string[]).includes(x)) };
    });
  return { tokens, problems };
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.DATABASE_CA_FILE && !fs.existsSync(path.resolve(cwd, e.DATABASE_CA_FILE))) throw new ConfigError([`DATABASE_CA_FILE: no such file ${e.DATABASE_CA_FILE}`]);
  const sandbox = decideSandbox(e, env);
  // The sandbox has no authentication: it listens on this machine only, whatever HOST says.
  const host = sandbox && !isLoopback(e.HOST) ? "127.0.0.1" : e.HOST;
  const { tokens, problems: tokenProblems } = parseTokens(e.ACCORD_API_TOKENS);
  const short = tokens.filter((t) => t.token.length < 16);
  const tokenErrors = [...tokenProblems, ...short.map((t) => `ACCORD_API_TOKENS: token "${t.name}" is shorter than 16 characters`)];
  if (tokenErrors.length) throw new ConfigError(tokenErrors);
  const slack = sandbox
    ? { signingSecret: crypto.randomBytes(24).toString("hex"), botToken: "xoxb-sandbox" }
    : e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
    ? {
        signingSecret: e.SLACK_SIGNING_SECRET,
        botToken: e.SLACK_BOT_TOKEN,
        ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
        ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
        ...(e.SLACK_DISPUTES_CHANNEL ? { disputesChannel: e.SLACK_DISPUTES_CHANNEL } : {}),
      }
    : undefined;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host,
    publicUrl: (e.PUBLIC_URL ?? `http://${host === "0.0.0.0" ? "localhost" : host}:${e.PORT}`).replace(/\/$/, ""),
    logLevel: e.LOG_LEVEL,
    database: parseDatabaseUrl(e.DATABASE_URL, cwd),
    databaseOptions: { poolSize: e.DATABASE_POOL_SIZE, ...(e.DATABASE_CA_FILE ? { caFile: path.resolve(cwd, e.DATABASE_CA_FILE) } : {}) },
    apiTokens: tokens,
    collections: {
      mode: e.COLLECTIONS_MODE,
      ...(e.COLLECTIONS_WEBHOOK_URL ? { webhookUrl: e.COLLECTIONS_WEBHOOK_URL } : {}),
      ...(e.COLLECTIONS_WEBHOOK_SECRET ? { webhookSecret: e.COLLECTIONS_WEBHOOK_SECRET } : {}),
      pollMs: e.OUTBOX_POLL_MS,
      leaseMs: e.OUTBOX_LEASE_MS,
    },
    ...(slack ? { slack } : {}),
    slackDelivery: {
      // the sandbox's stand-in has no limits: unless set, it is paced loosely, so nothing waits a second
      pacing: {
        channelPerSec: sandbox && !env.SLACK_PACE_CHANNEL_PER_SEC ? 100 : e.SLACK_PACE_CHANNEL_PER_SEC,
        updatePerMin: sandbox && !env.SLACK_PACE_UPDATE_PER_MIN ? 6000 : e.SLACK_PACE_UPDATE_PER_MIN,
        workspacePerSec: sandbox && !env.SLACK_PACE_WORKSPACE_PER_SEC ? 1000 : e.SLACK_PACE_WORKSPACE_PER_SEC,
      },
      probeMs: e.SLACK_PROBE_SECONDS * 1000,
    },
    jobs: { tickSeconds: e.ACCORD_TICK_SECONDS },
    sandbox: sandbox ? { reason: sandbox, ...(host !== e.HOST ? { ignoredHost: e.HOST } : {}) } : false,
    ...(e.TEAMS_DEV_UNAUTHENTICATED || e.TEAMS_CLIENT_ID
      ? {
          teams: {
            credentials: e.TEAMS_CLIENT_ID && e.TEAMS_CLIENT_SECRET && e.TEAMS_TENANT_ID ? { clientId: e.TEAMS_CLIENT_ID, clientSecret: e.TEAMS_CLIENT_SECRET, tenantId: e.TEAMS_TENANT_ID } : null,
            devUnauthenticated: e.TEAMS_DEV_UNAUTHENTICATED === true,
            cloud: TEAMS_CLOUDS.find((c) => c.toLowerCase() === (e.TEAMS_CLOUD ?? "Public").toLowerCase())!,
            endpoints: {
              ...(e.TEAMS_LOGIN_ENDPOINT ? { loginEndpoint: e.TEAMS_LOGIN_ENDPOINT.replace(/\/+$/, "") } : {}),
              ...(e.TEAMS_OPENID_METADATA_URL ? { openIdMetadataUrl: e.TEAMS_OPENID_METADATA_URL } : {}),
              ...(e.TEAMS_TOKEN_ISSUER ? { tokenIssuer: e.TEAMS_TOKEN_ISSUER } : {}),
            },
            serviceUrl: (e.TEAMS_SERVICE_URL ?? TEAMS_DEFAULT_SERVICE_URL).replace(/\/+$/, ""),
            ...(e.TEAMS_DISPUTES_CHANNEL ? { disputesChannel: e.TEAMS_DISPUTES_CHANNEL } : {}),
            pacing: { perSecond: e.TEAMS_PACE_CONVERSATION_PER_SEC, perHour: e.TEAMS_PACE_CONVERSATION_PER_HOUR, botPerSecond: e.TEAMS_PACE_BOT_PER_SEC },
          } satisfies TeamsConfig,
        }
      : {}),
  };
}
