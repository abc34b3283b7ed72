// Block Kit renderer: what every surface shares (types, Slack's limits, ids, text helpers, plain messages)
// and the limit check. Pure (no I/O); every output stays within Slack's limits (checkBlockKit), whatever the
// input size. The surfaces: card.ts (dispute card, lists), forms.ts (modals), home.ts (App Home).

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
  /** a reminder's Snooze buttons and date picker */
  snooze: (choice: string) => `snooze.${choice}`,
  /** Nudge the owner now (card, list rows, manager home, digest rows): value = encodeAction({ t: "nudge", d }) */
  nudge: "dispute.nudge",
  /** App Home: turn the opener's notices off (value "off") or on (value "on") */
  homeOpenerUpdates: "home.opener_updates",
  /** a list row's menu (Open, Nudge) when the viewer may nudge its owner: the option values say which */
  listMenu: "list.menu",
  /** App Home sections (issue 11): « Mes absences » (declare, delete), « Calendrier » (close, reopen a day), « Escalade » (edit) */
  homeSection: (a: "absence_add" | "absence_remove" | "calendar_close" | "calendar_reopen" | "escalation") => `home.${a}`,
} as const;
/** Modal callback ids: one per kind of form (the form metadata says which). */
export const CALLBACK_IDS = ["form.new", "form.card", "form.reason", "form.template", "form.info", "form.absence", "form.calendar", "form.escalation"] as const;
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
export function escClip(s: string, max: number): string {
  let out = esc(s);
  if (out.length <= max) return out;
  out = out.slice(0, max - 1);
  const amp = out.lastIndexOf("&");
  if (amp >= 0 && !out.slice(amp).includes(";")) out = out.slice(0, amp);
  return out + "…";
}
export const plain = (text: string, max: number): PlainText => ({ type: "plain_text", text: clip(text, max) || " ", emoji: true });
export const mrkdwn = (text: string) => ({ type: "mrkdwn", text });

export interface RenderOptions {
  /** a Slack mention for a person's email when their Slack id is known */
  mention?: (email: string) => string | null;
}


export function textMessage(text: string): SlackMessage {
  return { text: clip(text, 3000), blocks: [{ type: "section", text: mrkdwn(escClip(text, LIMITS.sectionText)) }] };
}

/** Help and replies written in mrkdwn already (no escaping). */
export function mrkdwnMessage(text: string): SlackMessage {
  return { text: clip(text, 3000), blocks: [{ type: "section", text: mrkdwn(clip(text, LIMITS.sectionText)) }] };
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
      case "image":
        p(typeof b.image_url === "string" && b.image_url.length <= 3000, `${where}: image_url missing or > 3000`);
        p(typeof b.alt_text === "string" && b.alt_text.length >= 1 && b.alt_text.length <= 2000, `${where}: alt_text missing or > 2000`);
        break;
      default:
        problems.push(`${where}: unexpected block type`);
    }
  });
  return problems;
}
