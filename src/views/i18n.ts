// Error messages are not here: src/views/errors.ts renders coded errors.
import type { Action } from "../domain/permissions.ts";
import type { DisputeStatus, DunningLevel, Locale, Outcome, Priority, Role } from "../domain/types.ts";
import { en } from "./en.ts";
import type { ExportWords } from "./exportLabels.ts";
import { fr } from "./fr.ts";

// The message catalogue, keyed by locale. The person's `locale` decides; unknown people get both.

export interface Messages {
  /** dunning levels (niveaux de relance) */
  level: Record<DunningLevel, string>;
  status: Record<DisputeStatus, string>;
  priority: Record<Priority, string>;
  outcome: Record<Outcome, string>;
  action: Record<Exclude<Action, "open" | "view" | "nudge" | "subscribe_digest" | "admin" | "run_dunning">, string>;
  field: {
    customer: string;
    reason: string;
    priority: string;
    disputed: string;
    status: string;
    owner: string;
    openedBy: string;
    followUp: string;
    sla: string;
    dunning: string;
    items: string;
    statement: string;
    scope: string;
  };
  card: {
    wholeCustomer: string;
    overdue: string;
    late: string;
    more: (n: number) => string;
    held: (held: string, disputed: string) => string;
    notHeld: string;
    released: string;
    creditPending: (amount: string) => string;
    litigationHeld: (amount: string) => string;
    flagged: string;
    resolution: (outcome: string, by: string, note: string) => string;
    allPaid: string;
    lastUpdate: (who: string, when: string, text: string) => string;
    itemLine: (ref: string, due: string, amount: string, held: string | null) => string;
    none: string;
  };
  timeline: {
    opened: (by: string) => string;
    edited: (by: string, what: string) => string;
    commented: (by: string, text: string) => string;
    reassigned: (by: string, from: string, to: string) => string;
    follow_up_set: (by: string, on: string) => string;
    resolved: (by: string, outcome: string) => string;
    withdrawn: (by: string) => string;
    reopened: (by: string) => string;
    holds_released: (by: string) => string;
    credit_note_received: (ref: string) => string;
    reminded: string;
    escalated: string;
    notified: string;
    note: (text: string) => string;
    system: string;
  };
  form: {
    newTitle: string;
    flagTitle: string;
    create: string;
    save: string;
    cancel: string;
    close: string;
    customer: string;
    customerHint: string;
    items: string;
    itemsHint: string;
    partial: (ref: string, max: string) => string;
    partialHint: string;
    partialList: string;
    partialListHint: string;
    reason: string;
    priority: string;
    statement: string;
    statementHint: string;
    owner: string;
    ownerHint: string;
    followUp: string;
    slaInfo: (date: string) => string;
    notify: string;
    notifyOption: string;
    preview: string;
    previewTitle: string;
    customerMode: (name: string) => string;
    itemOption: (ref: string, due: string, amount: string, level: string) => string;
    commentTitle: string;
    comment: string;
    reassignTitle: string;
    reassignTo: string;
    note: string;
    noteOptional: string;
    followUpTitle: string;
    followUpOn: string;
    resolveTitle: string;
    outcome: string;
    resolveNote: string;
    creditNoteRef: string;
    conceded: string;
    concededHint: (max: string) => string;
    rootCause: string;
    withdrawTitle: string;
    withdrawNote: string;
    reopenTitle: string;
    reopenNote: string;
    releaseTitle: string;
    editTitle: string;
    staleTitle: string;
    stale: string;
    reasonTitleNew: string;
    reasonTitleEdit: string;
    reasonPick: string;
    reasonCode: string;
    labelFr: string;
    labelEn: string;
    active: string;
    activeOption: string;
    sortOrder: string;
    followUpDays: string;
    slaDays: string;
    holdsDunning: string;
    holdsOption: string;
    templateTitle: string;
    templateFr: string;
    templateEn: string;
    placeholders: (list: string) => string;
  };
  list: {
    title: (n: number) => string;
    empty: string;
    open: string;
    more: (n: number) => string;
  };
  home: {
    title: string;
    summary: (count: number, overdue: number, disputed: string, held: string) => string;
    empty: string;
    more: (n: number) => string;
    newDispute: string;
    admin: string;
    reasons: string;
    reasonLine: (order: number, code: string, fr: string, en: string, followUp: number, sla: number, priority: string, holds: boolean, active: boolean) => string;
    addReason: string;
    editReason: string;
    template: string;
    editTemplate: string;
  };
  /** roles in the plural, as in « only credit controllers and admins may … » */
  roles: Record<Role, string>;
  reply: {
    /** `/dispute help`: a title, one line per sub-command (each person sees the ones they may use), the filters */
    help: { title: string; new: string; list: string; show: string; customer: string; export: string; filters: string; digest: string };
    /** a refusal of something done without a dispute (open one, subscribe a channel…): who may */
    onlyRoles: (roles: string, action: string) => string;
    notKnown: string;
    forbidden: string;
    notFound: (what: string) => string;
    customerNotFound: (q: string) => string;
    whichCustomer: string;
    opened: (number: string, owner: string) => string;
    done: (number: string) => string;
    exportReady: (n: number) => string;
    exportEmpty: string;
    unknownAction: string;
    expired: string;
    error: (ref: string) => string;
    alreadyFlagged: (number: string) => string;
    reassigned: (number: string, owner: string) => string;
    commentAdded: (number: string) => string;
    unknownOwner: string;
    amountInvalid: (text: string) => string;
    dateInvalid: string;
    partialLine: (line: string) => string;
  };
  /** the dispute exports' own words (sheets, column headers, date format) */
  exports: ExportWords;
  delivery: {
    /** to admins, when the Slack token works again after a pause */
    resumed: (reason: string, since: string, waiting: number) => string;
    /** on the card, for everyone but its owner: the owner's notice could not be delivered */
    undelivered: (owner: string, reason: string) => string;
  };
}

export const MESSAGES: Record<Locale, Messages> = { en, fr };

export function t(locale: Locale | null | undefined): Messages {
  return MESSAGES[locale === "en" ? "en" : "fr"];
}

/** For someone Accord does not know (no locale): both languages. */
export function bilingual(pick: (m: Messages) => string): string {
  return `${pick(fr)}\n\n${pick(en)}`;
}
