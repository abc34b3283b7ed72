import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for the Bot Connector service (and the token endpoint) for tests of outgoing Teams
// messages: point the SDK's service URL (the activity's `serviceUrl`) and the cloud's `loginEndpoint` at
// `connector.url`. It records every request, answers the Bot Connector calls Accord makes, and can be
// told to fail a number of calls (to test retries of the delivery queue).

/** One request as the fake connector saw it. */
export interface ConnectorCall {
  method: string;
  /** path without the query string, decoded (`/v3/conversations/a:1/activities`) */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** the JSON body, or the raw text when it is not JSON (a token request is form-encoded), or null */
  body: unknown;
}

/** A member as `GET /v3/conversations/{id}/members/{userId}` answers it (TeamsChannelAccount). */
export interface FakeMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
}

export interface FakeConnector {
  /** `http://127.0.0.1:<port>` (no trailing slash) */
  readonly url: string;
  /** every request, in order of arrival */
  readonly calls: ConnectorCall[];
  /** the activities posted (POST …/activities), with their conversation and the id answered; a reply's
   *  replyToId from the path (…/activities/{id}) or, as the SDK 2.0 sends it, from the body */
  posted(): { conversationId: string; activityId: string; replyToId: string | null; activity: Record<string, unknown> }[];
  /** the activities updated in place (PUT …/activities/{id}) */
  updated(): { conversationId: string; activityId: string; activity: Record<string, unknown> }[];
  /** the conversations created (POST /v3/conversations), with the id answered */
  created(): { conversationId: string; params: Record<string, unknown> }[];
  /** the bearer tokens seen on Bot Connector calls */
  bearerTokens(): string[];
  /** registers a member the member lookup answers with (in any conversation) */
  addMember(member: FakeMember): void;
  /** the next `n` Bot Connector calls (not token requests) get this status (default 503), with Retry-After (seconds) when given */
  failNext(n: number, status?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

/**
 * The access token the token endpoint hands out: JWT-shaped (unsigned), since the Teams SDK decodes the
 * bot's tokens (JsonWebToken) before using them.
 */
export const FAKE_ACCESS_TOKEN = [{ alg: "none", typ: "JWT" }, { aud: "https://api.botframework.com", iss: "fake-connector", exp: 4102444800 }]
  .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
  .concat("fake-connector-signature")
  .join(".");

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a fake Bot Connector on a free local port. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, FakeMember>();
  const posted: ReturnType<FakeConnector["posted"]> = [];
  const updated: ReturnType<FakeConnector["updated"]> = [];
  const created: ReturnType<FakeConnector["created"]> = [];
  let failures = 0;
  let failStatus = 503;
  let failRetryAfter: number | undefined;
  let seq = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? "/", "http://localhost");
      const path = decodeURIComponent(u.pathname);
      const body = await readBody(req);
      calls.push({ method: req.method ?? "GET", path, query: u.searchParams, headers: req.headers, body });

      // token endpoint (client credentials), under any tenant
      if (req.method === "POST" && /\/oauth2\/v2\.0\/token$/.test(path)) {
        return send(res, 200, { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: FAKE_ACCESS_TOKEN });
      }
      if (failures > 0) {
        failures--;
        return send(res, failStatus, { error: { code: "ServiceError", message: "fake connector failure" } }, failRetryAfter !== undefined ? { "retry-after": String(failRetryAfter) } : {});
      }
      const obj = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
      let m: RegExpMatchArray | null;
      if (req.method === "POST" && path === "/v3/conversations") {
        const conversationId = `a:fake-${++seq}`;
        created.push({ conversationId, params: obj });
        return send(res, 201, { id: conversationId });
      }
      if (req.method === "POST" && (m = path.match(/^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/))) {
        const activityId = `act-${++seq}`;
        posted.push({ conversationId: m[1]!, activityId, replyToId: m[2] ?? (typeof obj.replyToId === "string" ? obj.replyToId : null), activity: obj });
        return send(res, 201, { id: activityId });
      }
      if (req.method === "PUT" && (m = path.match(/^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/))) {
        updated.push({ conversationId: m[1]!, activityId: m[2]!, activity: obj });
        return send(res, 200, { id: m[2] });
      }
      if (req.method === "GET" && (m = path.match(/^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/))) {
        const member = members.get(m[2]!);
        return member ? send(res, 200, member) : send(res, 404, { error: { code: "MemberNotFoundInConversation", message: "not found" } });
      }
      return send(res, 404, { error: { code: "NotFound", message: `${req.method} ${path}` } });
    })().catch((e: unknown) => send(res, 500, { error: { code: "FakeConnector", message: String(e) } }));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    posted: () => [...posted],
    updated: () => [...updated],
    created: () => [...created],
    bearerTokens: () =>
      calls
        .filter((c) => c.path.startsWith("/v3/"))
        .map((c) => String(c.headers.authorization ?? ""))
        .filter((h) => h.startsWith("Bearer "))
        .map((h) => h.slice("Bearer ".length)),
    addMember: (member) => void members.set(member.id, member),
    failNext: (n, status = 503, retryAfterSeconds) => {
      failures = n;
      failStatus = status;
      failRetryAfter = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
