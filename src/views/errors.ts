import { displayDate } from "../domain/dates.ts";
import type { AccordError, ErrorCode, ErrorParams, MessageKey, Money } from "../domain/errors.ts";
import { displayAmount, formatAmount } from "../domain/money.ts";
import type { Action } from "../domain/permissions.ts";
import type { Command } from "../domain/lifecycle.ts";
import type { DisputeStatus, Locale, Role } from "../domain/types.ts";
import { frenchTypography } from "./typography.ts";

export { frenchTypography };

const EN_PRIORITY = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" } as const;
const FR_PRIORITY = { low: "Basse", normal: "Normale", high: "Haute", urgent: "Urgente" } as const;

// The one renderer of coded errors (DESIGN.md examples 8 and 12): a message key and its typed parameters
// -> a sentence in the viewer's language, amounts and dates formatted for their locale. Chat surfaces use
// errorText(err, locale); the REST API uses apiMessage(err) (English, decimal strings "2930.38 EUR",
// ISO dates) with the parameters in `details`.

/** How values are written in one rendering. */
export interface Format {
  locale: Locale;
  /** REST: English, decimal-string amounts with their currency code, ISO dates, field paths named */
  api: boolean;
  money(m: Money): string;
  date(iso: string): string;
  count(n: number): string;
  /** a quoted value: « … » in French, “…” in English chat, "…" over REST */
  q(text: string): string;
}

const counters: Record<Locale, Intl.NumberFormat> = { fr: new Intl.NumberFormat("fr-FR"), en: new Intl.NumberFormat("en-GB") };

export function formatFor(locale: Locale, api = false): Format {
  return {
    locale,
    api,
    money: (m) => (api ? `${formatAmount(m.minor, m.currency)} ${m.currency}` : displayAmount(m.minor, m.currency, locale)),
    date: (iso) => (api || !/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : displayDate(iso, locale)),
    count: (n) => counters[locale].format(n),
    q: (text) => (locale === "fr" ? `« ${text} »` : api ? `"${text}"` : `“${text}”`),
  };
}

export type Catalogue = { [K in MessageKey]: (p: ErrorParams[K], f: Format) => string };

// ---- English -----------------------------------------------------------------------------------------

const EN_STATUS: Record<DisputeStatus, string> = { open: "open", resolved: "resolved", withdrawn: "withdrawn" };
const EN_ROLE: Record<Role, string> = { controller: "credit controller", sales: "sales rep", manager: "manager", admin: "admin" };
const EN_COMMAND: Record<Command, string> = {
  edit: "edit it",
  comment: "comment on it",
  reassign: "reassign it",
  follow_up: "set its follow-up",
  resolve: "resolve it",
  withdraw: "withdraw it",
  reopen: "reopen it",
  release_holds: "release its holds",
  remind: "send a reminder",
};
const EN_ACTION: Record<Action, (n: string | undefined) => string> = {
  open: () => "open disputes",
  view: (n) => `see ${n ?? "this dispute"}`,
  edit: (n) => `edit ${n ?? "disputes"}`,
  comment: (n) => `comment on ${n ?? "disputes"}`,
  follow_up: (n) => (n ? `set the follow-up of ${n}` : "set follow-ups"),
  reassign: (n) => `reassign ${n ?? "disputes"}`,
  resolve: (n) => `resolve ${n ?? "disputes"}`,
  withdraw: (n) => `withdraw ${n ?? "disputes"}`,
  reopen: (n) => `reopen ${n ?? "disputes"}`,
  release_holds: (n) => `release the holds of ${n ?? "disputes"}`,
  nudge: (n) => (n ? `nudge the owner of ${n}` : "nudge owners"),
  subscribe_digest: () => "subscribe a channel to the digest",
  admin: () => "change the settings",
  run_dunning: () => "run dunning",
};
const list = (xs: readonly string[], and: string) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} ${and} ${xs.at(-1)}`);
const lines = (ls: number[], f: Format, word: [string, string]) => `${ls.length === 1 ? word[0] : word[1]} ${ls.map(f.count).join(", ")}`;
const fieldFirst = (field: string, f: Format) => (f.api && field ? `${field}: ` : "");

export const EN: Catalogue = {
  untranslated: (p) => p.text,
  actor_required: (p) => `${p.field} is required: who is acting?`,
  unknown_person: (p) => `${p.email} is not a known Accord user: ask an admin to add them.`,
  owner_unknown: () => "This person is not an Accord user: pick someone else or ask an admin to add them.",
  forbidden_action: (p) => `${p.email} (${EN_ROLE[p.role]}) may not ${EN_ACTION[p.action](p.number)}.`,
  api_scope: (p) => `This API token (${p.client}) may not ${p.method} ${p.path}: it needs the ${list(p.scopes, "or")} scope.`,
  dispute_not_found: (p) => `No dispute ${p.number}.`,
  customer_not_found: (p) => `No customer ${p.ref}.`,
  customer_required: () => "Pick the customer.",
  reason_required: () => "Pick the dispute reason.",
  reason_not_found: (p) => `No dispute reason ${p.code}.`,
  reason_inactive: (p) => `The dispute reason ${p.code} is deactivated.`,
  reason_exists: (p) => `The dispute reason ${p.code} already exists.`,
  reason_code_format: () => "A reason code is 2 to 40 lowercase letters, digits or _, starting with a letter.",
  reason_label_required: () => "A dispute reason needs a label in French and in English.",
  reason_sort_order_invalid: () => "The display order is a whole number.",
  reason_days_out_of_range: (p, f) =>
    `${p.setting === "followUpDays" ? "Days to the first follow-up" : "Days to resolve (the SLA)"} must be a whole number from ${f.count(p.min)} to ${f.count(p.max)}.`,
  priority_invalid: () => "Pick a priority: low, normal, high or urgent.",
  idempotency_mismatch: () => "This Idempotency-Key was used with a different request.",
  no_sales_rep: (p) => `Customer ${p.ref} has no sales rep: name the resolution owner.`,
  may_not_own: (p) => `${p.email} (${EN_ROLE[p.role]}) may not own disputes: choose a credit controller, sales rep, support or logistics colleague.`,
  already_owner: (p) => `${p.email} already owns ${p.number}.`,
  customer_already_flagged: (p) =>
    p.number ? `${p.ref ? `Customer ${p.ref}` : "This customer"} is already flagged by ${p.number}.` : "This customer already has an open customer-level dispute.",
  illegal_transition: (p) => `Dispute ${p.number} is ${EN_STATUS[p.status]}: you cannot ${EN_COMMAND[p.command]}.`,
  stale_version: (p, f) =>
    `Dispute ${p.number} changed meanwhile${f.api && p.currentVersion !== undefined && p.sentVersion !== undefined ? ` (version ${p.currentVersion}, you sent ${p.sentVersion})` : ""}: nothing was saved.`,
  no_holds_to_release: (p) => `Dispute ${p.number} keeps no holds to release.`,
  statement_required: () => "The customer's own words are required.",
  comment_empty: () => "A comment cannot be empty.",
  text_too_long: (p, f) => `Too long: at most ${f.count(p.max)} characters (${f.count(p.length)} given).`,
  resolution_note_required: () => "Say how the dispute was resolved.",
  withdraw_note_required: () => "Say why the dispute is withdrawn.",
  reopen_note_required: () => "Say why the dispute is reopened.",
  outcome_required: () => "Pick an outcome.",
  conceded_negative: () => "The conceded amount cannot be negative.",
  credit_note_ref_required: () => "A credit-note resolution needs the credit note's reference.",
  conceded_exceeds_disputed: (p, f) => `The conceded amount (${f.money(p.conceded)}) cannot exceed the disputed amount (${f.money(p.disputed)}).`,
  items_required: () => "Select at least one item to dispute.",
  customer_scope_has_items: () => "A customer-level dispute has no items.",
  item_not_found: (p) => `Customer ${p.customerRef} has no item ${p.itemRef}.`,
  item_selected_twice: (p) => `Item ${p.itemRef} is selected twice.`,
  item_not_of_customer: (p) => `Item ${p.itemRef} does not belong to customer ${p.customerRef}.`,
  item_not_invoice: (p) => `Item ${p.itemRef} is a ${p.kind === "credit_note" ? "credit note" : "payment"}: only invoices can be disputed.`,
  invoice_paid: (p) => `Invoice ${p.itemRef} has nothing left to pay.`,
  disputed_amount_not_positive: (p) => `The disputed amount of ${p.itemRef} must be positive.`,
  item_already_disputed: (p, f) =>
    `Item ${p.itemRef}: only ${f.money(p.undisputed)} of its open ${f.money(p.openAmount)} is not already disputed (${p.claims.map((c) => `${c.dispute}: ${f.money(c.amount)}`).join(", ")}).`,
  exceeds_open_amount: (p, f) => `Item ${p.itemRef}: the disputed amount ${f.money(p.requested)} exceeds its open amount ${f.money(p.openAmount)}.`,
  credit_note_amount_not_positive: () => "The credit note's amount must be positive.",
  amount_invalid: (p, f) => `${fieldFirst(p.field, f)}${f.q(p.text)} is not an amount in ${p.currency} (e.g. 1234.56).`,
  date_required: () => "Pick a date.",
  date_invalid: (p, f) => `${fieldFirst(p.field, f)}${f.q(p.value)} is not a calendar date (YYYY-MM-DD).`,
  date_out_of_range: (p, f) =>
    `${fieldFirst(p.field, f)}${f.date(p.value)} is out of range (${p.min && p.max ? `from ${f.date(p.min)} to ${f.date(p.max)}` : p.min ? `on or after ${f.date(p.min)}` : `on or before ${f.date(p.max ?? "")}`}).`,
  follow_up_past: (p, f) => `The follow-up date ${f.date(p.value)} is in the past.`,
  follow_up_too_far: (p, f) => `The follow-up date ${f.date(p.value)} is more than two years ahead (latest ${f.date(p.max)}).`,
  timezone_unknown: (p) => `timezone: ${p.value} is not a time zone.`,
  setting_invalid: (p) => `${p.field}: ${p.problem}`,
  list_cursor_invalid: () => "cursor is not one this API gave: pass the `next` of the previous page as it came.",
  list_limit_out_of_range: (p, f) => `limit must be between 1 and ${f.count(p.max)}.`,
  demo_needs_empty_db: () => "The database already holds customers: the demo loads only into an empty database.",
  ledger_admin_refused: (p, f) =>
    `Ledger sync may not create, promote, demote or re-identify admins (a token with the admin scope may): ${lines(p.lines, f, ["line", "lines"])}; nothing was written.`,
  outbox_message_not_found: (p) => `No queued message ${p.id} to deliver again (unknown, or already delivered).`,
  absence_forbidden: (p) => `${p.email} may not set the absences of ${p.person}: only they, their manager or an admin may.`,
  absence_not_found: (p) => `No absence ${p.id} for this person.`,
  deputy_is_self: (p) => `${p.email} cannot be their own deputy: choose someone else.`,
  digest_time_invalid: (p) => `"${p.value}" is not a time: give it as HH:MM, for instance 08:30.`,
  absence_in_past: (p, f) => `An absence cannot start in the past: ${f.date(p.value)} is before today (${f.date(p.today)}).`,
  deputy_absent: (p, f) => `${p.email} is away too from ${f.date(p.fromOn)} to ${f.date(p.untilOn)}: choose another deputy.`,
  calendar_day_past: (p, f) => `${f.date(p.value)} is in the past (today is ${f.date(p.today)}): only days to come can change.`,
  calendar_day_off: (p, f) => `${f.date(p.value)} is already a non-working day.`,
  calendar_day_not_off: (p, f) => `${f.date(p.value)} is a working day already.`,
  escalation_count_invalid: (p, f) =>
    `${EN_PRIORITY[p.priority]}, ${p.rung === "controllerAfter" ? "controller" : "manager"}: ${f.q(p.value)} is not a whole number from 1 to ${f.count(p.max)} (leave it empty for never).`,
  escalation_order: (p) =>
    `${EN_PRIORITY[p.priority]}: the manager (after ${p.managerAfter}) cannot be told before the controller (after ${p.controllerAfter}).`,
};

// ---- French ------------------------------------------------------------------------------------------
// Written in plain spaces below; frenchTypography() puts the non-breaking ones (before : ; ! ? », after «).

const FR_STATUS: Record<DisputeStatus, string> = { open: "ouvert", resolved: "résolu", withdrawn: "retiré" };
const FR_ROLE: Record<Role, string> = { controller: "chargé de recouvrement", sales: "commercial", manager: "responsable", admin: "administrateur" };
const FR_COMMAND: Record<Command, string> = {
  edit: "le modifier",
  comment: "le commenter",
  reassign: "le réattribuer",
  follow_up: "fixer son prochain suivi",
  resolve: "le résoudre",
  withdraw: "le retirer",
  reopen: "le rouvrir",
  release_holds: "libérer ses blocages",
  remind: "envoyer un rappel",
};
const le = (n: string | undefined) => (n ? `le litige ${n}` : "ce litige");
const du = (n: string | undefined) => (n ? `du litige ${n}` : "de ce litige");
const FR_ACTION: Record<Action, (n: string | undefined) => string> = {
  open: () => "ouvrir un litige",
  view: (n) => `consulter ${le(n)}`,
  edit: (n) => `modifier ${le(n)}`,
  comment: (n) => `commenter ${le(n)}`,
  follow_up: (n) => `fixer le prochain suivi ${du(n)}`,
  reassign: (n) => `réattribuer ${le(n)}`,
  resolve: (n) => `résoudre ${le(n)}`,
  withdraw: (n) => `retirer ${le(n)}`,
  reopen: (n) => `rouvrir ${le(n)}`,
  release_holds: (n) => `libérer les blocages ${du(n)}`,
  nudge: (n) => `envoyer un rappel au chargé de résolution ${du(n)}`,
  subscribe_digest: () => "abonner un canal à la synthèse",
  admin: () => "modifier les réglages",
  run_dunning: () => "lancer une campagne de relance",
};

export const FR: Catalogue = {
  // REST and CLI only today (schema messages, ledger row errors): the French reader gets the code's sentence.
  untranslated: () => "La demande a été refusée : une donnée n'est pas valable.",
  actor_required: (p) => `Indiquez qui agit : le champ ${p.field} est obligatoire.`,
  unknown_person: (p) => `Aucun utilisateur d'Accord n'a l'adresse ${p.email} : demandez à un administrateur de l'ajouter.`,
  owner_unknown: () => "Cette personne n'est pas utilisatrice d'Accord : choisissez quelqu'un d'autre ou demandez à un administrateur de l'ajouter.",
  forbidden_action: (p) => `${p.email} (${FR_ROLE[p.role]}) ne peut pas ${FR_ACTION[p.action](p.number)}.`,
  api_scope: (p) => `Ce jeton d'API (${p.client}) ne permet pas ${p.method} ${p.path} : il faut le droit ${list(p.scopes, "ou")}.`,
  dispute_not_found: (p) => `Litige ${p.number} introuvable.`,
  customer_not_found: (p) => `Client ${p.ref} introuvable.`,
  customer_required: () => "Choisissez le client.",
  reason_required: () => "Choisissez le motif de litige.",
  reason_not_found: (p) => `Motif de litige ${p.code} introuvable.`,
  reason_inactive: (p) => `Le motif de litige ${p.code} est désactivé.`,
  reason_exists: (p) => `Le motif de litige ${p.code} existe déjà.`,
  reason_code_format: () => "Un code de motif compte de 2 à 40 caractères (minuscules, chiffres ou _) et commence par une lettre.",
  reason_label_required: () => "Un motif de litige doit avoir un libellé en français et en anglais.",
  reason_sort_order_invalid: () => "L'ordre d'affichage doit être un nombre entier.",
  reason_days_out_of_range: (p, f) =>
    `${p.setting === "followUpDays" ? "Le délai avant le premier suivi" : "Le délai de résolution visé"} doit être un nombre entier de jours compris entre ${f.count(p.min)} et ${f.count(p.max)}.`,
  priority_invalid: () => "Choisissez une priorité : basse, normale, haute ou urgente.",
  idempotency_mismatch: () => "Cette clé d'idempotence (Idempotency-Key) a déjà servi pour une autre demande.",
  no_sales_rep: (p) => `Le client ${p.ref} n'a pas de commercial : désignez le chargé de résolution.`,
  may_not_own: (p) => `${p.email} (${FR_ROLE[p.role]}) ne peut pas se voir confier un litige : choisissez un chargé de recouvrement, un commercial, le support ou la logistique.`,
  already_owner: (p) => `Le litige ${p.number} est déjà confié à ${p.email}.`,
  customer_already_flagged: (p) =>
    p.number ? `${p.ref ? `Le client ${p.ref}` : "Ce client"} est déjà signalé en litige par ${p.number}.` : "Ce client a déjà un litige client ouvert.",
  // « impossible d'envoyer un rappel », « impossible de le retirer »
  illegal_transition: (p) => `Le litige ${p.number} est ${FR_STATUS[p.status]} : impossible ${/^[aeiouyéèêh]/i.test(FR_COMMAND[p.command]) ? "d'" : "de "}${FR_COMMAND[p.command]}.`,
  stale_version: (p) => `Le litige ${p.number} a été modifié entre-temps : rien n'a été enregistré.`,
  no_holds_to_release: (p) => `Le litige ${p.number} n'a aucun blocage à libérer.`,
  statement_required: () => "Les mots du client sont obligatoires.",
  comment_empty: () => "Le commentaire ne peut pas être vide.",
  text_too_long: (p, f) => `Texte trop long : ${f.count(p.max)} caractères au maximum (${f.count(p.length)} saisis).`,
  resolution_note_required: () => "Indiquez comment le litige a été résolu.",
  withdraw_note_required: () => "Indiquez pourquoi le litige est retiré.",
  reopen_note_required: () => "Indiquez pourquoi le litige est rouvert.",
  outcome_required: () => "Choisissez une issue.",
  conceded_negative: () => "Le montant concédé ne peut pas être négatif.",
  credit_note_ref_required: () => "Une résolution par avoir demande le numéro de l'avoir.",
  conceded_exceeds_disputed: (p, f) => `Le montant concédé (${f.money(p.conceded)}) ne peut pas dépasser le montant en litige (${f.money(p.disputed)}).`,
  items_required: () => "Sélectionnez au moins une pièce à mettre en litige.",
  customer_scope_has_items: () => "Un litige client ne porte sur aucune pièce.",
  item_not_found: (p) => `Le client ${p.customerRef} n'a pas de pièce ${p.itemRef}.`,
  item_selected_twice: (p) => `La pièce ${p.itemRef} est sélectionnée deux fois.`,
  item_not_of_customer: (p) => `La pièce ${p.itemRef} n'appartient pas au client ${p.customerRef}.`,
  item_not_invoice: (p) => `La pièce ${p.itemRef} est ${p.kind === "credit_note" ? "un avoir" : "un règlement"} : seules les factures peuvent être mises en litige.`,
  invoice_paid: (p) => `La facture ${p.itemRef} est entièrement réglée : il n'y a plus rien à mettre en litige.`,
  disputed_amount_not_positive: (p) => `Le montant en litige de ${p.itemRef} doit être positif.`,
  item_already_disputed: (p, f) =>
    `Pièce ${p.itemRef} : sur un reste dû de ${f.money(p.openAmount)}, le montant encore contestable est de ${f.money(p.undisputed)} (déjà en litige : ${p.claims.map((c) => `${c.dispute} pour ${f.money(c.amount)}`).join(", ")}).`,
  exceeds_open_amount: (p, f) => `Pièce ${p.itemRef} : le montant en litige (${f.money(p.requested)}) dépasse son reste dû (${f.money(p.openAmount)}).`,
  credit_note_amount_not_positive: () => "Le montant de l'avoir doit être positif.",
  amount_invalid: (p, f) => `${f.q(p.text)} n'est pas un montant en ${p.currency} (ex. 1234,56).`,
  date_required: () => "Choisissez une date.",
  date_invalid: (p, f) => `${f.q(p.value)} n'est pas une date valable (AAAA-MM-JJ).`,
  date_out_of_range: (p, f) =>
    `La date du ${f.date(p.value)} est hors de la plage permise (${p.min && p.max ? `du ${f.date(p.min)} au ${f.date(p.max)}` : p.min ? `à partir du ${f.date(p.min)}` : `jusqu'au ${f.date(p.max ?? "")}`}).`,
  follow_up_past: (p, f) => `La date du prochain suivi (${f.date(p.value)}) est déjà passée.`,
  follow_up_too_far: (p, f) => `La date du prochain suivi (${f.date(p.value)}) est à plus de deux ans : au plus tard le ${f.date(p.max)}.`,
  timezone_unknown: (p, f) => `${f.q(p.value)} n'est pas un fuseau horaire.`,
  setting_invalid: (p, f) => `Le réglage ${f.q(p.field)} n'est pas valable.`,
  list_cursor_invalid: () => "Curseur inconnu : repassez tel quel le « next » de la page précédente.",
  list_limit_out_of_range: (p, f) => `La limite doit être comprise entre 1 et ${f.count(p.max)}.`,
  demo_needs_empty_db: () => "La base contient déjà des clients : la démo ne se charge que dans une base vide.",
  ledger_admin_refused: (p, f) =>
    `La synchronisation comptable ne peut pas créer, promouvoir, rétrograder ni ré-identifier un administrateur (${lines(p.lines, f, ["ligne", "lignes"])}) : rien n'a été écrit. Un jeton disposant du droit admin le peut.`,
  outbox_message_not_found: (p) => `Aucun message en file ${p.id} à renvoyer (inconnu, ou déjà remis).`,
  absence_forbidden: (p) => `${p.email} ne peut pas déclarer les absences de ${p.person} : seuls l'intéressé, son manager ou un administrateur le peuvent.`,
  absence_not_found: (p) => `Aucune absence n° ${p.id} pour cette personne.`,
  deputy_is_self: (p) => `${p.email} ne peut pas être son propre suppléant : choisissez quelqu'un d'autre.`,
  digest_time_invalid: (p) => `« ${p.value} » n'est pas une heure : indiquez-la par exemple sous la forme 08h30.`,
  absence_in_past: (p, f) => `Une absence ne peut pas commencer dans le passé : le ${f.date(p.value)} est avant aujourd'hui (${f.date(p.today)}).`,
  deputy_absent: (p, f) => `Une absence de ${p.email} couvre déjà une partie de ces dates (du ${f.date(p.fromOn)} au ${f.date(p.untilOn)}) : choisissez un autre suppléant.`,
  calendar_day_past: (p, f) => `Le ${f.date(p.value)} est passé (nous sommes le ${f.date(p.today)}) : seuls les jours à venir peuvent changer.`,
  calendar_day_off: (p, f) => `Le ${f.date(p.value)} est déjà un jour non travaillé.`,
  calendar_day_not_off: (p, f) => `Le ${f.date(p.value)} est déjà un jour travaillé.`,
  escalation_count_invalid: (p, f) =>
    `${FR_PRIORITY[p.priority]}, ${p.rung === "controllerAfter" ? "chargé de recouvrement" : "manager"} : ${f.q(p.value)} n'est pas un nombre entier de 1 à ${f.count(p.max)} (laissez vide pour jamais).`,
  escalation_order: (p) =>
    `${FR_PRIORITY[p.priority]} : le manager (après ${p.managerAfter}) ne peut pas être prévenu avant le chargé de recouvrement (après ${p.controllerAfter}).`,
};

/** What an untranslated error says in French, by code. */
const FR_CODE: Record<ErrorCode, string> = {
  validation: "La demande a été refusée : une donnée n'est pas valable.",
  unauthorized: "Accès refusé : jeton absent ou inconnu.",
  forbidden: "Vous ne pouvez pas faire cela. Rien n'a été modifié.",
  not_found: "Introuvable.",
  conflict: "La demande entre en conflit avec l'état actuel des données.",
  stale_version: "Ce litige a changé entre-temps : rien n'a été enregistré.",
  illegal_transition: "Ce n'est plus possible dans le statut actuel du litige.",
  idempotency_mismatch: "Cette clé d'idempotence a déjà servi pour une autre demande.",
  unprocessable: "La demande a été refusée.",
};

export const CATALOGUES: Record<Locale, Catalogue> = { en: EN, fr: FR };

/** A key and its parameters in words, in a given format. */
export function renderMessage<K extends MessageKey>(key: K, params: ErrorParams[K], f: Format): string {
  const text = (CATALOGUES[f.locale][key] as (p: ErrorParams[K], f: Format) => string)(params, f);
  return f.locale === "fr" ? frenchTypography(text) : text;
}

/** The error in the viewer's words: French or English, amounts and dates for their locale. */
export function errorText(err: AccordError, locale: Locale): string {
  if (err.key === "untranslated" && locale === "fr") return frenchTypography(FR_CODE[err.code]);
  return renderMessage(err.key, err.params, formatFor(locale));
}

/** The REST `message`: English, amounts as decimal strings with their currency ("2930.38 EUR"), ISO dates. */
export function apiMessage(err: AccordError): string {
  return renderMessage(err.key, err.params, formatFor("en", true));
}

/** An action on no dispute in particular, in words (« ouvrir un litige », "open disputes"). */
export function actionPhrase(action: Action, locale: Locale): string {
  return (locale === "fr" ? FR_ACTION : EN_ACTION)[action](undefined);
}
