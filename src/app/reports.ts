import { daysBetween, todayIn } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { heldByItem } from "../domain/holds.ts";
import type { Customer, Item, Locale } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { reportDate } from "./dunning.ts";

// Account statement (situation de compte) and aged balance ("qui vous doit quoi"), with the disputed part.

export interface StatementLine {
  item: Item;
  disputed: number;
  held: number;
  disputeNumbers: string[];
  /** "disputed" while an open dispute covers it, "dispute_resolved" once its disputes are all closed */
  disputeStatus: "none" | "disputed" | "dispute_resolved";
}

/** A statement's totals in one currency (never summed across currencies), minor units. */
export interface StatementTotals {
  open: number;
  disputed: number;
  held: number;
  /** what a dunning run may claim: open invoices less what is held, credits as they are */
  dunnable: number;
}

export const dunnableOf = (l: StatementLine): number => (l.item.kind === "invoice" ? Math.max(l.item.openAmount - l.held, 0) : l.item.openAmount);

/**
 * `viewerEmail` present: checked like a chat user. Sales reps see the statements of their own customers only;
 * another customer's statement is not found.
 */
export async function customerStatement(
  deps: Deps,
  input: { customerRef: string; viewerEmail?: string | undefined },
): Promise<{ customer: Customer; lines: StatementLine[]; flaggedBy: string | null; totals: Record<string, StatementTotals> }> {
  const tx = deps.store;
  const viewer = input.viewerEmail !== undefined ? await actor(tx, input.viewerEmail, "viewerEmail") : null;
  const customer = await tx.customers.byRef(input.customerRef);
  if (!customer || (viewer && viewer.role === "sales" && customer.salesRepEmail !== viewer.email)) return fail("not_found", "customer_not_found", { ref: input.customerRef });
  const items = await tx.items.ofCustomer(customer.id);
  const held = heldByItem(await tx.holds.list({ customerIds: [customer.id] }));
  const disputes = await tx.disputes.list({ customerId: customer.id });
  const flag = disputes.find((d) => d.scope === "customer" && d.status === "open");
  const lines = items.map((item): StatementLine => {
    const touching = disputes.filter((d) => d.items.some((i) => i.itemId === item.id));
    const open = touching.filter((d) => d.status === "open");
    return {
      item,
      disputed: open.reduce((s, d) => s + (d.items.find((i) => i.itemId === item.id)?.amount ?? 0), 0),
      held: held.get(item.id) ?? 0,
      disputeNumbers: touching.map((d) => d.number),
      disputeStatus: open.length ? "disputed" : touching.some((d) => d.status === "resolved") ? "dispute_resolved" : "none",
    };
  });
  const totals: Record<string, StatementTotals> = {};
  for (const l of lines) {
    const t = (totals[l.item.currency] ??= { open: 0, disputed: 0, held: 0, dunnable: 0 });
    t.open += l.item.openAmount;
    t.disputed += l.disputed;
    t.held += l.held;
    t.dunnable += dunnableOf(l);
  }
  return { customer, lines, flaggedBy: flag?.number ?? null, totals };
}

export const AGE_BUCKETS = ["not_due", "1_30", "31_60", "61_90", "over_90"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface AgedRow {
  customer: Customer;
  currency: string;
  buckets: Record<AgeBucket, number>;
  total: number;
  disputed: number;
  held: number;
  flagged: boolean;
}

function bucketOf(daysLate: number): AgeBucket {
  if (daysLate <= 0) return "not_due";
  if (daysLate <= 30) return "1_30";
  if (daysLate <= 60) return "31_60";
  if (daysLate <= 90) return "61_90";
  return "over_90";
}

/** One row per customer and currency; totals are per currency, never summed across currencies. */
export async function agedBalance(deps: Deps, input: { on?: string | undefined } = {}): Promise<{ on: string; rows: AgedRow[]; totals: Record<string, Omit<AgedRow, "customer" | "currency" | "flagged">> }> {
  const tx = deps.store;
  const settings = await tx.settings.get();
  const on = reportDate("on", input.on, todayIn(settings.timezone, deps.clock()));
  const items = await tx.items.allOpen();
  const customers = new Map((await tx.customers.byIds([...new Set(items.map((i) => i.customerId))])).map((c) => [c.id, c]));
  const held = heldByItem(await tx.holds.list());
  const open = await tx.disputes.list({ status: "open" });
  const disputed = new Map<number, number>();
  const flagged = new Set<number>();
  for (const d of open) {
    if (d.scope === "customer") flagged.add(d.customerId);
    for (const i of d.items) disputed.set(i.itemId, (disputed.get(i.itemId) ?? 0) + i.amount);
  }
  const rows = new Map<string, AgedRow>();
  const empty = () => Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
  for (const item of items) {
    const key = `${item.customerId}:${item.currency}`;
    let row = rows.get(key);
    if (!row) {
      row = { customer: customers.get(item.customerId)!, currency: item.currency, buckets: empty(), total: 0, disputed: 0, held: 0, flagged: flagged.has(item.customerId) };
      rows.set(key, row);
    }
    row.buckets[bucketOf(daysBetween(item.dueOn, on))] += item.openAmount;
    row.total += item.openAmount;
    row.disputed += Math.min(disputed.get(item.id) ?? 0, Math.max(item.openAmount, 0));
    row.held += held.get(item.id) ?? 0;
  }
  const totals: Record<string, Omit<AgedRow, "customer" | "currency" | "flagged">> = {};
  for (const r of rows.values()) {
    const t = (totals[r.currency] ??= { buckets: empty(), total: 0, disputed: 0, held: 0 });
    for (const b of AGE_BUCKETS) t.buckets[b] += r.buckets[b];
    t.total += r.total;
    t.disputed += r.disputed;
    t.held += r.held;
  }
  const sorted = [...rows.values()].sort((a, b) => a.customer.ref.localeCompare(b.customer.ref) || a.currency.localeCompare(b.currency));
  return { on, rows: sorted, totals };
}

/**
 * The language and time zone of a dispute export: `locale` when asked, else the viewer's language, else
 * English (a machine reading with a ledger or admin token); the company's time zone.
 */
export async function exportFormat(deps: Deps, input: { locale?: Locale | undefined; viewerEmail?: string | undefined }): Promise<{ locale: Locale; timezone: string }> {
  const timezone = (await deps.store.settings.get()).timezone;
  if (input.locale) return { locale: input.locale, timezone };
  const viewer = input.viewerEmail ? await deps.store.people.byEmail(input.viewerEmail.trim().toLowerCase()) : null;
  return { locale: viewer?.locale ?? "en", timezone };
}
