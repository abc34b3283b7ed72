import { publishChart } from "../app/charts.ts";
import type { Deps } from "../app/context.ts";
import type { DigestPostPayload } from "../app/digests.ts";
import { whatToDecide } from "../app/whatToDecide.ts";
import type { Person } from "../domain/types.ts";
import { renderChartPng } from "../views/digestChart.ts";
import { buildDigestView, chartInputs } from "../views/digestView.ts";
import { digestMessage, MAX_CHARTS } from "./blocks/digest.ts";
import type { SlackMessage } from "./blocks/kit.ts";

// A `digest.post` row rendered for Slack at send time (issue 11): the facts of its window (store.digest.facts),
// what to decide, one chart per currency (PNG published at PUBLIC_URL/charts/…), the owners' Slack ids for their
// mentions, then the message. Null when the subscription was removed since the row was queued (nothing is posted).

/** owner rows read: more than fit in a message, so the renderer fills its 50 blocks and counts the rest */
export const DIGEST_OWNER_ROWS = 25;

export async function digestSlackMessage(
  deps: Deps,
  p: DigestPostPayload,
  slackIdOf: (person: Pick<Person, "email" | "slackUserId">) => Promise<string | null>,
): Promise<SlackMessage | null> {
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
  const charts: { currency: string; url: string }[] = [];
  for (const input of chartInputs(facts, locale).slice(0, MAX_CHARTS)) {
    const { url } = await publishChart(deps, renderChartPng(input, locale));
    charts.push({ currency: input.currency, url });
  }
  // mentions: the owner's stored Slack id, else looked up by email (cached); unknown people are named in bold
  for (const o of facts.late.owners) if (!o.slackUserId) o.slackUserId = await slackIdOf({ email: o.email, slackUserId: null }).catch(() => null);
  const view = buildDigestView({
    facts, decide, charts, locale, timezone: settings.timezone,
    reasonLabel: reason ? (locale === "fr" ? reason.labelFr : reason.labelEn) : p.reasonCode,
    ownerName: owner ? owner.name : p.ownerEmail,
  });
  return digestMessage(view);
}
