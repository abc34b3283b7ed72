import { fieldIdOf } from "../blocks.ts";
import type { StoredView } from "../standin/fakeSlack.ts";

// Filling in a modal as Slack submits it, for tests: element states by field id.

export type El = Record<string, unknown>;
/** What Slack submits for a modal: every input's initial value (as a person leaves it), then the changes. */
export function submitted(v: StoredView, changes: Record<string, El>): Record<string, Record<string, El>> {
  const out: Record<string, Record<string, El>> = {};
  for (const b of (v.view.blocks as { block_id?: string; type: string; element?: Record<string, any> }[]) ?? []) { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (b.type !== "input" || !b.block_id || !b.element) continue;
    const e = b.element;
    const initial: El =
      e.type === "plain_text_input" ? { value: e.initial_value ?? null }
      : e.type === "datepicker" ? { selected_date: e.initial_date ?? null }
      : e.type === "users_select" ? { selected_user: e.initial_user ?? null }
      : e.type === "checkboxes" || e.type.startsWith("multi_") ? { selected_options: e.initial_options ?? [] }
      : { selected_option: e.initial_option ?? null };
    out[b.block_id] = { [e.action_id]: { type: e.type, ...initial, ...(changes[fieldIdOf(b.block_id)] ?? {}) } };
  }
  return out;
}
export const text = (value: string): El => ({ value });
export const opt = (value: string): El => ({ selected_option: { value } });
export const opts = (...vs: string[]): El => ({ selected_options: vs.map((value) => ({ value })) });
export const user = (id: string): El => ({ selected_user: id });
export const date = (d: string): El => ({ selected_date: d });
