import { OUTCOMES, PRIORITIES, type Locale } from "../../domain/types.ts";
import { encodeAction, type CardAction } from "../../views/actions.ts";
import type { CardActionView, DisputeCardView } from "../../views/disputeCard.ts";
import { t } from "../../views/i18n.ts";
import { ACTION_INPUTS, inputId, PAYLOAD_KEY, TEAMS_DATASETS, TEAMS_NUDGE_VERB, TEAMS_REFRESH_VERB, teamsVerb, type InputSpec } from "./actions.ts";
import { teamsText } from "./teamsText.ts";

// The dispute card as an Adaptive Card 1.5 (Teams), from the same view model as the Slack card
// (src/views/disputeCard.ts): the same facts, the same actions. Each action is an Action.ShowCard holding
// its inputs and an Action.Execute whose verb and data carry the typed payload of src/views/actions.ts,
// read back by parseTeamsAction. Pure: plain JSON, no SDK.

export type AdaptiveJson = Record<string, unknown>;

export interface TeamsCardOptions {
  /** Teams user ids (MRI / AAD ids) whose clients fetch their own view (refresh): each gets the actions they may take */
  userIds?: string[];
  /** reason choices for Edit (code, label); without them Edit leaves the reason as it is */
  reasons?: { value: string; label: string }[];
}

/** Teams refreshes a card automatically for at most 60 users. */
export const MAX_REFRESH_USERS = 60;
/** Teams' limit on a message's card payload, with room left for the activity around it. */
export const MAX_CARD_BYTES = 28 * 1024;

const text = (s: string, extra: AdaptiveJson = {}): AdaptiveJson => ({ type: "TextBlock", text: s, wrap: true, ...extra });

function input(a: CardAction, f: InputSpec, view: DisputeCardView, lang: Locale, opts: TeamsCardOptions): AdaptiveJson | null {
  const m = t(lang);
  const id = inputId(a, f.id);
  const label = LABELS[a]?.[f.id]?.(m) ?? m.form.note;
  const base = { id, label, isRequired: f.required, ...(f.required ? { errorMessage: label } : {}) };
  switch (f.kind) {
    case "text":
      return { type: "Input.Text", ...base, ...(f.maxLength ? { maxLength: f.maxLength } : {}) };
    case "multiline":
      // Edit's statement is not prefilled (the card shows it above, and the card has a size limit): left empty, it stays as it is
      return { type: "Input.Text", ...base, isMultiline: true, ...(f.maxLength ? { maxLength: f.maxLength } : {}) };
    case "date":
      return { type: "Input.Date", ...base };
    case "outcome":
      return { type: "Input.ChoiceSet", ...base, style: "compact", choices: OUTCOMES.map((o) => ({ title: m.outcome[o], value: o })) };
    case "priority": {
      const shown = view.fields.find((x) => x.key === "priority")?.value;
      const current = PRIORITIES.find((p) => m.priority[p] === shown);
      return { type: "Input.ChoiceSet", ...base, style: "compact", choices: PRIORITIES.map((p) => ({ title: m.priority[p], value: p })), ...(current ? { value: current } : {}) };
    }
    case "reason":
      if (!opts.reasons?.length) return null;
      return { type: "Input.ChoiceSet", ...base, style: "compact", choices: opts.reasons.slice(0, 100).map((r) => ({ title: r.label, value: r.value })) };
    case "person":
      // Accord's own people (application/search, src/teams/listeners/search.ts): the value is the chosen person's email,
      // among those who may own disputes (a Graph people picker would offer anyone in the tenant, not yet known to Accord)
      return { type: "Input.ChoiceSet", ...base, style: "filtered", placeholder: teamsText(lang).searchPerson, choices: [], "choices.data": { type: "Data.Query", dataset: TEAMS_DATASETS.people } };
  }
}

type Words = ReturnType<typeof t>;
const LABELS: Partial<Record<CardAction, Record<string, (m: Words) => string>>> = {
  comment: { text: (m) => m.form.comment },
  reassign: { to: (m) => m.form.reassignTo, note: (m) => m.form.noteOptional },
  follow_up: { on: (m) => m.form.followUpOn, note: (m) => m.form.noteOptional },
  resolve: { outcome: (m) => m.form.outcome, note: (m) => m.form.resolveNote, credit_note_ref: (m) => m.form.creditNoteRef, conceded: (m) => m.form.conceded, root_cause: (m) => m.form.rootCause },
  withdraw: { note: (m) => m.form.withdrawNote },
  reopen: { note: (m) => m.form.reopenNote },
  release_holds: { note: (m) => m.form.note },
  edit: { reason: (m) => m.form.reason, priority: (m) => m.form.priority, statement: (m) => m.form.statement, note: (m) => m.form.noteOptional },
};

function actionOf(a: CardActionView, view: DisputeCardView, lang: Locale, opts: TeamsCardOptions): AdaptiveJson {
  const m = t(lang);
  const inputs = ACTION_INPUTS[a.action].map((f) => input(a.action, f, view, lang, opts)).filter((x): x is AdaptiveJson => x !== null);
  return {
    type: "Action.ShowCard",
    title: a.label,
    ...(a.style ? { style: a.style === "danger" ? "destructive" : "positive" } : {}),
    card: {
      type: "AdaptiveCard",
      body: inputs,
      actions: [{ type: "Action.Execute", title: m.form.save, verb: teamsVerb(a.action), data: { [PAYLOAD_KEY]: a.value }, associatedInputs: "auto", ...(a.style === "primary" ? { style: "positive" } : {}) }],
    },
  };
}

const bytes = (x: unknown): number => Buffer.byteLength(JSON.stringify(x), "utf8");

/**
 * The dispute card for Teams. A view without actions (a viewer without rights, `readOnly`) gives a read-only card.
 * Always under MAX_CARD_BYTES: beyond, Edit drops its reason choices (the reason stays as it is), then the statement is shortened.
 */
export function renderDisputeAdaptiveCard(view: DisputeCardView, lang: Locale, opts: TeamsCardOptions = {}): AdaptiveJson {
  let card = render(view, lang, opts);
  if (bytes(card) < MAX_CARD_BYTES) return card;
  const { reasons: _dropped, ...rest } = opts;
  card = render(view, lang, rest);
  for (let keep = view.statement.text.length - 500; bytes(card) >= MAX_CARD_BYTES && keep > 0; keep -= 500)
    card = render({ ...view, statement: { ...view.statement, text: `${view.statement.text.slice(0, keep)}…` } }, lang, rest);
  return card;
}

function render(view: DisputeCardView, lang: Locale, opts: TeamsCardOptions): AdaptiveJson {
  const body: AdaptiveJson[] = [text(view.title, { size: "Large", weight: "Bolder" })];
  body.push({
    type: "FactSet",
    facts: view.fields.map((f) => ({ title: f.label, value: f.warn ? `⚠ ${f.value}` : f.value })),
  });
  // the owner is away (issue 11): until when, and their deputy
  if (view.away) body.push(text(view.away.text, { spacing: "Small", color: "Accent" }));
  body.push(text(view.items.label, { weight: "Bolder", spacing: "Medium" }));
  for (const l of view.items.lines) body.push(text(`• ${l}`, { spacing: "None" }));
  if (view.items.more) body.push(text(view.items.more, { isSubtle: true, spacing: "None" }));
  body.push(text(view.statement.label, { weight: "Bolder", spacing: "Medium" }));
  body.push({ type: "Container", style: "emphasis", items: [text(view.statement.text)] });
  const notes = [...view.notes, ...(view.lastUpdate ? [view.lastUpdate] : [])];
  for (const n of notes) body.push(text(n, { isSubtle: true, size: "Small" }));

  const card: AdaptiveJson = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    lang,
    fallbackText: view.summary,
    body,
  };
  if (view.actions.length) card.actions = view.actions.map((a) => actionOf(a, view, lang, opts));
  // Nudge (controllers, managers, admins who are not the owner): no inputs, one click
  if (view.nudge) card.actions = [...((card.actions as AdaptiveJson[] | undefined) ?? []), { type: "Action.Execute", title: view.nudge.label, verb: TEAMS_NUDGE_VERB, data: { [PAYLOAD_KEY]: view.nudge.value } }];
  const userIds = [...new Set(opts.userIds ?? [])].slice(0, MAX_REFRESH_USERS);
  if (userIds.length) {
    card.refresh = {
      action: { type: "Action.Execute", verb: TEAMS_REFRESH_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "show", d: view.disputeId }) } },
      userIds,
    };
  }
  return card;
}
