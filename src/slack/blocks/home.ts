import type { HomeView } from "../../views/lists.ts";
import type { DecideView, TeamSectionView } from "../../views/teamView.ts";
import type { AbsencesSectionView, CalendarSectionView, EscalationSectionView } from "../../views/homeSections.ts";
import { actionElements } from "./card.ts";
import { absencesBlocks, calendarBlocks, escalationBlocks } from "./homeSections.ts";
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

/** The opener's notices setting (issue 11): what it is now and the button that turns it the other way. */
export interface OpenerSettingView {
  title: string;
  text: string;
  button: { label: string; value: "on" | "off" };
}

/** The App Home sections of issue 11 (src/views/homeSections.ts): « Mes absences » for everyone, the calendar and the ladder for admins. */
export interface HomeSections {
  absences?: AbsencesSectionView | null;
  calendar?: CalendarSectionView | null;
  escalation?: EscalationSectionView | null;
}

export function homeView(home: HomeView & { openerUpdates?: OpenerSettingView | null } & HomeSections, o: RenderOptions = {}): SlackHome {
  const top: Block[] = [{ type: "header", text: plain(home.title, LIMITS.headerText) }];
  top.push({
    type: "section",
    text: mrkdwn(escClip(home.summary, LIMITS.sectionText)),
    ...(home.newDispute ? { accessory: { type: "button", action_id: ACTION_IDS.homeNew, style: "primary", text: plain(home.newDispute.label, LIMITS.buttonText), value: home.newDispute.value } } : {}),
  });
  if (home.empty) top.push({ type: "context", elements: [mrkdwn(esc(home.empty))] });
  if (home.openerUpdates) {
    const s = home.openerUpdates;
    top.push({
      type: "section",
      text: mrkdwn(escClip(`*${s.title}*\n${s.text}`, LIMITS.sectionText)),
      accessory: { type: "button", action_id: ACTION_IDS.homeOpenerUpdates, text: plain(s.button.label, LIMITS.buttonText), value: s.button.value },
    });
  }

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
  if (home.calendar) admin.push(...calendarBlocks(home.calendar));
  if (home.escalation) admin.push(...escalationBlocks(home.escalation));
  const mine = home.absences ? absencesBlocks(home.absences) : [];

  // the manager view: at most TEAM_BLOCKS when the viewer has cards of their own, so those still show
  const free = LIMITS.viewBlocks - top.length - admin.length - mine.length - 2;
  const team = home.team ? teamBlocks(home.team, home.cards.length ? Math.min(TEAM_BLOCKS, free) : free) : [];

  const cards: Block[] = [];
  const room = free - team.length;
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
  return { type: "home", blocks: [...top, ...team, ...(cards.length ? [{ type: "divider" }, ...cards] : []), ...mine, ...admin] };
}

// ---- manager view (issue 11) -----------------------------------------------------------------------

/** Blocks the team section may take when the viewer also has cards of their own. */
export const TEAM_BLOCKS = 60;

const context = (text: string): Block => ({ type: "context", elements: [mrkdwn(escClip(text, LIMITS.sectionText))] });

/** "What to decide": a title and one section per list (the digest renders the same view model). */
export function decideBlocks(d: DecideView): Block[] {
  const out: Block[] = [{ type: "section", text: mrkdwn(`*${escClip(d.title, 200)}*`) }];
  for (const l of d.lists) {
    const head = `*${esc(l.title)}*${l.note ? `  _${esc(l.note)}_` : ""}`;
    const body = l.lines.length ? l.lines.map((x) => `• ${escClip(x, 500)}`).join("\n") : "–";
    out.push({ type: "section", text: mrkdwn(clip(`${head}\n${body}`, LIMITS.sectionText)) });
  }
  return out;
}

/** The team section within `budget` blocks: the owners that fit whole (header and rows), then "and N more". */
export function teamBlocks(t: TeamSectionView, budget: number): Block[] {
  const head: Block[] = [{ type: "divider" }, { type: "header", text: plain(t.title, LIMITS.headerText) }, { type: "section", text: mrkdwn(escClip(t.summary, LIMITS.sectionText)) }];
  if (t.empty) head.push(context(t.empty));
  const decide = [{ type: "divider" }, ...decideBlocks(t.decide)];
  const room = budget - head.length - decide.length - 1; // 1: the "and N more" line
  const body: Block[] = [];
  let shown = 0;
  for (const o of t.owners) {
    const blocks: Block[] = [{ type: "section", text: mrkdwn(clip(`${esc(o.header)}${o.more ? `\n_${esc(o.more)}_` : ""}`, LIMITS.sectionText)) }];
    for (const r of o.rows) {
      blocks.push(
        { type: "section", text: mrkdwn(escClip(`${r.overdue ? "⚠ " : ""}${r.text}`, LIMITS.sectionText)) },
        {
          type: "actions",
          elements: [
            { type: "button", action_id: ACTION_IDS.nudge, text: plain(r.nudge.label, LIMITS.buttonText), value: r.nudge.value },
            { type: "button", action_id: ACTION_IDS.cardButton("reassign"), text: plain(r.reassign.label, LIMITS.buttonText), value: r.reassign.value },
          ],
        },
      );
    }
    if (body.length + blocks.length > room) break;
    body.push(...blocks);
    shown++;
  }
  const hidden = t.owners.length - shown;
  if (hidden > 0) body.push(context(t.moreOwners(hidden)));
  return budget < head.length + decide.length ? [] : [...head, ...body, ...decide];
}
