import type { HomeView } from "../../views/lists.ts";
import { actionElements } from "./card.ts";
import { ACTION_IDS, clip, esc, escClip, LIMITS, mrkdwn, plain, type Block, type RenderOptions, type SlackHome } from "./kit.ts";

// Block Kit renderer of the App Home tab. Pure.

// ---- App Home --------------------------------------------------------------------------------------

/** Lines joined into as few sections as fit in the section text limit. */
function chunkSections(lines: string[], maxSections: number): Block[] {
  const out: string[] = [];
  let cur = "";
  for (const l of lines.map((x) => clip(x, 1000))) {
    if (cur && cur.length + 1 + l.length > LIMITS.sectionText) {
      out.push(cur);
      cur = "";
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(cur);
  const kept = out.slice(0, maxSections);
  return kept.map((text) => ({ type: "section", text: mrkdwn(text) }));
}

export function homeView(home: HomeView, o: RenderOptions = {}): SlackHome {
  const top: Block[] = [{ type: "header", text: plain(home.title, LIMITS.headerText) }];
  top.push({
    type: "section",
    text: mrkdwn(escClip(home.summary, LIMITS.sectionText)),
    ...(home.newDispute ? { accessory: { type: "button", action_id: ACTION_IDS.homeNew, style: "primary", text: plain(home.newDispute.label, LIMITS.buttonText), value: home.newDispute.value } } : {}),
  });
  if (home.empty) top.push({ type: "context", elements: [mrkdwn(esc(home.empty))] });

  const admin: Block[] = [];
  if (home.admin) {
    const a = home.admin;
    admin.push({ type: "divider" }, { type: "header", text: plain(a.title, LIMITS.headerText) });
    admin.push({ type: "section", text: mrkdwn(`*${esc(a.reasonsTitle)}*`) });
    admin.push(...chunkSections(a.reasonLines.map(esc), 12));
    admin.push({
      type: "actions",
      elements: [
        { type: "button", action_id: ACTION_IDS.admin("add_reason"), text: plain(a.addReason.label, LIMITS.buttonText), value: a.addReason.value },
        { type: "button", action_id: ACTION_IDS.admin("edit_reason"), text: plain(a.editReason.label, LIMITS.buttonText), value: a.editReason.value },
      ],
    });
    admin.push({ type: "section", text: mrkdwn(`*${esc(a.templateTitle)}*`) });
    for (const [lang, text] of [["FR", a.templates.fr], ["EN", a.templates.en]] as const) {
      admin.push({ type: "section", text: mrkdwn(`*${lang}*\n${escClip(text, LIMITS.sectionText - 20)}`) });
    }
    admin.push({ type: "context", elements: [mrkdwn(escClip(a.placeholders, LIMITS.sectionText))] });
    admin.push({ type: "actions", elements: [{ type: "button", action_id: ACTION_IDS.admin("edit_template"), text: plain(a.editTemplate.label, LIMITS.buttonText), value: a.editTemplate.value }] });
  }

  const cards: Block[] = [];
  const room = LIMITS.viewBlocks - top.length - admin.length - 2;
  let shown = 0;
  for (const c of home.cards) {
    const blocks: Block[] = [
      { type: "section", text: mrkdwn(escClip(`${c.overdue ? "⚠ " : ""}${c.summary}`, LIMITS.sectionText)) },
      ...(c.actions.length ? [{ type: "actions", elements: actionElements(c.actions) }] : []),
    ];
    if (cards.length + blocks.length + 1 > room) break;
    if (shown) cards.push({ type: "divider" });
    cards.push(...blocks);
    shown++;
  }
  const hidden = home.cards.length - shown;
  const more = home.more ?? (hidden > 0 ? `+${hidden}` : null);
  if (more || hidden > 0) cards.push({ type: "context", elements: [mrkdwn(esc(hidden > 0 && home.more ? `${home.more} (+${hidden})` : (more ?? "")))] });
  return { type: "home", blocks: [...top, ...(cards.length ? [{ type: "divider" }, ...cards] : []), ...admin] };
}
