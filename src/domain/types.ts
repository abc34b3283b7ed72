// Platform-neutral domain types. Money is an integer number of minor units (safe integers);
// calendar dates are ISO `YYYY-MM-DD` strings in the company time zone; instants are Date.

export const ROLES = ["controller", "sales", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ITEM_KINDS = ["invoice", "credit_note", "payment"] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Dunning levels in order: none, pre-due notice (prévenance), R1..R5. */
export const DUNNING_LEVELS = ["none", "notice", "R1", "R2", "R3", "R4", "R5"] as const;
export type DunningLevel = (typeof DUNNING_LEVELS)[number];
export const levelRank = (l: DunningLevel): number => DUNNING_LEVELS.indexOf(l);

export const DISPUTE_STATUSES = ["open", "resolved", "withdrawn"] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const SCOPES = ["items", "customer"] as const;
export type Scope = (typeof SCOPES)[number];

export const OUTCOMES = [
  "credit_note",
  "invoice_corrected",
  "customer_paid",
  "rejected",
  "written_off",
  "litigation",
  "other",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Person {
  id: number;
  email: string;
  name: string;
  role: Role;
  managerEmail: string | null;
  locale: Locale;
  timezone: string;
  slackUserId: string | null;
  teamsUserId: string | null;
}

export interface Customer {
  id: number;
  ref: string;
  name: string;
  currency: string;
  salesRepEmail: string | null;
  controllerEmail: string | null;
}

export interface Item {
  id: number;
  customerId: number;
  ref: string;
  kind: ItemKind;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel: DunningLevel;
  lastDunnedOn: string | null;
}

export interface Reason {
  id: number;
  code: string;
  labelFr: string;
  labelEn: string;
  active: boolean;
  sortOrder: number;
  followUpDays: number;
  slaDays: number;
  priority: Priority;
  holdsDunning: boolean;
}

export interface DisputedItem {
  itemId: number;
  amount: number;
}

export interface Resolution {
  outcome: Outcome;
  note: string;
  creditNoteRef: string | null;
  concededAmount: number | null;
  rootCause: string | null;
}

export interface Dispute {
  id: number;
  number: string;
  customerId: number;
  scope: Scope;
  reasonId: number;
  priority: Priority;
  status: DisputeStatus;
  statement: string;
  ownerEmail: string;
  openedByEmail: string;
  followUpOn: string | null;
  slaDueOn: string | null;
  currency: string;
  items: DisputedItem[];
  resolution: Resolution | null;
  /** When the credit note of a credit_note resolution was seen in the ledger. */
  creditNoteSeenAt: Date | null;
  /** When the holds kept by a litigation outcome were released explicitly. */
  holdsReleasedAt: Date | null;
  closedAt: Date | null;
  closedByEmail: string | null;
  version: number;
  openedAt: Date;
  updatedAt: Date;
}

export const EVENT_TYPES = [
  "opened",
  "edited",
  "commented",
  "reassigned",
  "follow_up_set",
  "resolved",
  "withdrawn",
  "reopened",
  "holds_released",
  "credit_note_received",
  "reminded",
  "escalated",
  "notified",
  "nudged",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface TimelineEvent {
  type: EventType;
  at: Date;
  byEmail: string | null;
  text: string | null;
  data?: Record<string, unknown>;
}
