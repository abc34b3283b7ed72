// The bot's access tokens for the Bot Connector (and Graph): the OAuth 2.0 client-credentials grant against
// the cloud's login endpoint, `POST {loginEndpoint}/{tenant}/oauth2/v2.0/token`, cached per scope and tenant
// until five minutes before expiry. The Teams SDK is given this as its `token` factory, so its own MSAL client
// (which would also read CLIENT_ID / CLIENT_SECRET from the environment) is never used, and tests point the
// login endpoint at the fake connector.

export interface TokenSourceOptions {
  /** e.g. https://login.microsoftonline.com (no trailing slash) */
  loginEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** the bot's tenant: every token is asked of it */
  tenantId: string;
  /** the clock (tests) */
  now?: () => number;
  fetch?: typeof fetch;
}

export type TokenFactory = (scope: string | string[], tenantId?: string) => Promise<string>;

/** Refreshed this long before it expires. */
const MARGIN_MS = 5 * 60_000;

export class TokenError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export function clientCredentialsTokens(o: TokenSourceOptions): TokenFactory {
  const now = o.now ?? Date.now;
  const doFetch = o.fetch ?? fetch;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, Promise<string>>();

  async function request(scope: string, tenant: string, key: string): Promise<string> {
    const res = await doFetch(`${o.loginEndpoint}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: o.clientId, client_secret: o.clientSecret, scope }).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } | null;
    if (!res.ok || typeof body?.access_token !== "string") {
      // the error code only (AADSTS…); never the secret
      const why = typeof body?.error === "string" ? body.error : `HTTP ${res.status}`;
      throw new TokenError(`Teams: no bot token from ${o.loginEndpoint} for tenant ${tenant} (${why})`, res.status);
    }
    const seconds = Number(body.expires_in);
    cache.set(key, { token: body.access_token, expiresAt: now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000 });
    return body.access_token;
  }

  return async (scopes, _tenantId) => {
    const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
    // a single-tenant bot asks its own tenant, whatever tenant the SDK suggests (botframework.com, common)
    const tenant = o.tenantId;
    const key = `${tenant} ${scope}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt - MARGIN_MS > now()) return hit.token;
    // one request at a time per key: concurrent sends share it
    let p = pending.get(key);
    if (!p) {
      p = request(scope, tenant, key).finally(() => pending.delete(key));
      pending.set(key, p);
    }
    return p;
  };
}
