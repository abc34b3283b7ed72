import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";

// A local stand-in for Slack's Web API, for the sandbox (in production: the sandbox's Slack), the tests and
// the bench (src/slack/standin/: the sandbox imports nothing from src/slack/testing). An http server on a random
// port that answers the methods Accord calls, records every call, and keeps what a person would see
// (messages per channel with their threads, ephemerals, open modals and the Home tab per user, files).
// Replies can be scripted per method: Slack errors (`expired_trigger_id`, `hash_conflict`,
// `channel_not_found`...), 429 with Retry-After, and slow replies. It emits "stored" (synchronously, before
// the caller gets its answer) each time what a person sees changed: the sandbox keeps it in a file from there.

export interface FakeCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** performance.now() when the request arrived */
  at: number;
  seq: number;
}

export interface FakeUser {
  id: string;
  email: string;
  name: string;
  locale?: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs: string | null;
  /** every version of the message (the first post, then each chat.update) */
  versions: number;
  /** a message a person wrote (the sandbox's users); absent: posted by the bot */
  user?: string;
  /** Slack message metadata (chat.postMessage `metadata`) */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface StoredView {
  id: string;
  hash: string;
  user: string;
  view: Record<string, unknown>;
  /** the views stacked under this one (views.push) */
  rootId: string;
}

export type FakeReply =
  | { error: string }
  | { status: 429; retryAfter: number }
  /** a server error; `applied`: the call took effect first (what a timeout or a crash mid-call looks like) */
  | { status: 500 | 502 | 503; applied?: boolean }
  | { delayMs: number }
  | { ok: true; body: Record<string, unknown> };

const JSONISH = /^[[{]/;

export class FakeSlack extends EventEmitter {
  readonly calls: FakeCall[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly messages = new Map<string, StoredMessage[]>();
  readonly ephemerals: { channel: string; user: string; text: string; blocks: unknown[]; ts: string; threadTs: string | null }[] = [];
  readonly views = new Map<string, StoredView>();
  readonly homes = new Map<string, Record<string, unknown>>();
  readonly responses: { id: string; body: Record<string, unknown>; at: number; ts: string }[] = [];
  readonly files: { channel: string; filename: string; title: string; content: Buffer; ts: string }[] = [];
  readonly botUserId = "UACCORDBOT";
  /** channels the bot was added to (`/invite @Accord`): conversations.info answers is_member from it; DMs are the bot's own */
  readonly botChannels = new Set<string>();
  /** channel names conversations.info answers with (a channel not named here is named after its id) */
  readonly channelNames = new Map<string, string>();
  /**
   * Slack's limits, enforced when set (the benches): more than `channelPerSec` posts in one channel or
   * `workspacePerSec` calls in the workspace within a second get a 429 with Retry-After 1, counted in `limited`.
   */
  limits: { channelPerSec: number; workspacePerSec: number } | null = null;
  limited = 0;
  /** the 429s by cause: a burst, the workspace's window, a channel's window (the benches) */
  limitedBy = { burst: 0, workspace: 0, channel: 0 };
  /** when each of those 429s was answered (performance.now()): the benches' histograms */
  readonly limitedAt: number[] = [];
  /**
   * A workspace-wide burst of 429s (the benches): until `until` (performance.now()), every call is answered
   * 429 with the Retry-After left, counted in `limited`; `servedMs` sums the pauses served.
   */
  private burstUntil = 0;
  burstServedMs = 0;
  private windows = new Map<string, number[]>();
  private scripts = new Map<string, FakeReply[]>();
  private busyMethods = new Set<string>();
  private server: http.Server;
  private seq = 0;
  private tsSeq = 0;
  private viewSeq = 0;
  private pendingUploads = new Map<string, { filename: string; content: Buffer | null }>();
  url = "";

  private constructor() {
    super();
    this.setMaxListeners(0);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(): Promise<FakeSlack> {
    const f = new FakeSlack();
    await new Promise<void>((resolve) => f.server.listen(0, "127.0.0.1", resolve));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  /** The base URL for the web client (`slackApiUrl`). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url (what Slack puts in commands and interactions). */
  responseUrl(): string {
    return `${this.url}/response/${++this.seq}`;
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, u);
  }

  /** The next calls of `method` get these replies, in order, before the normal answers resume. */
  script(method: string, ...replies: FakeReply[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...replies]);
  }

  /**
   * Until `until` settles (either way), every call of `method` is answered 429 with Retry-After 1 s, recorded but
   * not applied (a Slack too busy for it, on cue); resolves when the method is free again.
   */
  busy(method: string, until: Promise<unknown>): Promise<void> {
    this.busyMethods.add(method);
    return until.then(
      () => void this.busyMethods.delete(method),
      () => void this.busyMethods.delete(method),
    );
  }

  /** From now on, every call gets a 429 for `seconds` (Retry-After: what is left of it), as Slack does in a burst. */
  rateLimitBurst(seconds: number): void {
    this.burstUntil = performance.now() + seconds * 1000;
    this.burstServedMs += seconds * 1000;
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call (already made or to come) that satisfies `pred`. */
  waitFor(pred: (c: FakeCall) => boolean, timeoutMs = 5000, after = 0): Promise<FakeCall> {
    // calls are in arrival order: only those after `after` are looked at (long runs record many thousands)
    let from = this.calls.length;
    while (from > 0 && this.calls[from - 1]!.seq > after) from--;
    for (let i = from; i < this.calls.length; i++) if (pred(this.calls[i]!)) return Promise.resolve(this.calls[i]!);
    return new Promise((resolve, reject) => {
      const onCall = (c: FakeCall) => {
        if (c.seq > after && pred(c)) {
          clearTimeout(timer);
          this.off("call", onCall);
          resolve(c);
        }
      };
      const timer = setTimeout(() => {
        this.off("call", onCall);
        reject(new Error(`FakeSlack: no matching call within ${timeoutMs} ms (calls: ${this.calls.slice(-15).map((c) => c.method).join(", ")})`));
      }, timeoutMs);
      this.on("call", onCall);
    });
  }

  /** The last sequence number, to wait for calls made after a point. */
  get mark(): number {
    return this.seq;
  }

  /** Top-level messages of a channel (not thread replies). */
  posts(channel: string): StoredMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => !m.threadTs);
  }

  thread(channel: string, ts: string): StoredMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => m.threadTs === ts);
  }

  /** The modal currently on top for a user (the last opened, pushed or updated). */
  openView(user: string): StoredView | null {
    const list = [...this.views.values()].filter((v) => v.user === user);
    return list[list.length - 1] ?? null;
  }

  /** A message a person wrote in a channel (what Slack shows; Accord hears it as a `message` event). */
  userMessage(channel: string, user: string, text: string, threadTs: string | null = null): StoredMessage {
    const msg: StoredMessage = { channel, ts: this.nextTs(), text, blocks: [], threadTs, versions: 1, user };
    this.messages.set(channel, [...(this.messages.get(channel) ?? []), msg]);
    this.emit("stored", "message");
    return msg;
  }

  /** The next ts given is later than `ts` (messages restored from a file keep theirs; new ones never collide). */
  resumeAfter(ts: string): void {
    const n = Math.floor(Number(ts)) - 1_800_000_000;
    if (Number.isFinite(n) && n > this.tsSeq) this.tsSeq = n;
  }

  reset(): void {
    this.calls.length = 0;
    this.messages.clear();
    this.ephemerals.length = 0;
    this.views.clear();
    this.homes.clear();
    this.responses.length = 0;
    this.files.length = 0;
    this.scripts.clear();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- http ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = req.url ?? "/";
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.startsWith("/response/")) {
      const body = safeJson(raw.toString("utf8"));
      this.responses.push({ id: url.slice("/response/".length), body, at: performance.now(), ts: this.nextTs() });
      this.record("response_url", body, null);
      return send(200, { ok: true });
    }
    if (url.startsWith("/upload/")) {
      const id = url.slice("/upload/".length);
      const up = this.pendingUploads.get(id);
      if (up) up.content = filePart(raw, String(req.headers["content-type"] ?? ""));
      this.record("upload", { file_id: id, bytes: raw.length }, null);
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("OK - " + raw.length);
    }
    const m = /^\/api\/([\w.]+)/.exec(url);
    if (!m) return send(404, { ok: false, error: "unknown_url" });
    const method = m[1]!;
    const args = parseArgs(raw, String(req.headers["content-type"] ?? ""));
    const token = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1] ?? (typeof args.token === "string" ? args.token : null);
    this.record(method, args, token);
    // a busy method (busy()): refused with a 429 until it is free again, nothing applied
    if (this.busyMethods.has(method)) return send(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
    const left = this.burstUntil - performance.now();
    if (left > 0) {
      this.limited++;
      this.limitedBy.burst++;
      this.limitedAt.push(performance.now());
      return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(Math.ceil(left / 1000)) });
    }
    const over = this.limits ? this.overLimit(method, args) : null;
    if (over) {
      this.limited++;
      this.limitedBy[over]++;
      this.limitedAt.push(performance.now());
      return send(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
    }
    const scripted = this.scripts.get(method)?.shift();
    if (scripted) {
      if ("delayMs" in scripted) await new Promise((r) => setTimeout(r, scripted.delayMs));
      else if ("status" in scripted && scripted.status === 429) return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(scripted.retryAfter) });
      else if ("status" in scripted) {
        if (scripted.applied) {
          try {
            this.answer(method, args);
          } catch {
            /* the error would have been the answer */
          }
        }
        res.writeHead(scripted.status, { "content-type": "text/plain" });
        return void res.end("upstream error");
      }
      else if ("error" in scripted) return send(200, { ok: false, error: scripted.error });
      else return send(200, { ok: true, ...scripted.body });
    }
    try {
      send(200, this.answer(method, args));
    } catch (e) {
      send(200, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Sliding one-second windows: the workspace's calls, and each channel's posts. */
  private overLimit(method: string, args: Record<string, unknown>): "workspace" | "channel" | null {
    const now = performance.now();
    const hit = (key: string, max: number) => {
      const w = (this.windows.get(key) ?? []).filter((t) => now - t < 1000);
      this.windows.set(key, w);
      if (w.length >= max) return true;
      w.push(now);
      return false;
    };
    if (hit("workspace", this.limits!.workspacePerSec)) return "workspace";
    return method === "chat.postMessage" && typeof args.channel === "string" && hit(`channel:${args.channel}`, this.limits!.channelPerSec) ? "channel" : null;
  }

  private record(method: string, args: Record<string, unknown>, token: string | null): void {
    const call: FakeCall = { method, args, token, at: performance.now(), seq: ++this.seq };
    this.calls.push(call);
    this.emit("call", call);
  }

  private nextTs(): string {
    return `${1_800_000_000 + ++this.tsSeq}.${String(this.tsSeq).padStart(6, "0")}`;
  }

  private userOf(id: unknown): FakeUser {
    const u = this.users.get(String(id));
    if (!u) throw new Error("user_not_found");
    return u;
  }

  private storeView(user: string, view: Record<string, unknown>, rootId?: string): Record<string, unknown> {
    const id = `V${String(++this.viewSeq).padStart(6, "0")}`;
    const hash = `h${this.viewSeq}.${Date.now()}`;
    const full = { ...view, id, hash, team_id: "T0ACCORD", app_id: "A0ACCORD", root_view_id: rootId ?? id, state: { values: {} } };
    this.views.set(id, { id, hash, user, view: full, rootId: rootId ?? id });
    return full;
  }

  private answer(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const ok = (body: Record<string, unknown> = {}) => ({ ok: true, ...body });
    switch (method) {
      case "auth.test":
        return ok({ url: "https://accord-test.slack.com/", team: "Accord test", user: "accord", team_id: "T0ACCORD", user_id: this.botUserId, bot_id: "B0ACCORD" });
      case "users.info": {
        const u = this.userOf(a.user);
        return ok({ user: { id: u.id, name: u.name, real_name: u.name, locale: u.locale ?? "en-US", profile: { email: u.email, real_name: u.name } } });
      }
      case "users.lookupByEmail": {
        const u = [...this.users.values()].find((x) => x.email.toLowerCase() === String(a.email).toLowerCase());
        if (!u) throw new Error("users_not_found");
        return ok({ user: { id: u.id, name: u.name, profile: { email: u.email } } });
      }
      case "conversations.open": {
        const users = String(a.users ?? "");
        if (!users) throw new Error("invalid_arguments");
        return ok({ channel: { id: `D${users.replace(/^U/, "")}` } });
      }
      case "chat.postMessage": {
        const channel = String(a.channel);
        const msg: StoredMessage = {
          channel,
          ts: this.nextTs(),
          text: String(a.text ?? ""),
          blocks: (a.blocks as unknown[]) ?? [],
          threadTs: a.thread_ts ? String(a.thread_ts) : null,
          versions: 1,
          ...(a.metadata && typeof a.metadata === "object" ? { metadata: a.metadata as StoredMessage["metadata"] & object } : {}),
        };
        this.messages.set(channel, [...(this.messages.get(channel) ?? []), msg]);
        this.emit("stored", method);
        return ok({ channel, ts: msg.ts, message: { text: msg.text, ts: msg.ts, blocks: msg.blocks } });
      }
      case "conversations.info": {
        const channel = String(a.channel ?? "");
        if (!channel) throw new Error("channel_not_found");
        if (channel.startsWith("D")) return ok({ channel: { id: channel, is_im: true, is_member: true } });
        return ok({ channel: { id: channel, name: this.channelNames.get(channel) ?? channel.toLowerCase(), is_channel: true, is_member: this.botChannels.has(channel) } });
      }
      case "conversations.history":
      case "conversations.replies": {
        const channel = String(a.channel);
        if (!this.messages.has(channel) && !channel.startsWith("D")) throw new Error("channel_not_found");
        const oldest = Number(a.oldest ?? 0);
        const all = this.messages.get(channel) ?? [];
        const list = method === "conversations.history" ? all.filter((m) => !m.threadTs) : all.filter((m) => m.ts === String(a.ts) || m.threadTs === String(a.ts));
        const shown = list
          .filter((m) => Number(m.ts) >= oldest || m.ts === String(a.ts))
          .map((m) => ({ type: "message", ts: m.ts, text: m.text, ...(m.threadTs ? { thread_ts: m.threadTs } : {}), ...(m.user ? { user: m.user } : { bot_id: "B0ACCORD" }), ...(a.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}) }));
        return ok({ messages: method === "conversations.history" ? shown.reverse() : shown, has_more: false });
      }
      case "chat.update": {
        const channel = String(a.channel);
        const msg = (this.messages.get(channel) ?? []).find((x) => x.ts === String(a.ts));
        if (!this.messages.has(channel)) throw new Error("channel_not_found");
        if (!msg) throw new Error("message_not_found");
        msg.text = String(a.text ?? msg.text);
        if (a.blocks) msg.blocks = a.blocks as unknown[];
        msg.versions++;
        this.emit("stored", method);
        return ok({ channel, ts: msg.ts, text: msg.text });
      }
      case "chat.postEphemeral": {
        const ts = this.nextTs();
        this.ephemerals.push({ channel: String(a.channel), user: String(a.user), text: String(a.text ?? ""), blocks: (a.blocks as unknown[]) ?? [], ts, threadTs: a.thread_ts ? String(a.thread_ts) : null });
        return ok({ message_ts: ts });
      }
      case "chat.getPermalink":
        return ok({ channel: a.channel, permalink: `https://accord-test.slack.com/archives/${String(a.channel)}/p${String(a.message_ts).replace(".", "")}` });
      case "views.open": {
        this.userOfTrigger(a);
        return ok({ view: this.storeView(this.triggerUser(a), a.view as Record<string, unknown>) });
      }
      case "views.push": {
        const user = this.triggerUser(a);
        const top = this.openView(user);
        return ok({ view: this.storeView(user, a.view as Record<string, unknown>, top?.rootId) });
      }
      case "views.update": {
        const id = String(a.view_id ?? "");
        const cur = this.views.get(id);
        if (!cur) throw new Error("not_found");
        if (a.hash && a.hash !== cur.hash) throw new Error("hash_conflict");
        cur.hash = `h${++this.viewSeq}.${Date.now()}`;
        cur.view = { ...(a.view as Record<string, unknown>), id, hash: cur.hash, root_view_id: cur.rootId, state: { values: {} } };
        this.views.delete(id);
        this.views.set(id, cur);
        return ok({ view: cur.view });
      }
      case "views.publish": {
        const user = String(a.user_id);
        const view = { ...(a.view as Record<string, unknown>), id: `VH${user}`, hash: `hh${++this.viewSeq}` };
        this.homes.set(user, view);
        this.emit("stored", method);
        return ok({ view });
      }
      case "files.getUploadURLExternal": {
        const id = `F${String(++this.viewSeq).padStart(6, "0")}`;
        this.pendingUploads.set(id, { filename: String(a.filename), content: null });
        return ok({ upload_url: `${this.url}/upload/${id}`, file_id: id });
      }
      case "files.completeUploadExternal": {
        const files = (a.files as { id: string; title?: string }[]) ?? [];
        const channel = String(a.channel_id ?? a.channels ?? "");
        for (const f of files) {
          const up = this.pendingUploads.get(f.id);
          this.files.push({ channel, filename: up?.filename ?? "", title: f.title ?? "", content: up?.content ?? Buffer.alloc(0), ts: this.nextTs() });
        }
        this.emit("stored", method);
        return ok({ files: files.map((f) => ({ id: f.id, title: f.title })) });
      }
      case "reactions.add":
        return ok();
      default:
        throw new Error("unknown_method");
    }
  }

  /** Tests give trigger ids of the form `trig.<user id>.<n>`: the modal belongs to that user. */
  private triggerUser(a: Record<string, unknown>): string {
    return /^trig\.([^.]+)\./.exec(String(a.trigger_id ?? ""))?.[1] ?? "UNKNOWN";
  }

  private userOfTrigger(a: Record<string, unknown>): void {
    if (!a.trigger_id) throw new Error("invalid_arguments");
  }
}

/** The file bytes of an upload: the body itself, or the first part of a multipart body. */
function filePart(raw: Buffer, contentType: string): Buffer {
  const b = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!b) return raw;
  const boundary = Buffer.from(`--${b[1] ?? b[2]}`);
  const start = raw.indexOf(boundary);
  const headEnd = raw.indexOf("\r\n\r\n", start);
  if (start < 0 || headEnd < 0) return raw;
  const end = raw.indexOf(Buffer.concat([Buffer.from("\r\n"), boundary]), headEnd);
  return raw.subarray(headEnd + 4, end < 0 ? raw.length : end);
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: s };
  }
}

function parseArgs(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (contentType.includes("application/json")) return safeJson(text);
  if (contentType.includes("multipart/form-data")) return { multipart: true, bytes: raw.length };
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (JSONISH.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* a plain string that starts with a bracket */
      }
    }
    out[k] = v;
  }
  return out;
}
