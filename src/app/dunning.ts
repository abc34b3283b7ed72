import { addDays, checkDate, DATE_BOUNDS, todayIn } from "../domain/dates.ts";
import { planDunningRun, type DunningCustomerInput, type DunningPlan } from "../domain/dunning.ts";
import { invalid } from "../domain/errors.ts";
import { heldByItem } from "../domain/holds.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Settings } from "../domain/settings.ts";
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

/** The numbers (D-…) of some disputes, by id. */
async function disputeNumbers(tx: Repos, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const id of ids) {
    const d = await tx.disputes.byId(id);
    if (d) out.set(id, d.number);
  }
  return out;
}

/**
 * The dunning input of some customers: their open items with what is held of each, and whether they are
 * flagged. `customerIds`: exactly these; a range: the customers with open items between the two ids;
 * neither: every customer.
 */
async function dunningInput(tx: Repos, settings: Settings, scope: { customerIds?: number[]; range?: { from: number; to: number } }): Promise<DunningCustomerInput[]> {
  const { customerIds, range } = scope;
  const items = await tx.items.allOpen(customerIds ? { customerIds } : range ? { customerIdRange: range } : {});
  const ids = [...new Set(items.map((i) => i.customerId))];
  const customers = new Map((await tx.customers.byIds(ids)).map((c): [number, Customer] => [c.id, c]));
  const holds = await tx.holds.list(customerIds || range ? { customerIds: ids } : {});
  const held = heldByItem(holds);
  // the disputes' numbers are said only for the items they hold whole (left out of the run)
  const whole = new Set(items.filter((i) => i.kind === "invoice" && i.openAmount > 0 && (held.get(i.id) ?? 0) >= i.openAmount).map((i) => i.id));
  const wholeHolds = holds.filter((h) => whole.has(h.itemId));
  const numbers = await disputeNumbers(tx, [...new Set(wholeHolds.map((h) => h.disputeId))]);
  const heldBy = new Map<number, string[]>();
  for (const h of wholeHolds) {
    const n = numbers.get(h.disputeId);
    const list = heldBy.get(h.itemId) ?? [];
    if (n && !list.includes(n)) heldBy.set(h.itemId, [...list, n].sort());
  }
  const flagged = new Set(settings.customerPolicy === "flag" ? await tx.disputes.flaggedCustomers(customerIds || range ? ids : undefined) : []);
  const byCustomer = new Map<number, { item: (typeof items)[number]; heldAmount: number; heldBy: string[] }[]>();
  for (const item of items) {
    const list = byCustomer.get(item.customerId) ?? [];
    list.push({ item, heldAmount: held.get(item.id) ?? 0, heldBy: heldBy.get(item.id) ?? [] }); // clamped to what can be held by the domain (planDunningRun)
    byCustomer.set(item.customerId, list);
  }
  return [...byCustomer].map(([id, list]) => ({ customer: customers.get(id)!, flagged: flagged.has(id), items: list }));
}

async function plan(tx: Repos, input: { on: string; mode: "item" | "account"; customerRefs?: string[] | undefined }): Promise<DunningPlan> {
  const settings = await tx.settings.get();
  const customerIds = input.customerRefs?.length ? (await tx.customers.byRefs(input.customerRefs)).map((c) => c.id) : undefined;
  return planDunningRun({ on: input.on, mode: input.mode, scenario: settings.scenario, customers: await dunningInput(tx, settings, customerIds ? { customerIds } : {}) });
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

export const PREVIEW_MAX_PAGE = 500;
export const PREVIEW_DEFAULT_PAGE = 100;
/** Customers read (items, holds, flags) per query within a page, the event loop served between two. */
const PREVIEW_CHUNK = 25;

export interface DunningPreviewPage extends DunningPlan {
  /** the cursor of the next page of customers; null on the last one */
  next: string | null;
}

/** A preview cursor: the id of the page's last customer, opaque to callers. */
const encodePreviewCursor = (customerId: number): string => Buffer.from(JSON.stringify(["preview", customerId])).toString("base64url");

/** The customer id after which the page starts, or null when `cursor` is not one this preview gave. */
export function readPreviewCursor(cursor: string): number | null {
  try {
    const [tag, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (tag === "preview" && Number.isSafeInteger(id) && (id as number) >= 0) return id as number;
  } catch {
    /* not ours */
  }
  return null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The preview a page of customers at a time: the next `limit` customers with open items (1..500, default
 * 100, by customer id after `cursor`), only their items read, with the cursor of the following page. Letters
 * within a page by customer ref, as a whole preview. `customerRef`: that customer alone (no next page).
 */
export async function previewDunningPage(
  deps: Deps,
  input: { on?: string | undefined; mode?: "item" | "account" | undefined; customerRef?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<DunningPreviewPage> {
  const tx = deps.store;
  const settings = await tx.settings.get();
  const on = reportDate("on", input.on, todayIn(settings.timezone, deps.clock()));
  const mode = input.mode ?? settings.dunningMode;
  const limit = input.limit ?? PREVIEW_DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PREVIEW_MAX_PAGE) return invalid("limit", "list_limit_out_of_range", { max: PREVIEW_MAX_PAGE });
  const after = input.cursor === undefined ? undefined : (readPreviewCursor(input.cursor) ?? invalid("cursor", "list_cursor_invalid", {}));
  if (input.customerRef !== undefined) {
    const customer = await tx.customers.byRef(input.customerRef);
    const customers = customer ? await dunningInput(tx, settings, { customerIds: [customer.id] }) : [];
    return { ...planDunningRun({ on, mode, scenario: settings.scenario, customers }), next: null };
  }
  const ids = await tx.items.openCustomerIds({ ...(after !== undefined ? { afterCustomerId: after } : {}), limit: limit + 1 });
  const page = ids.slice(0, limit);
  const customers: DunningCustomerInput[] = [];
  for (let i = 0; i < page.length; i += PREVIEW_CHUNK) {
    // a chunk of customers per read (they hold open items between these ids, and no others do)
    const chunk = page.slice(i, i + PREVIEW_CHUNK);
    if (i > 0) await nextTurn();
    customers.push(...(await dunningInput(tx, settings, { range: { from: chunk[0]!, to: chunk[chunk.length - 1]! } })));
  }
  const last = page[page.length - 1];
  return { ...planDunningRun({ on, mode, scenario: settings.scenario, customers }), next: ids.length > limit && last !== undefined ? encodePreviewCursor(last) : null };
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
