import { addDays, checkDate, DATE_BOUNDS } from "./dates.ts";
import { AccordError, fail, invalid, money } from "./errors.ts";
import { checkLength } from "./limits.ts";
import { OUTCOMES, PRIORITIES } from "./types.ts";
import type {
  Customer,
  Dispute,
  DisputeStatus,
  DisputedItem,
  Item,
  Outcome,
  Priority,
  Reason,
  Resolution,
  TimelineEvent,
} from "./types.ts";

// The dispute lifecycle as data: which command may run in which status, and the status it leads to.
// Every command returns the next dispute and the timeline events it produced; time is an argument.

export type Command =
  | "edit"
  | "comment"
  | "reassign"
  | "follow_up"
  | "resolve"
  | "withdraw"
  | "reopen"
  | "release_holds"
  | "remind";

export interface Transition {
  from: readonly DisputeStatus[];
  to: DisputeStatus | null;
  /** a further condition on the dispute, beyond its status */
  only?: (d: Pick<Dispute, "resolution" | "holdsReleasedAt">) => boolean;
}

export const TRANSITIONS: Record<Command, Transition> = {
  edit: { from: ["open"], to: null },
  comment: { from: ["open", "resolved", "withdrawn"], to: null },
  reassign: { from: ["open"], to: null },
  follow_up: { from: ["open"], to: null },
  remind: { from: ["open"], to: null },
  resolve: { from: ["open"], to: "resolved" },
  withdraw: { from: ["open"], to: "withdrawn" },
  reopen: { from: ["resolved", "withdrawn"], to: "open" },
  // litigation keeps the holds after resolution, until they are released once
  release_holds: { from: ["resolved"], to: null, only: (d) => d.resolution?.outcome === "litigation" && !d.holdsReleasedAt },
};

/** Whether the command can run on the dispute as it is now (its status, and the command's condition). */
export function available(d: Pick<Dispute, "status" | "resolution" | "holdsReleasedAt">, command: Command): boolean {
  const t = TRANSITIONS[command];
  return t.from.includes(d.status) && (t.only?.(d) ?? true);
}

export function assertTransition(dispute: Pick<Dispute, "status" | "number">, command: Command): void {
  const t = TRANSITIONS[command];
  if (!t.from.includes(dispute.status)) {
    fail("illegal_transition", "illegal_transition", { number: dispute.number, status: dispute.status, command });
  }
}

export function assertVersion(dispute: Dispute, version: number | undefined): void {
  if (version !== undefined && version !== dispute.version) {
    fail("stale_version", "stale_version", { number: dispute.number, currentVersion: dispute.version, sentVersion: version });
  }
}

export interface Change {
  dispute: Dispute;
  events: TimelineEvent[];
}

const ev = (type: TimelineEvent["type"], at: Date, byEmail: string | null, text: string | null, data?: Record<string, unknown>): TimelineEvent =>
  data ? { type, at, byEmail, text, data } : { type, at, byEmail, text };

const bump = (d: Dispute, patch: Partial<Dispute>, now: Date): Dispute => ({ ...d, ...patch, version: d.version + 1, updatedAt: now });

// ---- item selection rules --------------------------------------------------------------------------

/** What other open disputes already claim on an item, to check a new amount against its open amount. */
export interface ItemClaims {
  item: Item;
  /** amounts claimed by other open disputes, with their numbers */
  others: { number: string; amount: number }[];
}

/**
 * `amount` undefined = the item's undisputed remainder. Over-claiming an item that other open disputes hold
 * is a conflict naming them (409); more than the open amount of an item nobody else claims is unprocessable (422).
 * Amounts in details are decimal strings in the item's currency.
 */
export function validateSelection(customer: Customer, selection: { claims: ItemClaims; amount: number | undefined }[]): DisputedItem[] {
  if (selection.length === 0) invalid("items", "items_required", {});
  const seen = new Set<number>();
  return selection.map(({ claims, amount: requested }, i) => {
    const { item, others } = claims;
    const field = `items[${i}]`;
    if (seen.has(item.id)) invalid(field, "item_selected_twice", { itemRef: item.ref });
    seen.add(item.id);
    if (item.customerId !== customer.id) invalid(`${field}.ref`, "item_not_of_customer", { itemRef: item.ref, customerRef: customer.ref });
    if (item.kind !== "invoice") {
      fail("unprocessable", "item_not_invoice", { itemRef: item.ref, kind: item.kind }, { field: `${field}.ref` });
    }
    if (item.openAmount <= 0) fail("unprocessable", "invoice_paid", { itemRef: item.ref }, { field: `${field}.ref` });
    if (requested !== undefined && (!Number.isSafeInteger(requested) || requested <= 0)) invalid(`${field}.amount`, "disputed_amount_not_positive", { itemRef: item.ref });
    const claimed = others.reduce((s, o) => s + o.amount, 0);
    const remainder = item.openAmount - claimed;
    const amount = requested ?? remainder;
    const m = (v: number) => money(v, item.currency);
    if (amount > remainder || amount <= 0) {
      const where = requested === undefined ? `${field}.ref` : `${field}.amount`;
      if (others.length) {
        fail(
          "conflict",
          "item_already_disputed",
          {
            itemRef: item.ref,
            openAmount: m(item.openAmount),
            undisputed: m(Math.max(remainder, 0)),
            ...(requested !== undefined ? { requested: m(requested) } : {}),
            claims: others.map((o) => ({ dispute: o.number, amount: m(o.amount) })),
          },
          { field: where, details: { disputes: others.map((o) => o.number) } },
        );
      }
      fail("unprocessable", "exceeds_open_amount", { itemRef: item.ref, openAmount: m(item.openAmount), requested: m(amount) }, { field: where });
    }
    return { itemId: item.id, amount };
  });
}

/** A follow-up date: a real calendar date from today to two years ahead. */
export function checkFollowUp(field: string, on: string, today: string): string {
  if (!on.trim()) invalid(field, "date_required", {});
  checkDate(field, on);
  if (on < today) invalid(field, "follow_up_past", { value: on, min: today });
  const max = addDays(today, DATE_BOUNDS.followUpDaysAhead);
  if (on > max) invalid(field, "follow_up_too_far", { value: on, min: today, max });
  return on;
}

// ---- commands ---------------------------------------------------------------------------------------

export interface OpenInput {
  id: number;
  number: string;
  customer: Customer;
  scope: Dispute["scope"];
  reason: Reason;
  priority?: Priority;
  statement: string;
  ownerEmail: string;
  openedByEmail: string;
  followUpOn: string | null;
  slaDueOn: string | null;
  items: DisputedItem[];
}

/** A priority given as text by an adapter is one of PRIORITIES. */
function checkPriority(priority: string | undefined): void {
  if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority)) invalid("priority", "priority_invalid", {});
}

export function openDispute(input: OpenInput, now: Date): Change {
  if (!input.reason.active) invalid("reasonCode", "reason_inactive", { code: input.reason.code });
  checkPriority(input.priority);
  const statement = input.statement.trim();
  if (!statement) invalid("statement", "statement_required", {});
  checkLength("statement", statement, "statement");
  if (input.scope === "customer" && input.items.length) invalid("items", "customer_scope_has_items", {});
  if (input.scope === "items" && !input.items.length) invalid("items", "items_required", {});
  const dispute: Dispute = {
    id: input.id,
    number: input.number,
    customerId: input.customer.id,
    scope: input.scope,
    reasonId: input.reason.id,
    priority: input.priority ?? input.reason.priority,
    status: "open",
    statement,
    ownerEmail: input.ownerEmail,
    openedByEmail: input.openedByEmail,
    followUpOn: input.followUpOn,
    slaDueOn: input.slaDueOn,
    currency: input.customer.currency,
    items: input.items,
    resolution: null,
    creditNoteSeenAt: null,
    holdsReleasedAt: null,
    closedAt: null,
    closedByEmail: null,
    version: 1,
    openedAt: now,
    updatedAt: now,
  };
  return { dispute, events: [ev("opened", now, input.openedByEmail, statement, { ownerEmail: input.ownerEmail })] };
}

export interface EditInput {
  byEmail: string;
  reason?: Reason;
  priority?: Priority;
  statement?: string;
  items?: DisputedItem[];
  note?: string;
}

export function editDispute(d: Dispute, input: EditInput, now: Date): Change {
  assertTransition(d, "edit");
  checkPriority(input.priority);
  checkLength("note", input.note?.trim(), "note");
  const patch: Partial<Dispute> = {};
  const changes: string[] = [];
  if (input.reason && input.reason.id !== d.reasonId) {
    if (!input.reason.active) invalid("reasonCode", "reason_inactive", { code: input.reason.code });
    patch.reasonId = input.reason.id;
    changes.push(`reason → ${input.reason.code}`);
  }
  if (input.priority && input.priority !== d.priority) {
    patch.priority = input.priority;
    changes.push(`priority → ${input.priority}`);
  }
  if (input.statement !== undefined && input.statement.trim() !== d.statement) {
    if (!input.statement.trim()) invalid("statement", "statement_required", {});
    checkLength("statement", input.statement.trim(), "statement");
    patch.statement = input.statement.trim();
    changes.push("statement");
  }
  if (input.items) {
    if (d.scope === "customer") invalid("items", "customer_scope_has_items", {});
    const before = new Map(d.items.map((i) => [i.itemId, i.amount]));
    const after = new Map(input.items.map((i) => [i.itemId, i.amount]));
    const same = before.size === after.size && [...after].every(([k, v]) => before.get(k) === v);
    if (!same) {
      patch.items = input.items;
      changes.push("items");
    }
  }
  if (!changes.length) return { dispute: d, events: [] };
  return {
    dispute: bump(d, patch, now),
    events: [ev("edited", now, input.byEmail, input.note?.trim() || null, { changes })],
  };
}

export function commentDispute(d: Dispute, input: { byEmail: string; text: string }, now: Date): Change {
  assertTransition(d, "comment");
  const text = input.text.trim();
  if (!text) invalid("text", "comment_empty", {});
  checkLength("text", text, "note");
  return { dispute: d, events: [ev("commented", now, input.byEmail, text)] };
}

export function reassignDispute(d: Dispute, input: { byEmail: string; toEmail: string; note?: string }, now: Date): Change {
  assertTransition(d, "reassign");
  if (input.toEmail === d.ownerEmail) invalid("toEmail", "already_owner", { email: input.toEmail, number: d.number });
  checkLength("note", input.note?.trim(), "note");
  return {
    dispute: bump(d, { ownerEmail: input.toEmail }, now),
    events: [ev("reassigned", now, input.byEmail, input.note?.trim() || null, { from: d.ownerEmail, to: input.toEmail })],
  };
}

export function setFollowUp(d: Dispute, input: { byEmail: string; on: string; note?: string; today: string }, now: Date): Change {
  assertTransition(d, "follow_up");
  checkFollowUp("on", input.on, input.today);
  checkLength("note", input.note?.trim(), "note");
  return {
    dispute: bump(d, { followUpOn: input.on }, now),
    events: [ev("follow_up_set", now, input.byEmail, input.note?.trim() || null, { from: d.followUpOn, on: input.on })],
  };
}

export interface ResolveInput {
  byEmail: string;
  outcome: Outcome;
  note: string;
  creditNoteRef?: string | null;
  concededAmount?: number | null;
  rootCause?: string | null;
  /** the ledger's item with the credit note's reference, when the ledger already has it */
  creditNote?: Pick<Item, "kind"> | null;
}

export function disputedTotal(d: Pick<Dispute, "items">): number {
  return d.items.reduce((s, i) => s + i.amount, 0);
}

export function resolveDispute(d: Dispute, input: ResolveInput, now: Date): Change {
  assertTransition(d, "resolve");
  if (!(OUTCOMES as readonly string[]).includes(input.outcome)) invalid("outcome", "outcome_required", {});
  const note = input.note.trim();
  if (!note) invalid("note", "resolution_note_required", {});
  checkLength("note", note, "note");
  checkLength("creditNoteRef", input.creditNoteRef?.trim(), "ref");
  checkLength("rootCause", input.rootCause?.trim(), "rootCause");
  let conceded = input.concededAmount ?? null;
  const creditNoteRef = input.creditNoteRef?.trim() || null;
  if (conceded !== null && (!Number.isSafeInteger(conceded) || conceded < 0)) invalid("concededAmount", "conceded_negative", {});
  if (input.outcome === "credit_note") {
    if (!creditNoteRef) invalid("creditNoteRef", "credit_note_ref_required", {});
    if (conceded === null) conceded = d.scope === "items" ? disputedTotal(d) : null;
    if (d.scope === "items" && conceded !== null && conceded > disputedTotal(d)) {
      invalid("concededAmount", "conceded_exceeds_disputed", { conceded: money(conceded, d.currency), disputed: money(disputedTotal(d), d.currency) });
    }
  }
  const creditNoteSeen = input.outcome === "credit_note" && input.creditNote?.kind === "credit_note";
  const resolution: Resolution = {
    outcome: input.outcome,
    note,
    creditNoteRef,
    concededAmount: conceded,
    rootCause: input.rootCause?.trim() || null,
  };
  return {
    // The credit note may already be in the ledger: then nothing stays held for it.
    dispute: bump(d, { status: "resolved", resolution, closedAt: now, closedByEmail: input.byEmail, creditNoteSeenAt: creditNoteSeen ? now : null, holdsReleasedAt: null }, now),
    events: [ev("resolved", now, input.byEmail, note, { outcome: input.outcome, creditNoteRef, concededAmount: conceded })],
  };
}

export function withdrawDispute(d: Dispute, input: { byEmail: string; note: string }, now: Date): Change {
  assertTransition(d, "withdraw");
  const note = input.note.trim();
  if (!note) invalid("note", "withdraw_note_required", {});
  checkLength("note", note, "note");
  return {
    dispute: bump(d, { status: "withdrawn", closedAt: now, closedByEmail: input.byEmail }, now),
    events: [ev("withdrawn", now, input.byEmail, note)],
  };
}

export function reopenDispute(d: Dispute, input: { byEmail: string; note: string }, now: Date): Change {
  assertTransition(d, "reopen");
  const note = input.note.trim();
  if (!note) invalid("note", "reopen_note_required", {});
  checkLength("note", note, "note");
  return {
    dispute: bump(
      d,
      { status: "open", resolution: null, closedAt: null, closedByEmail: null, creditNoteSeenAt: null, holdsReleasedAt: null },
      now,
    ),
    events: [ev("reopened", now, input.byEmail, note)],
  };
}

/** Litigation keeps the holds after resolution until someone releases them explicitly. */
export function releaseHolds(d: Dispute, input: { byEmail: string; note: string }, now: Date): Change {
  assertTransition(d, "release_holds");
  if (!available(d, "release_holds")) {
    fail("illegal_transition", "no_holds_to_release", { number: d.number });
  }
  checkLength("note", input.note.trim(), "note");
  return {
    dispute: bump(d, { holdsReleasedAt: now }, now),
    events: [ev("holds_released", now, input.byEmail, input.note.trim() || null)],
  };
}

/** The credit note of a credit_note resolution reached the ledger: the conceded amount is released. */
export function creditNoteReceived(d: Dispute, now: Date): Change {
  if (d.status !== "resolved" || d.resolution?.outcome !== "credit_note" || d.creditNoteSeenAt) return { dispute: d, events: [] };
  return {
    dispute: bump(d, { creditNoteSeenAt: now }, now),
    events: [ev("credit_note_received", now, null, d.resolution.creditNoteRef)],
  };
}

export const isAccordError = (e: unknown): e is AccordError => e instanceof AccordError;
