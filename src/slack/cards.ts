import type { Deps, DisputeChanged } from "../app/context.ts";
import { findPeople } from "../app/findPeople.ts";
import type { GatewayLog, SlackGateway } from "./gateway.ts";
import type { SlackDelivery } from "./delivery.ts";
import { renderHome } from "./render.ts";

// What keeps Slack in step with disputes, in this process: a committed change wakes the deliverer
// (src/slack/delivery.ts: cards, threads and notices go through the durable delivery queue, written in
// the change's transaction), and the Home tabs of the people concerned are refreshed once a change is
// delivered. `idle()` waits for both.

export interface CardPublisherOptions {
  deps: Deps;
  gateway: SlackGateway;
  delivery: SlackDelivery;
  log: GatewayLog;
  /** delay before a Home tab is re-published after changes (debounce) */
  homeDebounceMs?: number;
}

export class CardPublisher {
  private homeTimers = new Map<string, NodeJS.Timeout>();
  private homeRuns = new Set<Promise<void>>();
  /** users who opened the Home tab since start: their tab is kept fresh */
  readonly homeViewers = new Set<string>();

  constructor(private readonly o: CardPublisherOptions) {}

  /** The Listener given to the use cases: the change's queue rows are committed, deliver them now. */
  onChange = (_change: DisputeChanged): void => {
    this.o.delivery.kick();
  };

  /** After a change was delivered: the Home tabs (open in this process) of the people concerned. */
  homesOf = (emails: string[]): void => {
    void findPeople(this.o.deps, { emails })
      .then(async (people) => {
        // and their managers' (the manager view shows the team's disputes)
        const known = new Set(people.map((p) => p.email));
        const managers = [...new Set(people.map((p) => p.managerEmail).filter((e): e is string => !!e && !known.has(e)))];
        const all = managers.length ? [...people, ...(await findPeople(this.o.deps, { emails: managers }))] : people;
        for (const p of all) if (p.slackUserId && this.homeViewers.has(p.slackUserId)) this.scheduleHome(p.slackUserId);
      })
      .catch((err: unknown) => this.o.log.warn({ err }, "Home tab refresh failed"));
  };

  /** Resolves when every queued delivery and Home refresh is done. */
  async idle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.o.delivery.idle();
      const pending = [...this.homeRuns];
      if (!pending.length && !this.homeTimers.size) return;
      await Promise.all(pending);
      if (this.homeTimers.size) await new Promise((r) => setTimeout(r, (this.o.homeDebounceMs ?? 200) + 20));
    }
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
