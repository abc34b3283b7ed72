import { CHAT_CHANGE, OWNER_NOTICE, type ChatChangePayload, type OwnerNoticePayload } from "../app/chatQueue.ts";
import { chatRow } from "../app/chatRows.ts";
import { TEAMS_UNREACHABLE } from "../app/chatRouting.ts";
import type { Deps } from "../app/context.ts";
import { DIGEST_POST, type DigestPostPayload } from "../app/digests.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { findPeople } from "../app/findPeople.ts";
import { getDispute } from "../app/getDispute.ts";
import { OPENER_UPDATE, type OpenerUpdatePayload } from "../app/notifyOpener.ts";
import type { OutboxMessage, RateKey } from "../app/ports.ts";
import { previewNotice } from "../app/previewNotice.ts";
import { REMINDER, type ReminderPayload } from "../app/remindFollowUps.ts";
import { companyToday } from "../app/settings.ts";
import type { Locale, Person } from "../domain/types.ts";
import { buildDisputeCard, personRef, type DisputeCardView, type PersonRef } from "../views/disputeCard.ts";
import { t } from "../views/i18n.ts";
import { OPENER_TEXT } from "../views/openerText.ts";
import { reminderCopyLine, type ReminderNotice } from "../views/reminderLine.ts";
import { FOLLOWUP_TEXT } from "../views/followupText.ts";
import { encodeAction } from "../views/actions.ts";
// the verb and date input of a reminder's Snooze, as the card action listener reads them (src/teams/listeners/cardAction.ts)
import { PAYLOAD_KEY, SNOOZE_DATE_INPUT, TEAMS_SNOOZE_VERB } from "./cards/actions.ts";
import { backoffMs, queueNow } from "../slack/delivery.ts";
import { emailsOf } from "../slack/render.ts";
import { MAX_CARD_BYTES, renderDisputeAdaptiveCard, type AdaptiveJson } from "./cards/disputeCard.ts";
import { teamsDigestCard } from "./digest.ts";
import type { MountedTeams } from "./mount.ts";
import { TokenError } from "./token.ts";
import { ADAPTIVE_CARD, ConnectorError, TeamsConnectorClient as TeamsConnectorClientImpl, type TeamsActivity, type TeamsConnectorClient } from "./deliveryClient.ts";
import { PassLoop } from "../app/passLoop.ts";

// Delivers the Teams rows of the delivery queue (src/app/chatQueue.ts; issue 13), in every replica at once, on the
// queue's generic parts (claims with a lease, one dispute's rows in order, the shared pacing of store.rates, the
// backoff of src/slack/delivery.ts):
// - rendered at send time from the dispute's current state: each copy's card for its viewer; every posted copy
//   (store.teams cards) updated in place with PUT; several waiting changes of one dispute collapse into one update;
// - a person's notices (the owner's card, reminders, nudges, escalations, the opener's notices) go to their personal
//   chat, created with POST /v3/conversations from their pinned Teams id when no conversation is stored yet;
// - paced per conversation (7 a second, 1,800 an hour: Teams' limits per bot and conversation) and bot-wide; a 429
//   blocks the conversation for Retry-After for every replica; 5xx and network errors retry with backoff (72 h);
// - 403/404 for a person (the app not installed for them, the bot removed): they are marked unreachable; with a Slack
//   id and Slack on, the notice goes to Slack instead, else it is kept (a dead row, lastError "teams_unreachable: …",
//   shown on the card the others see) and sent again once they can be reached (releaseKeptNotices: the install
//   handler calls it, and each pass looks for people whose personal chat was stored since they were marked);
// - Teams has no way for a bot to read a conversation back: a post whose answer was lost (a timeout, a crash between
//   the answer and its record) may be posted again; every outcome Accord saw is recorded at once (card copies in
//   store.teams, rows delivered), so nothing else is sent twice.

export interface TeamsPacing {
  /** posts and updates per conversation and second (Teams: 7) */
  perSecond: number;
  /** per conversation and hour (Teams: 1,800) */
  perHour: number;
  /** every call of the bot, all conversations */
  botPerSecond: number;
}

export const DEFAULT_TEAMS_PACING: TeamsPacing = { perSecond: 7, perHour: 1800, botPerSecond: 30 };
const SECOND_BURST = 3;
const HOUR_BURST = 60;
export const TEAMS_BOT_KEY = "teams:bot";

/**
 * A GCRA key that never lets more than `perSecond` calls into any second, whenever they start: a burst of at most
 * `burstCap` and an interval such that burst + (1 s / interval) <= perSecond, with a millisecond of margin against
 * clock jitter (so the sustained rate is perSecond - burst).
 */
function perSecondKey(key: string, perSecond: number, burstCap: number): RateKey {
  const burst = Math.min(burstCap, perSecond);
  return burst >= perSecond ? { key, intervalMs: 1001, burst: perSecond } : { key, intervalMs: Math.ceil(1000 / (perSecond - burst)) + 1, burst };
}

/**
 * The pacing keys of a call in a conversation (GCRA, src/db/store.ts rates.take): bursts and intervals chosen so
 * that no second holds more than `perSecond` calls (per conversation) or `botPerSecond` (the bot's calls, all
 * conversations) and no hour more than `perHour`, whenever they start.
 */
export function teamsRateKeys(conversationId: string | null, p: TeamsPacing = DEFAULT_TEAMS_PACING): RateKey[] {
  const keys: RateKey[] = [perSecondKey(TEAMS_BOT_KEY, p.botPerSecond, Math.max(1, Math.floor(p.botPerSecond / 10)))];
  if (!conversationId) return keys;
  const hb = Math.min(HOUR_BURST, Math.floor(p.perHour / 2));
  keys.push(
    perSecondKey(`teams:conv:${conversationId}:s`, p.perSecond, SECOND_BURST),
    { key: `teams:conv:${conversationId}:h`, intervalMs: Math.ceil(3_600_000 / (p.perHour - hb)) + 1, burst: hb },
  );
  return keys;
}

export interface TeamsDeliveryLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface TeamsDeliveryOptions {
  deps: Deps;
  client: TeamsConnectorClient;
  /** the bot's id in conversations (28:<app id>, or the app id) */
  botId: string;
  /** where new personal chats are created when none of the person's is stored (the tenant's Bot Connector) */
  serviceUrl: string;
  tenantId?: string | null | undefined;
  log: TeamsDeliveryLog;
  pacing?: TeamsPacing;
  leaseMs?: number;
  pollMs?: number;
  /** how often a pass looks for unreachable people who installed the app since */
  reachCheckMs?: number;
  /** how long every delivery waits after the bot's token was refused (401, no token) before trying again */
  tokenPauseMs?: number;
  onDelivered?: (emails: string[]) => void;
  /** TEAMS_DISPUTES_CHANNEL: a team channel's conversation id where every new dispute's card is also posted, read-only */
  disputesChannel?: string | undefined;
}

/** Wait (pacing, 429): no attempt counted. */
class Defer extends Error {
  constructor(
    readonly ms: number,
    readonly why: string,
  ) {
    super(`deferred ${ms} ms: ${why}`);
  }
}
class Transient extends Error {}
/** The row cannot be delivered (a bad payload, an unknown person, a channel the bot is not in): dead with its reason. */
class TargetFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
/** 403/404 of a conversation. */
class Gone extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
/** A person Accord cannot reach in Teams. */
class Unreachable extends Error {
  constructor(
    readonly email: string,
    readonly reason: string,
  ) {
    super(`${email}: ${reason}`);
  }
}

const RETRY_FOR_MS = 72 * 3600_000;
const MAX_INLINE_WAIT_MS = 2000;

const bytes = (x: unknown): number => Buffer.byteLength(JSON.stringify(x), "utf8");


export interface SnoozeButtons {
  disputeId: number;
  choices: { choice: "tomorrow" | "in3days" | "nextMonday"; label: string }[];
  pickLabel: string;
  saveLabel: string;
  /** the owner's previous Snooze choice: first */
  last: string | null;
}

/** A reminder's Snooze for its owner: one click per choice, a picked date in a ShowCard; the last choice first. */
export function snoozeActionSet(s: SnoozeButtons): AdaptiveJson {
  const data = (c: string) => ({ [PAYLOAD_KEY]: encodeAction({ t: "snooze", d: s.disputeId, c: c as "tomorrow" }) });
  const pick: AdaptiveJson = {
    type: "Action.ShowCard",
    title: s.pickLabel,
    card: { type: "AdaptiveCard", body: [{ type: "Input.Date", id: SNOOZE_DATE_INPUT, label: s.pickLabel, isRequired: true, errorMessage: s.pickLabel }], actions: [{ type: "Action.Execute", title: s.saveLabel, verb: TEAMS_SNOOZE_VERB, data: data("date"), associatedInputs: "auto" }] },
  };
  const buttons: { key: string; a: AdaptiveJson }[] = [
    ...s.choices.map((c) => ({ key: c.choice, a: { type: "Action.Execute", title: c.label, verb: TEAMS_SNOOZE_VERB, data: data(c.choice), associatedInputs: "none" } as AdaptiveJson })),
    { key: "date", a: pick },
  ];
  const first = buttons.findIndex((b) => b.key === s.last);
  if (first > 0) buttons.unshift(...buttons.splice(first, 1));
  return { type: "ActionSet", actions: buttons.map((b) => b.a) };
}

/** The dispute card with a line on top (a notice, a reminder, with its Snooze), still under Teams' limit. */
export function cardWithLine(view: DisputeCardView, lang: Locale, line: string | null, opts: Parameters<typeof renderDisputeAdaptiveCard>[2] = {}, snooze?: SnoozeButtons): AdaptiveJson {
  const top: AdaptiveJson[] = line ? [{ type: "TextBlock", text: line.length > 1500 ? `${line.slice(0, 1499)}…` : line, wrap: true, weight: "Bolder" }] : [];
  if (snooze) top.push(snoozeActionSet(snooze));
  let v = view;
  for (;;) {
    const card = renderDisputeAdaptiveCard(v, lang, opts);
    const out = { ...card, body: [...top, ...(card.body as AdaptiveJson[])] };
    if (bytes(out) < MAX_CARD_BYTES || v.statement.text.length < 200) return out;
    v = { ...v, statement: { ...v.statement, text: `${v.statement.text.slice(0, Math.floor(v.statement.text.length * 0.8))}…` } };
  }
}

export const cardActivity = (card: AdaptiveJson, summary: string): TeamsActivity => ({
  type: "message",
  summary: summary.slice(0, 250),
  attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
});

/**
 * A person can be reached in Teams again (they installed the app, wrote to it): the mark goes and their kept
 * notices are sent again. Teams' install and message handlers call it; the deliverer also finds them by itself.
 * Returns how many notices go out again.
 */
export async function releaseKeptNotices(deps: Pick<Deps, "store" | "clock"> & { log?: Pick<Deps["log"], "info"> }, email: string): Promise<number> {
  const was = await deps.store.teams.markReachable(email);
  const dead = await deps.store.outbox.list({ status: "dead", channel: "teams", limit: 10_000 });
  let n = 0;
  for (const r of dead) {
    if (!r.lastError?.startsWith(TEAMS_UNREACHABLE)) continue;
    let to: string | undefined;
    try {
      to = (JSON.parse(r.payload) as { email?: string }).email;
    } catch {
      continue;
    }
    if (to === email && (await deps.store.outbox.retry(r.id, deps.clock()))) n++;
  }
  if (was || n) deps.log?.info?.({ email, notices: n }, "reachable in Teams again: kept notices go out");
  return n;
}

/** Change rows with no events, for every chat platform: each copy rendered again (a kept notice went out, or was kept). */
async function queueCardRefresh(deps: Deps, of: Pick<OutboxMessage, "orderKey" | "payload">[]): Promise<void> {
  const channels = (deps.chatQueue ?? []).filter((c) => c === "slack" || c === "teams");
  const seen = new Set<string>();
  const rows = [];
  for (const r of of) {
    if (seen.has(r.orderKey)) continue;
    seen.add(r.orderKey);
    const p = JSON.parse(r.payload) as OwnerNoticePayload;
    const payload: ChatChangePayload = { disputeId: p.disputeId, number: p.number, opened: false, notifyOwner: false, events: [], thread: null, concerned: [] };
    for (const channel of channels.length ? channels : ["teams" as const]) rows.push({ id: deps.newId(), channel, type: CHAT_CHANGE, orderKey: r.orderKey, payload: JSON.stringify(payload), createdAt: deps.clock() });
  }
  if (rows.length) await deps.store.outbox.add(rows);
}

export class TeamsDelivery extends PassLoop {
  private lastReachCheck = 0;
  /** the pacing in force (TEAMS_PACE_*, else Teams' limits) */
  readonly pacing: TeamsPacing;
  private readonly leaseMs: number;

  constructor(private readonly o: TeamsDeliveryOptions) {
    super({ name: "Teams", log: o.log, pollMs: o.pollMs });
    this.pacing = o.pacing ?? DEFAULT_TEAMS_PACING;
    this.leaseMs = o.leaseMs ?? 30_000;
  }

  /** Resolves once nothing of Teams' is due or being delivered (tests); gives up after `timeoutMs`. */
  async idle(timeoutMs = 20_000): Promise<void> {
    await this.idleUntil(async () => {
      const due = await this.o.deps.store.outbox.due(queueNow(this.o.deps), 1, "teams");
      const waiting = await this.o.deps.store.outbox.list({ status: "pending", channel: "teams", limit: 1 });
      return !due.length && !waiting.length;
    }, timeoutMs);
  }

  /** The token pause (every replica's, from the database), for /readyz. */
  async health(): Promise<{ status: "ok" } | { status: "paused"; reason: string; until: string }> {
    const r = await this.o.deps.store.rates.get(TEAMS_BOT_KEY);
    if (r?.blockedUntil && r.reason === "token_refused" && r.blockedUntil.getTime() > Date.now()) return { status: "paused", reason: r.reason, until: r.blockedUntil.toISOString() };
    return { status: "ok" };
  }

  async stop(): Promise<void> {
    await this.stopLoop();
  }

  protected async pass(): Promise<void> {
    const { deps } = this.o;
    if (Date.now() - this.lastReachCheck >= (this.o.reachCheckMs ?? 60_000)) {
      this.lastReachCheck = Date.now();
      for (const email of await deps.store.teams.reachableAgain()) {
        await releaseKeptNotices(deps, email);
      }
    }
    for (let round = 0; round < 50 && !this.stopped; round++) {
      const rows = await deps.store.outbox.claim({ channel: "teams", now: queueNow(deps), leaseMs: this.leaseMs, limit: 20 });
      if (!rows.length) return;
      const outcomes = await Promise.all(rows.map((m) => this.deliver(m)));
      if (!outcomes.some((o) => o === "delivered")) return;
    }
  }

  /** Forces the next pass to look for people reachable again (tests, the install handler). */
  checkReachSoon(): void {
    this.lastReachCheck = 0;
    this.kick();
  }

  private async deliver(m: OutboxMessage): Promise<"delivered" | "later"> {
    const { deps, log } = this.o;
    const started = Date.now();
    try {
      const row = chatRow(m);
      if (row?.type === CHAT_CHANGE) await this.deliverChange(m, row.payload, started);
      else if (row?.type === OWNER_NOTICE) await this.deliverOwnerNotice(row.payload, started);
      else if (row?.type === REMINDER) await this.deliverReminder(row.payload, started);
      else if (row?.type === OPENER_UPDATE) await this.deliverOpenerUpdate(row.payload, started);
      else if (row?.type === DIGEST_POST) await this.deliverDigest(row.payload, started);
      else throw new TargetFailed(`no Teams delivery for messages of type ${m.type}`);
      await deps.store.outbox.markDelivered(m.id, deps.clock());
      return "delivered";
    } catch (err) {
      const now = queueNow(deps);
      if (err instanceof Defer) {
        await deps.store.outbox.defer(m.id, new Date(now.getTime() + err.ms));
        log.debug?.({ id: m.id, ms: err.ms, why: err.why }, "Teams delivery deferred");
        return "later";
      }
      if (err instanceof Unreachable) {
        await this.unreachable(m, err);
        return "delivered";
      }
      if (err instanceof TargetFailed || err instanceof Gone) {
        await deps.store.outbox.markFailed(m.id, err.reason, null);
        log.warn({ id: m.id, type: m.type, key: m.orderKey, reason: err.reason }, "Teams delivery given up: its target cannot be reached");
        return "later";
      }
      const attempts = m.attempts + 1;
      const giveUp = deps.clock().getTime() + backoffMs(attempts) - m.createdAt.getTime() > RETRY_FOR_MS;
      await deps.store.outbox.markFailed(m.id, err instanceof Error ? err.message : String(err), giveUp ? null : new Date(now.getTime() + backoffMs(attempts)));
      log.warn({ id: m.id, type: m.type, key: m.orderKey, attempts, giveUp, err: String(err) }, "Teams delivery failed");
      return "later";
    }
  }

  /**
   * A person Accord cannot reach in Teams: marked; their notice handed to Slack when they are known there and Slack is
   * on, else kept (dead, "teams_unreachable: …") until they can be reached. `m` is the notice's row (delivered: handed
   * over or parked under a row of its own for a change's owner card).
   */
  private async unreachable(m: OutboxMessage, err: Unreachable): Promise<void> {
    const { deps, log } = this.o;
    const now = deps.clock();
    const [facts] = await deps.store.teams.routes([err.email]);
    const slack = (deps.chatQueue ?? []).includes("slack") && Boolean(facts?.slackUserId);
    await deps.store.transaction(async (tx) => {
      await tx.teams.markUnreachable(err.email, err.reason, now);
      if (slack) {
        await tx.outbox.add([{ id: `${m.id}:slack`, channel: "slack", type: m.type, orderKey: m.orderKey, payload: m.payload, createdAt: now }]);
        await tx.outbox.markDelivered(m.id, now);
      } else {
        await tx.outbox.markFailed(m.id, `${TEAMS_UNREACHABLE}: ${err.reason}`, null);
      }
    });
    log.warn({ email: err.email, reason: err.reason, type: m.type, key: m.orderKey, handedTo: slack ? "slack" : null }, slack ? "cannot reach them in Teams: the notice goes to Slack" : "cannot reach them in Teams: the notice is kept until they can be reached");
    // the card the others see says so (a kept owner's notice)
    if (!slack && m.type === OWNER_NOTICE) await queueCardRefresh(deps, [m]);
  }

  // ---- rendering -------------------------------------------------------------------------------

  private async context(x: DisputeDetails, extra: string[] = []) {
    const { deps } = this.o;
    const found = await findPeople(deps, { emails: [...new Set([...emailsOf(x), ...extra].filter(Boolean))] });
    const refs = new Map<string, PersonRef>(found.map((p) => [p.email, { email: p.email, name: p.name }]));
    const known = new Map(found.map((p) => [p.email, p]));
    const day = await companyToday(deps);
    const reasons = await deps.store.reasons.list({ activeOnly: true });
    // refresh: the viewer's client fetches its own view (refresh.userIds); not on a reminder, whose line a refresh would drop
    const render = (viewer: Person | null, locale: Locale, line: string | null, snooze?: SnoozeButtons, refresh = true) => {
      const view = buildDisputeCard(x, viewer, locale, { today: day, people: refs, followUp: x.followUp ?? null });
      const card = cardWithLine(view, locale, line, {
        ...(viewer?.teamsUserId && refresh ? { userIds: [viewer.teamsUserId] } : {}),
        reasons: reasons.map((r) => ({ value: r.code, label: locale === "fr" ? r.labelFr : r.labelEn })),
      }, snooze);
      return cardActivity(card, line ?? view.summary);
    };
    return { refs, known, render, name: (email: string) => personRef(email, refs).name };
  }

  // ---- rows ------------------------------------------------------------------------------------

  private async deliverChange(m: OutboxMessage, p: ChatChangePayload, started: number): Promise<void> {
    const { deps } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    let copies = await deps.store.teams.cardsOf(x.dispute.id);
    // a reminder's copy (kind "reminder"): rendered again from what it is about, for its person
    const notices = new Map(copies.flatMap((k) => (k.kind === "reminder" && k.notice ? [[k, JSON.parse(k.notice) as ReminderNotice] as const] : [])));
    const c = await this.context(x, [...p.concerned, ...[...notices].flatMap(([k, n]) => [k.viewerEmail ?? "", n.byEmail ?? "", n.ownerEmail])]);
    const locale = (email: string | null): Locale => (email ? (c.known.get(email)?.locale ?? "fr") : "fr");
    // 1. every copy in place, as the dispute is now (skipped when a later change is already waiting)
    const later = await deps.store.outbox.pendingAfter({ channel: "teams", orderKey: m.orderKey, seq: m.seq, type: CHAT_CHANGE });
    if (!later) {
      for (const copy of copies) {
        // the refresh a reminder's own delivery queued (no events, written before it was posted) finds it current already
        if (copy.kind === "reminder" && !p.events.length && copy.postedAt.getTime() >= m.createdAt.getTime()) continue;
        const person = copy.kind === "reminder" && copy.viewerEmail ? c.known.get(copy.viewerEmail) : undefined;
        const notice = notices.get(copy);
        if (copy.kind === "reminder" && (!person || !notice)) continue;
        const loc = copy.kind === "dm" ? locale(copy.viewerEmail) : locale(x.dispute.openedByEmail);
        // a channel's copy is read-only (no viewer): actions are taken in the personal chats
        const viewer = copy.kind === "dm" && copy.viewerEmail ? (c.known.get(copy.viewerEmail) ?? null) : null;
        const ref = await deps.store.teams.conversation(copy.conversationId);
        const serviceUrl = ref?.serviceUrl ?? this.o.serviceUrl;
        const activity = person && notice ? this.reminderActivity(x, notice, person, c, await deps.store.disputes.lastSnooze(person.email)) : c.render(viewer, loc, null);
        try {
          await this.paced(copy.conversationId, started, () => this.o.client.update(serviceUrl, copy.conversationId, copy.activityId, activity));
        } catch (err) {
          if (!(err instanceof Gone)) throw err;
          this.o.log.warn({ conversation: copy.conversationId, activity: copy.activityId, reason: err.reason }, "Teams card copy gone: forgotten");
          await deps.store.teams.removeCard(copy.conversationId, copy.activityId);
          copies = copies.filter((k) => k !== copy);
        }
      }
    }
    // 2. the owner's card (a new dispute, a reassignment), when routing gave it to Teams
    const reassigned = p.events.some((e) => e.type === "reassigned");
    const ownerPlatform = p.ownerPlatform ?? ((deps.chatQueue ?? []).includes("slack") ? "slack" : "teams");
    const owner = x.dispute.ownerEmail;
    if (((p.opened && p.notifyOwner) || reassigned) && ownerPlatform === "teams" && !copies.some((k) => k.kind === "dm" && k.viewerEmail === owner)) {
      const notice: OwnerNoticePayload = { disputeId: x.dispute.id, number: x.dispute.number, email: owner, notice: p.opened };
      try {
        await this.postOwnerCard(x, notice, started, c);
      } catch (err) {
        if (!(err instanceof Unreachable)) throw err;
        // the owner's notice becomes a row of its own, handed to Slack or kept; this change is delivered
        const row: OutboxMessage = { ...m, id: `${m.id}:owner`, type: OWNER_NOTICE, payload: JSON.stringify(notice), attempts: 0 };
        if (!(await deps.store.outbox.list({ orderKey: m.orderKey, type: OWNER_NOTICE, channel: "teams" })).some((r) => r.id === row.id))
          await deps.store.outbox.add([{ id: row.id, channel: "teams", type: OWNER_NOTICE, orderKey: m.orderKey, payload: row.payload, createdAt: deps.clock() }]);
        await this.unreachable(row, err);
      }
    }
    // 3. the disputes channel's copy (TEAMS_DISPUTES_CHANNEL), once per dispute
    if (p.opened) await this.postChannelCopy(x, copies, c, started);
    if (!later) this.o.onDelivered?.([x.dispute.ownerEmail, x.dispute.openedByEmail, ...p.concerned]);
  }

  /**
   * A new dispute's read-only card in the disputes channel, recorded as a copy (kind "channel") so every later change
   * updates it in place. Sent at the service URL of the channel's stored reference (kept when Accord was added to the
   * team), else TEAMS_SERVICE_URL. A channel the bot is not in (403/404) or a refused card is logged, never retried:
   * the owner's card is what matters.
   */
  private async postChannelCopy(x: DisputeDetails, copies: { kind: string }[], c: Awaited<ReturnType<TeamsDelivery["context"]>>, started: number): Promise<void> {
    const { deps } = this.o;
    const channel = this.o.disputesChannel;
    if (!channel || copies.some((k) => k.kind === "channel")) return;
    const locale = c.known.get(x.dispute.openedByEmail)?.locale ?? "fr";
    const ref = await deps.store.teams.conversation(channel);
    try {
      const activityId = await this.paced(channel, started, () => this.o.client.send(ref?.serviceUrl ?? this.o.serviceUrl, channel, c.render(null, locale, null)));
      await deps.store.teams.addCard({ disputeId: x.dispute.id, conversationId: channel, activityId, kind: "channel", viewerEmail: null, postedAt: deps.clock() });
    } catch (err) {
      if (!(err instanceof Gone || err instanceof TargetFailed)) throw err;
      this.o.log.warn({ channel, reason: err.reason, stored: Boolean(ref) }, "could not post to the Teams disputes channel (is Accord added to that team?)");
    }
  }

  private async postOwnerCard(x: DisputeDetails, p: OwnerNoticePayload, started: number, c: Awaited<ReturnType<TeamsDelivery["context"]>>): Promise<void> {
    const { deps } = this.o;
    const owner = c.known.get(p.email) ?? null;
    if (!owner) throw new TargetFailed("person_unknown");
    const notice = p.notice ? (await previewNotice(deps, { dispute: x.dispute.id, locale: owner.locale, link: `show ${x.dispute.number}` })).text : null;
    const chat = await this.personalChat(owner.email, started);
    const activityId = await this.sendTo(owner.email, chat, c.render(owner, owner.locale, notice), started);
    await deps.store.teams.addCard({ disputeId: x.dispute.id, conversationId: chat.conversationId, activityId, kind: "dm", viewerEmail: owner.email, postedAt: deps.clock() });
  }

  /** A notice kept earlier (sent again once the owner could be reached) or handed over: the owner's card. */
  private async deliverOwnerNotice(p: OwnerNoticePayload, started: number): Promise<void> {
    const { deps } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    if (x.dispute.ownerEmail !== p.email || (await deps.store.teams.cardsOf(x.dispute.id)).some((k) => k.kind === "dm" && k.viewerEmail === p.email)) return;
    const c = await this.context(x);
    await this.postOwnerCard(x, p, started, c);
    // delivered at last: the warning goes from the other copies
    await queueCardRefresh(deps, [{ orderKey: x.dispute.number, payload: JSON.stringify(p) }]);
  }

  /**
   * A reminder, nudge, escalation or SLA breach: a new message in the person's personal chat, its line on top of the
   * card as it is now. Dropped when the dispute no longer needs it (closed, reassigned since). A reminder changed the
   * card (the follow-up moved on): every copy is rendered again after it, on every platform. The message is recorded
   * as a copy of kind "reminder" (with what it is about): each later change renders it again in place, like the
   * cards, so a reminder acted on shows what became of it (as Slack's).
   */
  private async deliverReminder(p: ReminderPayload, started: number): Promise<void> {
    const { deps } = this.o;
    const x = await getDispute(deps, { dispute: p.disputeId });
    const d = x.dispute;
    if (d.status !== "open" || ((p.kind === "reminder" || p.kind === "nudge") && d.ownerEmail !== (p.onBehalfOf?.email ?? p.email))) return;
    const c = await this.context(x, [p.email, ...(p.byEmail ? [p.byEmail] : [])]);
    const person = c.known.get(p.email);
    if (!person) throw new TargetFailed("person_unknown");
    const notice: ReminderNotice = { ...p, ownerEmail: d.ownerEmail };
    const chat = await this.personalChat(person.email, started);
    const last = person.email === d.ownerEmail ? await deps.store.disputes.lastSnooze(person.email) : null;
    const activityId = await this.sendTo(person.email, chat, this.reminderActivity(x, notice, person, c, last, { followUpOn: p.followUpOn }), started);
    if (p.kind === "reminder") await queueCardRefresh(deps, [{ orderKey: d.number, payload: JSON.stringify({ disputeId: d.id, number: d.number }) }]);
    // the reminder is one of the dispute's copies from now on: rendered again in place by each later change
    await deps.store.teams.addCard({ disputeId: d.id, conversationId: chat.conversationId, activityId, kind: "reminder", viewerEmail: person.email, postedAt: deps.clock(), notice: JSON.stringify(notice) });
    this.o.onDelivered?.([d.ownerEmail]);
  }

  /**
   * A reminder's message for `person` (posted by deliverReminder, rendered again by each later change): its line
   * (src/views/reminderLine.ts reminderCopyLine, the same words as Slack) on top of the card as it is now, and the
   * owner's Snooze while they own the open dispute (their last choice first).
   */
  private reminderActivity(x: DisputeDetails, p: ReminderNotice, person: Person, c: Awaited<ReturnType<TeamsDelivery["context"]>>, lastSnooze: string | null, at?: { followUpOn: string | null }): TeamsActivity {
    const d = x.dispute;
    const w = FOLLOWUP_TEXT[person.locale];
    const snooze: SnoozeButtons | undefined =
      d.status === "open" && person.email === d.ownerEmail
        ? {
            disputeId: d.id,
            choices: [
              { choice: "tomorrow", label: w.snoozeTomorrow },
              { choice: "in3days", label: w.snoozeIn3Days },
              { choice: "nextMonday", label: w.snoozeNextMonday },
            ],
            pickLabel: w.snoozePickDate,
            saveLabel: t(person.locale).form.save,
            last: lastSnooze,
          }
        : undefined;
    // rendered for its person already (a personal chat): no refresh, which would answer the card without the line
    return c.render(person, person.locale, reminderCopyLine(x, p, c.name, person, at), snooze, false);
  }

  /** The opener's notice: what happened and by whom, on top of the card as it is now. */
  private async deliverOpenerUpdate(p: OpenerUpdatePayload, started: number): Promise<void> {
    const { deps } = this.o;
    if (!(await deps.store.people.openerUpdates(p.email))) return;
    const x = await getDispute(deps, { dispute: p.disputeId });
    const c = await this.context(x, [p.email, p.byEmail, ...(p.what === "reassigned" ? [p.fromEmail, p.toEmail] : [])]);
    const person = c.known.get(p.email);
    if (!person) throw new TargetFailed("person_unknown");
    const w = OPENER_TEXT[person.locale];
    const line =
      p.what === "resolved"
        ? w.resolved(p.number, c.name(p.byEmail), t(person.locale).outcome[p.outcome])
        : p.what === "withdrawn"
          ? w.withdrawn(p.number, c.name(p.byEmail))
          : w.reassigned(p.number, c.name(p.byEmail), c.name(p.fromEmail), c.name(p.toEmail));
    const chat = await this.personalChat(person.email, started);
    await this.sendTo(person.email, chat, c.render(person, person.locale, line), started);
  }

  /** A channel's digest: one card in the subscribed Teams channel; dropped when the subscription went since. */
  private async deliverDigest(p: DigestPostPayload, started: number): Promise<void> {
    const { deps } = this.o;
    const card = await teamsDigestCard(deps, p);
    if (!card) return;
    const ref = await deps.store.teams.conversation(p.channelId);
    const serviceUrl = ref?.serviceUrl ?? this.o.serviceUrl;
    try {
      await this.paced(p.channelId, started, () => this.o.client.send(serviceUrl, p.channelId, cardActivity(card.card, card.text)));
    } catch (err) {
      if (err instanceof Gone) throw new TargetFailed(`bot_not_in_conversation (${err.reason})`);
      throw err;
    }
  }

  // ---- the person's chat and the calls -------------------------------------------------------

  /** The person's personal chat with the bot: the stored one, else created from their pinned Teams id. */
  private async personalChat(email: string, started: number): Promise<{ serviceUrl: string; conversationId: string }> {
    const { deps } = this.o;
    const ref = await deps.store.teams.personalConversationOf(email);
    if (ref) return { serviceUrl: ref.serviceUrl, conversationId: ref.conversationId };
    const [f] = await deps.store.teams.routes([email]);
    if (!f) throw new TargetFailed("person_unknown");
    const userId = f.teamsUserId ?? f.aadObjectId;
    if (!userId) throw new Unreachable(email, "not_installed");
    const tenantId = this.o.tenantId ?? null;
    let conversationId: string;
    try {
      conversationId = await this.paced(null, started, () => this.o.client.createPersonalConversation(this.o.serviceUrl, { id: userId, tenantId }, this.o.botId));
    } catch (err) {
      if (err instanceof Gone) throw new Unreachable(email, err.reason);
      throw err;
    }
    await deps.store.teams.putConversation({
      conversationId, kind: "personal", serviceUrl: this.o.serviceUrl, tenantId, teamsUserId: f.teamsUserId, aadObjectId: f.aadObjectId, teamId: null, channelId: null, updatedAt: deps.clock(),
    });
    return { serviceUrl: this.o.serviceUrl, conversationId };
  }

  private async sendTo(email: string, chat: { serviceUrl: string; conversationId: string }, activity: TeamsActivity, started: number): Promise<string> {
    let id: string;
    try {
      id = await this.paced(chat.conversationId, started, () => this.o.client.send(chat.serviceUrl, chat.conversationId, activity));
    } catch (err) {
      if (err instanceof Gone) throw new Unreachable(email, err.reason);
      throw err;
    }
    // reached: a mark left from before goes, with the notices kept meanwhile
    if ((await this.o.deps.store.teams.unreachable([email])).length) await releaseKeptNotices(this.o.deps, email);
    return id;
  }

  /** Waits for the call's pacing slots (here when short, else the row is deferred), then calls once; errors classified. */
  private async paced<T>(conversationId: string | null, started: number, call: () => Promise<T>): Promise<T> {
    const { deps } = this.o;
    const keys = teamsRateKeys(conversationId, this.pacing);
    for (;;) {
      const wait = await deps.store.rates.take(keys, new Date());
      if (!wait) break;
      if (wait > MAX_INLINE_WAIT_MS || Date.now() + wait - started > this.leaseMs / 2) throw new Defer(wait, `pacing ${conversationId ?? "bot"}`);
      await new Promise((r) => setTimeout(r, wait));
    }
    try {
      return await call();
    } catch (err) {
      // the bot's token refused (a wrong secret, a revoked app) or not obtained: every delivery waits, nothing dies
      if (err instanceof TokenError || (err instanceof ConnectorError && err.status === 401)) {
        const ms = this.o.tokenPauseMs ?? 60_000;
        const now = new Date();
        await deps.store.rates.block(TEAMS_BOT_KEY, new Date(now.getTime() + ms), "token_refused", now);
        this.o.log.error({ err: String(err), pauseMs: ms }, "Teams: the bot's token was refused: every Teams delivery waits (nothing is lost)");
        throw new Defer(ms, "token_refused");
      }
      if (!(err instanceof ConnectorError)) throw new Transient(err instanceof Error ? err.message : String(err));
      if (err.status === 429) {
        const ms = Math.max(1000, err.retryAfterMs ?? 1000);
        const now = new Date();
        const key = keys[1]?.key ?? TEAMS_BOT_KEY;
        await deps.store.rates.block(key, new Date(now.getTime() + ms), "429", now);
        this.o.log.warn({ key, retryAfterMs: ms }, "Teams rate limit: every replica waits Retry-After");
        throw new Defer(ms, "429");
      }
      if (err.status === 403 || err.status === 404) throw new Gone(`${err.status}${err.code ? ` ${err.code}` : ""}`);
      if (err.status === 400 || err.status === 413) throw new TargetFailed(`${err.status}${err.code ? ` ${err.code}` : ""}`);
      throw new Transient(err.message);
    }
  }
}

/**
 * The Teams deliverer of a mounted Teams (src/teams/mount.ts): the bot's client-credentials token for the Bot
 * Connector (none with the dev flag), the configured service URL for chats it creates, and the conversation hook
 * that sends what waited for a person once they install the app or write to it.
 */
export function teamsDeliveryFor(input: {
  deps: Deps;
  teams: Pick<MountedTeams, "kit" | "botToken">;
  config: { credentials: { clientId: string; tenantId: string } | null; serviceUrl: string; disputesChannel?: string | undefined; pacing?: TeamsPacing | undefined };
  log: TeamsDeliveryLog;
  leaseMs?: number;
  pollMs?: number;
}): TeamsDelivery {
  const { deps, teams, config } = input;
  const botToken = teams.botToken;
  const client = new TeamsConnectorClientImpl({ token: botToken ? () => botToken("https://api.botframework.com/.default") : async () => null });
  const delivery = new TeamsDelivery({
    deps, client, log: input.log,
    botId: `28:${config.credentials?.clientId ?? "accord-dev"}`,
    serviceUrl: config.serviceUrl,
    tenantId: config.credentials?.tenantId ?? null,
    ...(config.disputesChannel ? { disputesChannel: config.disputesChannel } : {}),
    ...(config.pacing ? { pacing: config.pacing } : {}),
    ...(input.leaseMs ? { leaseMs: input.leaseMs } : {}),
    ...(input.pollMs ? { pollMs: input.pollMs } : {}),
  });
  teams.kit.onConversation.push(async (arrival) => {
    if (arrival.ref.kind !== "personal" || !arrival.person) return;
    if (!(await deps.store.teams.unreachable([arrival.person.email])).length) return;
    await releaseKeptNotices(deps, arrival.person.email);
    delivery.kick();
  });
  return delivery;
}
