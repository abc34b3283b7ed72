import { formatAmount } from "../domain/money.ts";
import { addDays, todayIn } from "../domain/dates.ts";
import { isWorkingDay, nextWorkingDay, workStartOn } from "../domain/calendar.ts";
import { fail } from "../domain/errors.ts";
import type { DunningLevel } from "../domain/types.ts";
import { commentDispute } from "./commentDispute.ts";
import type { Deps } from "./context.ts";
import { openDispute } from "./openDispute.ts";
import type { ItemInput, Repos, Store } from "./ports.ts";
import { ensureDefaultReasons } from "./reasons.ts";
import { remindFollowUps } from "./remindFollowUps.ts";
import { resolveDispute } from "./resolveDispute.ts";
import { subscribeDigest } from "./digests.ts";
import { setFollowUp } from "./setFollowUp.ts";

// A realistic French B2B demo: people of each role, ~50 customers, a few hundred items at various
// dunning levels, credit notes and payments, and a handful of open and resolved disputes — all made
// through the same use cases as real users, so timelines and holds are genuine. Deterministic.

export const DEMO_PEOPLE = [
  { email: "claire.martin@demo.accord.fr", name: "Claire Martin", role: "controller", locale: "fr" },
  { email: "julien.bernard@demo.accord.fr", name: "Julien Bernard", role: "controller", locale: "fr" },
  { email: "paul.durand@demo.accord.fr", name: "Paul Durand", role: "sales", locale: "fr", managerEmail: "marc.petit@demo.accord.fr" },
  { email: "sophie.leroy@demo.accord.fr", name: "Sophie Leroy", role: "sales", locale: "fr", managerEmail: "marc.petit@demo.accord.fr" },
  { email: "thomas.moreau@demo.accord.fr", name: "Thomas Moreau", role: "sales", locale: "en", managerEmail: "marc.petit@demo.accord.fr" },
  { email: "marc.petit@demo.accord.fr", name: "Marc Petit", role: "manager", locale: "fr" },
  { email: "ana.lopez@demo.accord.fr", name: "Ana Lopez", role: "admin", locale: "en" },
] as const;

const NAMES = [
  "Boulangerie Dupont", "Garage Moreau", "Pharmacie du Centre", "Transports Lefèvre", "Menuiserie Girard", "Hôtel des Alpes",
  "Cave Saint-Vincent", "Imprimerie Roux", "Clinique Vétérinaire Blanc", "Fromagerie Fournier", "Atelier Mercier", "Biocoop Lyon Sud",
  "Cabinet Lambert", "Électricité Bonnet", "Restaurant Le Cèdre", "Fleurs & Saisons", "Laboratoire Chevalier", "Papeterie François",
  "SARL Garnier Frères", "Maison Faure", "Optique Rousseau", "Scierie Vincent", "Auto-École Muller", "Brasserie du Port",
  "Éditions Fontaine", "Plomberie Henry", "Camping Les Pins", "Quincaillerie Morel", "Traiteur Dumont", "Vignobles Perrin",
  "Boucherie Guérin", "Studio Gautier", "Serrurerie Robin", "Agence Clément", "Ferme des Collines", "Ambulances Nicolas",
  "Librairie Masson", "Chocolaterie Marchand", "Nettoyage Duval", "Architectes Denis & Co", "Textiles Lemoine", "Crèche Les Lutins",
  "Menuiserie Picard", "Gîtes du Lac", "Informatique Roche", "Pressing Moulin", "Carrosserie André", "Épicerie Fine Mathieu",
  "Cidrerie Lucas", "Maraîchers Aubert",
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LEVELS: DunningLevel[] = ["none", "notice", "R1", "R2", "R3", "R4"];

export interface SeedDemoOptions {
  /** a Slack channel the manager subscribes to the daily digest at 09:00 (the sandbox's #litiges-direction) */
  digestChannel?: string | undefined;
}

export async function seedDemo(deps: Deps, opts: SeedDemoOptions = {}): Promise<{ people: number; customers: number; items: number; disputes: number }> {
  const s = deps.store;
  if ((await s.customers.list()).length) fail("conflict", "demo_needs_empty_db", {});
  await ensureDefaultReasons(s.reasons);
  await s.people.upsertMany(DEMO_PEOPLE.map((p) => ({ ...p })));
  const reps = DEMO_PEOPLE.filter((p) => p.role === "sales").map((p) => p.email);
  const controllers = DEMO_PEOPLE.filter((p) => p.role === "controller").map((p) => p.email);
  const customers = await s.customers.upsertMany(
    NAMES.map((name, i) => ({
      ref: `CL${String(i + 1).padStart(4, "0")}`,
      name,
      currency: i === 17 ? "CHF" : "EUR",
      salesRepEmail: reps[i % reps.length]!,
      controllerEmail: controllers[i % controllers.length]!,
    })),
  );
  const today = todayIn((await s.settings.get()).timezone, deps.clock());
  const rand = rng(42);
  const items: ItemInput[] = [];
  let n = 24000;
  for (const c of customers) {
    const count = 3 + Math.floor(rand() * 8);
    for (let k = 0; k < count; k++) {
      const daysAgo = Math.floor(rand() * 150) - 30; // due from 30 days ahead to 120 days late
      const dueOn = addDays(today, -daysAgo);
      const amount = Math.round(200 + rand() * 9800) * 100 + Math.floor(rand() * 100);
      const partlyPaid = rand() < 0.1;
      const level: DunningLevel = daysAgo <= 0 ? "none" : LEVELS[Math.min(1 + Math.floor(daysAgo / 20), LEVELS.length - 1)]!;
      items.push({
        customerId: c.id,
        ref: `FA-${++n}`,
        kind: "invoice",
        issuedOn: addDays(dueOn, -30),
        dueOn,
        amount,
        openAmount: partlyPaid ? Math.round(amount / 2) : amount,
        currency: c.currency,
        dunningLevel: level,
        lastDunnedOn: level === "none" ? null : addDays(today, -((daysAgo % 20) + 1)),
      });
    }
    if (rand() < 0.3) {
      const amount = -Math.round(100 + rand() * 900) * 100;
      items.push({ customerId: c.id, ref: `AV-${++n}`, kind: "credit_note", issuedOn: addDays(today, -20), dueOn: addDays(today, -20), amount, openAmount: amount, currency: c.currency, dunningLevel: "R1" });
    }
    if (rand() < 0.2) {
      const amount = -Math.round(50 + rand() * 500) * 100;
      items.push({ customerId: c.id, ref: `RG-${++n}`, kind: "payment", issuedOn: addDays(today, -10), dueOn: addDays(today, -10), amount, openAmount: amount, currency: c.currency });
    }
  }
  await s.items.upsertMany(items);

  const claire = "claire.martin@demo.accord.fr";
  const invoicesOf = (i: number) => items.filter((x) => x.customerId === customers[i]!.id && x.kind === "invoice").map((x) => x);
  let disputes = 0;
  const openOn = async (i: number, reasonCode: string, statement: string, pick: (xs: ItemInput[]) => { ref: string; amount?: string }[]) => {
    disputes++;
    return (
      await openDispute(deps, { customerRef: customers[i]!.ref, items: pick(invoicesOf(i)), reasonCode, statement, openedByEmail: claire })
    ).dispute;
  };
  const d1 = await openOn(0, "price", "Le client conteste le prix unitaire : le devis n°2026-114 indiquait 12 € HT la baguette, pas 14 €.", (xs) => [
    { ref: xs[0]!.ref, amount: formatAmount(Math.round(xs[0]!.openAmount / 4), xs[0]!.currency) },
  ]);
  await commentDispute(deps, { dispute: d1.number, byEmail: "paul.durand@demo.accord.fr", text: "J'ai retrouvé le devis, le client a raison. Je demande un avoir." });
  await openOn(1, "delivery", "« Nous n'avons jamais reçu la deuxième palette, le bon de livraison n'est pas signé. »", (xs) => xs.slice(0, 2).map((x) => ({ ref: x.ref })));
  const d3 = await openOn(2, "quality", "Produits abîmés à la réception, photos envoyées au service client le 3 du mois.", (xs) => [{ ref: xs[0]!.ref }]);
  await setFollowUp(deps, { dispute: d3.number, byEmail: "thomas.moreau@demo.accord.fr", on: addDays(today, 2), note: "Retour transporteur attendu" });
  await openOn(3, "duplicate", "La facture a été envoyée deux fois, ils l'ont payée une fois.", (xs) => [{ ref: xs[xs.length - 1]!.ref }]);
  await openOn(4, "missing_po", "Pas de numéro de commande sur la facture : leur service achats la bloque.", (xs) => [{ ref: xs[0]!.ref }]);
  disputes++;
  await openDispute(deps, { customerRef: customers[5]!.ref, reasonCode: "service", statement: "Le client refuse tout paiement tant que la maintenance annuelle n'est pas faite.", openedByEmail: claire });
  const d7 = await openOn(6, "price", "Remise de fidélité de 5 % oubliée.", (xs) => [{ ref: xs[0]!.ref, amount: formatAmount(Math.round(xs[0]!.openAmount * 0.05), xs[0]!.currency) }]);
  await resolveDispute(deps, { dispute: d7.number, byEmail: "paul.durand@demo.accord.fr", outcome: "credit_note", note: "Avoir de remise émis", creditNoteRef: "AV-DEMO-1", rootCause: "remise non paramétrée dans l'ERP" });
  const d8 = await openOn(7, "already_paid", "Le client dit avoir payé par virement le 12.", (xs) => [{ ref: xs[0]!.ref }]);
  await resolveDispute(deps, { dispute: d8.number, byEmail: claire, outcome: "rejected", note: "Aucun virement reçu : relevé bancaire transmis au client" });
  disputes += await seedOverdue(deps, { today, open: (at, i, reasonCode, statement, extra) => openDispute({ ...deps, clock: () => at }, { customerRef: customers[i]!.ref, items: [{ ref: invoicesOf(i)[0]!.ref }], reasonCode, statement, openedByEmail: claire, ...extra }).then((r) => r.dispute) });
  if (opts.digestChannel) {
    await subscribeDigest(deps, { byEmail: "marc.petit@demo.accord.fr", platform: "slack", channelId: opts.digestChannel, time: "09:00", cadence: "daily" });
  }
  return { people: DEMO_PEOPLE.length, customers: customers.length, items: items.length, disputes };
}

/**
 * Overdue follow-ups, as if Accord had run for the last two weeks: disputes opened in the past, then the reminder
 * job replayed at 10:00 on each day since (its reminders and escalations recorded on the timelines and in the
 * notice ledger, none sent: that is history). What the demo then holds, whatever the day:
 * - already paid (the 9th customer, opened 12 days ago): past its SLA, several reminders unanswered, escalated;
 * - late delivery (urgent): one reminder unanswered, sent on the last working day; the next one, with an
 *   escalation to the controller, comes on the follow-up date the job moved it to (within the next working days);
 * - price (opened 5 days ago): its follow-up date is today, no reminder yet (it goes this morning, or the next
 *   working morning);
 * - quality (opened today): its follow-up date is the next working day (a reminder tomorrow morning).
 */
async function seedOverdue(
  deps: Deps,
  x: {
    today: string;
    open: (at: Date, customer: number, reasonCode: string, statement: string, extra?: { followUpOn?: string; priority?: "urgent" }) => Promise<{ number: string }>;
  },
): Promise<number> {
  const settings = await deps.store.settings.get();
  const rules = { calendar: settings.calendar, workingHours: settings.workingHours };
  const at10 = (day: string) => new Date(workStartOn(day, settings.timezone, settings.workingHours).getTime() + 3_600_000);
  const workingBefore = (day: string) => {
    let d = addDays(day, -1);
    for (let i = 0; i < 30 && !isWorkingDay(d, rules); i++) d = addDays(d, -1);
    return d;
  };
  const { today } = x;
  const first = addDays(today, -12);
  await x.open(at10(first), 8, "already_paid", "Le client affirme avoir réglé la facture par chèque le 2 ; aucun encaissement trouvé.");
  const remindedOn = workingBefore(today);
  await x.open(at10(addDays(remindedOn, -3)), 9, "delivery", "« Livraison annoncée pour lundi, toujours rien reçu : chantier à l'arrêt. »", { followUpOn: remindedOn, priority: "urgent" });
  await x.open(at10(addDays(today, -5)), 10, "price", "Tarif 2026 appliqué alors que le contrat court jusqu'en mars au tarif 2025.");
  // the reminder job, day by day until yesterday (notices recorded, none queued)
  for (let day = first; day < today; day = addDays(day, 1)) await remindFollowUps({ ...deps, chatQueue: [] }, at10(day));
  await x.open(deps.clock(), 11, "quality", "Trois cartons arrivés écrasés ; le client demande un remplacement avant de payer.", { followUpOn: nextWorkingDay(today, rules) });
  return 4;
}

/** Customer refs the demo loads (CL0001…). */
const DEMO_CUSTOMER_REFS = new Set(NAMES.map((_, i) => `CL${String(i + 1).padStart(4, "0")}`));

/** What the database holds beyond the demo: people and customers the demo does not load. */
async function beyondDemo(tx: Repos): Promise<{ people: string[]; customers: string[] }> {
  const demoPeople = new Set<string>(DEMO_PEOPLE.map((p) => p.email));
  return {
    people: (await tx.people.list()).map((p) => p.email).filter((e) => !demoPeople.has(e)),
    customers: (await tx.customers.list()).map((c) => c.ref).filter((r) => !DEMO_CUSTOMER_REFS.has(r)),
  };
}

/** A store whose transactions are steps of the one transaction `tx` (the use cases the demo calls). */
function within(store: Store, tx: Repos): Store {
  return {
    ...tx,
    dialect: store.dialect,
    transaction: (fn) => fn(tx),
    wipeThen: () => Promise.reject(new Error("wipeThen inside a transaction")),
    close: async () => {},
  };
}

/**
 * `seed --demo --reset`: empties every table and loads the demo again, in ONE transaction (a failure leaves
 * the database as it was). A database holding anything the demo does not load (another person or
 * customer) is left alone unless `discardData`: the answer says what was found.
 */
export async function reloadDemo(
  deps: Deps,
  input: { discardData: boolean } & SeedDemoOptions,
): Promise<{ loaded: Awaited<ReturnType<typeof seedDemo>> } | { refused: { people: string[]; customers: string[] } }> {
  if (!input.discardData) {
    const found = await beyondDemo(deps.store);
    if (found.people.length || found.customers.length) return { refused: found };
  }
  const loaded = await deps.store.wipeThen(async (tx) => {
    const inner: Deps = { ...deps, store: within(deps.store, tx) };
    // the settings and reasons went with the tables: the defaults again, as on a fresh database
    await ensureDefaultReasons(tx.reasons);
    return seedDemo(inner, { digestChannel: input.digestChannel });
  });
  return { loaded };
}
