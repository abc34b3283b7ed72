import crypto from "node:crypto";
import querystring from "node:querystring";
import type { NextFunction, Request, Response } from "express";
import { nestedDeeperThan } from "../domain/text.ts";

// In front of Bolt's ExpressReceiver on POST /slack/events: what Bolt lets through and should not.
// - The timestamp header is plain digits within 5 minutes of our clock, either way (Bolt only refuses old
//   ones, and reads the header with Number(): "1e20", "0x…", "+…" pass).
// - The body is read once (bounded), the signature checked, then the shape: a signed payload that is not
//   what Slack sends (payload=null, a JSON null, event: null, user: null, …) is a 400, never a 500 from a
//   listener reading a field of null.
// The raw body is handed on (req.rawBody), so Bolt verifies and parses the very same bytes.

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

const FORM = "application/x-www-form-urlencoded";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function readBody(req: Request, limit: number): Promise<Buffer | "too_large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        resolve("too_large");
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

function signatureOk(secret: string, ts: string, body: string, header: string | undefined): boolean {
  if (!header || !header.startsWith("v0=")) return false;
  const expected = Buffer.from("v0=" + crypto.createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex"));
  const given = Buffer.from(header);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** Slack's response_url: where `respond()` posts (a command always has one; http for local stand-ins). */
const httpUrl = (v: unknown): boolean => typeof v === "string" && URL.canParse(v) && /^https?:$/.test(new URL(v).protocol);

/** Slack's payloads are a few levels deep (a modal's blocks, about ten): far deeper is not Slack. */
export const MAX_SLACK_DEPTH = 40;

/** Ids Accord keys on or sends back to Slack: short strings when present (Slack's are under 40 characters). */
const IDS: [parent: string | null, key: string][] = [
  [null, "trigger_id"],
  ["user", "id"],
  ["team", "id"],
  ["channel", "id"],
  ["view", "id"],
  ["view", "callback_id"],
  ["view", "private_metadata"],
  ["message", "ts"],
  ["container", "message_ts"],
  ["container", "channel_id"],
];

/** Why a signed, parsed body is not something Slack sends; null when it looks right. */
export function malformedSlackBody(body: unknown, kind: "command" | "payload" | "json"): string | null {
  if (!isObj(body)) return "the body is not an object";
  if (nestedDeeperThan(body, MAX_SLACK_DEPTH)) return `nested deeper than ${MAX_SLACK_DEPTH} levels`;
  for (const [parent, key] of IDS) {
    const o = parent === null ? body : isObj(body[parent]) ? (body[parent] as Obj) : null;
    if (!o || !(key in o)) continue;
    const limit = key === "private_metadata" ? 3000 : 255;
    if (typeof o[key] !== "string" || (o[key] as string).length > limit) return `${parent ? `${parent}.` : ""}${key} is not a string of at most ${limit} characters`;
  }
  if (isObj(body.view) && "blocks" in body.view && (!Array.isArray(body.view.blocks) || body.view.blocks.some((b) => !isObj(b)))) return "view.blocks is not a list of objects";
  const optionalObject = (o: Obj, key: string, where: string): string | null => (key in o && !isObj(o[key]) ? `${where}${key} is not an object` : null);
  for (const key of ["team", "channel", "container", "enterprise", "message", "view", "authorizations"]) {
    if (key === "authorizations") {
      if (key in body && !Array.isArray(body[key])) return "authorizations is not a list";
      continue;
    }
    const e = optionalObject(body, key, "");
    if (e) return e;
  }
  if ("type" in body && typeof body.type !== "string") return "type is not a string";
  if (body.type === "event_callback" || "event" in body) {
    const event = body.event;
    if (!isObj(event)) return "event is not an object";
    if (typeof event.type !== "string") return "event.type is not a string";
    for (const key of ["user", "channel", "text", "ts", "thread_ts", "tab"]) {
      if (key in event && event[key] === null) return `event.${key} is null`;
    }
    if ("user" in event && typeof event.user !== "string" && !isObj(event.user)) return "event.user is neither an id nor an object";
    return null;
  }
  if (kind === "command") {
    // a slash command: flat string fields (a field sent twice would arrive as a list)
    for (const [k, v] of Object.entries(body)) if (typeof v !== "string") return `${k} is not a single value`;
    if (!httpUrl(body.response_url)) return "response_url is not a URL";
    return null;
  }
  if (typeof body.type !== "string") return "type is missing";
  if (body.type === "url_verification" || body.type === "ssl_check") return null;
  if (!isObj(body.user) || typeof body.user.id !== "string") return "user is not an object with an id";
  if ("response_url" in body && !httpUrl(body.response_url)) return "response_url is not a URL";
  // Bolt reads view.callback_id of every view payload before any listener runs
  if ((body.type === "view_submission" || body.type === "view_closed") && !isObj(body.view)) return "view is missing";
  if ("actions" in body) {
    if (!Array.isArray(body.actions) || !body.actions.length) return "actions is not a non-empty list";
    if (body.actions.some((a) => !isObj(a) || typeof a.action_id !== "string")) return "an action is not an object with an action_id";
  }
  if (isObj(body.view)) {
    const v = body.view;
    if ("state" in v) {
      if (!isObj(v.state)) return "view.state is not an object";
      if ("values" in v.state) {
        const values = v.state.values;
        if (!isObj(values)) return "view.state.values is not an object";
        for (const [block, actions] of Object.entries(values)) {
          if (!isObj(actions) || Object.values(actions).some((el) => !isObj(el))) return `view.state.values.${block} is not an object of objects`;
        }
      }
    }
  }
  return null;
}

export function slackRequestGuard(opts: { signingSecret: string; log: { warn(obj: object, msg: string): void }; now?: () => number; limit?: number }) {
  const now = opts.now ?? (() => Date.now());
  const limit = opts.limit ?? SLACK_BODY_LIMIT;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const ts = req.header("x-slack-request-timestamp") ?? "";
      if (!/^\d{1,12}$/.test(ts) || Math.abs(Math.floor(now() / 1000) - Number(ts)) > MAX_CLOCK_SKEW_SECONDS) {
        opts.log.warn({ timestamp: ts.slice(0, 40) }, "Slack request refused: timestamp outside the 5-minute window or not digits");
        res.status(401).end();
        return;
      }
      const raw = await readBody(req, limit);
      if (raw === "too_large") {
        res.status(413).set("Connection", "close").end();
        return;
      }
      const text = raw.toString();
      if (!signatureOk(opts.signingSecret, ts, text, req.header("x-slack-signature"))) {
        res.status(401).end();
        return;
      }
      const form = (req.header("content-type") ?? "").split(";")[0]!.trim() === FORM;
      let body: unknown;
      let kind: "command" | "payload" | "json" = "json";
      try {
        if (form) {
          const fields = querystring.parse(text);
          kind = "payload" in fields ? "payload" : "command";
          body = typeof fields.payload === "string" ? JSON.parse(fields.payload) : kind === "payload" ? null : fields;
        } else body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const why = body === undefined ? "the body does not parse" : malformedSlackBody(body, kind);
      if (why) {
        opts.log.warn({ why }, "Slack request refused: malformed payload");
        res.status(400).json({ error: { code: "validation", message: `Malformed Slack payload: ${why}`, details: { field: "body" } } });
        return;
      }
      (req as Request & { rawBody?: Buffer }).rawBody = raw;
      next();
    } catch (err) {
      next(err);
    }
  };
}
