import { cloudFromName, withOverrides, type CloudEnvironment } from "@microsoft/teams.api";
import { App, ExpressAdapter } from "@microsoft/teams.apps";
import type { ILogger, ILoggerOptions, LogLevel } from "@microsoft/teams.common";
import type express from "express";
import type { Deps } from "../app/context.ts";
import type { Config, TeamsConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import { registerInstall } from "./listeners/install.ts";
import { registerMessage } from "./listeners/message.ts";
import type { Arrival } from "./listeners/turn.ts";
import { registerCardActions } from "./listeners/cardAction.ts";
import { registerDialog } from "./listeners/dialog.ts";
import { registerSearch } from "./listeners/search.ts";
import { clientCredentialsTokens, type TokenFactory } from "./token.ts";

// Mounts Microsoft Teams on Accord's express app: the Teams SDK's App (@microsoft/teams.apps 2.0.16) receives
// activities at POST /api/messages through an ExpressAdapter over our own express app (`app.initialize()`,
// never `app.start()`: the SDK opens no listener of its own). Every option the SDK would otherwise take from
// the environment (CLIENT_ID, CLIENT_SECRET, TENANT_ID, MANAGED_IDENTITY_CLIENT_ID, SERVICE_URL, CLOUD, OAUTH_URL,
// DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS) is passed explicitly from our config, so only the config decides.

export const TEAMS_MESSAGES_PATH = "/api/messages";

/** What the Teams listeners are given (E2's card actions and dialogs, F's deliverer take the same). */
export interface TeamsKit {
  deps: Deps;
  log: Logger;
  config: TeamsConfig;
  /** the cloud's endpoints as the SDK uses them (login, OpenID metadata, token issuer) */
  cloud: CloudEnvironment;
  /**
   * Called after an install or a message stored a conversation reference (with the person matched, if any):
   * e.g. the deliverer sends what waited for someone Accord could not reach. Failures are logged, never answered.
   */
  onConversation: ((arrival: Arrival) => void | Promise<void>)[];
}

export interface MountedTeams {
  /** the SDK's App (to send proactively: `sdk.api`, `sdk.send` need credentials) */
  sdk: App;
  kit: TeamsKit;
  /** the bot's access token for the Bot Connector (client credentials), or null without credentials (dev flag) */
  botToken: TokenFactory | null;
  stop(): Promise<void>;
}

export interface MountTeamsInput {
  app: express.Express;
  deps: Deps;
  config: Config;
  log: Logger;
}

/** The cloud's endpoints, with TEAMS_LOGIN_ENDPOINT / TEAMS_OPENID_METADATA_URL / TEAMS_TOKEN_ISSUER applied. */
export function teamsCloud(t: TeamsConfig): CloudEnvironment {
  return withOverrides(cloudFromName(t.cloud), t.endpoints);
}

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

/** The SDK's logger interface over our pino logger (its messages are lists of strings, objects and errors). */
export function sdkLogger(log: Logger, name = "teams"): ILogger {
  const fmt = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : (() => { try { return JSON.stringify(m); } catch { return String(m); } })()))
      .join(" ")
      .slice(0, 2000);
  const errOf = (msg: unknown[]) => msg.find((m): m is Error => m instanceof Error);
  // a refused token is the caller's problem, not ours: the SDK's JWT messages are warnings here
  const quiet = /jwt|token-validator/i.test(name);
  const write = (level: LogLevel, msg: unknown[]) => {
    const err = errOf(msg);
    const obj = { teams: name, ...(err ? { err } : {}) };
    const text = fmt(msg);
    if (level === "error") (quiet || /JWT (validation|verification) failed|Custom validation failed|Failed to get signing key/i.test(text) ? log.warn(obj, text) : log.error(obj, text));
    else if (level === "warn") log.warn(obj, text);
    else if (level === "info") log.info(obj, text);
    else if (level === "debug") log.debug(obj, text);
    else log.trace(obj, text);
  };
  const options: ILoggerOptions = { level: (["error", "warn", "info", "debug", "trace"] as const).find((l) => LEVELS[l] >= LEVELS[pinoLevel(log)]) ?? "error" };
  return {
    loggerOptions: options,
    error: (...m: unknown[]) => write("error", m),
    warn: (...m: unknown[]) => write("warn", m),
    info: (...m: unknown[]) => write("info", m),
    debug: (...m: unknown[]) => write("debug", m),
    trace: (...m: unknown[]) => write("trace", m),
    log: (level: LogLevel, ...m: unknown[]) => write(level, m),
    child: (child: string) => sdkLogger(log, `${name}/${child}`),
  };
}

function pinoLevel(log: Logger): LogLevel {
  const l = String(log.level);
  return l === "trace" || l === "debug" || l === "info" || l === "warn" ? l : "error";
}

export async function mountTeams(input: MountTeamsInput): Promise<MountedTeams> {
  const { app, deps, config, log } = input;
  const t = config.teams;
  if (!t) throw new Error("mountTeams: Teams is not configured");
  const cloud = teamsCloud(t);
  const logger = sdkLogger(log);
  const botToken = t.credentials
    ? clientCredentialsTokens({ loginEndpoint: cloud.loginEndpoint, clientId: t.credentials.clientId, clientSecret: t.credentials.clientSecret, tenantId: t.credentials.tenantId })
    : null;
  const sdk = new App({
    // "" (not undefined) so the SDK's `?? process.env.…` fallbacks never apply
    clientId: t.credentials?.clientId ?? "",
    // the secret stays with our token factory: with a `token` and no secret the SDK uses the factory, not MSAL
    clientSecret: "",
    tenantId: t.credentials?.tenantId ?? "",
    managedIdentityClientId: "",
    ...(botToken ? { token: botToken } : {}),
    cloud,
    serviceUrl: t.serviceUrl,
    apiClientSettings: { oauthUrl: cloud.tokenServiceUrl },
    dangerouslyAllowUnauthenticatedRequests: t.devUnauthenticated,
    messagingEndpoint: TEAMS_MESSAGES_PATH,
    httpServerAdapter: new ExpressAdapter(app, { logger, onError: (err) => log.error({ err }, "Teams HTTP adapter error") }),
    logger,
    oauth: { fetchUserToken: false },
    // in a channel the text starts with the bot's mention (<at>Accord</at>): removed before parsing
    activity: { mentions: { stripText: true } },
  });
  sdk.event("error", ({ error, activity }) => {
    log.error({ err: error, activity: activity ? { type: activity.type, id: activity.id } : undefined }, "Teams activity failed");
  });
  const kit: TeamsKit = { deps, log, config: t, cloud, onConversation: [] };
  // the listeners (one file each): installs and conversation updates, messages
  registerInstall(sdk, kit);
  registerMessage(sdk, kit);
  // card actions, the new-dispute dialog, type-ahead (invokes: the answer is the HTTP response)
  registerCardActions(sdk, kit);
  registerDialog(sdk, kit);
  registerSearch(sdk, kit);
  // registers POST /api/messages on our express app (the SDK's JWT check in front of the listeners)
  await sdk.initialize();
  log.info({ path: TEAMS_MESSAGES_PATH, auth: t.devUnauthenticated ? "none (TEAMS_DEV_UNAUTHENTICATED)" : "jwt", cloud: t.cloud }, "Teams is on");
  if (t.devUnauthenticated) log.warn({ path: TEAMS_MESSAGES_PATH }, "TEAMS_DEV_UNAUTHENTICATED=true: Teams activities are accepted without a token (local Agents Playground only)");
  return {
    sdk,
    kit,
    botToken,
    // nothing of its own to close: the server is ours, and the SDK holds no timers
    stop: async () => undefined,
  };
}
