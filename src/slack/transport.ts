import { Agent, request } from "undici";

// The HTTP transport of Accord's Slack Web API clients (the gateway's WebClient and Bolt's): the `fetch` option of
// @slack/web-api, implemented over undici's `request` on one keep-alive pool instead of Node's global fetch.
// Every card update, thread line and modal is one such call; measured here (loopback, the same JSON body),
// global fetch costs 320-610 µs of CPU a call and undici.request 70-120 µs, and CPU is what a busy replica
// runs short of (bench:slack, bench:replicas). The WebClient above it is unchanged: the same serialised body,
// its retries, 429 handling and errors; a response is read whole (Slack's are small), so none holds a socket.
// Bodies other than text or bytes (a multipart upload's FormData, a stream) go through global fetch as before.

const pool = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

type FetchInit = { method?: string; headers?: Record<string, string> | Headers; body?: unknown; signal?: AbortSignal | null; redirect?: string };

/** The part of a fetch Response the WebClient reads. */
class SlackResponse {
  readonly ok: boolean;
  readonly statusText = "";
  readonly headers: Headers;
  constructor(
    readonly url: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new Headers();
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) this.headers.append(k, one);
    }
  }
  async text(): Promise<string> {
    return this.bytes.toString("utf8");
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString("utf8"));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

const plainHeaders = (h: FetchInit["headers"]): Record<string, string> => (h instanceof Headers ? Object.fromEntries(h.entries()) : { ...(h ?? {}) });

/** A fetch for @slack/web-api's WebClient (its `fetch` option). */
export const slackFetch = (async (input: string | URL | Request, init: FetchInit = {}): Promise<Response> => {
  const body = init.body;
  const simple = body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
  if (!simple || typeof input !== "string" && !(input instanceof URL)) return fetch(input as string, init as RequestInit);
  const url = String(input);
  const r = await request(url, {
    method: (init.method ?? "GET") as "POST",
    headers: plainHeaders(init.headers),
    body: (body ?? null) as string | Uint8Array | null,
    signal: init.signal ?? undefined,
    dispatcher: pool,
  });
  const bytes = Buffer.from(await r.body.arrayBuffer());
  return new SlackResponse(url, r.statusCode, r.headers, bytes) as unknown as Response;
}) as typeof fetch;
