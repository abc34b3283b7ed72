// The escalation ladder as admins edit it (issue 11): per priority, after how many unanswered reminders the
// controller who opened the dispute is told, then the owner's manager (null = never). Pure: a form's or an
// API client's values are checked here before the settings schema sees them, so each problem points at
// its field with words the person can act on.
import type { Priority } from "./types.ts";

/** The most unanswered reminders a rung may wait for (the settings schema's bound). */
export const MAX_RUNG = 50;
export const RUNGS = ["controllerAfter", "managerAfter"] as const;
export type Rung = (typeof RUNGS)[number];
/** The priorities as the ladder is shown and checked: the most urgent first. */
export const LADDER_ORDER: readonly Priority[] = ["urgent", "high", "normal", "low"];

export type LadderProblem =
  | { field: string; key: "escalation_count_invalid"; params: { priority: Priority; rung: Rung; value: string; max: number } }
  | { field: string; key: "escalation_order"; params: { priority: Priority; controllerAfter: number; managerAfter: number } };

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_RUNG;

/**
 * What is wrong with an `escalation` value (the ladder being saved): a rung that is neither null (never)
 * nor a whole number from 1 to MAX_RUNG, a manager told before the controller. Priorities left out keep
 * their value (the schema fills them in); fields are named `escalation.<priority>.<rung>`.
 */
export function ladderProblems(escalation: unknown): LadderProblem[] {
  if (!escalation || typeof escalation !== "object" || Array.isArray(escalation)) return [];
  const out: LadderProblem[] = [];
  for (const priority of LADDER_ORDER) {
    const rung = (escalation as Record<string, unknown>)[priority];
    if (!rung || typeof rung !== "object") continue;
    const r = rung as Record<string, unknown>;
    let ok = true;
    for (const k of RUNGS) {
      const v = r[k];
      if (v === null || v === undefined || isCount(v)) continue;
      ok = false;
      out.push({ field: `escalation.${priority}.${k}`, key: "escalation_count_invalid", params: { priority, rung: k, value: String(v), max: MAX_RUNG } });
    }
    if (ok && isCount(r.controllerAfter) && isCount(r.managerAfter) && r.managerAfter < r.controllerAfter) {
      out.push({ field: `escalation.${priority}.managerAfter`, key: "escalation_order", params: { priority, controllerAfter: r.controllerAfter, managerAfter: r.managerAfter } });
    }
  }
  return out;
}

/** A rung as typed in a form: empty = never (null), digits = that number, anything else as typed (ladderProblems says why). */
export function rungOfText(text: string): number | null | string {
  const t = text.trim();
  if (t === "") return null;
  return /^\d{1,6}$/.test(t) ? Number(t) : t;
}
