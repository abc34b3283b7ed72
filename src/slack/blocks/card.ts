import type { CardActionView, DisputeCardView } from "../../views/disputeCard.ts";
import type { DisputeListView } from "../../views/lists.ts";
import { encodeAction } from "../../views/actions.ts";
import { ACTION_IDS, clip, esc, escClip, LIMITS, mrkdwn, plain, type Block, type RenderOptions, type SlackMessage } from "./kit.ts";

// Block Kit renderer of the dispute card and of lists. Pure.

// ---- dispute card ----------------------------------------------------------------------------------

function fieldValue(f: DisputeCardView["fields"][number], o: RenderOptions): string {
  const who = f.person ? o.mention?.(f.person.email) : null;
  const v = who ?? esc(f.value);
  return f.warn ? `:warning: ${v}` : v;
}

export function actionElements(actions: CardActionView[], withMore = true): Block[] {
  const main = actions.filter((a) => a.group === "main" || !withMore);
  const more = withMore ? actions.filter((a) => a.group === "more") : [];
  const els: Block[] = main.map((a) => ({
    type: "button",
    action_id: ACTION_IDS.cardButton(a.action),
    text: plain(a.label, LIMITS.buttonText),
    value: a.value,
    ...(a.style ? { style: a.style } : {}),
  }));
  if (more.length === 1) {
    const a = more[0]!;
    els.push({ type: "button", action_id: ACTION_IDS.cardButton(a.action), text: plain(a.label, LIMITS.buttonText), value: a.value, ...(a.style ? { style: a.style } : {}) });
  } else if (more.length > 1) {
    els.push({
      type: "overflow",
      action_id: ACTION_IDS.cardMore,
      options: more.slice(0, LIMITS.overflowOptions).map((a) => ({ text: plain(a.label, LIMITS.optionText), value: a.value })),
    });
  }
  return els;
}

/** The card's blocks; `notice` (the owner notice) goes on top of the owner's first copy. */
export function cardBlocks(card: DisputeCardView, o: RenderOptions = {}, extra: { notice?: string; withActions?: boolean } = {}): Block[] {
  const blocks: Block[] = [];
  if (extra.notice) blocks.push({ type: "section", text: mrkdwn(escClip(extra.notice, LIMITS.sectionText)) });
  blocks.push({ type: "header", text: plain(card.title, LIMITS.headerText) });
  blocks.push({
    type: "section",
    fields: card.fields.slice(0, LIMITS.sectionFields).map((f) => mrkdwn(clip(`*${esc(f.label)}*\n${fieldValue(f, o)}`, LIMITS.fieldText))),
  });
  // the owner is away (issue 11): until when, and their deputy, mentioned when their Slack id is known
  if (card.away) {
    const deputy = card.away.deputy ? (o.mention?.(card.away.deputy.email) ?? esc(card.away.deputy.name)) : "";
    blocks.push({ type: "context", elements: [mrkdwn(clip(`${esc(card.away.prefix)}${deputy}`, LIMITS.sectionText))] });
  }
  const itemLines = card.items.lines.map((l) => `• ${esc(l)}`);
  if (card.items.more) itemLines.push(`_${esc(card.items.more)}_`);
  blocks.push({ type: "section", text: mrkdwn(clip(`*${esc(card.items.label)}*\n${itemLines.join("\n")}`, LIMITS.sectionText)) });
  const head = `*${esc(card.statement.label)}*\n`;
  const quoted = escClip(card.statement.text, LIMITS.sectionText - head.length - 200)
    .split("\n")
    .map((l) => `>${l}`)
    .join("\n");
  blocks.push({ type: "section", text: mrkdwn(clip(head + quoted, LIMITS.sectionText)) });
  const notes = [...card.notes, ...(card.lastUpdate ? [card.lastUpdate] : [])];
  if (notes.length) blocks.push({ type: "context", elements: notes.slice(0, LIMITS.contextElements).map((n) => mrkdwn(escClip(n, LIMITS.sectionText))) });
  if (extra.withActions !== false && (card.actions.length || card.nudge)) {
    const nudge = card.nudge ? [{ type: "button", action_id: ACTION_IDS.nudge, text: plain(card.nudge.label, LIMITS.buttonText), value: card.nudge.value }] : [];
    blocks.push({ type: "actions", elements: [...actionElements(card.actions), ...nudge] });
  }
  return blocks;
}

export function cardMessage(card: DisputeCardView, o: RenderOptions = {}, extra: { notice?: string } = {}): SlackMessage {
  return { text: clip(extra.notice ? `${extra.notice}\n${card.summary}` : card.summary, 3000), blocks: cardBlocks(card, o, extra) };
}

// ---- lists -----------------------------------------------------------------------------------------

export function listMessage(list: DisputeListView, actionId: string = ACTION_IDS.listShow): SlackMessage {
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`*${esc(list.title)}*`) }];
  if (list.empty) blocks.push({ type: "section", text: mrkdwn(esc(list.empty)) });
  const room = LIMITS.messageBlocks - blocks.length - 1;
  const rows = list.rows.slice(0, room);
  for (const r of rows) {
    blocks.push({
      type: "section",
      // (the owner cannot be reached in Teams: said under the row, as on Teams' list)
      text: mrkdwn(escClip(`${r.overdue ? "⚠ " : ""}${r.text}${r.warning ? `\n${r.warning}` : ""}`, LIMITS.sectionText)),
      // a row whose owner the viewer may nudge: one menu (Open, Nudge), a section having room for one accessory
      accessory: r.nudge
        ? { type: "overflow", action_id: ACTION_IDS.listMenu, options: [r.button, r.nudge].map((o) => ({ text: plain(o.label, LIMITS.optionText), value: o.value })) }
        : { type: "button", action_id: actionId, text: plain(r.button.label, LIMITS.buttonText), value: r.button.value },
    });
  }
  const more = list.more ?? (list.rows.length > rows.length ? `+${list.rows.length - rows.length}` : null);
  if (more) blocks.push({ type: "context", elements: [mrkdwn(esc(more))] });
  return { text: clip(list.title, 3000), blocks };
}

// ---- a reminder ------------------------------------------------------------------------------------

/** The Snooze choices a reminder offers its owner (labels in their language). */
export interface SnoozeView {
  disputeId: number;
  choices: { choice: "tomorrow" | "in3days" | "nextMonday"; label: string }[];
  pickLabel: string;
  /** the owner's previous Snooze choice (tomorrow, in3days, nextMonday, date): offered first */
  last?: string | null | undefined;
}

/**
 * A reminder or an escalation: its line on top of the dispute card and, for the owner, the Snooze buttons
 * and a date picker (the picker's block id carries the dispute: a date picker has no value).
 */
/** The element of this action id first, the others in their order (none of that id: unchanged). */
function lastFirst<E extends { action_id: string }>(elements: E[], first: string | undefined): E[] {
  const i = elements.findIndex((e) => e.action_id === first);
  return i <= 0 ? elements : [elements[i]!, ...elements.slice(0, i), ...elements.slice(i + 1)];
}

export function reminderMessage(card: DisputeCardView, o: RenderOptions, line: string, snooze?: SnoozeView): SlackMessage {
  const msg = cardMessage(card, o, { notice: line });
  if (snooze) {
    msg.blocks.push({
      type: "actions",
      block_id: encodeAction({ t: "snooze", d: snooze.disputeId, c: "date" }),
      elements: lastFirst([
        ...snooze.choices.map((c) => ({ type: "button", action_id: ACTION_IDS.snooze(c.choice), text: plain(c.label, LIMITS.buttonText), value: encodeAction({ t: "snooze", d: snooze.disputeId, c: c.choice }) })),
        { type: "datepicker", action_id: ACTION_IDS.snooze("date"), placeholder: plain(snooze.pickLabel, LIMITS.placeholder) },
      ], snooze.last ? ACTION_IDS.snooze(snooze.last) : undefined),
    });
  }
  return msg;
}
