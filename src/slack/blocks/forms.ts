import { encodeMeta } from "../../views/actions.ts";
import type { Field, FormView } from "../../views/forms.ts";
import { cardBlocks } from "./card.ts";
import { ACTION_IDS, clip, escClip, LIMITS, mrkdwn, plain, type Block, type RenderOptions, type SlackModal } from "./kit.ts";

// Block Kit renderer of modals (forms): block ids carry the field id, errors point at them. Pure.

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
