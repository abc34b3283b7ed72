import crypto from "node:crypto";
import { FakeSlack, type StoredView } from "../slack/standin/fakeSlack.ts";
import { latestTs, writeConversations, type SavedConversations } from "./conversations.ts";

// The sandbox's Slack Web API stand-in: the recording fake Slack (src/slack/standin/fakeSlack.ts), run
// in-process on a loopback port, that Accord's Web API client is pointed at (SLACK_API_URL). This file
// reads what it captured back as what one person would see in Slack: their DM with Accord (messages,
// threads, private answers, files), the modal on top of their stack and their Home tab. The JSON is
// passed to the page untouched; only the page renders it.

export interface TimelineReply {
  ts: string;
  at: number;
  /** a person's Slack id; null = Accord */
  user: string | null;
  text: string;
  blocks: unknown[];
  ephemeral: boolean;
}

export interface TimelineEntry extends TimelineReply {
  kind: "message" | "file";
  edited: boolean;
  replies: TimelineReply[];
  file?: { id: number; filename: string; title: string; bytes: number };
}

export interface ModalState {
  view: Record<string, unknown>;
  /** response_action "errors" of the last submission, by block id */
  errors: Record<string, string>;
  /** how many views are stacked (1 = no pushed view) */
  depth: number;
}

/** The Slack id the sandbox gives a person (deterministic, from the email). */
export const sandboxUserId = (email: string) => "U" + crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 10).toUpperCase();

/** A user's DM channel with Accord: what the stand-in's conversations.open answers. */
export const dmChannelOf = (userId: string) => `D${userId.replace(/^U/, "")}`;

const tsNumber = (ts: string) => Number(ts);
const viewNumber = (id: string) => Number(id.replace(/\D/g, "")) || 0;

export class Standin {
  private readonly targets = new Map<string, { user: string; channel: string }>();
  private readonly errors = new Map<string, Record<string, string>>();
  private readonly firstSeen = new Map<string, number>();

  private constructor(
    readonly fake: FakeSlack,
    private readonly now: () => number,
  ) {}

  /** `now`: the sandbox's clock (ms), which stamps when each message was first shown. */
  static async start(now: () => number = Date.now): Promise<Standin> {
    return new Standin(await FakeSlack.start(), now);
  }

  /** The Web API base URL Accord's client uses. */
  get apiUrl(): string {
    return this.fake.apiUrl;
  }

  /**
   * Shows these saved conversations again (messages at their ts, threads, files, Home tabs); the next ts
   * the stand-in gives is later than every one of them and than `after` (the database's card refs).
   */
  restore(saved: SavedConversations | null, after: string | null): void {
    for (const m of saved?.messages ?? []) this.fake.messages.set(m.channel, [...(this.fake.messages.get(m.channel) ?? []), m]);
    for (const f of saved?.files ?? []) this.fake.files.push({ channel: f.channel, filename: f.filename, title: f.title, ts: f.ts, content: Buffer.from(f.content, "base64") });
    for (const [user, view] of Object.entries(saved?.homes ?? {})) this.fake.homes.set(user, view);
    for (const [ts, at] of Object.entries(saved?.seen ?? {})) this.firstSeen.set(ts, at);
    const last = latestTs([...(saved?.messages ?? []).map((m) => m.ts), ...(saved?.files ?? []).map((f) => f.ts), ...(after ? [after] : [])]);
    if (last) this.fake.resumeAfter(last);
  }

  /**
   * From now on, every change to what people see is written to `file` before Accord gets its answer. A write
   * that fails is told to `onError` (once until one succeeds again) and never fails the Web API call.
   */
  keepIn(file: string, onError: (err: unknown) => void): void {
    this.keptIn = file;
    this.onSaveError = onError;
    this.fake.on("stored", this.save);
    this.save();
  }

  private keptIn: string | null = null;
  private onSaveError: (err: unknown) => void = () => undefined;
  private saveFailing = false;
  private readonly save = () => {
    if (!this.keptIn) return;
    try {
      writeConversations(this.keptIn, this.saved());
      this.saveFailing = false;
    } catch (err) {
      if (!this.saveFailing) this.onSaveError(err);
      this.saveFailing = true;
    }
  };

  /** What would be restored: every message (stamped with when it was first shown), file and Home tab. */
  saved(): SavedConversations {
    const messages = [...this.fake.messages.values()].flat();
    const seen: Record<string, number> = {};
    for (const m of messages) seen[m.ts] = this.seen(m.ts);
    for (const f of this.fake.files) seen[f.ts] = this.seen(f.ts);
    return {
      version: 1,
      messages,
      files: this.fake.files.map((f) => ({ channel: f.channel, filename: f.filename, title: f.title, ts: f.ts, content: f.content.toString("base64") })),
      homes: Object.fromEntries(this.fake.homes),
      seen,
    };
  }

  /** A response_url whose answers are shown to this user in this channel. */
  responseUrlFor(user: string, channel: string): string {
    const url = this.fake.responseUrl();
    this.targets.set(url.slice(url.lastIndexOf("/") + 1), { user, channel });
    return url;
  }

  private seen(ts: string): number {
    let at = this.firstSeen.get(ts);
    if (at === undefined) {
      at = this.now();
      this.firstSeen.set(ts, at);
    }
    return at;
  }

  /**
   * What `user` sees in their DM with Accord (or in `channel`, one of the workspace's channels), oldest first.
   * Private answers show where they were given: in the channel, or else in the DM.
   */
  timeline(user: string, channel = dmChannelOf(user)): TimelineEntry[] {
    const inDm = channel === dmChannelOf(user);
    const here = (c: string) => c === channel || (inDm && !c.startsWith("C"));
    const all = this.fake.messages.get(channel) ?? [];
    const replies = new Map<string, TimelineReply[]>();
    const addReply = (threadTs: string, r: TimelineReply) => replies.set(threadTs, [...(replies.get(threadTs) ?? []), r]);
    const out: TimelineEntry[] = [];
    for (const m of all) {
      const base = { ts: m.ts, at: this.seen(m.ts), user: m.user ?? null, text: m.text, blocks: m.blocks, ephemeral: false };
      if (m.threadTs) addReply(m.threadTs, base);
      else out.push({ ...base, kind: "message", edited: m.versions > 1, replies: [] });
    }
    for (const e of this.fake.ephemerals) {
      if (e.user !== user || !here(e.channel)) continue;
      const base = { ts: e.ts, at: this.seen(e.ts), user: null, text: e.text, blocks: e.blocks, ephemeral: true };
      if (e.threadTs && e.channel === channel) addReply(e.threadTs, base);
      else out.push({ ...base, kind: "message", edited: false, replies: [] });
    }
    for (const r of this.fake.responses) {
      const target = this.targets.get(r.id);
      if (!target || target.user !== user || !here(target.channel)) continue;
      const body = r.body;
      out.push({
        kind: "message",
        ts: r.ts,
        at: this.seen(r.ts),
        user: null,
        text: typeof body.text === "string" ? body.text : "",
        blocks: Array.isArray(body.blocks) ? body.blocks : [],
        ephemeral: body.response_type !== "in_channel",
        edited: false,
        replies: [],
      });
    }
    this.fake.files.forEach((f, i) => {
      if (f.channel !== channel) return;
      out.push({ kind: "file", ts: f.ts, at: this.seen(f.ts), user: null, text: f.title, blocks: [], ephemeral: false, edited: false, replies: [], file: { id: i, filename: f.filename, title: f.title, bytes: f.content.length } });
    });
    for (const e of out) e.replies = (replies.get(e.ts) ?? []).sort((a, b) => tsNumber(a.ts) - tsNumber(b.ts));
    return out.sort((a, b) => tsNumber(a.ts) - tsNumber(b.ts));
  }

  /** The user's open modals, bottom first. Only the newest stack counts (opening a modal replaces the old ones). */
  stack(user: string): StoredView[] {
    const mine = [...this.fake.views.values()].filter((v) => v.user === user);
    if (!mine.length) return [];
    const current = mine.map((v) => v.rootId).sort((a, b) => viewNumber(b) - viewNumber(a))[0]!;
    for (const v of mine) if (v.rootId !== current) this.fake.views.delete(v.id);
    return mine.filter((v) => v.rootId === current).sort((a, b) => viewNumber(a.id) - viewNumber(b.id));
  }

  modal(user: string): ModalState | null {
    const stack = this.stack(user);
    const top = stack[stack.length - 1];
    if (!top) return null;
    return { view: top.view, errors: this.errors.get(`${top.id}:${top.hash}`) ?? {}, depth: stack.length };
  }

  /** The stored view `viewId` of this user, as Slack sends it back in payloads, with the page's input state. */
  viewFor(user: string, viewId: string, values: Record<string, unknown> | undefined): Record<string, unknown> | null {
    const v = this.fake.views.get(viewId);
    if (!v || v.user !== user) return null;
    return { ...v.view, id: v.id, hash: v.hash, state: { values: values ?? {} } };
  }

  setErrors(viewId: string, errors: Record<string, string>): void {
    const v = this.fake.views.get(viewId);
    if (v) this.errors.set(`${v.id}:${v.hash}`, errors);
  }

  /** Closes the top view (the default answer to a submission, or the Close button). */
  closeView(user: string, viewId: string): Record<string, unknown> | null {
    const v = this.fake.views.get(viewId);
    if (!v || v.user !== user) return null;
    this.fake.views.delete(viewId);
    return v.view;
  }

  /** response_action "clear": the whole stack goes. */
  clear(user: string): void {
    for (const v of this.stack(user)) this.fake.views.delete(v.id);
  }

  /** Replaces a view's content in place, as Slack does for response_action "update". */
  replace(viewId: string, view: Record<string, unknown>): void {
    const v = this.fake.views.get(viewId);
    if (!v) return;
    const hash = `hs${crypto.randomBytes(4).toString("hex")}`;
    v.hash = hash;
    v.view = { ...view, id: v.id, hash, root_view_id: v.rootId, team_id: "T0ACCORD", app_id: "A0ACCORD", state: { values: {} } };
  }

  /** response_action "push": a new view on top of the stack (through the stand-in's own views.push). */
  async push(user: string, view: Record<string, unknown>): Promise<void> {
    await fetch(`${this.fake.apiUrl}views.push`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: "Bearer xoxb-sandbox" },
      body: JSON.stringify({ trigger_id: `trig.${user}.sandbox`, view }),
    });
  }

  home(user: string): Record<string, unknown> | null {
    return this.fake.homes.get(user) ?? null;
  }

  file(index: number): { filename: string; content: Buffer; channel: string } | null {
    return this.fake.files[index] ?? null;
  }

  stop(): Promise<void> {
    this.save();
    this.fake.off("stored", this.save);
    return this.fake.close();
  }
}
