import { fail, invalid } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Reason } from "../domain/types.ts";
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

const CODE = /^[a-z][a-z0-9_]{1,39}$/;

export async function createReason(deps: Deps, input: ReasonInput & { byEmail?: string | undefined }): Promise<Reason> {
  return deps.store.transaction(async (tx) => {
    assertCan(await actor(tx, input.byEmail), "admin");
    if (!CODE.test(input.code)) invalid("code", "reason_code_format", {});
    const { byEmail: _by, ...data } = input;
    return tx.reasons.create(data);
  });
}

export async function updateReason(deps: Deps, input: { code: string; byEmail?: string | undefined; patch: Partial<Omit<ReasonInput, "code">> }): Promise<Reason> {
  return deps.store.transaction(async (tx) => {
    assertCan(await actor(tx, input.byEmail), "admin");
    const r = await tx.reasons.byCode(input.code);
    if (!r) return fail("not_found", "reason_not_found", { code: input.code });
    return tx.reasons.update(input.code, input.patch);
  });
}
