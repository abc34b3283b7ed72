import type { CardActionView, DisputeCardView } from "../views/disputeCard.ts";
import { encodeMeta } from "../views/actions.ts";
import type { Field, FormView } from "../views/forms.ts";
import type { DisputeListView, HomeView } from "../views/lists.ts";

// Block Kit renderer: platform-neutral view models -> Slack messages, modals and the Home tab.
// Pure (no I/O); every output stays within Slack's limits (checkBlockKit), whatever the input size.

export type Block = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}
export interface SlackModal {
  type: "modal";
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit?: PlainText;
  close: PlainText;
  blocks: Block[];
}
export interface SlackHome {
  type: "home";
  blocks: Block[];
}
interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 75,
  staticOptions: 100,
  overflowOptions: 5,
  actionsElements: 25,
  contextElements: 10,
  privateMetadata: 3000,
  modalTitle: 24,
  label: 2000,
  placeholder: 150,
  blockId: 255,
  actionId: 255,
  checkboxOptions: 10,
  messageText: 40000,
} as const;

/** Every action id the renderers emit (the manifest test sends a request for each). */
export const ACTION_IDS = {
  cardButton: (a: string) => `card.${a}`,
  cardMore: "card.more",
  listShow: "list.show",
  customerPick: "customer.pick",
  homeNew: "home.new",
  admin: (a: string) => `admin.${a}`,
  formButton: (id: string) => `form.${id}`,
} as const;
/** Modal callback ids: one per kind of form (the form metadata says which). */
export const CALLBACK_IDS = ["form.new", "form.card", "form.reason", "form.template", "form.info"] as const;
export const SHORTCUT_ID = "dispute_from_message";
export const COMMAND = "/dispute";

// ---- text helpers ----------------------------------------------------------------------------------

export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return s.slice(0, Math.max(0, max - 1)) + "…";
}
/** Escapes text for mrkdwn: &, <, > are control characters. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
/** Escapes then clips so that the escaped text fits (entities are never cut in half). */
function escClip(s: string, max: number): string {
  let out = esc(s);
  if (out.length <= max) return out;
  out = out.slice(0, max - 1);
  const amp = out.lastIndexOf("&");
  if (amp >= 0 && !out.slice(amp).includes(";")) out = out.slice(0, amp);
  return out + "…";
}
const plain = (text: string, max: number): PlainText => ({ type: "plain_text", text: clip(text, max) || " ", emoji: true });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });

export interface RenderOptions {
  /** a Slack mention for a person's email when their Slack id is known */
  mention?: (email: string) => string | null;
}

// ---- dispute card ----------------------------------------------------------------------------------

function fieldValue(f: DisputeCardView["fields"][number], o: RenderOptions): string {
  const who = f.person ? o.mention?.(f.person.email) : null;
  const v = who ?? esc(f.value);
  return f.warn ? `:warning: ${v}` : v;
}

function actionElements(actions: CardActionView[], withMore = true): Block[] {
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
  if (extra.withActions !== false && card.actions.length) blocks.push({ type: "actions", elements: actionElements(card.actions) });
  return blocks;
}

export function cardMessage(card: DisputeCardView, o: RenderOptions = {}, extra: { notice?: string } = {}): SlackMessage {
  return { text: clip(extra.notice ? `${extra.notice}\n${card.summary}` : card.summary, 3000), blocks: cardBlocks(card, o, extra) };
}

export function textMessage(text: string): SlackMessage {
  return { text: clip(text, 3000), blocks: [{ type: "section", text: mrkdwn(escClip(text, LIMITS.sectionText)) }] };
}

/** Help and replies written in mrkdwn already (no escaping). */
export function mrkdwnMessage(text: string): SlackMessage {
  return { text: clip(text, 3000), blocks: [{ type: "section", text: mrkdwn(clip(text, LIMITS.sectionText)) }] };
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
      text: mrkdwn(escClip(`${r.overdue ? "⚠ " : ""}${r.text}`, LIMITS.sectionText)),
      accessory: { type: "button", action_id: actionId, text: plain(r.button.label, LIMITS.buttonText), value: r.button.value },
    });
  }
  const more = list.more ?? (list.rows.length > rows.length ? `+${list.rows.length - rows.length}` : null);
  if (more) blocks.push({ type: "context", elements: [mrkdwn(esc(more))] });
  return { text: clip(list.title, 3000), blocks };
}

// ---- forms (modals) --------------------------------------------------------------------------------

export const blockIdOf = (f: { id: string; key?: string }) => (("key" in f && f.key ? `${f.id}:${f.key}` : f.id).slice(0, LIMITS.blockId));
/** The field id of a block id (the key after ":" only makes the block new when its context changes). */
export const fieldIdOf = (blockId: string) => blockId.split(":")[0]!;

const option = (o: { value: string; label: string }) => ({ text: plain(o.label, LIMITS.optionText), value: o.value.slice(0, LIMITS.optionValue) });

function inputBlock(f: { id: string; key?: string; label: string; optional?: boolean; hint?: string }, element: Block, dispatch = false): Block {
  return {
    type: "input",
    block_id: blockIdOf(f),
    label: plain(f.label, LIMITS.label),
    optional: Boolean(f.optional),
    ...(f.hint ? { hint: plain(f.hint, LIMITS.label) } : {}),
    ...(dispatch ? { dispatch_action: true } : {}),
    element,
  };
}

function fieldBlocks(f: Field, o: FormRenderOptions): Block[] {
  switch (f.kind) {
    case "text": {
      const max = Math.min(f.maxLength ?? 3000, 3000);
      return [
        inputBlock(f, {
          type: "plain_text_input",
          action_id: f.id,
          multiline: Boolean(f.multiline),
          max_length: max,
          ...(f.initial ? { initial_value: clip(f.initial, max) } : {}),
          ...(f.placeholder ? { placeholder: plain(f.placeholder, LIMITS.placeholder) } : {}),
        }),
      ];
    }
    case "date":
      return [inputBlock(f, { type: "datepicker", action_id: f.id, ...(f.initial ? { initial_date: f.initial } : {}) })];
    case "select": {
      const options = f.options.slice(0, LIMITS.staticOptions).map(option);
      const initial = options.find((x) => x.value === f.initial);
      return [inputBlock(f, { type: "static_select", action_id: f.id, options, ...(initial ? { initial_option: initial } : {}) }, f.dispatch)];
    }
    case "search": {
      const initial = (f.initial ?? []).map(option);
      const element: Block = f.multi
        ? { type: "multi_external_select", action_id: f.id, min_query_length: f.minQueryLength ?? 1, ...(initial.length ? { initial_options: initial } : {}) }
        : { type: "external_select", action_id: f.id, min_query_length: f.minQueryLength ?? 1, ...(initial[0] ? { initial_option: initial[0] } : {}) };
      if (f.placeholder) element.placeholder = plain(f.placeholder, LIMITS.placeholder);
      return [inputBlock(f, element, f.dispatch)];
    }
    case "person": {
      const user = f.initialEmail ? o.slackIdOf?.(f.initialEmail) : null;
      return [inputBlock(f, { type: "users_select", action_id: f.id, ...(user ? { initial_user: user } : {}) })];
    }
    case "checkbox": {
      const opt = { text: plain(f.option, LIMITS.optionText), value: "yes" };
      return [inputBlock({ ...f, optional: true }, { type: "checkboxes", action_id: f.id, options: [opt], ...(f.initial ? { initial_options: [opt] } : {}) })];
    }
    case "info":
      return [{ type: "section", block_id: f.id, text: mrkdwn(escClip(f.text, LIMITS.sectionText)) }];
    case "button":
      return [{ type: "actions", block_id: f.id, elements: [{ type: "button", action_id: ACTION_IDS.formButton(f.id), text: plain(f.label, LIMITS.buttonText), value: f.value }] }];
    case "card":
      return cardBlocks(f.card, o, { withActions: false }).map((b, i) => ({ ...b, block_id: `${f.id}_${i}` }));
  }
}

export interface FormRenderOptions extends RenderOptions {
  /** the Slack user id of a person's email, for a person field's initial value */
  slackIdOf?: (email: string) => string | null;
}

export function formModal(form: FormView, o: FormRenderOptions = {}): SlackModal {
  const blocks = form.fields.flatMap((f) => fieldBlocks(f, o)).slice(0, LIMITS.viewBlocks);
  return {
    type: "modal",
    callback_id: `form.${form.meta.m}`,
    private_metadata: encodeMeta(form.meta),
    title: plain(form.title, LIMITS.modalTitle),
    ...(form.submit ? { submit: plain(form.submit, LIMITS.modalTitle) } : {}),
    close: plain(form.close, LIMITS.modalTitle),
    blocks,
  };
}

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

// ---- limits ----------------------------------------------------------------------------------------

/** Every way a payload breaks Slack's documented limits (empty when it is fine). */
export function checkBlockKit(surface: "message" | "modal" | "home", payload: { blocks: Block[]; text?: string } | SlackModal | SlackHome): string[] {
  const problems: string[] = [];
  const p = (cond: boolean, msg: string) => {
    if (!cond) problems.push(msg);
  };
  const blocks = payload.blocks;
  p(blocks.length <= (surface === "message" ? LIMITS.messageBlocks : LIMITS.viewBlocks), `${blocks.length} blocks in a ${surface}`);
  if ("text" in payload && typeof payload.text === "string") p(payload.text.length <= LIMITS.messageText, "message text too long");
  if (surface === "modal") {
    const m = payload as SlackModal;
    p(m.title.text.length <= LIMITS.modalTitle, `modal title "${m.title.text}" longer than 24`);
    p(!m.submit || m.submit.text.length <= LIMITS.modalTitle, "modal submit longer than 24");
    p(m.close.text.length <= LIMITS.modalTitle, "modal close longer than 24");
    p(m.private_metadata.length <= LIMITS.privateMetadata, `private_metadata ${m.private_metadata.length} > 3000`);
    p(m.callback_id.length <= 255, "callback_id too long");
  }
  const blockIds = new Set<string>();
  const textLen = (t: unknown) => (t && typeof t === "object" && "text" in t ? String((t as { text: unknown }).text).length : 0);
  const checkOption = (o: Block, where: string) => {
    p(textLen(o.text) <= LIMITS.optionText, `${where}: option text ${textLen(o.text)} > 75`);
    p(typeof o.value === "string" && o.value.length <= LIMITS.optionValue, `${where}: option value ${String(o.value).length} > 75`);
  };
  const checkElement = (e: Block, where: string) => {
    p(!e.action_id || String(e.action_id).length <= LIMITS.actionId, `${where}: action_id too long`);
    switch (e.type) {
      case "button":
        p(textLen(e.text) <= LIMITS.buttonText, `${where}: button text > 75`);
        p(e.value === undefined || String(e.value).length <= LIMITS.buttonValue, `${where}: button value ${String(e.value).length} > 2000`);
        break;
      case "overflow": {
        const opts = (e.options as Block[]) ?? [];
        p(opts.length >= 1 && opts.length <= LIMITS.overflowOptions, `${where}: overflow has ${opts.length} options`);
        opts.forEach((o) => checkOption(o, where));
        break;
      }
      case "static_select":
      case "multi_static_select": {
        const opts = (e.options as Block[]) ?? [];
        p(opts.length >= 1 && opts.length <= LIMITS.staticOptions, `${where}: static select has ${opts.length} options`);
        opts.forEach((o) => checkOption(o, where));
        if (e.initial_option) checkOption(e.initial_option as Block, where);
        break;
      }
      case "external_select":
      case "multi_external_select":
        if (e.initial_option) checkOption(e.initial_option as Block, where);
        ((e.initial_options as Block[]) ?? []).forEach((o) => checkOption(o, where));
        break;
      case "checkboxes":
        p(((e.options as Block[]) ?? []).length <= LIMITS.checkboxOptions, `${where}: too many checkboxes`);
        ((e.options as Block[]) ?? []).forEach((o) => checkOption(o, where));
        break;
      case "plain_text_input": {
        const max = Number(e.max_length ?? 3000);
        p(max <= 3000, `${where}: max_length > 3000`);
        p(!e.initial_value || String(e.initial_value).length <= max, `${where}: initial_value longer than max_length`);
        break;
      }
    }
    if (e.placeholder) p(textLen(e.placeholder) <= LIMITS.placeholder, `${where}: placeholder > 150`);
  };
  blocks.forEach((b, i) => {
    const where = `block ${i} (${String(b.type)})`;
    if (b.block_id !== undefined) {
      const id = String(b.block_id);
      p(id.length <= LIMITS.blockId, `${where}: block_id too long`);
      p(!blockIds.has(id), `${where}: duplicate block_id ${id}`);
      blockIds.add(id);
    }
    switch (b.type) {
      case "section": {
        p(b.text !== undefined || b.fields !== undefined, `${where}: section without text`);
        p(textLen(b.text) <= LIMITS.sectionText, `${where}: section text ${textLen(b.text)} > 3000`);
        const fields = (b.fields as Block[]) ?? [];
        p(fields.length <= LIMITS.sectionFields, `${where}: ${fields.length} fields`);
        fields.forEach((f) => p(textLen(f) <= LIMITS.fieldText, `${where}: field text > 2000`));
        if (b.accessory) checkElement(b.accessory as Block, where);
        break;
      }
      case "header":
        p(textLen(b.text) <= LIMITS.headerText, `${where}: header > 150`);
        break;
      case "context": {
        const els = (b.elements as Block[]) ?? [];
        p(els.length >= 1 && els.length <= LIMITS.contextElements, `${where}: ${els.length} context elements`);
        els.forEach((e) => p(textLen(e) <= LIMITS.sectionText, `${where}: context text > 3000`));
        break;
      }
      case "actions": {
        const els = (b.elements as Block[]) ?? [];
        p(els.length >= 1 && els.length <= LIMITS.actionsElements, `${where}: ${els.length} action elements`);
        const ids = els.map((e) => String(e.action_id));
        p(new Set(ids).size === ids.length, `${where}: duplicate action_id`);
        els.forEach((e) => checkElement(e, where));
        break;
      }
      case "input":
        p(surface !== "message", `${where}: input block in a message`);
        p(textLen(b.label) <= LIMITS.label, `${where}: label > 2000`);
        p(!b.hint || textLen(b.hint) <= LIMITS.label, `${where}: hint > 2000`);
        checkElement(b.element as Block, where);
        break;
      case "divider":
        break;
      default:
        problems.push(`${where}: unexpected block type`);
    }
  });
  return problems;
}
