// The one set of test builders, for every suite: domain objects (sensible defaults, override what the test
// is about), the store's row inputs, and the renderer's worst cases (built from the same builders).
// Amounts are minor units (EUR cents): 100000 = 1,000.00 €.
import type { DisputeDetails } from "../app/disputeDetails.ts";
import type { MyDisputes } from "../app/listMyDisputes.ts";
import type { CustomerInput, ItemInput, PersonInput, ReasonInput } from "../app/ports.ts";
import { AccordError } from "../domain/errors.ts";
import type { Customer, Dispute, Item, Person, Reason, Resolution } from "../domain/types.ts";

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

// ---- the store's row inputs ------------------------------------------------------------------------

export const personIn = (email: string, over: Partial<PersonInput> = {}): PersonInput => ({ email, name: email.split("@")[0] ?? email, role: "controller", ...over });
export const customerIn = (ref: string, over: Partial<CustomerInput> = {}): CustomerInput => ({ ref, name: `Customer ${ref}`, ...over });
export const itemIn = (customerId: number, ref: string, over: Partial<ItemInput> = {}): ItemInput => ({
  customerId,
  ref,
  kind: "invoice",
  issuedOn: "2025-01-01",
  dueOn: "2025-02-01",
  amount: 100_00,
  openAmount: 100_00,
  currency: "EUR",
  ...over,
});
export const reasonIn = (code: string, over: Partial<ReasonInput> = {}): ReasonInput => ({ code, labelFr: `Motif ${code}`, labelEn: `Reason ${code}`, ...over });

// ---- renderer worst cases (view-model inputs without a database) -----------------------------------

export const T = NOW;

/** An English-speaking controller named after their email. */
export const personOf = (email: string, over: Partial<Person> = {}): Person => person({ email, name: email.split("@")[0]!, locale: "en", ...over });

/** Reason number i, with labels long enough to test Slack's limits. */
export const reasonOf = (i: number, over: Partial<Reason> = {}): Reason =>
  reason({
    id: i,
    code: `reason_${i}`,
    labelFr: `Motif numéro ${i} avec un libellé assez long pour tester les limites de Slack`,
    labelEn: `Reason number ${i} with a label long enough to test Slack's limits`,
    sortOrder: i * 10,
    followUpDays: 5,
    slaDays: 20,
    ...over,
  });

/** A customer whose name needs escaping. */
export const customerToEscape: Customer = customer({ name: "Boulangerie Martin & Fils <Lyon>", salesRepEmail: "sam@acme.test", controllerEmail: "carla@acme.test" });

export const itemOf = (i: number): Item =>
  item({ id: i, ref: `F-2026-${String(i).padStart(5, "0")}`, issuedOn: "2026-01-05", dueOn: "2026-02-04", amount: 1234_56 + i, openAmount: 1234_56 + i, dunningLevel: "R2" });

export function detailsOf(opts: { items?: number; statement?: string; status?: Dispute["status"]; scope?: Dispute["scope"]; id?: number; followUpOn?: string } = {}): DisputeDetails {
  const n = opts.scope === "customer" ? 0 : (opts.items ?? 2);
  const items = Array.from({ length: n }, (_, i) => itemOf(i + 1));
  const resolved = opts.status === "resolved";
  const d = dispute({
    id: opts.id ?? 42,
    number: `D-2026-${String(opts.id ?? 42).padStart(4, "0")}`,
    scope: opts.scope ?? "items",
    priority: "high",
    status: opts.status ?? "open",
    statement: opts.statement ?? "Le prix facturé ne correspond pas au devis <signé> & validé",
    ownerEmail: "sam@acme.test",
    openedByEmail: "carla@acme.test",
    followUpOn: opts.followUpOn ?? "2026-03-05",
    slaDueOn: "2026-03-30",
    items: items.map((it) => ({ itemId: it.id, amount: it.openAmount })),
    resolution: resolved ? resolution({ outcome: "credit_note", note: "Avoir émis", creditNoteRef: "AV-1", concededAmount: 100_00 }) : null,
    closedAt: resolved ? T : null,
    closedByEmail: resolved ? "sam@acme.test" : null,
    openedAt: T,
    updatedAt: T,
  });
  const total = items.reduce((s, i) => s + i.openAmount, 0);
  return {
    dispute: d,
    customer: customerToEscape,
    reason: reasonOf(1),
    items: items.map((it) => ({ item: it, amount: it.openAmount, held: it.openAmount })),
    disputedAmount: total,
    heldAmount: resolved ? 100_00 : total,
    allPaid: false,
    timeline: [
      { type: "opened", at: T, byEmail: "carla@acme.test", text: d.statement },
      { type: "commented", at: T, byEmail: "sam@acme.test", text: "x".repeat(3000) },
    ],
  };
}

export function mineOf(count: number, itemsEach = 3): MyDisputes {
  const disputes = Array.from({ length: count }, (_, i) => detailsOf({ id: i + 1, items: itemsEach, statement: "s".repeat(3000) }));
  return { today: "2026-03-10", disputes, summary: { count, overdue: count, disputed: { EUR: 1e9, USD: 5e6 }, held: { EUR: 1e9 } } };
}
