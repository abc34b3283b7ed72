import { LIMITS } from "../domain/limits.ts";
import type { DisputeDefaults } from "../app/proposeDisputeDefaults.ts";
import type { ItemChoice } from "../app/searchItems.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { displayDate } from "../domain/dates.ts";
import { displayAmount, formatAmount } from "../domain/money.ts";
import type { Settings } from "../domain/settings.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import { OUTCOMES, PRIORITIES, type Customer, type Locale, type Priority, type Reason } from "../domain/types.ts";
import { encodeAction, type CardAction, type FormMeta } from "./actions.ts";
import type { DisputeCardView } from "./disputeCard.ts";
import { reasonLabel } from "./disputeCard.ts";
import { t } from "./i18n.ts";

// Forms (modals in Slack, dialogs in Teams) as platform-neutral view models. Each field has an id;
// the submitted values come back keyed by those ids.

export interface Option {
  value: string;
  label: string;
}

interface Base {
  id: string;
  label: string;
  optional?: boolean;
  hint?: string;
  /** changes with the context so that the platform drops a stale selection (items of another customer) */
  key?: string;
}

export type Field =
  | (Base & { kind: "text"; multiline?: boolean; initial?: string; maxLength?: number; placeholder?: string })
  | (Base & { kind: "date"; initial?: string | null })
  | (Base & { kind: "select"; options: Option[]; initial?: string | null; dispatch?: boolean })
  /** a search over a large list (customers, items, reasons beyond 100): options come from a handler */
  | (Base & { kind: "search"; multi?: boolean; initial?: Option[]; minQueryLength?: number; dispatch?: boolean; placeholder?: string })
  | (Base & { kind: "person"; initialEmail?: string | null })
  | (Base & { kind: "checkbox"; option: string; initial: boolean })
  | { kind: "info"; id: string; text: string }
  | { kind: "button"; id: string; label: string; value: string }
  | { kind: "card"; id: string; card: DisputeCardView };

export interface FormView {
  meta: FormMeta;
  /** short: platforms cut titles (Slack: 24 characters) */
  title: string;
  submit: string | null;
  close: string;
  fields: Field[];
}

/** Static choice lists hold at most this many options; beyond, a search field is used. */
export const MAX_STATIC_OPTIONS = 100;
/** Partial amounts get one field per item up to this many selected items, else one text area. */
export const MAX_AMOUNT_FIELDS = 20;

export function itemOption(c: ItemChoice, locale: Locale): Option {
  const m = t(locale);
  return {
    value: String(c.item.id),
    label: m.form.itemOption(c.item.ref, displayDate(c.item.dueOn, locale), displayAmount(c.undisputed, c.item.currency, locale), m.level[c.item.dunningLevel]),
  };
}

export function customerOption(c: Customer): Option {
  return { value: c.ref, label: `${c.name} (${c.ref})` };
}

export function reasonOptions(reasons: Reason[], locale: Locale): Option[] {
  return reasons.map((r) => ({ value: r.code, label: reasonLabel(r, locale) }));
}

export interface NewDisputeState {
  scope: "items" | "customer";
  customer: Customer | null;
  /** items already selected (for partial amounts), in selection order */
  selected: ItemChoice[];
  reasons: Reason[];
  defaults: DisputeDefaults;
  statement?: string | undefined;
  channel?: string | undefined;
  /** what the person chose themselves (kept when the reason changes), the others follow the reason */
  chosen?: { priority?: Priority | undefined; followUpOn?: string | undefined } | undefined;
}

export function newDisputeForm(s: NewDisputeState, locale: Locale): FormView {
  const m = t(locale);
  const fields: Field[] = [];
  const customerKey = s.customer?.ref ?? "none";
  fields.push({
    kind: "search",
    id: "customer",
    label: m.form.customer,
    minQueryLength: 1,
    dispatch: true,
    placeholder: m.form.customerHint,
    ...(s.customer ? { initial: [customerOption(s.customer)] } : {}),
  });
  if (s.scope === "customer") {
    if (s.customer) fields.push({ kind: "info", id: "mode", text: m.form.customerMode(s.customer.name) });
  } else {
    fields.push({
      kind: "search",
      id: "items",
      key: customerKey,
      label: m.form.items,
      hint: m.form.itemsHint,
      multi: true,
      minQueryLength: 0,
      dispatch: true,
      ...(s.selected.length ? { initial: s.selected.map((c) => itemOption(c, locale)) } : {}),
    });
    if (s.selected.length > 0 && s.selected.length <= MAX_AMOUNT_FIELDS) {
      for (const c of s.selected) {
        fields.push({
          kind: "text",
          id: `amount_${c.item.id}`,
          label: m.form.partial(c.item.ref, displayAmount(c.undisputed, c.item.currency, locale)),
          optional: true,
          maxLength: 20,
          placeholder: formatAmount(c.undisputed, c.item.currency),
        });
      }
    } else if (s.selected.length > MAX_AMOUNT_FIELDS) {
      fields.push({ kind: "text", id: "partials", label: m.form.partialList, hint: m.form.partialListHint, multiline: true, optional: true, maxLength: 3000 });
    }
  }
  const reasonField: Field =
    s.reasons.length > MAX_STATIC_OPTIONS
      ? { kind: "search", id: "reason", label: m.form.reason, minQueryLength: 0, dispatch: true, ...(s.defaults.reason ? { initial: reasonOptions([s.defaults.reason], locale) } : {}) }
      : { kind: "select", id: "reason", label: m.form.reason, options: reasonOptions(s.reasons, locale), initial: s.defaults.reason?.code ?? null, dispatch: true };
  fields.push(reasonField);
  const priority = s.chosen?.priority ?? s.defaults.priority;
  const followUpOn = s.chosen?.followUpOn ?? s.defaults.followUpOn;
  fields.push({ kind: "select", id: "priority", key: s.defaults.reason?.code ?? "none", label: m.form.priority, options: PRIORITIES.map((p) => ({ value: p, label: m.priority[p] })), initial: priority });
  fields.push({ kind: "text", id: "statement", label: m.form.statement, hint: m.form.statementHint, multiline: true, maxLength: LIMITS.statement, ...(s.statement ? { initial: s.statement } : {}) });
  fields.push({ kind: "person", id: "owner", key: customerKey, label: m.form.owner, hint: m.form.ownerHint, initialEmail: s.defaults.ownerEmail });
  fields.push({ kind: "date", id: "follow_up", key: s.defaults.reason?.code ?? "none", label: m.form.followUp, initial: followUpOn, optional: true });
  if (s.defaults.slaDueOn) fields.push({ kind: "info", id: "sla", text: m.form.slaInfo(displayDate(s.defaults.slaDueOn, locale)) });
  fields.push({ kind: "checkbox", id: "notify", label: m.form.notify, option: m.form.notifyOption, initial: true });
  fields.push({ kind: "button", id: "preview", label: m.form.preview, value: encodeAction({ t: "preview" }) });
  return {
    meta: {
      m: "new",
      scope: s.scope,
      ...(s.customer ? { c: s.customer.ref } : {}),
      ...(s.selected.length && s.selected.length <= MAX_AMOUNT_FIELDS ? { i: s.selected.map((c) => c.item.id) } : {}),
      ...(s.channel ? { ch: s.channel } : {}),
      p: s.defaults.priority,
      ...(s.defaults.followUpOn ? { f: s.defaults.followUpOn } : {}),
      ...(s.chosen?.priority || s.chosen?.followUpOn ? { t: [...(s.chosen.priority ? ["priority" as const] : []), ...(s.chosen.followUpOn ? ["follow_up" as const] : [])] } : {}),
    },
    title: s.scope === "customer" ? m.form.flagTitle : m.form.newTitle,
    submit: m.form.create,
    close: m.form.cancel,
    fields,
  };
}

/** The small form behind each card button. */
export function cardActionForm(action: CardAction, x: DisputeDetails, card: DisputeCardView, locale: Locale, reasons: Reason[], from: { channel?: string | undefined; responseUrl?: string | undefined } = {}): FormView {
  const m = t(locale);
  const d = x.dispute;
  const meta: FormMeta = { m: "card", a: action, d: d.id, v: d.version, ...(from.channel ? { ch: from.channel } : {}), ...(from.responseUrl ? { ru: from.responseUrl } : {}) };
  const head: Field = { kind: "info", id: "about", text: card.summary };
  const base = { meta, close: m.form.cancel, submit: m.form.save };
  switch (action) {
    case "comment":
      return { ...base, title: m.form.commentTitle, fields: [head, { kind: "text", id: "text", label: m.form.comment, multiline: true, maxLength: LIMITS.note }] };
    case "reassign":
      return {
        ...base,
        title: m.form.reassignTitle,
        fields: [head, { kind: "person", id: "to", label: m.form.reassignTo }, { kind: "text", id: "note", label: m.form.noteOptional, multiline: true, optional: true, maxLength: LIMITS.note }],
      };
    case "follow_up":
      return {
        ...base,
        title: m.form.followUpTitle,
        fields: [head, { kind: "date", id: "on", label: m.form.followUpOn, initial: d.followUpOn }, { kind: "text", id: "note", label: m.form.noteOptional, multiline: true, optional: true, maxLength: LIMITS.note }],
      };
    case "resolve":
      return {
        ...base,
        title: m.form.resolveTitle,
        fields: [
          head,
          { kind: "select", id: "outcome", label: m.form.outcome, options: OUTCOMES.map((o) => ({ value: o, label: m.outcome[o] })), initial: x.allPaid ? "customer_paid" : null },
          { kind: "text", id: "note", label: m.form.resolveNote, multiline: true, maxLength: LIMITS.note },
          { kind: "text", id: "credit_note_ref", label: m.form.creditNoteRef, optional: true, maxLength: LIMITS.ref },
          {
            kind: "text",
            id: "conceded",
            label: m.form.conceded,
            optional: true,
            maxLength: 20,
            ...(d.scope === "items" ? { hint: m.form.concededHint(displayAmount(x.disputedAmount, d.currency, locale)) } : {}),
          },
          { kind: "text", id: "root_cause", label: m.form.rootCause, optional: true, maxLength: LIMITS.rootCause },
        ],
      };
    case "withdraw":
      return { ...base, title: m.form.withdrawTitle, fields: [head, { kind: "text", id: "note", label: m.form.withdrawNote, multiline: true, maxLength: LIMITS.note }] };
    case "reopen":
      return { ...base, title: m.form.reopenTitle, fields: [head, { kind: "text", id: "note", label: m.form.reopenNote, multiline: true, maxLength: LIMITS.note }] };
    case "release_holds":
      return { ...base, title: m.form.releaseTitle, fields: [head, { kind: "text", id: "note", label: m.form.note, multiline: true, maxLength: LIMITS.note }] };
    case "edit": {
      const active = reasons.filter((r) => r.active || r.id === x.reason.id);
      const reasonField: Field =
        active.length > MAX_STATIC_OPTIONS
          ? { kind: "search", id: "reason", label: m.form.reason, minQueryLength: 0, initial: reasonOptions([x.reason], locale) }
          : { kind: "select", id: "reason", label: m.form.reason, options: reasonOptions(active, locale), initial: x.reason.code };
      return {
        ...base,
        title: m.form.editTitle,
        fields: [
          head,
          reasonField,
          { kind: "select", id: "priority", label: m.form.priority, options: PRIORITIES.map((p) => ({ value: p, label: m.priority[p] })), initial: d.priority },
          { kind: "text", id: "statement", label: m.form.statement, multiline: true, maxLength: LIMITS.statement, initial: d.statement },
          { kind: "text", id: "note", label: m.form.noteOptional, multiline: true, optional: true, maxLength: LIMITS.note },
        ],
      };
    }
  }
}

/** Read-only: the dispute changed while the form was open. */
export function staleForm(card: DisputeCardView, locale: Locale): FormView {
  const m = t(locale);
  return { meta: { m: "info" }, title: m.form.staleTitle, submit: null, close: m.form.close, fields: [{ kind: "info", id: "stale", text: m.form.stale }, { kind: "card", id: "card", card }] };
}

export function noticePreviewForm(text: string, locale: Locale): FormView {
  const m = t(locale);
  return { meta: { m: "info" }, title: m.form.previewTitle, submit: null, close: m.form.close, fields: [{ kind: "info", id: "notice", text }] };
}

export function reasonForm(reasons: Reason[], editing: Reason | null, locale: Locale): FormView {
  const m = t(locale);
  const fields: Field[] = [];
  if (editing) fields.push({ kind: "info", id: "code", text: `\`${editing.code}\`` });
  else fields.push({ kind: "text", id: "code", label: m.form.reasonCode, maxLength: LIMITS.reasonCode });
  fields.push(
    { kind: "text", id: "label_fr", label: m.form.labelFr, maxLength: LIMITS.reasonLabel, ...(editing ? { initial: editing.labelFr } : {}) },
    { kind: "text", id: "label_en", label: m.form.labelEn, maxLength: LIMITS.reasonLabel, ...(editing ? { initial: editing.labelEn } : {}) },
    { kind: "checkbox", id: "active", label: m.form.active, option: m.form.activeOption, initial: editing?.active ?? true },
    { kind: "text", id: "sort_order", label: m.form.sortOrder, maxLength: 6, initial: String(editing?.sortOrder ?? (reasons.reduce((s, r) => Math.max(s, r.sortOrder), 0) + 10)) },
    { kind: "text", id: "follow_up_days", label: m.form.followUpDays, maxLength: 4, initial: String(editing?.followUpDays ?? 7) },
    { kind: "text", id: "sla_days", label: m.form.slaDays, maxLength: 4, initial: String(editing?.slaDays ?? 30) },
    { kind: "select", id: "priority", label: m.form.priority, options: PRIORITIES.map((p) => ({ value: p, label: m.priority[p] })), initial: editing?.priority ?? "normal" },
    { kind: "checkbox", id: "holds", label: m.form.holdsDunning, option: m.form.holdsOption, initial: editing?.holdsDunning ?? true },
  );
  return {
    meta: { m: "reason", ...(editing ? { code: editing.code } : {}) },
    title: editing ? m.form.reasonTitleEdit : m.form.reasonTitleNew,
    submit: m.form.save,
    close: m.form.cancel,
    fields,
  };
}

/** Picking the reason to edit (a select, or a search beyond 100 reasons): the form then becomes reasonForm. */
export function pickReasonForm(reasons: Reason[], locale: Locale): FormView {
  const m = t(locale);
  const field: Field =
    reasons.length > MAX_STATIC_OPTIONS
      ? { kind: "search", id: "pick", label: m.form.reasonPick, minQueryLength: 0, dispatch: true }
      : { kind: "select", id: "pick", label: m.form.reasonPick, options: reasonOptions(reasons, locale), dispatch: true };
  return { meta: { m: "reason" }, title: m.form.reasonTitleEdit, submit: null, close: m.form.cancel, fields: [field] };
}

export function templateForm(settings: Settings, locale: Locale): FormView {
  const m = t(locale);
  return {
    meta: { m: "template" },
    title: m.form.templateTitle,
    submit: m.form.save,
    close: m.form.cancel,
    fields: [
      { kind: "info", id: "placeholders", text: m.form.placeholders(NOTICE_PLACEHOLDERS.join(" ")) },
      { kind: "text", id: "fr", label: m.form.templateFr, multiline: true, maxLength: LIMITS.template, initial: settings.noticeTemplate.fr },
      { kind: "text", id: "en", label: m.form.templateEn, multiline: true, maxLength: LIMITS.template, initial: settings.noticeTemplate.en },
    ],
  };
}
