import type { AbsencesSectionView, CalendarSectionView, EscalationSectionView } from "../../views/homeSections.ts";
import { ACTION_IDS, clip, esc, escClip, LIMITS, mrkdwn, plain, type Block } from "./kit.ts";

// Block Kit of the App Home sections of issue 11: « Mes absences » (everyone), « Calendrier » and « Escalade »
// (admins). Pure; home.ts places them and counts their blocks within the Home tab's 100.

const button = (actionId: string, b: { label: string; value: string }, style?: "primary" | "danger"): Block => ({
  type: "button",
  action_id: actionId,
  text: plain(b.label, LIMITS.buttonText),
  value: b.value,
  ...(style ? { style } : {}),
});
const context = (text: string): Block => ({ type: "context", elements: [mrkdwn(escClip(text, LIMITS.sectionText))] });

/** « Mes absences »: the title and what an absence does, one section per absence with Delete, Declare an absence. */
export function absencesBlocks(a: AbsencesSectionView): Block[] {
  const out: Block[] = [{ type: "divider" }, { type: "header", text: plain(a.title, LIMITS.headerText) }, context(a.intro)];
  if (a.empty) out.push({ type: "section", text: mrkdwn(esc(a.empty)) });
  // Slack asks before a Delete goes (a confirm dialog: title 100, text 300, buttons 30 characters)
  const confirm = { title: plain(a.confirm.title, 100), text: plain(a.confirm.text, 300), confirm: plain(a.confirm.yes, 30), deny: plain(a.confirm.no, 30), style: "danger" };
  for (const r of a.rows) {
    out.push({ type: "section", text: mrkdwn(escClip(r.text, LIMITS.sectionText)), accessory: { ...button(ACTION_IDS.homeSection("absence_remove"), r.remove, "danger"), confirm } });
  }
  if (a.more) out.push(context(a.more));
  out.push({ type: "actions", elements: [button(ACTION_IDS.homeSection("absence_add"), a.declare)] });
  return out;
}

/** « Calendrier »: the year's non-working days in one section, later changes, Add a closed day / Work on a day off. */
export function calendarBlocks(c: CalendarSectionView): Block[] {
  const out: Block[] = [{ type: "section", text: mrkdwn(`*${esc(c.title)}*`) }, context(c.intro)];
  if (c.lines.length) out.push({ type: "section", text: mrkdwn(clip(c.lines.map((l) => `• ${esc(l)}`).join("\n"), LIMITS.sectionText)) });
  if (c.later.length) out.push(context(c.later.join("\n")));
  out.push({ type: "actions", elements: [button(ACTION_IDS.homeSection("calendar_close"), c.close), button(ACTION_IDS.homeSection("calendar_reopen"), c.reopen)] });
  return out;
}

/** « Escalade »: one line per priority, the SLA breach, Edit escalation. */
export function escalationBlocks(e: EscalationSectionView): Block[] {
  return [
    { type: "section", text: mrkdwn(`*${esc(e.title)}*`) },
    context(e.intro),
    { type: "section", text: mrkdwn(clip([...e.lines.map((l) => `• ${esc(l)}`), esc(e.sla)].join("\n"), LIMITS.sectionText)) },
    { type: "actions", elements: [button(ACTION_IDS.homeSection("escalation"), e.edit)] },
  ];
}
