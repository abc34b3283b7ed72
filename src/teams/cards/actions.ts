import { AccordError } from "../../domain/errors.ts";
import { LIMITS } from "../../domain/limits.ts";
import { OUTCOMES, PRIORITIES, type Locale } from "../../domain/types.ts";
import { CARD_ACTIONS, formMeta, parseAction, type CardAction, type FormMeta } from "../../views/actions.ts";
import { errorText } from "../../views/errors.ts";

// An Action.Execute invoke of the Teams dispute card (verb + data, the inline inputs included) read back as
// the same typed action and form values the Slack listeners pass to the use cases (src/slack/listeners/cardForms.ts).

/** The verb of a card action's Action.Execute. */
export const TEAMS_VERB_PREFIX = "accord.card.";
export const teamsVerb = (a: CardAction): string => `${TEAMS_VERB_PREFIX}${a}`;
/** The verb of the card's refresh (user-specific views): the wiring answers with the card as the clicking person may see it. */
export const TEAMS_REFRESH_VERB = "accord.refresh";
/** The data key carrying the encoded typed payload of src/views/actions.ts. */
export const PAYLOAD_KEY = "accord";
/** The verb of the card's Nudge (data: the `nudge` payload) and of a reminder's Snooze (data: the `snooze` payload; a picked date in SNOOZE_DATE_INPUT). */
export const TEAMS_NUDGE_VERB = "accord.nudge";
export const TEAMS_SNOOZE_VERB = "accord.snooze";
export const SNOOZE_DATE_INPUT = "snooze.date";
/** The Data.Query datasets Accord answers (application/search, src/teams/listeners/search.ts): values are customer refs, item ids, people's emails. */
export const TEAMS_DATASETS = { customers: "accord.customers", items: "accord.items", people: "accord.people" } as const;

export interface InputSpec {
  id: string;
  kind: "text" | "multiline" | "date" | "outcome" | "priority" | "person" | "reason";
  required: boolean;
  maxLength?: number;
}

/** The inline inputs of each action: the same field ids as the Slack forms (src/views/forms.ts, cardActionForm). */
export const ACTION_INPUTS: Record<CardAction, InputSpec[]> = {
  comment: [{ id: "text", kind: "multiline", required: true, maxLength: LIMITS.note }],
  reassign: [
    { id: "to", kind: "person", required: true },
    { id: "note", kind: "multiline", required: false, maxLength: LIMITS.note },
  ],
  follow_up: [
    { id: "on", kind: "date", required: true },
    { id: "note", kind: "multiline", required: false, maxLength: LIMITS.note },
  ],
  resolve: [
    { id: "outcome", kind: "outcome", required: true },
    { id: "note", kind: "multiline", required: true, maxLength: LIMITS.note },
    { id: "credit_note_ref", kind: "text", required: false, maxLength: LIMITS.ref },
    { id: "conceded", kind: "text", required: false, maxLength: 20 },
    { id: "root_cause", kind: "text", required: false, maxLength: LIMITS.rootCause },
  ],
  withdraw: [{ id: "note", kind: "multiline", required: true, maxLength: LIMITS.note }],
  reopen: [{ id: "note", kind: "multiline", required: true, maxLength: LIMITS.note }],
  release_holds: [{ id: "note", kind: "multiline", required: false, maxLength: LIMITS.note }],
  edit: [
    { id: "reason", kind: "reason", required: false, maxLength: LIMITS.reasonCode },
    { id: "priority", kind: "priority", required: false },
    { id: "statement", kind: "multiline", required: false, maxLength: LIMITS.statement },
    { id: "note", kind: "multiline", required: false, maxLength: LIMITS.note },
  ],
};

/** Input ids are unique across an Adaptive Card: each action's inputs are prefixed with the action. */
export const inputId = (a: CardAction, field: string): string => `${a}.${field}`;

export type TeamsActionResult =
  | { ok: true; meta: Extract<FormMeta, { m: "card" }>; values: Record<string, string> }
  /** field errors in the person's language, keyed by input id (as the card shows them) */
  | { ok: false; errors: Record<string, string> }
  /** not an Accord card action (unknown verb, malformed payload): a polite "this button is out of date" */
  | null;

const REQUIRED_KEY: Partial<Record<string, NoParamKey>> = {
  "comment.text": "comment_empty",
  "resolve.outcome": "outcome_required",
  "resolve.note": "resolution_note_required",
  "withdraw.note": "withdraw_note_required",
  "reopen.note": "reopen_note_required",
  "follow_up.on": "date_required",
  "reassign.to": "owner_unknown",
};

type NoParamKey = "comment_empty" | "outcome_required" | "resolution_note_required" | "withdraw_note_required" | "reopen_note_required" | "priority_invalid" | "date_required" | "owner_unknown";

function fieldError(field: string, locale: Locale, key: NoParamKey): string {
  return errorText(new AccordError("validation", { key, params: {} } as never, { field }), locale);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads an Action.Execute invoke. `locale` is the clicking person's: field errors come in their words.
 * The values are what the person typed: the use cases check everything else, as for Slack.
 */
export function parseTeamsAction(verb: string | undefined | null, data: unknown, locale: Locale): TeamsActionResult {
  if (!verb || !verb.startsWith(TEAMS_VERB_PREFIX)) return null;
  const a = verb.slice(TEAMS_VERB_PREFIX.length) as CardAction;
  if (!(CARD_ACTIONS as readonly string[]).includes(a)) return null;
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  const raw = data as Record<string, unknown>;
  const payload = parseAction(typeof raw[PAYLOAD_KEY] === "string" ? (raw[PAYLOAD_KEY] as string) : null);
  if (!payload || payload.t !== "card" || payload.a !== a) return null;
  const meta = formMeta.safeParse({ m: "card", a, d: payload.d, v: payload.v });
  if (!meta.success || meta.data.m !== "card") return null;

  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const f of ACTION_INPUTS[a]) {
    const key = inputId(a, f.id);
    const v = raw[key];
    const value = typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
    if (!value.trim()) {
      if (f.required) errors[key] = fieldError(key, locale, REQUIRED_KEY[key] ?? "comment_empty");
      continue;
    }
    if (f.maxLength !== undefined && value.length > f.maxLength)
      errors[key] = errorText(new AccordError("validation", { key: "text_too_long", params: { max: f.maxLength, length: value.length } }, { field: key }), locale);
    else if (f.kind === "date" && !ISO_DATE.test(value)) errors[key] = errorText(new AccordError("validation", { key: "date_invalid", params: { field: f.id, value } }, { field: key }), locale);
    else if (f.kind === "outcome" && !(OUTCOMES as readonly string[]).includes(value)) errors[key] = fieldError(key, locale, "outcome_required");
    else if (f.kind === "priority" && !(PRIORITIES as readonly string[]).includes(value)) errors[key] = fieldError(key, locale, "priority_invalid");
    else values[f.id] = value;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, meta: meta.data, values };
}

/** The dispute a refresh invoke asks for, or null. */
export function parseTeamsRefresh(verb: string | undefined | null, data: unknown): number | null {
  if (verb !== TEAMS_REFRESH_VERB || !data || typeof data !== "object") return null;
  const v = (data as Record<string, unknown>)[PAYLOAD_KEY];
  const p = parseAction(typeof v === "string" ? v : null);
  return p?.t === "show" ? p.d : null;
}
