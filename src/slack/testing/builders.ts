import type { DisputeDetails } from "../../app/disputeDetails.ts";
import type { MyDisputes } from "../../app/listMyDisputes.ts";
import type { Customer, Dispute, Item, Person, Reason } from "../../domain/types.ts";

// Builders for renderer tests: view-model inputs without a database, including worst cases.

export const T = new Date("2026-03-10T09:00:00.000Z");

export const personOf = (email: string, over: Partial<Person> = {}): Person => ({
  id: 1,
  email,
  name: email.split("@")[0]!,
  role: "controller",
  managerEmail: null,
  locale: "en",
  timezone: "Europe/Paris",
  slackUserId: null,
  teamsUserId: null,
  ...over,
});

export const reasonOf = (i: number, over: Partial<Reason> = {}): Reason => ({
  id: i,
  code: `reason_${i}`,
  labelFr: `Motif numéro ${i} avec un libellé assez long pour tester les limites de Slack`,
  labelEn: `Reason number ${i} with a label long enough to test Slack's limits`,
  active: true,
  sortOrder: i * 10,
  followUpDays: 5,
  slaDays: 20,
  priority: "normal",
  holdsDunning: true,
  ...over,
});

export const customer: Customer = { id: 1, ref: "C001", name: "Boulangerie Martin & Fils <Lyon>", currency: "EUR", salesRepEmail: "sam@acme.test", controllerEmail: "carla@acme.test" };

export function itemOf(i: number): Item {
  return {
    id: i,
    customerId: 1,
    ref: `F-2026-${String(i).padStart(5, "0")}`,
    kind: "invoice",
    issuedOn: "2026-01-05",
    dueOn: "2026-02-04",
    amount: 1234_56 + i,
    openAmount: 1234_56 + i,
    currency: "EUR",
    dunningLevel: "R2",
    lastDunnedOn: null,
  };
}

export function detailsOf(opts: { items?: number; statement?: string; status?: Dispute["status"]; scope?: Dispute["scope"]; id?: number; followUpOn?: string } = {}): DisputeDetails {
  const n = opts.scope === "customer" ? 0 : (opts.items ?? 2);
  const items = Array.from({ length: n }, (_, i) => itemOf(i + 1));
  const dispute: Dispute = {
    id: opts.id ?? 42,
    number: `D-2026-${String(opts.id ?? 42).padStart(4, "0")}`,
    customerId: 1,
    scope: opts.scope ?? "items",
    reasonId: 1,
    priority: "high",
    status: opts.status ?? "open",
    statement: opts.statement ?? "Le prix facturé ne correspond pas au devis <signé> & validé",
    ownerEmail: "sam@acme.test",
    openedByEmail: "carla@acme.test",
    followUpOn: opts.followUpOn ?? "2026-03-05",
    slaDueOn: "2026-03-30",
    currency: "EUR",
    items: items.map((it) => ({ itemId: it.id, amount: it.openAmount })),
    resolution: opts.status === "resolved" ? { outcome: "credit_note", note: "Avoir émis", creditNoteRef: "AV-1", concededAmount: 100_00, rootCause: null } : null,
    creditNoteSeenAt: null,
    holdsReleasedAt: null,
    closedAt: opts.status === "resolved" ? T : null,
    closedByEmail: opts.status === "resolved" ? "sam@acme.test" : null,
    version: 3,
    openedAt: T,
    updatedAt: T,
  };
  const total = items.reduce((s, i) => s + i.openAmount, 0);
  return {
    dispute,
    customer,
    reason: reasonOf(1),
    items: items.map((item) => ({ item, amount: item.openAmount, held: item.openAmount })),
    disputedAmount: total,
    heldAmount: opts.status === "resolved" ? 100_00 : total,
    allPaid: false,
    timeline: [
      { type: "opened", at: T, byEmail: "carla@acme.test", text: dispute.statement },
      { type: "commented", at: T, byEmail: "sam@acme.test", text: "x".repeat(3000) },
    ],
  };
}

export function mineOf(count: number, itemsEach = 3): MyDisputes {
  const disputes = Array.from({ length: count }, (_, i) => detailsOf({ id: i + 1, items: itemsEach, statement: "s".repeat(3000) }));
  return { today: "2026-03-10", disputes, summary: { count, overdue: count, disputed: { EUR: 1e9, USD: 5e6 }, held: { EUR: 1e9 } } };
}
