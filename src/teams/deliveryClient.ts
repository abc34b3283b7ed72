// The Bot Connector calls of Teams delivery (issue 13), with fetch: create a personal conversation, post an
// activity, update one in place. A token for the Bot Framework comes from the token endpoint (client credentials),
// cached until shortly before it expires; tests point the service URL and the token endpoint at the fake connector
// (src/teams/testing/fakeConnector.ts). Nothing retries here: the deliverer decides (429, 5xx, 403/404).

export interface TeamsClientOptions {
  /** the bot's app id (TEAMS_CLIENT_ID) */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** single-tenant bots get their token from their tenant; else botframework.com */
  tenantId?: string | undefined;
  /** the token endpoint's base (the cloud's login endpoint), default https://login.microsoftonline.com */
  loginUrl?: string | undefined;
  /** a token factory instead of client credentials (tests; managed identity); null: no Authorization header */
  token?: (() => Promise<string | null>) | undefined;
  /** each call's time limit */
  timeoutMs?: number | undefined;
}

/** A call that did not succeed: its HTTP status (0: network error or timeout), Teams' error code, Retry-After. */
export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
  }
}

export interface TeamsActivity {
  type: "message";
  text?: string;
  summary?: string;
  textFormat?: "markdown" | "plain";
  attachments?: { contentType: string; content: unknown }[];
}

export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";
const SCOPE = "https://api.botframework.com/.default";

/** Retry-After in ms: seconds, or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class TeamsConnectorClient {
  private cached: { token: string; until: number } | null = null;

  constructor(private readonly o: TeamsClientOptions) {}

  private async token(): Promise<string | null> {
    if (this.o.token) return this.o.token();
    if (!this.o.clientId || !this.o.clientSecret) return null;
    if (this.cached && this.cached.until > Date.now()) return this.cached.token;
    const base = (this.o.loginUrl ?? "https://login.microsoftonline.com").replace(/\/$/, "");
    const url = `${base}/${encodeURIComponent(this.o.tenantId ?? "botframework.com")}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: this.o.clientId, client_secret: this.o.clientSecret, scope: SCOPE });
    const r = await this.fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
    const json = (await r.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!r.ok || !json.access_token) throw new ConnectorError(r.status >= 500 ? r.status : 401, "token_refused", null, `token endpoint answered ${r.status}`);
    this.cached = { token: json.access_token, until: Date.now() + Math.max(60, (json.expires_in ?? 3600) - 300) * 1000 };
    return json.access_token;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000) });
    } catch (err) {
      throw new ConnectorError(0, "network", null, `${init.method ?? "GET"} ${new URL(url).pathname}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async call<T>(method: string, serviceUrl: string, path: string, body: unknown): Promise<T> {
    const url = `${serviceUrl.replace(/\/$/, "")}${path}`;
    const token = await this.token();
    const r = await this.fetch(url, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (r.status === 401) this.cached = null; // a token the connector refused: the next call gets a new one
    const text = await r.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!r.ok) {
      const code = (json as { error?: { code?: string } } | null)?.error?.code ?? null;
      throw new ConnectorError(r.status, code, retryAfterMs(r.headers.get("retry-after")), `${method} ${path}: ${r.status}${code ? ` ${code}` : ""}`);
    }
    return json as T;
  }

  /** POST /v3/conversations: a personal chat with one user (their Teams id or Entra object id); its id. */
  async createPersonalConversation(serviceUrl: string, user: { id: string; tenantId: string | null }, botId: string): Promise<string> {
    const r = await this.call<{ id?: string }>("POST", serviceUrl, "/v3/conversations", {
      isGroup: false,
      bot: { id: botId },
      members: [{ id: user.id }],
      ...(user.tenantId ? { tenantId: user.tenantId, channelData: { tenant: { id: user.tenantId } } } : {}),
    });
    if (!r?.id) throw new ConnectorError(502, "no_id", null, "POST /v3/conversations: no conversation id");
    return r.id;
  }

  /** POST …/activities: the new activity's id. */
  async send(serviceUrl: string, conversationId: string, activity: TeamsActivity): Promise<string> {
    const r = await this.call<{ id?: string }>("POST", serviceUrl, `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity);
    if (!r?.id) throw new ConnectorError(502, "no_id", null, "POST activities: no activity id");
    return r.id;
  }

  /** PUT …/activities/{id}: the activity replaced in place. */
  async update(serviceUrl: string, conversationId: string, activityId: string, activity: TeamsActivity): Promise<void> {
    await this.call("PUT", serviceUrl, `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`, { ...activity, id: activityId });
  }
}
