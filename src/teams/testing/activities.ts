import crypto from "node:crypto";

// Test support: Teams activities as the Bot Connector posts them to POST /api/messages, and a helper to post
// one (signed with a bearer token, or not). Shared by the Teams suites (wiring, card actions, dialogs, delivery).

export const TEST_TENANT = "11111111-2222-3333-4444-555555555555";
export const TEST_BOT_ID = "00000000-0000-4000-8000-00000000b07a";

/** A Teams user as activities name them. */
export interface TeamsUser {
  /** the Teams id, `29:…` */
  id: string;
  name?: string;
  aadObjectId?: string;
}

export type Activity = Record<string, unknown>;

export interface ActivityOptions {
  /** the Bot Connector URL replies go to (the fake connector's url) */
  serviceUrl: string;
  from: TeamsUser;
  /** default `a:personal-<user id>`: one personal chat per user */
  conversationId?: string;
  /** default fr-FR */
  locale?: string;
  tenantId?: string;
  botId?: string;
}

const id = () => crypto.randomBytes(6).toString("hex");

function base(o: ActivityOptions, scope: "personal" | "channel" | "groupChat", extra: { teamId?: string; channelId?: string } = {}): Activity {
  const conversationId = o.conversationId ?? (scope === "personal" ? `a:personal-${o.from.id}` : scope === "channel" ? `19:${extra.channelId ?? "general"}@thread.tacv2` : "19:group@thread.v2");
  const tenantId = o.tenantId ?? TEST_TENANT;
  return {
    id: id(),
    channelId: "msteams",
    serviceUrl: o.serviceUrl,
    timestamp: new Date().toISOString(),
    locale: o.locale ?? "fr-FR",
    from: { id: o.from.id, name: o.from.name ?? o.from.id, ...(o.from.aadObjectId ? { aadObjectId: o.from.aadObjectId } : {}) },
    recipient: { id: `28:${o.botId ?? TEST_BOT_ID}`, name: "Accord" },
    conversation: {
      id: conversationId,
      tenantId,
      conversationType: scope,
      ...(scope === "personal" ? {} : { isGroup: true }),
    },
    channelData: {
      tenant: { id: tenantId },
      ...(scope === "channel" ? { team: { id: extra.teamId ?? "19:team@thread.tacv2", name: "Recouvrement" }, channel: { id: conversationId.split(";")[0], name: "Général" } } : {}),
    },
  };
}

/** A message in the personal chat with Accord (or in a channel / group chat with `scope`). */
export function messageActivity(o: ActivityOptions & { text?: string; value?: unknown; scope?: "personal" | "channel" | "groupChat"; teamId?: string }): Activity {
  const a = base(o, o.scope ?? "personal", { ...(o.teamId ? { teamId: o.teamId } : {}) });
  return { ...a, type: "message", textFormat: "plain", ...(o.text !== undefined ? { text: o.text } : {}), ...(o.value !== undefined ? { value: o.value } : {}) };
}

/** The app installed (or removed) in a personal chat, a team or a group chat. */
export function installationActivity(o: ActivityOptions & { action?: "add" | "remove"; scope?: "personal" | "channel" | "groupChat"; teamId?: string }): Activity {
  const a = base(o, o.scope ?? "personal", { ...(o.teamId ? { teamId: o.teamId } : {}) });
  return { ...a, type: "installationUpdate", action: o.action ?? "add" };
}

/** The bot added to a conversation (`membersAdded` holds the bot), as Teams sends it on install. */
export function botAddedActivity(o: ActivityOptions & { scope?: "personal" | "channel" | "groupChat"; teamId?: string }): Activity {
  const a = base(o, o.scope ?? "personal", { ...(o.teamId ? { teamId: o.teamId } : {}) });
  const bot = a.recipient as { id: string };
  const channelData = { ...(a.channelData as object), eventType: "teamMemberAdded" };
  return { ...a, type: "conversationUpdate", membersAdded: [{ id: bot.id }], channelData };
}

export interface PostResult {
  status: number;
  body: unknown;
}

/**
 * Posts an activity to Accord's POST /api/messages (`url` is the server's base URL), with `Authorization:
 * Bearer <token>` when a token is given (a signed one from src/teams/testing/identity.ts), or none.
 */
export async function postActivity(url: string, activity: Activity, opts: { token?: string; headers?: Record<string, string> } = {}): Promise<PostResult> {
  const res = await fetch(`${url.replace(/\/$/, "")}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.headers ?? {}) },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** Posts an activity signed as Teams would sign it: a token from `identity` whose serviceurl is the activity's. */
export function postSignedActivity(url: string, activity: Activity, identity: { sign(claims: { serviceurl: string }): string }): Promise<PostResult> {
  return postActivity(url, activity, { token: identity.sign({ serviceurl: String(activity.serviceUrl ?? "") }) });
}

/** The settings of an Accord whose Teams checks tokens signed by `identity` and talks to `connector`. */
export function teamsEnv(o: { identity?: { openIdMetadataUrl: string; issuer: string }; connectorUrl: string; clientId?: string }): Record<string, string> {
  if (!o.identity) return { TEAMS_DEV_UNAUTHENTICATED: "true", TEAMS_SERVICE_URL: o.connectorUrl };
  return {
    TEAMS_CLIENT_ID: o.clientId ?? TEST_BOT_ID,
    TEAMS_CLIENT_SECRET: "test-teams-secret",
    TEAMS_TENANT_ID: TEST_TENANT,
    TEAMS_OPENID_METADATA_URL: o.identity.openIdMetadataUrl,
    TEAMS_TOKEN_ISSUER: o.identity.issuer,
    TEAMS_LOGIN_ENDPOINT: o.connectorUrl,
    TEAMS_SERVICE_URL: o.connectorUrl,
  };
}
