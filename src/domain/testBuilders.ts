// Small builders for domain tests: sensible defaults, override what the test is about.
// Amounts are minor units (EUR cents): 100000 = 1,000.00 €.
import { AccordError } from "./errors.ts";
import type { Customer, Dispute, Item, Person, Reason, Resolution } from "./types.ts";

/** The fixed clock of every domain test. */
export const NOW = new Date("2026-03-10T09:00:00Z");
/** NOW's calendar date in Europe/Paris. */
export const TODAY = "2026-03-10";

export const EMAILS = {
  controller: "claire.controle@accord.test",
  owner: "olivier.owner@accord.test",
  manager: "marc.manager@accord.test",
  admin: "ada.admin@accord.test",
  salesRep: "sophie.sales@accord.test",
  other: "otto.other@accord.test",
} as const;

export function person(p: Partial<Person> = {}): Person {
  return {
    id: 1,
    email: EMAILS.controller,
    name: "Claire Contrôle",
    role: "controller",
    managerEmail: null,
    locale: "fr",
    timezone: "Europe/Paris",
    slackUserId: null,
    teamsUserId: null,
    ...p,
  };
}

export function customer(p: Partial<Customer> = {}): Customer {
  return {
    id: 1,
    ref: "C001",
    name: "Dupont SA",
    currency: "EUR",
    salesRepEmail: EMAILS.salesRep,
    controllerEmail: EMAILS.controller,
    ...p,
  };
}

/** An invoice of customer 1 in EUR, open for its whole amount unless told otherwise. */
export function item(p: Partial<Item> = {}): Item {
  const id = p.id ?? 1;
  const amount = p.amount ?? 100000;
  return {
    id,
    customerId: 1,
    ref: `F${id}`,
    kind: "invoice",
    issuedOn: "2026-01-15",
    dueOn: "2026-02-14",
    amount,
    openAmount: amount,
    currency: "EUR",
    dunningLevel: "none",
    lastDunnedOn: null,
    ...p,
  };
}

export function reason(p: Partial<Reason> = {}): Reason {
  return {
    id: 1,
    code: "price",
    labelFr: "Prix",
    labelEn: "Price",
    active: true,
    sortOrder: 1,
    followUpDays: 7,
    slaDays: 30,
    priority: "normal",
    holdsDunning: true,
    ...p,
  };
}

export function resolution(p: Partial<Resolution> = {}): Resolution {
  return { outcome: "rejected", note: "Prix conforme au contrat", creditNoteRef: null, concededAmount: null, rootCause: null, ...p };
}

/** An open item-level dispute LIT-2026-0001 of customer 1 on item 1 (1,000.00 €), at version 3. */
export function dispute(p: Partial<Dispute> = {}): Dispute {
  const openedAt = p.openedAt ?? new Date("2026-03-01T10:00:00Z");
  return {
    id: 1,
    number: "LIT-2026-0001",
    customerId: 1,
    scope: "items",
    reasonId: 1,
    priority: "normal",
    status: "open",
    statement: "Le prix facturé ne correspond pas au devis",
    ownerEmail: EMAILS.owner,
    openedByEmail: EMAILS.controller,
    followUpOn: "2026-03-17",
    slaDueOn: "2026-04-09",
    currency: "EUR",
    items: [{ itemId: 1, amount: 100000 }],
    resolution: null,
    creditNoteSeenAt: null,
    holdsReleasedAt: null,
    closedAt: null,
    closedByEmail: null,
    version: 3,
    openedAt,
    updatedAt: openedAt,
    ...p,
  };
}

/** A dispute closed as `resolved` with the given resolution (closed on 2026-03-05 by the controller). */
export function resolvedDispute(res: Partial<Resolution>, p: Partial<Dispute> = {}): Dispute {
  return dispute({
    status: "resolved",
    resolution: resolution(res),
    closedAt: new Date("2026-03-05T15:00:00Z"),
    closedByEmail: EMAILS.controller,
    ...p,
  });
}

/** Runs fn, expects an AccordError, returns it (fails the test when nothing or something else is thrown). */
export function accordError(fn: () => unknown): AccordError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AccordError) return e;
    throw new Error(`expected an AccordError, got ${String(e)}`);
  }
  throw new Error("expected an AccordError, nothing was thrown");
}
