import type { Customer, Locale, Outcome, Person, Priority, Reason, Resolution, Role } from "../domain/types.ts";

// Row -> domain mapping shared by the two SQL adapters (prismaStore.ts, sqlStore.ts), which read the same
// rows. What differs by driver stays in each adapter and is converted before these are called: BigInt vs
// number money, 0/1 vs boolean flags, DateTime text vs Date, array vs object rows.

export interface PersonRow {
  id: number;
  email: string;
  name: string;
  role: string;
  managerEmail: string | null;
  locale: string;
  timezone: string;
  slackUserId: string | null;
  teamsUserId: string | null;
}

export interface CustomerRow {
  id: number;
  ref: string;
  name: string;
  currency: string;
  salesRepEmail: string | null;
  controllerEmail: string | null;
}

/** A Reason row with its flags as booleans. */
export interface ReasonRow {
  id: number;
  code: string;
  labelFr: string;
  labelEn: string;
  active: boolean;
  sortOrder: number;
  followUpDays: number;
  slaDays: number;
  priority: string;
  holdsDunning: boolean;
}

/** The resolution columns of a Dispute row, money as a number. */
export interface ResolutionColumns {
  outcome: string | null;
  outcomeNote: string | null;
  creditNoteRef: string | null;
  concededAmount: number | null;
  rootCause: string | null;
}

export const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  managerEmail: r.managerEmail,
  locale: r.locale as Locale,
  timezone: r.timezone,
  slackUserId: r.slackUserId,
  teamsUserId: r.teamsUserId,
});

export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  ref: r.ref,
  name: r.name,
  currency: r.currency,
  salesRepEmail: r.salesRepEmail,
  controllerEmail: r.controllerEmail,
});

export const toReason = (r: ReasonRow): Reason => ({
  id: r.id,
  code: r.code,
  labelFr: r.labelFr,
  labelEn: r.labelEn,
  active: r.active,
  sortOrder: r.sortOrder,
  followUpDays: r.followUpDays,
  slaDays: r.slaDays,
  priority: r.priority as Priority,
  holdsDunning: r.holdsDunning,
});

/** A dispute is resolved when its row has an outcome; a resolution stored without a note reads as "". */
export const toResolution = (c: ResolutionColumns): Resolution | null =>
  c.outcome
    ? {
        outcome: c.outcome as Outcome,
        note: c.outcomeNote ?? "",
        creditNoteRef: c.creditNoteRef,
        concededAmount: c.concededAmount,
        rootCause: c.rootCause,
      }
    : null;
