import { fail, invalid } from "../domain/errors.ts";
import { checkLength, REASON_DAYS } from "../domain/limits.ts";
import { assertCan } from "../domain/permissions.ts";
import { normalizeSearch } from "../domain/search.ts";
import { PRIORITIES, type Reason } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import type { ReasonInput, Reasons } from "./ports.ts";

// Dispute reasons (motifs): a configurable list preloaded with defaults; renamed, reordered,
// deactivated — never deleted while used (there is no delete at all: deactivate instead).

export const DEFAULT_REASONS: ReasonInput[] = [
  { code: "price", labelFr: "Litige prix", labelEn: "Price dispute", followUpDays: 5, slaDays: 20, priority: "normal" },
  { code: "quantity", labelFr: "Litige quantité", labelEn: "Quantity dispute", followUpDays: 5, slaDays: 20, priority: "normal" },
  { code: "quality", labelFr: "Qualité / produit défectueux", labelEn: "Quality / defective product", followUpDays: 3, slaDays: 30, priority: "high" },
  { code: "delivery", labelFr: "Non livré / livraison en retard", labelEn: "Not delivered / late delivery", followUpDays: 3, slaDays: 15, priority: "high" },
  { code: "duplicate", labelFr: "Double facturation", labelEn: "Duplicate billing", followUpDays: 3, slaDays: 10, priority: "normal" },
  { code: "missing_po", labelFr: "Bon de commande manquant", labelEn: "Missing purchase order", followUpDays: 5, slaDays: 15, priority: "low" },
  { code: "wrong_entity", labelFr: "Mauvaise entité facturée", labelEn: "Wrong billed entity", followUpDays: 5, slaDays: 15, priority: "normal" },
  { code: "service", labelFr: "Prestation non réalisée", labelEn: "Service not rendered", followUpDays: 3, slaDays: 30, priority: "high" },
  { code: "already_paid", labelFr: "Déjà payé", labelEn: "Already paid", followUpDays: 2, slaDays: 7, priority: "normal" },
  { code: "credit_expected", labelFr: "Avoir attendu", labelEn: "Credit note expected", followUpDays: 5, slaDays: 20, priority: "normal" },
  { code: "other", labelFr: "Autre", labelEn: "Other", followUpDays: 7, slaDays: 30, priority: "normal" },
].map((r, i) => ({ ...r, sortOrder: (i + 1) * 10, holdsDunning: true, active: true }) as ReasonInput);

/** Loads the default reasons into an empty list (first start). */
export async function ensureDefaultReasons(reasons: Reasons): Promise<number> {
  if ((await reasons.list()).length) return 0;
  for (const r of DEFAULT_REASONS) await reasons.create(r);
  return DEFAULT_REASONS.length;
}

export function listReasons(deps: Deps, input: { activeOnly?: boolean } = {}): Promise<Reason[]> {
  return deps.store.reasons.list(input);
}

/** Type-ahead over reasons: code and labels, accent- and case-insensitive (as customers are searched). */
export async function searchReasons(deps: Deps, input: { q: string; activeOnly?: boolean; limit?: number }): Promise<Reason[]> {
  const q = normalizeSearch(input.q);
  const all = await deps.store.reasons.list({ activeOnly: input.activeOnly ?? false });
  return all.filter((r) => !q || normalizeSearch(`${r.code} ${r.labelFr} ${r.labelEn}`).includes(q)).slice(0, input.limit ?? 100);
}

const CODE = /^[a-z][a-z0-9_]{1,39}$/;

/** What a new reason gets for what it leaves out. */
export const REASON_DEFAULTS = { active: true, sortOrder: 0, followUpDays: 7, slaDays: 30, priority: "normal", holdsDunning: true } as const satisfies Partial<ReasonInput>;

/** The settings of a reason, as every adapter may send them: labels, order, days (REASON_DAYS). */
function checkReason(r: Partial<Omit<ReasonInput, "code">>): void {
  for (const field of ["labelFr", "labelEn"] as const) {
    const label = r[field];
    if (label === undefined) continue;
    if (!label.trim()) invalid(field, "reason_label_required", {});
    checkLength(field, label.trim(), "reasonLabel");
  }
  if (r.sortOrder !== undefined && !Number.isSafeInteger(r.sortOrder)) invalid("sortOrder", "reason_sort_order_invalid", {});
  for (const setting of ["followUpDays", "slaDays"] as const) {
    const value = r[setting];
    const { min, max } = REASON_DAYS[setting];
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) invalid(setting, "reason_days_out_of_range", { setting, min, max });
  }
  if (r.priority !== undefined && !(PRIORITIES as readonly string[]).includes(r.priority)) invalid("priority", "priority_invalid", {});
}

const trimmed = <T extends Partial<ReasonInput>>(r: T): T => ({ ...r, ...(r.labelFr !== undefined ? { labelFr: r.labelFr.trim() } : {}), ...(r.labelEn !== undefined ? { labelEn: r.labelEn.trim() } : {}) });

export async function createReason(deps: Deps, input: ReasonInput & { byEmail?: string | undefined }): Promise<Reason> {
  return deps.store.transaction(async (tx) => {
    assertCan(await actor(tx, input.byEmail), "admin");
    checkLength("code", input.code, "reasonCode");
    if (!CODE.test(input.code)) invalid("code", "reason_code_format", {});
    const { byEmail: _by, ...given } = input;
    const data = { ...REASON_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as ReasonInput;
    checkReason(data);
    return tx.reasons.create(trimmed(data));
  });
}

export async function updateReason(deps: Deps, input: { code: string; byEmail?: string | undefined; patch: Partial<Omit<ReasonInput, "code">> }): Promise<Reason> {
  return deps.store.transaction(async (tx) => {
    assertCan(await actor(tx, input.byEmail), "admin");
    const r = await tx.reasons.byCode(input.code);
    if (!r) return fail("not_found", "reason_not_found", { code: input.code });
    const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined)) as Partial<Omit<ReasonInput, "code">>;
    checkReason(patch);
    return tx.reasons.update(input.code, trimmed(patch));
  });
}
