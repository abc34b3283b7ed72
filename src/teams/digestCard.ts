import type { DigestView } from "../views/digestView.ts";
import { MAX_CARD_BYTES, type AdaptiveJson } from "./cards/disputeCard.ts";

// The daily digest (issue 11) as one Adaptive Card 1.5 for a Teams channel (issue 13), from the same view model as
// Slack's message (src/views/digestView.ts), always under Teams' 28 KB: the headline per currency, what changed, the
// charts as images at their PUBLIC_URL (an expiring, unguessable URL: a base64 picture would not fit), the late owners
// that fit, then « … et N autres » with the full list's command, the reasons, the oldest, what to decide. Pure.

export const MAX_TEAMS_CHARTS = 3;
/** lines of the reasons and oldest lists */
const MAX_LINES = 15;
/** room kept for the activity around the card */
const BUDGET = MAX_CARD_BYTES - 1024;

const bytes = (x: unknown): number => Buffer.byteLength(JSON.stringify(x), "utf8");
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Slack's *bold* to Adaptive Card markdown's **bold** (the view's lines carry their own emphasis). */
export const acMarkdown = (s: string) => s.replace(/(^|[\s(·])\*([^*\n]+)\*(?=$|[\s).,:;·])/g, "$1**$2**");
const text = (s: string, extra: AdaptiveJson = {}): AdaptiveJson => ({ type: "TextBlock", text: acMarkdown(clip(s, 2000)), wrap: true, ...extra });

export function renderDigestAdaptiveCard(v: DigestView, lang: string): AdaptiveJson {
  const top: AdaptiveJson[] = [
    text(v.title, { size: "Large", weight: "Bolder" }),
    text(v.scope, { isSubtle: true, spacing: "None" }),
    ...v.headline.map((l) => text(l, { spacing: "Small" })),
    text(v.since),
    ...v.charts.slice(0, MAX_TEAMS_CHARTS).map((c) => ({ type: "Image", url: c.url, altText: clip(c.alt, 500), size: "Stretch" })),
  ];
  const list = (title: string, lines: string[], more: ((n: number) => string) | null): AdaptiveJson[] => {
    const shown = lines.slice(0, MAX_LINES);
    const out = [text(title, { weight: "Bolder", spacing: "Medium", separator: true }), ...(shown.length ? shown.map((l) => text(`• ${clip(l, 500)}`, { spacing: "None" })) : [text("–", { spacing: "None" })])];
    if (lines.length > shown.length && more) out.push(text(more(lines.length - shown.length), { isSubtle: true, spacing: "None" }));
    return out;
  };
  const tail: AdaptiveJson[] = [
    ...list(v.reasonsTitle, v.reasons, v.moreReasons),
    ...list(v.oldestTitle, v.oldest, null),
    text(v.decide.title, { weight: "Bolder", size: "Medium", spacing: "Large", separator: true }),
    ...v.decide.lists.flatMap((l) => list(`${l.title}${l.note ? ` — ${l.note}` : ""}`, l.lines, null)),
  ];
  const card = (late: AdaptiveJson[]): AdaptiveJson => ({
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    lang,
    fallbackText: clip(v.text, 1000),
    body: [...top, ...late, ...tail],
  });
  const head: AdaptiveJson[] = [text(v.lateTitle, { weight: "Bolder", spacing: "Medium", separator: true })];
  if (v.lateNone) head.push(text(v.lateNone, { isSubtle: true, spacing: "None" }));
  // the owners that fit, keeping room for "and N more"
  const rows: AdaptiveJson[] = [];
  const moreLine = (n: number) => text(v.moreOwners(n), { isSubtle: true, spacing: "Small" });
  for (const o of v.owners) {
    const row = text(`**${clip(o.name, 200)}** · ${clip(o.text, 1500)}`, { spacing: "Small" });
    if (bytes(card([...head, ...rows, row, moreLine(v.ownersTotal)])) > BUDGET) break;
    rows.push(row);
  }
  const hidden = v.ownersTotal - rows.length;
  const out = card([...head, ...rows, ...(hidden > 0 ? [moreLine(hidden)] : [])]);
  // the lists are bounded; should they still be too long (very long names), the tail is cut
  while (bytes(out) > BUDGET && (out.body as AdaptiveJson[]).length > top.length + 1) (out.body as AdaptiveJson[]).pop();
  return out;
}
