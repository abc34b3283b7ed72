import crypto from "node:crypto";

// Requests shaped like Slack's, signed like Slack signs them (v0 HMAC-SHA256 of "v0:ts:body"),
// for the sandbox (its page's clicks, signed on the server), the integration tests and the bench.

export function signature(secret: string, timestamp: number, body: string): string {
  return "v0=" + crypto.createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
}

export interface SentRequest {
  status: number;
  text: string;
  json: unknown;
  ms: number;
}

export interface SlackUserRef {
  id: string;
  name?: string;
}

let triggerSeq = 0;
/** A trigger id the fake Slack attributes to this user. */
export const triggerFor = (userId: string) => `trig.${userId}.${++triggerSeq}`;

export class SlackSim {
  constructor(
    readonly endpoint: string,
    readonly secret: string,
    readonly team = "T0ACCORD",
  ) {}

  async send(body: string, contentType: string, opts: { timestamp?: number; signature?: string | null; headers?: Record<string, string> } = {}): Promise<SentRequest> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "content-type": contentType, "x-slack-request-timestamp": String(ts), ...(opts.headers ?? {}) };
    const sig = opts.signature === undefined ? signature(this.secret, ts, body) : opts.signature;
    if (sig !== null) headers["x-slack-signature"] = sig;
    const t0 = performance.now();
    const res = await fetch(this.endpoint, { method: "POST", headers, body });
    const text = await res.text();
    const ms = performance.now() - t0;
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, text, json, ms };
  }

  /** `form`: the url-encoded body of a command; payload bodies are `payload=<json>`. */
  formBody(fields: Record<string, string>): string {
    return new URLSearchParams(fields).toString();
  }

  command(user: SlackUserRef, text: string, opts: { channel?: string; responseUrl?: string; triggerId?: string; command?: string } = {}) {
    return this.send(
      this.formBody({
        token: "legacy",
        team_id: this.team,
        team_domain: "accord-test",
        channel_id: opts.channel ?? "C0GENERAL",
        channel_name: "general",
        user_id: user.id,
        user_name: user.name ?? user.id,
        command: opts.command ?? "/dispute",
        text,
        api_app_id: "A0ACCORD",
        is_enterprise_install: "false",
        response_url: opts.responseUrl ?? "https://hooks.invalid/none",
        trigger_id: opts.triggerId ?? triggerFor(user.id),
      }),
      "application/x-www-form-urlencoded",
    );
  }

  interaction(payload: Record<string, unknown>, opts: { timestamp?: number; signature?: string | null } = {}) {
    const body = this.formBody({ payload: JSON.stringify({ team: { id: this.team, domain: "accord-test" }, api_app_id: "A0ACCORD", token: "legacy", is_enterprise_install: false, ...payload }) });
    return this.send(body, "application/x-www-form-urlencoded", opts);
  }

  /** A button (or other element) clicked in a message. */
  blockAction(
    user: SlackUserRef,
    action: { action_id: string; value?: string; type?: string; block_id?: string; selected_option?: { value: string }; selected_date?: string },
    where: { channel: string; ts: string; ephemeral?: boolean; responseUrl?: string } | { view: Record<string, unknown> } | { home: true },
  ) {
    const base = {
      type: "block_actions",
      user: { id: user.id, username: user.name ?? user.id, team_id: this.team },
      trigger_id: triggerFor(user.id),
      actions: [{ type: action.type ?? "button", block_id: action.block_id ?? "b", action_ts: String(Date.now() / 1000), ...action }],
    };
    if ("view" in where) return this.interaction({ ...base, container: { type: "view", view_id: where.view.id }, view: where.view });
    if ("home" in where) return this.interaction({ ...base, container: { type: "view", view_id: `VH${user.id}` }, view: { id: `VH${user.id}`, type: "home", callback_id: "", private_metadata: "", state: { values: {} } } });
    return this.interaction({
      ...base,
      container: { type: "message", message_ts: where.ts, channel_id: where.channel, is_ephemeral: Boolean(where.ephemeral) },
      channel: { id: where.channel, name: where.channel },
      ...(where.ephemeral ? {} : { message: { type: "message", ts: where.ts, text: "", user: "UACCORDBOT" } }),
      response_url: where.responseUrl ?? "https://hooks.invalid/none",
    });
  }

  viewSubmission(user: SlackUserRef, view: Record<string, unknown>, values: Record<string, Record<string, unknown>>, opts: { timestamp?: number; signature?: string | null } = {}) {
    return this.interaction(
      { type: "view_submission", user: { id: user.id, username: user.name ?? user.id, team_id: this.team }, trigger_id: triggerFor(user.id), view: { ...view, state: { values } } },
      opts,
    );
  }

  options(user: SlackUserRef, view: Record<string, unknown>, actionId: string, blockId: string, value: string) {
    return this.interaction({ type: "block_suggestion", user: { id: user.id, team_id: this.team }, action_id: actionId, block_id: blockId, value, container: { type: "view", view_id: view.id }, view });
  }

  messageShortcut(user: SlackUserRef, message: { text: string; ts: string; user?: string }, channel = "C0GENERAL", callbackId = "dispute_from_message") {
    return this.interaction({
      type: "message_action",
      callback_id: callbackId,
      trigger_id: triggerFor(user.id),
      user: { id: user.id, name: user.name ?? user.id },
      channel: { id: channel, name: channel },
      message: { type: "message", ...message },
      message_ts: message.ts,
      response_url: "https://hooks.invalid/none",
      action_ts: String(Date.now() / 1000),
    });
  }

  event(event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number; timestamp?: number; signature?: string | null } = {}) {
    const body = JSON.stringify({
      token: "legacy",
      team_id: this.team,
      api_app_id: "A0ACCORD",
      event: { event_ts: String(Date.now() / 1000), ...event },
      type: "event_callback",
      event_id: opts.eventId ?? `Ev${crypto.randomBytes(6).toString("hex")}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.team, user_id: "UACCORDBOT", is_bot: true }],
    });
    return this.send(body, "application/json", {
      ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
      ...(opts.signature !== undefined ? { signature: opts.signature } : {}),
      ...(opts.retryNum !== undefined ? { headers: { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" } } : {}),
    });
  }
}
