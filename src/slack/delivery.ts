import { chatRow } from "../app/chatRows.ts";
import type { Deps } from "../app/context.ts";
import { CHAT_CHANGE, eventsOf, OWNER_NOTICE, type ChatChangePayload, type OwnerNoticePayload } from "../app/chatQueue.ts";
import { findPeople } from "../app/findPeople.ts";
import { getDispute } from "../app/getDispute.ts";
import type { OutboxMessage, RateKey } from "../app/ports.ts";
import { previewNotice } from "../app/previewNotice.ts";
import { REMINDER, type ReminderPayload } from "../app/remindFollowUps.ts";
import { OPENER_UPDATE, type OpenerUpdatePayload } from "../app/notifyOpener.ts";
import { DIGEST_POST, type DigestPostPayload } from "../app/digests.ts";
import { digestSlackMessage } from "./digestPost.ts";
import { OPENER_TEXT } from "../views/openerText.ts";
import { FOLLOWUP_TEXT } from "../views/followupText.ts";
import { reminderCopyLine } from "../views/reminderLine.ts";
import type { Locale, Person } from "../domain/types.ts";
import { formatEvent } from "../views/disputeCard.ts";
import { t } from "../views/i18n.ts";
import { cardMessage, reminderMessage } from "./blocks.ts";
import type { GatewayLog, SlackGateway } from "./gateway.ts";
import type { PostedCard } from "./ports.ts";
import { cardFor, channelViewer, emailsOf, peopleIndex, today, type PeopleIndex } from "./render.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { PassLoop } from "../app/passLoop.ts";
import { roundReads } from "./roundReads.ts";

/** What a reminder's copy is about (PostedCard.notice): the reminder, and who owned the dispute when it was sent. */
type ReminderNotice = ReminderPayload & { ownerEmail: string };

// Delivers the Slack rows of the delivery queue (src/app/chatQueue.ts), in every replica at once:
// - each pass claims due rows with a lease (OUTBOX_LEASE_MS), the head of each dispute only, so a card
//   update never overtakes the post that created the card; Slack is called outside any transaction and
//   the outcome recorded in a short one; a lease left by a dead process runs out and the row is claimed again;
// - every call is paced from the database (RateLimit rows, shared by the replicas): per channel for posts,
//   per method tier, a workspace cap; a 429 blocks its key for Retry-After for every replica;
// - the rendering is done at send time from the dispute's current state; several pending changes of one
//   dispute collapse into one chat.update per copy (the last change's), thread lines are posted for each
//   (under the cards; a reminder, nudge or escalation DM is a copy too, updated in place, without lines);
// - posts carry the row id and step in Slack message metadata: a row whose outcome is unknown (claimed
//   again after a lease ran out, or retried after a timeout or a 5xx) looks for them in the conversation
//   first (conversations.history / .replies with include_all_metadata), so nothing is posted twice;
// - transient failures (5xx, network, timeouts) retry with backoff; a target that is gone or unknown
//   (channel_not_found, not_in_channel, user_not_found...) is recorded with its reason; a token that no
//   longer works (invalid_auth, token_revoked, account_inactive) pauses every delivery of the workspace
//   until a probe (auth.test) succeeds, then the admins are told.

export const METADATA_EVENT = "accord_delivery";

const GONE = new Set(["channel_not_found", "message_not_found", "is_archived", "not_in_channel", "cant_update_message", "channel_is_archived"]);
/** Errors of one target: that step is given up, with its reason; the rest goes on. */
const TARGET = new Set([...GONE, "user_not_found", "users_not_found", "user_disabled", "cannot_dm_bot", "messages_tab_disabled", "restricted_action", "invalid_blocks", "msg_too_long", "no_text"]);
/** Errors of the token: the whole workspace waits. */
const TOKEN = new Set(["invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired", "missing_scope", "team_access_not_granted", "app_uninstalled"]);

export const WORKSPACE_KEY = "slack:workspace";
const RETRY_FOR_MS = 72 * 3600_000;
const MAX_INLINE_WAIT_MS = 2000;
const WINDOW_SLOTS = 100;

export interface SlackPacing {
  /** chat.postMessage per channel (Slack: about 1 a second) */
  channelPerSec: number;
  /** chat.update per minute, workspace-wide (Slack tier 3: 50+) */
  updatePerMin: number;
  /** every call of the deliverer, workspace-wide */
  workspacePerSec: number;
}

export const DEFAULT_PACING: SlackPacing = { channelPerSec: 1, updatePerMin: 50, workspacePerSec: 10 };

export interface SlackDeliveryOptions {
  deps: Deps;
  gateway: SlackGateway;
  disputesChannel?: string | undefined;
  log: GatewayLog;
  pacing?: SlackPacing;
  leaseMs?: number;
  /** fallback polling when no wake-up came (PostgreSQL NOTIFY and in-process kicks are the usual ones) */
  pollMs?: number;
  /** how often a paused workspace is probed (auth.test) */
  probeMs?: number;
  /** after a row: the people whose Home tab may have changed */
  onDelivered?: (emails: string[]) => void;
}

/** Why a call did not go through: wait (pacing, 429, paused), try later (transient), or give the step up. */
class Defer extends Error {
  constructor(
    readonly ms: number,
    readonly why: string,
  ) {
    super(`deferred ${ms} ms: ${why}`);
  }
}
class Transient extends Error {}
class TargetFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
class TokenFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type SlackMessage = { ts?: string; thread_ts?: string; metadata?: { event_type?: string; event_payload?: { key?: string } } };

export function backoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(attempts - 1, 0), 15 * 60_000);
}

/**
 * The queue's instant: the later of the business clock (rows are written with it) and the wall clock
 * (leases, backoff and Slack's limits are real time); the same in production.
 */
export function queueNow(deps: Deps): Date {
  const b = deps.clock().getTime();
  const w = Date.now();
  return new Date(Math.max(b, w));
}

export class SlackDelivery extends PassLoop {
  private probeTimer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = 0;
  private readonly pacing: SlackPacing;
  private readonly leaseMs: number;
  private paused: { reason: string; since: Date } | null = null;
  /** the claim round: the settings and reasons a round's rows are rendered with are read once for it (roundReads) */
  private round = 0;
  private readonly o: SlackDeliveryOptions;

  constructor(o: SlackDeliveryOptions) {
    super({ name: "Slack", log: o.log, pollMs: o.pollMs });
    this.o = { ...o, deps: roundReads(o.deps, () => this.round) };
    this.pacing = o.pacing ?? DEFAULT_PACING;
    this.leaseMs = o.leaseMs ?? 30_000;
  }

  /** A pass at `at` (the end of a 429's block); the earliest of those asked for. */
  private wake(at: Date): void {
    if (this.stopped) return;
    const ms = Math.max(0, at.getTime() - Date.now());
    if (this.wakeTimer && this.wakeAt <= at.getTime()) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at.getTime();
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.kick();
    }, ms);
    this.wakeTimer.unref();
  }

  /** Resolves once nothing of Slack's is due or being delivered (tests, bench); gives up after `timeoutMs`. */
  async idle(timeoutMs = 20_000): Promise<void> {
    await this.idleUntil(async () => {
      if (this.paused) return true;
      const due = await this.o.deps.store.outbox.due(queueNow(this.o.deps), 1, "slack");
      const waiting = await this.o.deps.store.outbox.list({ status: "pending", channel: "slack", limit: 1 });
      return !due.length && !waiting.length;
    }, timeoutMs);
  }

  /** The workspace pause, for /readyz. */
  health(): { status: "ok" } | { status: "paused"; reason: string; since: string } {
    return this.paused ? { status: "paused", reason: this.paused.reason, since: this.paused.since.toISOString() } : { status: "ok" };
  }

  async stop(): Promise<void> {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    await this.stopLoop();
  }

  // ---- a pass --------------------------------------------------------------------------------

  protected async pass(): Promise<void> {
    const { deps } = this.o;
    const ws = await deps.store.rates.get(WORKSPACE_KEY);
    if (ws?.blockedUntil && ws.blockedUntil.getTime() > Date.now()) {
      if (ws.reason && TOKEN.has(ws.reason)) this.pauseSeen(ws.reason);
      // a 429's Retry-After (another replica's, maybe): back as soon as it ends, not at the next poll
      else this.wake(ws.blockedUntil);
      return;
    }
    if (this.paused) await this.resumed();
    // rows claimed at once: half a second of the workspace's budget (its calls reserve their slots up to 2 s ahead)
    const limit = Math.max(20, Math.ceil(this.keysOf("chat.postMessage", undefined)[0]!.burst! / 2));
    for (let claims = 0; claims < 50 && !this.stopped; claims++) {
      this.round++;
      const rows = await deps.store.outbox.claim({ channel: "slack", now: queueNow(deps), leaseMs: this.leaseMs, limit });
      if (!rows.length) return;
      const outcomes = await Promise.all(rows.map((m) => this.deliver(m)));
      if (outcomes.some((o) => o === "paused")) return;
      if (!outcomes.some((o) => o === "delivered")) return;
    }
  }

  private async deliver(m: OutboxMessage): Promise<"delivered" | "later" | "paused"> {
    const { deps, log } = this.o;
    const ctx = new StepContext(this, m, Date.now());
    try {
      const row = chatRow(m);
      if (row?.type === CHAT_CHANGE) await this.deliverChange(m, row.payload, ctx);
      else if (row?.type === OWNER_NOTICE) await this.deliverOwnerNotice(m, row.payload, ctx);
      else if (row?.type === REMINDER) await this.deliverReminder(m, row.payload, ctx);
      else if (row?.type === OPENER_UPDATE) await this.deliverOpenerUpdate(row.payload, ctx);
      else if (row?.type === DIGEST_POST) await this.deliverDigest(row.payload, ctx);
      else throw new TargetFailed(`no Slack delivery for messages of type ${m.type}`);
      await deps.store.outbox.markDelivered(m.id, deps.clock());
      return "delivered";
    } catch (err) {
      const now = queueNow(deps);
      if (err instanceof Defer) {
        // a paced or rate-limited row: no attempt counted; if it posted something already, or was reclaimed (what a
        // dead deliverer posted is unknown) and deferred before it could look, the next claim reconciles first
        await deps.store.outbox.defer(m.id, new Date(now.getTime() + err.ms), { sent: ctx.posted > 0 || Boolean(m.reclaimed) });
        log.debug?.({ id: m.id, ms: err.ms, why: err.why }, "Slack delivery deferred");
        return "later";
      }
      if (err instanceof TokenFailed) {
        await deps.store.outbox.defer(m.id, now, { sent: ctx.posted > 0 || Boolean(m.reclaimed) });
        await this.pause(err.reason);
        return "paused";
      }
      if (err instanceof TargetFailed) {
        // a person's notice Slack cannot deliver goes to Teams when Teams can reach them (issue 13)
        if (await this.handToTeams(m, err.reason)) return "delivered";
        await deps.store.outbox.markFailed(m.id, err.reason, null);
        log.warn({ id: m.id, type: m.type, dispute: m.orderKey, reason: err.reason }, "Slack delivery given up: its target cannot be reached");
        return "later";
      }
      const attempts = m.attempts + 1;
      const next = new Date(now.getTime() + backoffMs(attempts));
      // its age on the business clock (the one it was written with; the wall clock in production)
      const giveUp = deps.clock().getTime() + backoffMs(attempts) - m.createdAt.getTime() > RETRY_FOR_MS;
      await deps.store.outbox.markFailed(m.id, err instanceof Error ? err.message : String(err), giveUp ? null : next);
      log.warn({ id: m.id, type: m.type, dispute: m.orderKey, attempts, giveUp, err: String(err) }, "Slack delivery failed");
      return "later";
    }
  }

  /**
   * With Teams on, a reminder or an opener's notice whose person Slack cannot reach (not in the workspace, DMs closed)
   * is handed to Teams when Accord can reach them there: one row of the same payload, this one delivered.
   */
  private async handToTeams(m: OutboxMessage, reason: string): Promise<boolean> {
    const { deps, log } = this.o;
    if (!(deps.chatQueue ?? []).includes("teams") || (m.type !== REMINDER && m.type !== OPENER_UPDATE)) return false;
    const email = (JSON.parse(m.payload) as { email?: string }).email;
    if (!email) return false;
    const [f] = await deps.store.teams.routes([email]);
    if (!f?.teams || f.teamsUnreachable) return false;
    await deps.store.transaction(async (tx) => {
      await tx.outbox.add([{ id: `${m.id}:teams`, channel: "teams", type: m.type, orderKey: m.orderKey, payload: m.payload, createdAt: deps.clock() }]);
      await tx.outbox.markDelivered(m.id, deps.clock());
    });
    log.warn({ id: m.id, type: m.type, dispute: m.orderKey, email, reason }, "cannot reach them in Slack: the notice goes to Teams");
    return true;
  }

  // ---- a dispute's change --------------------------------------------------------------------

  private async deliverChange(m: OutboxMessage, p: ChatChangePayload, ctx: StepContext): Promise<void> {
    const { deps, gateway } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    let copies = await gateway.state.cards.forDispute(x.dispute.id);
    const reminderViewers = copies.flatMap((c) => (c.kind === "reminder" && c.viewerEmail ? [c.viewerEmail] : []));
    const found = await findPeople(deps, { emails: [...new Set([...emailsOf(x), ...p.concerned, ...reminderViewers])] });
    const people = await peopleIndex(deps, [], found);
    const known = new Map(found.map((person) => [person.email, person]));
    const day = await today(deps);
    const locale = (email: string | null): Locale => (email ? (known.get(email)?.locale ?? "fr") : "fr");
    const channelLocale = locale(x.dispute.openedByEmail);
    const render = async (copy: Pick<PostedCard, "kind" | "viewerEmail">) => {
      const viewer = copy.kind === "dm" && copy.viewerEmail ? (known.get(copy.viewerEmail) ?? null) : channelViewer(channelLocale);
      return (await cardFor(deps, x, viewer, copy.kind === "dm" ? locale(copy.viewerEmail) : channelLocale, people, day)).card;
    };

    // 1. Every copy in place, with the dispute as it is now; skipped when a later change of this dispute
    //    is already waiting (it will render the same state or a newer one).
    const later = await deps.store.outbox.pendingAfter({ channel: "slack", orderKey: m.orderKey, seq: m.seq, type: CHAT_CHANGE });
    if (!later) {
      for (const copy of copies) {
        // a reminder's copy: its line and the card as they are now (src/slack/delivery.ts reminderView); the
        // refresh its own delivery queued (no events, written before it was posted) finds it current already
        if (copy.kind === "reminder" && !p.events.length && copy.postedAt.getTime() >= m.createdAt.getTime()) continue;
        const viewer = copy.kind === "reminder" && copy.viewerEmail ? known.get(copy.viewerEmail) : undefined;
        if (copy.kind === "reminder" && (!viewer || !copy.notice)) continue;
        const msg = viewer ? await this.reminderView(x, JSON.parse(copy.notice!) as ReminderNotice, viewer, people, day) : cardMessage(await render(copy), people.options);
        try {
          await ctx.call("chat.update", { channel: copy.channel, ts: copy.ts, text: msg.text, blocks: msg.blocks });
        } catch (err) {
          if (!(err instanceof TargetFailed && GONE.has(err.reason))) throw err;
          this.o.log.warn({ channel: copy.channel, ts: copy.ts, error: err.reason }, "card copy gone: forgotten");
          await gateway.state.cards.remove(copy.channel, copy.ts);
          copies = copies.filter((c) => c !== copy);
        }
      }
    }

    // 2. New cards: the owner's (a new dispute, a reassignment) and the disputes channel's.
    const reassigned = p.events.some((e) => e.type === "reassigned");
    const owner = known.get(x.dispute.ownerEmail) ?? null;
    const posted: PostedCard[] = [];
    const ownerHasCard = () => copies.some((c) => c.kind === "dm" && c.viewerEmail === x.dispute.ownerEmail);
    // with Teams on too, the owner's card goes where routing sent it (issue 13: p.ownerPlatform)
    if (((p.opened && p.notifyOwner) || reassigned) && !ownerHasCard() && (p.ownerPlatform ?? "slack") === "slack") {
      const copy = await this.postOwnerCard(ctx, m, { disputeId: x.dispute.id, number: x.dispute.number, email: x.dispute.ownerEmail, notice: p.opened }, owner, async () => {
        const notice = p.opened && owner ? (await previewNotice(deps, { dispute: x.dispute.id, locale: owner.locale, link: `\`/dispute show ${x.dispute.number}\`` })).text : undefined;
        return cardMessage(await render({ kind: "dm", viewerEmail: x.dispute.ownerEmail }), people.options, notice ? { notice } : {});
      });
      if (copy) posted.push(copy);
    }
    if (p.opened && this.o.disputesChannel && !copies.some((c) => c.kind === "channel")) {
      const msg = cardMessage(await render({ kind: "channel", viewerEmail: null }), people.options);
      try {
        const r = await ctx.post("channel", { channel: this.o.disputesChannel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
        const copy: PostedCard = { disputeId: x.dispute.id, channel: r.channel, ts: r.ts, kind: "channel", viewerEmail: null, postedAt: deps.clock() };
        await gateway.state.cards.add(copy);
        posted.push(copy);
      } catch (err) {
        if (!(err instanceof TargetFailed)) throw err;
        this.o.log.warn({ channel: this.o.disputesChannel, error: err.reason }, "could not post to the disputes channel");
      }
    }

    // 3. One line per event in each copy's thread (not echoed where a thread comment came from).
    const events = eventsOf(p);
    // (under the cards only: a reminder's copy is updated in place, the timeline is the card's thread)
    for (const copy of [...copies, ...posted].filter((c) => c.kind !== "reminder")) {
      for (const [i, e] of events.entries()) {
        if (p.thread && p.thread.channel === copy.channel && p.thread.ts === copy.ts && e.type === "commented") continue;
        const loc = copy.kind === "dm" ? locale(copy.viewerEmail) : channelLocale;
        try {
          await ctx.post(`line:${i}:${copy.channel}:${copy.ts}`, { channel: copy.channel, thread_ts: copy.ts, text: formatEvent(e, t(loc), loc, people.refs), unfurl_links: false });
        } catch (err) {
          if (!(err instanceof TargetFailed)) throw err;
          this.o.log.warn({ channel: copy.channel, error: err.reason }, "could not add the timeline line");
        }
      }
    }

    if (!later) this.o.onDelivered?.([x.dispute.ownerEmail, x.dispute.openedByEmail, ...p.concerned]);
  }

  /** A notice given up earlier (its dead row retried): the owner's card again. */
  private async deliverOwnerNotice(m: OutboxMessage, p: OwnerNoticePayload, ctx: StepContext): Promise<void> {
    const { deps, gateway } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    if (x.dispute.ownerEmail !== p.email || (await gateway.state.cards.forDispute(x.dispute.id)).some((c) => c.kind === "dm" && c.viewerEmail === p.email)) return;
    const [owner] = await findPeople(deps, { emails: [p.email] });
    gateway.forgetLookup(p.email);
    const people = await peopleIndex(deps, emailsOf(x));
    const copy = await this.postOwnerCard(ctx, null, p, owner ?? null, async () => {
      const notice = p.notice && owner ? (await previewNotice(deps, { dispute: x.dispute.id, locale: owner.locale, link: `\`/dispute show ${x.dispute.number}\`` })).text : undefined;
      const card = (await cardFor(deps, x, owner ?? null, owner?.locale ?? "fr", people, await today(deps))).card;
      return cardMessage(card, people.options, notice ? { notice } : {});
    });
    if (!copy) throw new TargetFailed(ctx.lastTargetError ?? "user_not_found");
    // delivered at last: the warning goes from the other copies
    await this.queueRefresh(deps.store, p);
  }

  /**
   * A reminder (to the owner) or an escalation (to the controller who opened it, the owner's manager): a new
   * DM with its line on top of the card as it is now, and Snooze for the owner. A reminder the dispute no
   * longer needs (closed, reassigned since) is dropped; a person Accord cannot reach leaves the row dead with
   * its reason (GET /outbox?status=failed, POST /outbox/{id}/retry). A reminder changed the card (the
   * follow-up date moved on, the overdue line): every copy is rendered again after it. The message posted is
   * recorded as a copy of kind "reminder" (with what it is about): each later change of the dispute renders it
   * again in place, like the cards, so a reminder acted on shows what became of it.
   */
  private async deliverReminder(m: OutboxMessage, p: ReminderPayload, ctx: StepContext): Promise<void> {
    const { deps, gateway } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    const d = x.dispute;
    if (d.status !== "open" || (p.kind === "reminder" && d.ownerEmail !== (p.onBehalfOf?.email ?? p.email)) || (p.kind === "nudge" && d.ownerEmail !== (p.onBehalfOf?.email ?? p.email))) return;
    // the recipient and the card's people in one read
    const found = await findPeople(deps, { emails: [...new Set([p.email, ...emailsOf(x)])] });
    const person = found.find((f) => f.email.toLowerCase() === p.email.trim().toLowerCase());
    if (!person) throw new TargetFailed("person_unknown");
    const slackId = await ctx.lookup(() => gateway.slackIdOf(person));
    if (!slackId) throw new TargetFailed("user_not_found");
    const channel = await ctx.lookup(() => gateway.dmChannel(slackId), "conversations.open");
    const people = await peopleIndex(deps, [], found);
    const notice: ReminderNotice = { ...p, ownerEmail: d.ownerEmail };
    const msg = await this.reminderView(x, notice, person, people, await today(deps), { followUpOn: p.followUpOn });
    const r = await ctx.post("reminder", { channel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
    // the copies of the card show the moved follow-up date: rendered again after it (none posted: nothing to do;
    // a copy is only posted by a later row of this dispute, from its state then)
    if (p.kind === "reminder" && (await gateway.state.cards.forDispute(d.id)).length) await this.queueRefresh(deps.store, p);
    // the reminder message is one of the dispute's copies from now on: rendered again by each later change
    await gateway.state.cards.add({ disputeId: d.id, channel: r.channel, ts: r.ts, kind: "reminder", viewerEmail: person.email, postedAt: deps.clock(), notice: JSON.stringify(notice) });
    this.o.onDelivered?.([d.ownerEmail]);
  }

  /**
   * A reminder's message for `person`: its line on top of the card as it is now, and Snooze while they own the
   * open dispute. Posted by deliverReminder, rendered again for every later change (a copy of kind "reminder"):
   * what stays true stays (the follow-up that was due, who escalated, who nudged); what was about the state then
   * follows it: the next reminder only while the dispute is open with a follow-up date and still theirs, an
   * escalation's overdue line only while the dispute is overdue. `at` overrides the follow-up date (the post: the
   * job's date after this reminder).
   */
  private async reminderView(x: DisputeDetails, p: ReminderNotice, person: Person, people: PeopleIndex, day: string, at?: { followUpOn: string | null }): Promise<{ text: string; blocks: unknown[] }> {
    const { deps } = this.o;
    const d = x.dispute;
    const open = d.status === "open";
    const locale = person.locale;
    const w = FOLLOWUP_TEXT[locale];
    // what was about the state then follows it: the next reminder, the overdue line (the same rule and words as Teams)
    const line = reminderCopyLine(x, p, (email) => people.refs.get(email)?.name ?? email, person, at);
    const card = (await cardFor(deps, x, person, locale, people, day)).card;
    const snooze =
      open && person.email === d.ownerEmail
        ? {
            disputeId: d.id,
            choices: [
              { choice: "tomorrow" as const, label: w.snoozeTomorrow },
              { choice: "in3days" as const, label: w.snoozeIn3Days },
              { choice: "nextMonday" as const, label: w.snoozeNextMonday },
            ],
            pickLabel: w.snoozePickDate,
            last: await deps.store.disputes.lastSnooze(person.email),
          }
        : undefined;
    return reminderMessage(card, people.options, line, snooze);
  }

  /**
   * A channel's digest (src/app/digests.ts, rendered by src/slack/digestPost.ts): one post in the subscribed channel.
   * Dropped when the subscription was removed since; a channel Accord is not in (any more) leaves the row dead with
   * its reason (`not_in_channel`, `channel_not_found`).
   */
  private async deliverDigest(p: DigestPostPayload, ctx: StepContext): Promise<void> {
    const { gateway } = this.o;
    const msg = await digestSlackMessage(this.o.deps, p, (person) => gateway.slackIdOf(person));
    if (!msg) return;
    await ctx.post("digest", { channel: p.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false });
  }

  /**
   * The opener's notice (src/app/notifyOpener.ts): a new DM to the controller who opened the dispute, what
   * happened and by whom on top of the card as it is now. Dropped when the opener turned these notices off
   * since it was queued; a person Accord cannot reach leaves the row dead with its reason.
   */
  private async deliverOpenerUpdate(p: OpenerUpdatePayload, ctx: StepContext): Promise<void> {
    const { deps, gateway } = this.o;
    if (!(await deps.store.people.openerUpdates(p.email))) return;
    const x = await getDispute(deps, { dispute: p.disputeId });
    const [person] = await findPeople(deps, { emails: [p.email] });
    if (!person) throw new TargetFailed("person_unknown");
    const slackId = await ctx.lookup(() => gateway.slackIdOf(person));
    if (!slackId) throw new TargetFailed("user_not_found");
    const channel = await ctx.lookup(() => gateway.dmChannel(slackId), "conversations.open");
    const emails = [...new Set([...emailsOf(x), p.byEmail, ...(p.what === "reassigned" ? [p.fromEmail, p.toEmail] : [])])];
    const people = await peopleIndex(deps, emails);
    const locale = person.locale;
    const w = OPENER_TEXT[locale];
    const name = (email: string) => people.refs.get(email)?.name ?? email;
    const line =
      p.what === "resolved"
        ? w.resolved(p.number, name(p.byEmail), t(locale).outcome[p.outcome])
        : p.what === "withdrawn"
          ? w.withdrawn(p.number, name(p.byEmail))
          : w.reassigned(p.number, name(p.byEmail), name(p.fromEmail), name(p.toEmail));
    const card = (await cardFor(deps, x, person, locale, people, await today(deps))).card;
    const msg = reminderMessage(card, people.options, line);
    await ctx.post("opener_update", { channel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
  }

  /**
   * Posts the owner's card to their DM. A person Accord cannot reach in Slack (no such user, DMs closed)
   * leaves a dead notice row of its own (listed by GET /outbox?status=failed, shown on the card the
   * controller sees, retried by POST /outbox/{id}/retry) — when `m` is the change being delivered.
   */
  private async postOwnerCard(ctx: StepContext, m: OutboxMessage | null, p: OwnerNoticePayload, owner: Person | null, message: () => Promise<{ text: string; blocks: unknown[] }>): Promise<PostedCard | null> {
    const { deps, gateway } = this.o;
    const giveUp = async (reason: string) => {
      ctx.lastTargetError = reason;
      this.o.log.warn({ email: p.email, dispute: p.number, reason }, "the owner cannot be reached in Slack: notice not delivered");
      if (m) await this.recordUndelivered(m, p, reason);
      return null;
    };
    if (!owner) return giveUp("person_unknown");
    const slackId = await ctx.lookup(() => gateway.slackIdOf(owner));
    if (!slackId) return giveUp("user_not_found");
    let channel: string;
    try {
      channel = await ctx.lookup(() => gateway.dmChannel(slackId), "conversations.open");
    } catch (err) {
      if (err instanceof TargetFailed) return giveUp(err.reason);
      throw err;
    }
    const msg = await message();
    try {
      const r = await ctx.post("owner", { channel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
      const copy: PostedCard = { disputeId: p.disputeId, channel: r.channel, ts: r.ts, kind: "dm", viewerEmail: p.email, postedAt: deps.clock() };
      await gateway.state.cards.add(copy);
      return copy;
    } catch (err) {
      if (err instanceof TargetFailed) return giveUp(err.reason);
      throw err;
    }
  }

  private async recordUndelivered(m: OutboxMessage, p: OwnerNoticePayload, reason: string): Promise<void> {
    const { deps } = this.o;
    // with Teams on and the person reachable there, the owner's notice goes to Teams instead (issue 13)
    if ((deps.chatQueue ?? []).includes("teams")) {
      const [f] = await deps.store.teams.routes([p.email]);
      if (f?.teams && !f.teamsUnreachable) {
        const handed = `${m.id}:owner:teams`;
        if (!(await deps.store.outbox.list({ orderKey: m.orderKey, type: OWNER_NOTICE, channel: "teams" })).some((r) => r.id === handed))
          await deps.store.outbox.add([{ id: handed, channel: "teams", type: OWNER_NOTICE, orderKey: m.orderKey, payload: JSON.stringify(p), createdAt: deps.clock() }]);
        this.o.log.warn({ email: p.email, dispute: p.number, reason }, "the owner cannot be reached in Slack: the notice goes to Teams");
        return;
      }
    }
    const id = `${m.id}:owner`;
    if ((await deps.store.outbox.list({ orderKey: m.orderKey, type: OWNER_NOTICE })).some((r) => r.id === id)) return;
    await deps.store.transaction(async (tx) => {
      await tx.outbox.add([{ id, channel: "slack", type: OWNER_NOTICE, orderKey: m.orderKey, payload: JSON.stringify(p), createdAt: deps.clock() }]);
      await tx.outbox.markFailed(id, reason, null);
      // the copies others see show it: a refresh of the cards, after this change
      await this.queueRefresh(tx, p);
    });
  }

  /** A change row with no events: every copy rendered again (after a notice was given up or delivered). */
  private async queueRefresh(tx: Pick<Deps["store"], "outbox">, p: Pick<OwnerNoticePayload, "disputeId" | "number">): Promise<void> {
    const payload: ChatChangePayload = { disputeId: p.disputeId, number: p.number, opened: false, notifyOwner: false, events: [], thread: null, concerned: [] };
    // every chat platform's copies (issue 13: the notice went out on one platform only)
    const channels = (this.o.deps.chatQueue ?? []).filter((c) => c === "slack" || c === "teams");
    await tx.outbox.add((channels.length ? channels : ["slack" as const]).map((channel) => ({ id: this.o.deps.newId(), channel, type: CHAT_CHANGE, orderKey: p.number, payload: JSON.stringify(payload), createdAt: this.o.deps.clock() })));
  }

  // ---- pacing and the call -------------------------------------------------------------------

  /** The pacing keys of a call: the workspace's window first, then its channel's or its method's. */
  keysOf(method: string, channel: string | undefined): RateKey[] {
    const p = this.pacing;
    // a sliding window, as Slack counts: a second's worth at once after a quiet spell, then one as each leaves it
    // (at most WINDOW_SLOTS rows: a faster cap keeps its rate over a window shorter than a second)
    const burst = Math.min(WINDOW_SLOTS, Math.max(1, Math.round(p.workspacePerSec)));
    // (1 % longer than a second: a slot's next call must not reach Slack within the same second, whatever the
    // rounding of the clocks and timers)
    const keys: RateKey[] = [{ key: WORKSPACE_KEY, intervalMs: 1010 / p.workspacePerSec, burst, window: true }];
    // posts: Slack's limit is per channel, with a small margin against the network's jitter
    if (method === "chat.postMessage" && channel) keys.push({ key: `slack:channel:${channel}`, intervalMs: 1050 / p.channelPerSec, burst: 1 });
    else if (method === "chat.update") keys.push({ key: "slack:method:chat.update", intervalMs: 60_000 / p.updatePerMin, burst: 10 });
    else keys.push({ key: `slack:method:${method}`, intervalMs: 1200, burst: 20 });
    return keys;
  }

  /**
   * Reserves the call's pacing slots (one round trip, for the earliest instant every key allows) and waits for it
   * here when it is near, else the row is deferred; then calls Slack once.
   */
  async pacedCall<T>(method: string, args: Record<string, unknown>, budget: { started: number }): Promise<T> {
    const { deps } = this.o;
    const keys = this.keysOf(method, typeof args.channel === "string" ? args.channel : undefined);
    const windowMs = keys[0]!.intervalMs * (keys[0]!.burst ?? 1);
    let at: Date;
    for (let tries = 0; ; tries++) {
      // a process too busy to use its reservations in time: the row goes back to the queue
      if (tries >= 5) throw new Defer(windowMs, `pacing ${method}: reservations not used in time`);
      const now = new Date();
      // a wait that would outlast the lease, or a long one: the row goes back to the queue until then
      const maxWait = Math.max(0, Math.min(MAX_INLINE_WAIT_MS, this.leaseMs / 2 - (now.getTime() - budget.started)));
      const r = await deps.store.rates.reserve(keys, now, maxWait);
      if (!r.taken) throw new Defer(r.waitMs, `pacing ${method}`);
      at = new Date(now.getTime() + r.inMs);
      if (r.inMs > 0) {
        await new Promise((done) => setTimeout(done, r.inMs));
        // a 429 met meanwhile (by any replica) blocks the workspace (a post's) or the method (another call's): the
        // slot is left unused, none is sent into the block
        const st = await deps.store.rates.get(method === "chat.postMessage" ? WORKSPACE_KEY : keys[1]!.key);
        if (st?.blockedUntil && st.blockedUntil.getTime() > Date.now()) {
          // given back (its channel's slot too), so the next reservation is for the block's end, not behind this one
          await this.release(keys, at, method);
          continue;
        }
      }
      // a reservation this process could not use in time (its event loop was held): the slot is held for two
      // windows from `at`, a call leaving much later could meet the next one in it; given back unused, another taken
      if (Date.now() - at.getTime() <= windowMs / 2) break;
      await this.release(keys, at, method);
    }
    try {
      return (await this.o.gateway.client.apiCall(method, args)) as T;
    } catch (err) {
      throw await this.classify(method, args, err);
    } finally {
      // The slots were taken for when the call left; under load it may reach Slack late. The workspace's slot,
      // and a post's channel (a key of burst 1), are counted from when the call came back too, so a later call in
      // that slot never reaches Slack within the window (the interval) of this one.
      const now = new Date();
      await deps.store.rates.settle(keys, at, now, now).catch((err: unknown) => this.o.log.warn({ err, method }, "pacing: could not record a call's completion"));
    }
  }

  /** A reservation left unused: its slots given back (a failure only costs the pace it would have cost anyway). */
  private async release(keys: readonly RateKey[], at: Date, method: string): Promise<void> {
    await this.o.deps.store.rates.release(keys, at, new Date()).catch((err: unknown) => this.o.log.warn({ err, method }, "pacing: could not give an unused reservation back"));
  }

  private async classify(method: string, args: Record<string, unknown>, err: unknown): Promise<Error> {
    const { deps } = this.o;
    const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
    if (e.code === "slack_webapi_rate_limited_error") {
      const ms = Math.max(1, e.retryAfter ?? 1) * 1000;
      const now = new Date();
      const until = new Date(now.getTime() + ms);
      const [, key] = this.keysOf(method, typeof args.channel === "string" ? args.channel : undefined);
      // Whose limit it was: a post's channel was kept under its pace by the channel key (shared by the replicas),
      // so Slack refusing a post is the workspace's limit (or a burst it answers everywhere): the whole workspace
      // waits, not only that channel, else every other channel's post meets the same 429. Another method: Slack
      // counts it per method per workspace, its own key waits.
      const keys = method === "chat.postMessage" ? [key!.key, WORKSPACE_KEY] : [key!.key];
      for (const k of keys) await deps.store.rates.block(k, until, "ratelimited", now);
      this.wake(until);
      this.o.log.warn({ method, retryAfterMs: ms, keys }, "Slack rate limit: every replica waits Retry-After");
      return new Defer(ms, "429");
    }
    if (e.code === "slack_webapi_platform_error") {
      const code = e.data?.error ?? "unknown_error";
      if (TOKEN.has(code)) return new TokenFailed(code);
      if (TARGET.has(code)) return new TargetFailed(code);
      if (code === "ratelimited") return new Defer(1000, "ratelimited");
      return new Transient(`${method}: ${code}`);
    }
    return new Transient(`${method}: ${e.code ?? ""} ${e.statusCode ?? ""} ${err instanceof Error ? err.message : String(err)}`.replace(/\s+/g, " ").trim());
  }

  // ---- a paused workspace --------------------------------------------------------------------

  private async pause(reason: string): Promise<void> {
    const { deps, log } = this.o;
    const now = new Date();
    // far ahead: only a successful probe unblocks it
    await deps.store.rates.block(WORKSPACE_KEY, new Date(now.getTime() + 365 * 24 * 3600_000), reason, now);
    log.error({ reason }, "Slack token refused: every Slack delivery of the workspace is paused until it works again (nothing is lost)");
    this.pauseSeen(reason, now);
  }

  private pauseSeen(reason: string, since = new Date()): void {
    if (!this.paused) this.paused = { reason, since };
    if (this.probeTimer || this.stopped) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, this.o.probeMs ?? 60_000);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.stopped) return;
    const { deps, log } = this.o;
    try {
      await this.o.gateway.client.apiCall("auth.test", {});
    } catch (err) {
      log.warn({ err: String(err) }, "Slack token still refused: deliveries stay paused");
      return this.pauseSeen(this.paused?.reason ?? "invalid_auth");
    }
    await deps.store.rates.unblock(WORKSPACE_KEY, new Date());
    await this.resumed();
    this.kick();
  }

  /** The token works again: tell the admins once (the replica that unblocked it). */
  private async resumed(): Promise<void> {
    const was = this.paused;
    this.paused = null;
    if (!was) return;
    const { deps, log, gateway } = this.o;
    const waiting = (await deps.store.outbox.list({ status: "pending", channel: "slack", limit: 10_000 })).length;
    log.info({ reason: was.reason, since: was.since, waiting }, "Slack token works again: deliveries resumed");
    for (const admin of await deps.store.people.list({ role: "admin" })) {
      const id = await gateway.slackIdOf(admin).catch(() => null);
      if (!id) continue;
      const tr = t(admin.locale);
      try {
        const channel = await gateway.dmChannel(id);
        await gateway.call("chat.postMessage", { channel, text: tr.delivery.resumed(was.reason, was.since.toISOString().slice(0, 16).replace("T", " "), waiting), unfurl_links: false });
      } catch (err) {
        log.warn({ err: String(err), admin: admin.email }, "could not tell an admin that Slack deliveries resumed");
      }
    }
  }
}

/**
 * The calls of one row: paced, and for a row whose earlier attempt may have posted (claimed again, or
 * retried), each post is first looked for in the conversation by its metadata key.
 */
class StepContext {
  private seen = new Map<string, SlackMessage[]>();
  private readonly suspect: boolean;
  /** posts made by this attempt */
  posted = 0;
  lastTargetError: string | null = null;

  constructor(
    private readonly d: SlackDelivery,
    private readonly m: OutboxMessage,
    private readonly started: number,
  ) {
    this.suspect = Boolean(m.reclaimed) || m.attempts > 0;
  }

  call<T>(method: string, args: Record<string, unknown>): Promise<T> {
    return this.d.pacedCall<T>(method, args, { started: this.started });
  }

  /** A lookup the gateway caches (users.lookupByEmail, conversations.open): paced only when it calls. */
  async lookup<T>(fn: () => Promise<T>, method?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { slackError?: string };
      if (e.slackError && TARGET.has(e.slackError)) throw new TargetFailed(e.slackError);
      if (e.slackError && TOKEN.has(e.slackError)) throw new TokenFailed(e.slackError);
      throw new Transient(`${method ?? "lookup"}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** chat.postMessage with this step's key in the metadata; a post an earlier attempt made is found, not repeated. */
  async post(step: string, args: Record<string, unknown>): Promise<{ channel: string; ts: string }> {
    const key = `${this.m.id}:${step}`;
    const channel = String(args.channel);
    if (this.suspect) {
      const thread = typeof args.thread_ts === "string" ? args.thread_ts : null;
      const found = (await this.history(channel, thread)).find((x) => x.metadata?.event_type === METADATA_EVENT && x.metadata.event_payload?.key === key);
      if (found?.ts) return { channel, ts: found.ts };
    }
    const r = await this.call<{ channel?: string; ts?: string }>("chat.postMessage", { ...args, metadata: { event_type: METADATA_EVENT, event_payload: { key } } });
    this.posted++;
    if (!r.ts) throw new Transient("chat.postMessage: no ts");
    return { channel: r.channel ?? channel, ts: r.ts };
  }

  private async history(channel: string, thread: string | null): Promise<SlackMessage[]> {
    const k = `${channel}|${thread ?? ""}`;
    const hit = this.seen.get(k);
    if (hit) return hit;
    const oldest = String(Math.floor(this.m.createdAt.getTime() / 1000) - 60);
    const r = thread
      ? await this.call<{ messages?: SlackMessage[] }>("conversations.replies", { channel, ts: thread, include_all_metadata: true, limit: 200, oldest })
      : await this.call<{ messages?: SlackMessage[] }>("conversations.history", { channel, include_all_metadata: true, limit: 200, oldest });
    const list = r.messages ?? [];
    this.seen.set(k, list);
    return list;
  }
}
