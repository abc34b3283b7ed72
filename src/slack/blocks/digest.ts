import type { DigestView } from "../../views/digestView.ts";
import { decideBlocks } from "./home.ts";
import { ACTION_IDS, clip, esc, escClip, LIMITS, mrkdwn, plain, type Block, type SlackMessage } from "./kit.ts";

// The daily digest as one Slack message (issue 11), within Slack's 50 blocks and its text limits whatever the
// size of the team: the owners that fit (two blocks each: the line with the owner @-mentioned, then Nudge and
// Reassign on their most overdue dispute, the manager view's action ids) and then « … et N autres » with the full
// list's command; at most MAX_CHARTS charts (the first currencies by code).

export const MAX_CHARTS = 3;
/** reasons and oldest lines in their sections */
const MAX_LINES = 15;

const section = (text: string): Block => ({ type: "section", text: mrkdwn(text) });
const context = (text: string): Block => ({ type: "context", elements: [mrkdwn(escClip(text, LIMITS.sectionText))] });

/** Lines under a bold title within one section: the first that fit, then `more(hidden)`. */
function listSection(title: string, lines: string[], more: ((n: number) => string) | null): Block {
  const head = `*${esc(title)}*`;
  let body = "";
  let shown = 0;
  for (const l of lines.slice(0, MAX_LINES)) {
    const next = `${body}\n• ${escClip(l, 500)}`;
    if (head.length + next.length > LIMITS.sectionText - 200) break;
    body = next;
    shown++;
  }
  const hidden = lines.length - shown;
  if (hidden > 0 && more) body += `\n_${esc(more(hidden))}_`;
  return section(clip(`${head}${body || "\n–"}`, LIMITS.sectionText));
}

export function digestMessage(v: DigestView): SlackMessage {
  const top: Block[] = [
    { type: "header", text: plain(v.title, LIMITS.headerText) },
    context(v.scope),
    // the view's lines carry their own *bold*; escaping leaves it alone
    section(clip(v.headline.map((l) => escClip(l, 400)).join("\n"), LIMITS.sectionText)),
    section(escClip(v.since, LIMITS.sectionText)),
    ...v.charts.slice(0, MAX_CHARTS).map((c) => ({ type: "image", image_url: c.url, alt_text: clip(c.alt, 2000) })),
    { type: "divider" },
  ];
  const tail: Block[] = [
    { type: "divider" },
    listSection(v.reasonsTitle, v.reasons, v.moreReasons),
    listSection(v.oldestTitle, v.oldest, null),
    { type: "divider" },
    ...decideBlocks(v.decide),
  ];
  const late: Block[] = [section(`*${escClip(v.lateTitle, 500)}*`)];
  if (v.lateNone) late.push(context(v.lateNone));
  // what is left for the owners' rows, keeping one block for "and N more"
  const room = LIMITS.messageBlocks - top.length - tail.length - late.length - 1;
  let shown = 0;
  for (const o of v.owners) {
    if (late.length - 1 + 2 > room) break;
    const who = o.slackUserId ? `<@${o.slackUserId}>` : `*${escClip(o.name, 200)}*`;
    late.push(section(clip(`${who} · ${escClip(o.text, 2500)}`, LIMITS.sectionText)), {
      type: "actions",
      elements: [
        { type: "button", action_id: ACTION_IDS.nudge, text: plain(o.nudge.label, LIMITS.buttonText), value: o.nudge.value },
        { type: "button", action_id: ACTION_IDS.cardButton("reassign"), text: plain(o.reassign.label, LIMITS.buttonText), value: o.reassign.value },
      ],
    });
    shown++;
  }
  const hidden = v.ownersTotal - shown;
  if (hidden > 0) late.push(context(v.moreOwners(hidden)));
  return { text: clip(v.text, 3000), blocks: [...top, ...late, ...tail] };
}
