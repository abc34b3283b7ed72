import { addDays, checkDate, DATE_BOUNDS, todayIn } from "../domain/dates.ts";
import { planDunningRun, type DunningPlan } from "../domain/dunning.ts";
import { heldByItem } from "../domain/holds.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Customer } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import type { HoldRecord, Repos } from "./ports.ts";

// The embedded collections module: holds, run preview and run execution over the ledger.

export interface HoldView extends HoldRecord {
  itemRef: string;
  customerRef: string;
  disputeNumber: string;
  currency: string;
}

export async function listHolds(deps: Deps, input: { customerRef?: string | undefined } = {}): Promise<HoldView[]> {
  const tx = deps.store;
  const customer = input.customerRef ? await tx.customers.byRef(input.customerRef) : null;
  const holds = await tx.holds.list(customer ? { customerIds: [customer.id] } : {});
  if (!holds.length) return [];
  const items = new Map((await tx.items.byIds([...new Set(holds.map((h) => h.itemId))])).map((i) => [i.id, i]));
  const customers = new Map((await tx.customers.byIds([...new Set([...items.values()].map((i) => i.customerId))])).map((c) => [c.id, c]));
  const disputes = new Map<number, string>();
  for (const id of new Set(holds.map((h) => h.disputeId))) disputes.set(id, (await tx.disputes.byId(id))?.number ?? "");
  return holds.map((h) => {
    const item = items.get(h.itemId)!;
    return { ...h, itemRef: item.ref, customerRef: customers.get(item.customerId)?.ref ?? "", disputeNumber: disputes.get(h.disputeId) ?? "", currency: item.currency };
  });
}

async function plan(tx: Repos, input: { on: string; mode: "item" | "account"; customerRefs?: string[] | undefined }): Promise<DunningPlan> {
  const settings = await tx.settings.get();
  let customerIds: number[] | undefined;
  if (input.customerRefs?.length) customerIds = (await tx.customers.byRefs(input.customerRefs)).map((c) => c.id);
  const items = await tx.items.allOpen(customerIds ? { customerIds } : {});
  const ids = [...new Set(items.map((i) => i.customerId))];
  const customers = new Map((await tx.customers.byIds(ids)).map((c): [number, Customer] => [c.id, c]));
  const held = heldByItem(await tx.holds.list(customerIds ? { customerIds } : {}));
  const flagged = new Set<number>();
  if (settings.customerPolicy === "flag") {
    for (const d of await tx.disputes.list({ status: "open" })) if (d.scope === "customer") flagged.add(d.customerId);
  }
  const byCustomer = new Map<number, { item: (typeof items)[number]; heldAmount: number }[]>();
  for (const item of items) {
    const list = byCustomer.get(item.customerId) ?? [];
    list.push({ item, heldAmount: item.kind === "invoice" ? Math.min(held.get(item.id) ?? 0, Math.max(item.openAmount, 0)) : 0 });
    byCustomer.set(item.customerId, list);
  }
  return planDunningRun({
    on: input.on,
    mode: input.mode,
    scenario: settings.scenario,
    customers: [...byCustomer].map(([id, list]) => ({ customer: customers.get(id)!, flagged: flagged.has(id), items: list })),
  });
}

/** A report or preview date: a real calendar date within a year of today, either way. */
export function reportDate(field: string, on: string | undefined, today: string): string {
  if (on === undefined) return today;
  return checkDate(field, on, { min: addDays(today, -DATE_BOUNDS.reportDays), max: addDays(today, DATE_BOUNDS.reportDays) });
}

export async function previewDunning(deps: Deps, input: { on?: string | undefined; mode?: "item" | "account" | undefined; customerRefs?: string[] | undefined }): Promise<DunningPlan> {
  const settings = await deps.store.settings.get();
  const on = reportDate("on", input.on, todayIn(settings.timezone, deps.clock()));
  return plan(deps.store, { on, mode: input.mode ?? settings.dunningMode, customerRefs: input.customerRefs });
}

/**
 * Executes a run: the letters are recorded and every dunned item moves to its new level, in one transaction.
 * A run needs an acting controller or admin (`byEmail`, recorded with the run) and a date within the last
 * year, never after today: it becomes the items' last-reminder date.
 */
export async function runDunning(
  deps: Deps,
  input: { on?: string | undefined; mode?: "item" | "account" | undefined; customerRefs?: string[] | undefined; byEmail: string | undefined },
): Promise<DunningPlan & { runId: number; byEmail: string }> {
  const now = deps.clock();
  const result = await deps.store.transaction(async (tx) => {
    const who = await actor(tx, input.byEmail);
    assertCan(who, "run_dunning");
    const settings = await tx.settings.get();
    const today = todayIn(settings.timezone, now);
    const on = input.on === undefined ? today : checkDate("on", input.on, { min: addDays(today, -DATE_BOUNDS.reportDays), max: today });
    const p = await plan(tx, { on, mode: input.mode ?? settings.dunningMode, customerRefs: input.customerRefs });
    await tx.items.setDunning(p.updates);
    const run = await tx.runs.add({ on: p.on, mode: p.mode, createdAt: now, byEmail: who.email, letters: JSON.stringify(p.letters) });
    return { ...p, runId: run.id, byEmail: who.email };
  });
  // the audit trail: the run row (who, when, letters) and this line
  deps.log.info({ runId: result.runId, on: result.on, mode: result.mode, byEmail: result.byEmail, letters: result.letters.length, items: result.updates.length }, "dunning run executed");
  return result;
}
