import type { ChangeOrigin, Deps, DisputeChanged } from "../app/context.ts";
import { findPeople } from "../app/findPeople.ts";
import { getDispute } from "../app/getDispute.ts";
import { previewNotice } from "../app/previewNotice.ts";
import type { Locale, Person } from "../domain/types.ts";
import { formatEvent } from "../views/disputeCard.ts";
import { t } from "../views/i18n.ts";
import { cardMessage } from "./blocks.ts";
import { SlackCallError, type GatewayLog, type SlackGateway } from "./gateway.ts";
import type { PostedCard } from "./ports.ts";
import { cardFor, channelViewer, emailsOf, peopleIndex, renderHome, today } from "./render.ts";

// The listener that keeps Slack in step with disputes: after every committed change, each posted
// copy of the card is updated in place (chat.update), one line per event goes to each copy's thread,
// a new owner gets the card in their DM, and the Home tabs of the people involved are refreshed.
// Work is queued per dispute (in order, off the request path); `idle()` waits for it.

const GONE = new Set(["channel_not_found", "message_not_found", "is_archived", "not_in_channel", "cant_update_message"]);

export interface CardPublisherOptions {
  deps: Deps;
  gateway: SlackGateway;
  disputesChannel?: string | undefined;
  log: GatewayLog;
  /** delay before a Home tab is re-published after changes (debounce) */
  homeDebounceMs?: number;
}

export class CardPublisher {
  private queues = new Map<number, Promise<void>>();
  private homeTimers = new Map<string, NodeJS.Timeout>();
  private homeRuns = new Set<Promise<void>>();
  /** users who opened the Home tab since start: their tab is kept fresh */
  readonly homeViewers = new Set<string>();

  constructor(private readonly o: CardPublisherOptions) {}

  /** The Listener given to the use cases. Returns at once; the Slack work runs queued. */
  onChange = (change: DisputeChanged): void => {
    const from = change.origin;
    const id = change.dispute.id;
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => this.apply(change, from))
      .catch((err: unknown) => this.o.log.error({ err, dispute: change.dispute.number }, "Slack card update failed"))
      .finally(() => {
        if (this.queues.get(id) === next) this.queues.delete(id);
      });
    this.queues.set(id, next);
  };

  /** Resolves when every queued update and Home refresh is done. */
  async idle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const pending = [...this.queues.values(), ...this.homeRuns];
      if (!pending.length && !this.homeTimers.size) return;
      await Promise.all(pending);
      if (this.homeTimers.size) await new Promise((r) => setTimeout(r, (this.o.homeDebounceMs ?? 200) + 20));
    }
  }

  private async apply(change: DisputeChanged, from: ChangeOrigin): Promise<void> {
    const { deps, gateway } = this.o;
    const x = await getDispute(deps, { dispute: change.dispute.id });
    const found = await findPeople(deps, { emails: emailsOf(x) });
    const people = await peopleIndex(deps, [], found);
    const known = new Map(found.map((p) => [p.email, p]));
    const day = await today(deps);
    const locale = (email: string | null): Locale => (email ? (known.get(email)?.locale ?? "fr") : "fr");
    const channelLocale = locale(x.dispute.openedByEmail);
    let copies = await gateway.state.cards.forDispute(x.dispute.id);

    const render = async (copy: Pick<PostedCard, "kind" | "viewerEmail">) => {
      const viewer = copy.kind === "dm" && copy.viewerEmail ? (known.get(copy.viewerEmail) ?? null) : channelViewer(channelLocale);
      const loc = copy.kind === "dm" ? locale(copy.viewerEmail) : channelLocale;
      return { ...(await cardFor(deps, x, viewer, loc, people, day)), loc };
    };

    // 1. Update every copy in place (first: what people look at).
    for (const copy of copies) {
      const { card } = await render(copy);
      const msg = cardMessage(card, people.options);
      try {
        await gateway.call("chat.update", { channel: copy.channel, ts: copy.ts, text: msg.text, blocks: msg.blocks });
      } catch (err) {
        if (err instanceof SlackCallError && GONE.has(err.slackError)) {
          this.o.log.warn({ channel: copy.channel, ts: copy.ts, error: err.slackError }, "card copy gone: forgotten");
          await gateway.state.cards.remove(copy.channel, copy.ts);
          copies = copies.filter((c) => c !== copy);
        } else throw err;
      }
    }

    // 2. New cards: the owner (new dispute, reassignment) and the disputes channel.
    const opened = change.before === null;
    const reassigned = change.events.some((e) => e.type === "reassigned");
    const owner = known.get(x.dispute.ownerEmail) ?? null;
    const posted: PostedCard[] = [];
    if (owner && ((opened && from.notifyOwner !== false) || reassigned) && !copies.some((c) => c.kind === "dm" && c.viewerEmail === owner.email)) {
      const p = await this.postToPerson(owner, x.dispute.id, async () => {
        const { card } = await render({ kind: "dm", viewerEmail: owner.email });
        const notice = opened ? (await previewNotice(deps, { dispute: x.dispute.id, locale: owner.locale, link: `\`/dispute show ${x.dispute.number}\`` })).text : undefined;
        return cardMessage(card, people.options, notice ? { notice } : {});
      });
      if (p) posted.push(p);
    }
    if (opened && this.o.disputesChannel && !copies.some((c) => c.kind === "channel")) {
      const { card } = await render({ kind: "channel", viewerEmail: null });
      const msg = cardMessage(card, people.options);
      try {
        const r = await gateway.call<{ ok: boolean; channel?: string; ts?: string }>("chat.postMessage", { channel: this.o.disputesChannel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
        if (r.ts) {
          const copy: PostedCard = { disputeId: x.dispute.id, channel: r.channel ?? this.o.disputesChannel, ts: r.ts, kind: "channel", viewerEmail: null, postedAt: deps.clock() };
          await gateway.state.cards.add(copy);
          posted.push(copy);
        }
      } catch (err) {
        this.o.log.warn({ err, channel: this.o.disputesChannel }, "could not post to the disputes channel");
      }
    }

    // 3. One timeline line per event in each thread (not echoed where a thread comment came from).
    const threads = [...copies, ...posted];
    for (const e of change.events) {
      for (const copy of threads) {
        if (from.thread && from.thread.channel === copy.channel && from.thread.ts === copy.ts && e.type === "commented") continue;
        const loc = copy.kind === "dm" ? locale(copy.viewerEmail) : channelLocale;
        const text = formatEvent(e, t(loc), loc, people.refs);
        try {
          await gateway.call("chat.postMessage", { channel: copy.channel, thread_ts: copy.ts, text, unfurl_links: false });
        } catch (err) {
          this.o.log.warn({ err, channel: copy.channel }, "could not add the timeline line");
        }
      }
    }

    // 4. Home tabs of the people concerned.
    for (const email of new Set([x.dispute.ownerEmail, x.dispute.openedByEmail, ...change.events.map((e) => (typeof e.data?.from === "string" ? e.data.from : ""))])) {
      const p = known.get(email);
      if (p?.slackUserId && this.homeViewers.has(p.slackUserId)) this.scheduleHome(p.slackUserId);
    }
  }

  private async postToPerson(person: Person, disputeId: number, message: () => Promise<{ text: string; blocks: unknown[] }>): Promise<PostedCard | null> {
    const { gateway, deps } = this.o;
    const slackId = await gateway.slackIdOf(person);
    if (!slackId) {
      this.o.log.warn({ email: person.email }, "owner not found in Slack: no DM card");
      return null;
    }
    const channel = await gateway.dmChannel(slackId);
    const msg = await message();
    const r = await gateway.call<{ ok: boolean; channel?: string; ts?: string }>("chat.postMessage", { channel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
    if (!r.ts) return null;
    const copy: PostedCard = { disputeId, channel: r.channel ?? channel, ts: r.ts, kind: "dm", viewerEmail: person.email, postedAt: deps.clock() };
    await gateway.state.cards.add(copy);
    return copy;
  }

  /** Re-publishes a user's Home tab after a short quiet period. */
  scheduleHome(slackUserId: string): void {
    const prev = this.homeTimers.get(slackUserId);
    if (prev) clearTimeout(prev);
    const timer = setTimeout(() => {
      this.homeTimers.delete(slackUserId);
      const run = this.publishHome(slackUserId)
        .catch((err: unknown) => this.o.log.warn({ err, slackUserId }, "Home tab refresh failed"))
        .finally(() => this.homeRuns.delete(run));
      this.homeRuns.add(run);
    }, this.o.homeDebounceMs ?? 200);
    timer.unref();
    this.homeTimers.set(slackUserId, timer);
  }

  async publishHome(slackUserId: string): Promise<void> {
    const person = await this.o.gateway.personOf(slackUserId);
    if (!person) return;
    const view = await renderHome(this.o.deps, person);
    await this.o.gateway.call("views.publish", { user_id: slackUserId, view });
  }

  stop(): void {
    for (const t of this.homeTimers.values()) clearTimeout(t);
    this.homeTimers.clear();
  }
}
