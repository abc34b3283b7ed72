import type { DigestFacts } from "../app/ports.ts";
import type { WhatToDecide } from "../app/whatToDecide.ts";
import { dayIn } from "../domain/calendar.ts";
import { displayAmount } from "../domain/money.ts";
import type { Locale } from "../domain/types.ts";
import { encodeAction } from "./actions.ts";
import { DIGEST_TEXT } from "./digestText.ts";
import { shortDate } from "./followupText.ts";
import { MANAGER_TEXT } from "./managerText.ts";
import { NUDGE_TEXT, timeOfDay } from "./nudgeText.ts";
import { amountsText, briefLine, buildDecide, type DecideView } from "./teamView.ts";

// The daily digest (issue 11) as a platform-neutral view model, in the subscription's language: headline figures per
// currency (never summed across currencies), what changed since the last digest, the owners of overdue or past-SLA
// disputes (worst first, each with Nudge and Reassign on their most overdue dispute: the manager view's buttons), the
// split by reason, the oldest, "what to decide" (the manager view's block), and one chart per currency. Renderers
// decide how many owner rows fit and end with "and N more" and the full list's command.

export interface DigestViewInput {
  facts: DigestFacts;
  decide: WhatToDecide;
  charts: { currency: string; url: string }[];
  locale: Locale;
  /** the company's time zone */
  timezone: string;
  /** the subscription's filters, as the reader reads them */
  reasonLabel: string | null;
  ownerName: string | null;
}

export interface DigestOwnerRow {
  email: string;
  name: string;
  slackUserId: string | null;
  /** what follows the owner's name or mention */
  text: string;
  nudge: { label: string; value: string };
  reassign: { label: string; value: string };
}

export interface DigestView {
  /** the notification's text */
  text: string;
  title: string;
  scope: string;
  /** one line per currency */
  headline: string[];
  since: string;
  lateTitle: string;
  /** "nothing late" when no owner has overdue or past-SLA disputes */
  lateNone: string | null;
  owners: DigestOwnerRow[];
  /** how many owners there are in all (`owners` may be the first ones only) */
  ownersTotal: number;
  moreOwners: (hidden: number) => string;
  reasonsTitle: string;
  reasons: string[];
  moreReasons: (hidden: number) => string;
  oldestTitle: string;
  oldest: string[];
  decide: DecideView;
  charts: { url: string; alt: string }[];
}

const tagOf = (locale: Locale) => (locale === "fr" ? "fr-FR" : "en-GB");

/** « jeudi 3 déc. » / "Thursday 3 Dec": the digest's day in the company's time zone. */
function longDay(at: Date, timezone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(tagOf(locale), { timeZone: timezone, weekday: "long", day: "numeric", month: "short" }).format(at);
}

export function buildDigestView(input: DigestViewInput): DigestView {
  const { facts: f, locale, timezone } = input;
  const w = DIGEST_TEXT[locale];
  const m = MANAGER_TEXT[locale];
  const now = new Date(f.now);
  const currencies = [...new Set([...Object.keys(f.open.amounts), ...Object.keys(f.held)])].sort();
  const headline = currencies.length
    ? currencies.map((c) => {
        const count = f.open.counts[c] ?? 0;
        const held = f.held[c] ? displayAmount(f.held[c], c, locale) : null;
        return `*${c}* · ${count ? w.headline(count, displayAmount(f.open.amounts[c] ?? 0, c, locale), held) : w.heldOnly(held ?? displayAmount(0, c, locale))}`;
      })
    : [w.noneOpen];
  const since = f.since ? new Date(f.since) : null;
  const median = f.resolved.medianDays === null ? null : w.days(new Intl.NumberFormat(tagOf(locale), { maximumFractionDigits: 1 }).format(f.resolved.medianDays));
  const sinceHead = since ? w.sinceLast(`${shortDate(dayIn(timezone, since), locale)}, ${timeOfDay(since, timezone, locale)}`) : w.sinceEver;
  const owners = f.late.owners.map((o) => ({
    email: o.email,
    name: o.name ?? o.email,
    slackUserId: o.slackUserId,
    text: w.ownerLine(o.count, o.overdue, o.slaBreached, amountsText(o.amounts, locale), o.worst.number),
    nudge: { label: NUDGE_TEXT[locale].button, value: encodeAction({ t: "nudge", d: o.worst.disputeId }) },
    reassign: { label: m.reassign, value: encodeAction({ t: "card", a: "reassign", d: o.worst.disputeId, v: o.worst.version }) },
  }));
  const decide = buildDecide(input.decide, locale);
  // the five oldest have a section of their own: "what to decide" keeps SLA breaches, the largest and litigation
  decide.lists = decide.lists.filter((l) => l.title !== m.oldest);
  const scope = [...(input.reasonLabel ? [w.scopeReason(input.reasonLabel)] : []), ...(input.ownerName ? [w.scopeOwner(input.ownerName)] : [])];
  const label = (r: { labelFr: string; labelEn: string }) => (locale === "fr" ? r.labelFr : r.labelEn);
  return {
    text: w.fallback(f.open.count, f.open.overdue, f.open.slaBreached),
    title: w.title(longDay(now, timezone, locale)),
    scope: scope.length ? scope.join(" · ") : w.allDisputes,
    headline,
    since: w.sinceLine(sinceHead, f.opened.count, f.resolved.count, median, f.resolved.withdrawn),
    lateTitle: w.lateTitle(f.late.ownersTotal),
    lateNone: f.late.ownersTotal ? null : w.lateNone,
    owners,
    ownersTotal: f.late.ownersTotal,
    moreOwners: (n) => w.moreOwners(n),
    reasonsTitle: w.reasonsTitle,
    reasons: f.reasons.map((r) => w.reasonLine(label(r), r.count, amountsText(r.amounts, locale))),
    moreReasons: (n) => w.moreReasons(n),
    oldestTitle: w.oldestTitle,
    oldest: f.oldest.map((b) => `${briefLine({ ...b, openedAt: new Date(b.openedAt) }, f.today, locale, true)} · ${m.openedOn(shortDate(dayIn(timezone, new Date(b.openedAt)), locale))}`),
    decide,
    charts: input.charts.map((c) => ({ url: c.url, alt: w.chartAlt(c.currency) })),
  };
}

/** The chart inputs of the facts: one per currency, the reasons' labels in the reader's language. */
export function chartInputs(f: DigestFacts, locale: Locale): { currency: string; cells: { bucket: DigestFacts["chart"][number]["bucket"]; reason: string; amount: number }[] }[] {
  const by = new Map<string, { bucket: DigestFacts["chart"][number]["bucket"]; reason: string; amount: number }[]>();
  for (const r of f.chart) {
    const list = by.get(r.currency) ?? [];
    list.push({ bucket: r.bucket, reason: locale === "fr" ? r.labelFr : r.labelEn, amount: r.amount });
    by.set(r.currency, list);
  }
  return [...by.entries()].map(([currency, cells]) => ({ currency, cells }));
}
