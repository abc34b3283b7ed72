import { AccordError } from "../domain/errors.ts";
import { toWellFormed } from "../domain/text.ts";
import type { Locale } from "../domain/types.ts";
import { parseMeta, type FormMeta } from "../views/actions.ts";
import { errorText } from "../views/errors.ts";
import { fieldIdOf } from "./blocks.ts";

// Reading a submitted modal back into field values keyed by the form's field ids, and pointing
// errors at the right input block.

export type FieldValue = string | string[] | null;

export interface SubmittedForm {
  meta: FormMeta | null;
  values: Record<string, FieldValue>;
  /** the block id of a field in this view (block ids carry a context key) */
  blockOf(fieldId: string): string | null;
  /** the first input block: where errors without a field go */
  firstInput: string | null;
}

interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_date?: string | null;
  selected_user?: string | null;
}

export function readView(view: { private_metadata?: string; state?: { values?: Record<string, Record<string, ElementState>> }; blocks?: { block_id?: string; type?: string }[] }): SubmittedForm {
  const values: Record<string, FieldValue> = {};
  // The shape (objects of objects, blocks a list of objects) was checked before any listener (guard.ts).
  for (const [blockId, actions] of Object.entries(view.state?.values ?? {})) {
    for (const el of Object.values(actions)) {
      const id = fieldIdOf(blockId);
      if (el.selected_options !== undefined) values[id] = Array.isArray(el.selected_options) ? el.selected_options.flatMap((o) => (typeof o?.value === "string" ? [o.value] : [])) : [];
      else if (el.selected_option !== undefined) values[id] = el.selected_option?.value ?? null;
      else if (el.selected_date !== undefined) values[id] = el.selected_date ?? null;
      else if (el.selected_user !== undefined) values[id] = el.selected_user ?? null;
      else if (el.value !== undefined) values[id] = el.value ?? null;
      else if (el.type === "checkboxes") values[id] = [];
    }
  }
  const blocks = view.blocks ?? [];
  const inputs = blocks.filter((b) => b.type === "input" && b.block_id);
  return {
    meta: parseMeta(view.private_metadata),
    values,
    blockOf: (fieldId) => inputs.find((b) => fieldIdOf(b.block_id!) === fieldId)?.block_id ?? null,
    firstInput: inputs[0]?.block_id ?? null,
  };
}

/** A field's text, trimmed and well-formed (a lone surrogate becomes U+FFFD). */
export const str = (v: FieldValue | undefined): string => (typeof v === "string" ? toWellFormed(v.trim()) : "");
export const list = (v: FieldValue | undefined): string[] => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []);

/** Domain field names -> form field ids. */
const FIELD_MAP: Record<string, string> = {
  customerRef: "customer",
  reasonCode: "reason",
  statement: "statement",
  ownerEmail: "owner",
  followUpOn: "follow_up",
  toEmail: "to",
  on: "on",
  note: "note",
  text: "text",
  outcome: "outcome",
  creditNoteRef: "credit_note_ref",
  concededAmount: "conceded",
  rootCause: "root_cause",
  code: "code",
  labelFr: "label_fr",
  labelEn: "label_en",
  "noticeTemplate.fr": "fr",
  "noticeTemplate.en": "en",
  byEmail: "",
  openedByEmail: "",
};

/** Where a coded error goes in the form, and its words. */
export function errorsFor(err: AccordError, form: SubmittedForm, locale: Locale, itemFieldOf?: (index: number) => string | null): Record<string, string> {
  const field = err.field ?? "";
  let target: string | null = null;
  const item = /^items\[(\d+)\]/.exec(field);
  if (item && itemFieldOf) target = form.blockOf(itemFieldOf(Number(item[1])) ?? "") ?? form.blockOf("partials") ?? form.blockOf("items");
  else if (field === "items") target = form.blockOf("items");
  else if (field in FIELD_MAP) target = FIELD_MAP[field] ? form.blockOf(FIELD_MAP[field]) : null;
  else if (field) target = form.blockOf(field);
  const text = errorText(err, locale);
  const block = target ?? form.firstInput;
  return block ? { [block]: text.slice(0, 2000) } : {};
}
