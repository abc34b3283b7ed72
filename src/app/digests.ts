import { digestDueAt, parseDigestTime, worthPosting } from "../domain/digest.ts";
import { invalid } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Locale, Person } from "../domain/types.ts";
import { renderChartPngOffThread } from "../views/chartThread.ts";
import { buildDigestView, chartInputs, type DigestView } from "../views/digestView.ts";
import { actor, person } from "./actors.ts";
import { publishChart } from "./charts.ts";
import type { Deps } from "./context.ts";
import type { DigestCadence, DigestSubscription } from "./ports.ts";
import { whatToDecide } from "./whatToDecide.ts";

// The daily digest's subscriptions and its job (issue 11). Controllers, managers and admins subscribe a channel
// (`/dispute digest here …`), stop it, list it. The job `digests.post` asks the pure rules which subscriptions
// are due at `now` (src/domain/digest.ts) and, for each, in one short transaction of its own: records the run in
// the DigestRun ledger (UNIQUE subscription, due instant: a run recorded already sends nothing, in any process,
// after any crash), moves what the subscription covered on to the due instant, and, when the digest has something
// to say (or `always`), queues a `digest.post` row on the delivery queue: platform-neutral (which subscription,
// which window); the platform's deliverer reads the facts and renders them at send time.

export const DIGEST_POST = "digest.post";
export const DEFAULT_DIGEST_TIME = "09:00";

export interface DigestPostPayload {
  subscriptionId: number;
  platform: DigestSubscription["platform"];
  channelId: string;
  /** the slot this digest is for (ISO): the end of its window */
  dueAt: string;
  /** the end of the previous digest's window; null: since ever (the subscription's first) */
  since: string | null;
  locale: Locale;
  reasonCode: string | null;
  ownerEmail: string | null;
}

export interface SubscribeDigestInput {
  byEmail: string | undefined;
  platform: DigestSubscription["platform"];
  channelId: string;
  /** HH:MM in the company's time zone; 09:00 when not given */
  time?: string | undefined;
  cadence?: DigestCadence | undefined;
  always?: boolean | undefined;
  reasonCode?: string | undefined;
  ownerEmail?: string | undefined;
  /** the digest's language; the subscriber's when not given */
  locale?: Locale | undefined;
}

export async function subscribeDigest(deps: Pick<Deps, "store" | "clock">, input: SubscribeDigestInput): Promise<{ subscription: DigestSubscription; created: boolean }> {
  const who = await actor(deps.store, input.byEmail);
  assertCan(who, "subscribe_digest");
  const time = input.time === undefined ? DEFAULT_DIGEST_TIME : (parseDigestTime(input.time) ?? invalid("time", "digest_time_invalid", { value: input.time }));
  let reasonCode: string | null = null;
  if (input.reasonCode !== undefined) {
    const r = await deps.store.reasons.byCode(input.reasonCode.trim().toLowerCase());
    if (!r) return invalid("reasonCode", "reason_not_found", { code: input.reasonCode });
    reasonCode = r.code;
  }
  const ownerEmail = input.ownerEmail === undefined ? null : (await person(deps.store, input.ownerEmail, "ownerEmail")).email;
  return deps.store.digest.subscribe(
    {
      platform: input.platform,
      channelId: input.channelId,
      time,
      cadence: input.cadence ?? "daily",
      always: input.always ?? false,
      reasonCode,
      ownerEmail,
      locale: input.locale ?? who.locale,
      createdByEmail: who.email,
    },
    deps.clock(),
  );
}

/** Stops every digest of the channel; how many subscriptions it had. */
export async function unsubscribeDigest(deps: Pick<Deps, "store">, input: { byEmail: string | undefined; platform: DigestSubscription["platform"]; channelId: string }): Promise<number> {
  const who = await actor(deps.store, input.byEmail);
  assertCan(who, "subscribe_digest");
  return deps.store.digest.unsubscribe(input.platform, input.channelId);
}

/** The channel's subscriptions (any Accord user may see them). */
export async function listDigests(deps: Pick<Deps, "store">, input: { byEmail: string | undefined; platform: DigestSubscription["platform"]; channelId: string }): Promise<DigestSubscription[]> {
  await actor(deps.store, input.byEmail);
  return deps.store.digest.subscriptions({ platform: input.platform, channelId: input.channelId });
}

/** The job `digests.post`: every digest due at `now`, once. */
export async function postDueDigests(deps: Pick<Deps, "store" | "newId" | "chatQueue" | "log">, now: Date): Promise<{ done: number; failed: number }> {
  const settings = await deps.store.settings.get();
  const rules = { calendar: settings.calendar, workingHours: settings.workingHours };
  const platforms = deps.chatQueue ?? [];
  let done = 0;
  let failed = 0;
  for (const sub of await deps.store.digest.subscriptions()) {
    // a platform that is not on here: left as it is, its digests go once it is
    if (!platforms.includes(sub.platform)) continue;
    const dueAt = digestDueAt(sub, now, settings.timezone, rules);
    if (!dueAt) continue;
    try {
      const since = sub.coveredUntil ? sub.coveredUntil.toISOString() : null;
      const f = await deps.store.digest.facts({
        timezone: settings.timezone, now: dueAt.toISOString(), since, ownerLimit: 1, oldestLimit: 1,
        ...(sub.reasonCode !== null ? { reasonCode: sub.reasonCode } : {}), ...(sub.ownerEmail !== null ? { ownerEmail: sub.ownerEmail } : {}),
      });
      const post = worthPosting({ opened: f.opened.count, resolved: f.resolved.count, withdrawn: f.resolved.withdrawn, overdue: f.open.overdue, slaBreached: f.open.slaBreached }, sub.always);
      const id = post ? deps.newId() : null;
      const sent = await deps.store.transaction(async (tx) => {
        if (!(await tx.digest.addRun({ subscriptionId: sub.id, dueAt, outboxId: id, createdAt: now }))) return false; // another process did it
        await tx.digest.cover(sub.id, dueAt, now);
        if (!id) return false;
        const payload: DigestPostPayload = {
          subscriptionId: sub.id, platform: sub.platform, channelId: sub.channelId, dueAt: dueAt.toISOString(), since, locale: sub.locale, reasonCode: sub.reasonCode, ownerEmail: sub.ownerEmail,
        };
        await tx.outbox.add([{ id, channel: sub.platform, type: DIGEST_POST, orderKey: `digest:${sub.id}`, payload: JSON.stringify(payload), createdAt: now }]);
        return true;
      });
      if (sent) done++;
    } catch (err) {
      failed++;
      deps.log.error({ err, subscription: sub.id }, "digest failed");
    }
  }
  return { done, failed };
}

/** owner rows read for a posted digest: more than fit in a message, so each renderer fills its space and counts the rest */
export const DIGEST_OWNER_ROWS = 25;

/**
 * A `digest.post` row's view at send time, the same for Slack and Teams: the facts of its window
 * (store.digest.facts, off the event loop) beside what to decide and the filters' names, then the first
 * `maxCharts` charts (one per currency, all at once, drawn on the chart thread: chartThread.ts) published at
 * PUBLIC_URL/charts/…, while `slackIdOf` (Slack: mentions) finds the ids of the late owners the store has none
 * for (unknown people are named in bold). Null when the subscription was removed since the row was queued
 * (nothing is posted).
 */
export async function digestViewOf(
  deps: Deps,
  p: DigestPostPayload,
  opts: { maxCharts: number; slackIdOf?: (person: Pick<Person, "email" | "slackUserId">) => Promise<string | null> },
): Promise<DigestView | null> {
  const sub = await deps.store.digest.subscription(p.subscriptionId);
  if (!sub) return null;
  const settings = await deps.store.settings.get();
  const filters = { ...(p.reasonCode !== null ? { reasonCode: p.reasonCode } : {}), ...(p.ownerEmail !== null ? { ownerEmail: p.ownerEmail } : {}) };
  const [facts, decide, reason, owner] = await Promise.all([
    deps.store.digest.facts({ timezone: settings.timezone, now: p.dueAt, since: p.since, ownerLimit: DIGEST_OWNER_ROWS, oldestLimit: 5, ...filters }),
    whatToDecide(deps, filters),
    p.reasonCode !== null ? deps.store.reasons.byCode(p.reasonCode) : null,
    p.ownerEmail !== null ? deps.store.people.byEmail(p.ownerEmail) : null,
  ]);
  const locale = p.locale;
  const slackIdOf = opts.slackIdOf;
  const [charts] = await Promise.all([
    Promise.all(
      chartInputs(facts, locale)
        .slice(0, opts.maxCharts)
        .map(async (input) => ({ currency: input.currency, url: (await publishChart(deps, await renderChartPngOffThread(input, locale))).url })),
    ),
    slackIdOf
      ? Promise.all(facts.late.owners.map(async (o) => {
          if (!o.slackUserId) o.slackUserId = await slackIdOf({ email: o.email, slackUserId: null }).catch(() => null);
        }))
      : null,
  ]);
  return buildDigestView({
    facts, decide, charts, locale, timezone: settings.timezone,
    reasonLabel: reason ? (locale === "fr" ? reason.labelFr : reason.labelEn) : p.reasonCode,
    ownerName: owner ? owner.name : p.ownerEmail,
  });
}
