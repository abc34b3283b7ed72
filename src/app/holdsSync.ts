import { computeHolds, heldByItem } from "../domain/holds.ts";
import { formatAmount } from "../domain/money.ts";
import type { Dispute } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import type { HoldChange, Repos } from "./ports.ts";

// Recomputes the materialised holds of some customers from the domain rules, inside the caller's
// transaction, and (webhook mode) writes what changed to the outbox in that same transaction.

/** What writing effects needs: the collections mode (webhooks or not) and ids. */
export type EffectDeps = Pick<Deps, "collectionsMode" | "newId">;

export type WebhookType = "dunning.paused" | "dunning.resumed" | "customer.flagged" | "customer.unflagged";

export async function syncHolds(tx: Repos, deps: EffectDeps, customerIds: number[], now: Date): Promise<HoldChange[]> {
  const ids = [...new Set(customerIds)];
  if (!ids.length) return [];
  await tx.customers.lock(ids);
  const [items, disputes, reasons, settings] = await Promise.all([
    tx.items.openForHolds(ids),
    tx.disputes.holdingFor(ids),
    tx.reasons.list(),
    tx.settings.get(),
  ]);
  const rows = computeHolds({ items, disputes, reasons: new Map(reasons.map((r) => [r.id, r])), customerPolicy: settings.customerPolicy });
  const changes = await tx.holds.replaceForCustomers(ids, rows, now);
  if (deps.collectionsMode === "webhook" && changes.length) await queueHoldChanges(tx, deps, changes, now);
  return changes;
}

async function queueHoldChanges(tx: Repos, deps: EffectDeps, changes: HoldChange[], now: Date): Promise<void> {
  const byDispute = new Map<number, HoldChange[]>();
  for (const c of changes) byDispute.set(c.disputeId, [...(byDispute.get(c.disputeId) ?? []), c]);
  const items = new Map((await tx.items.byIds([...new Set(changes.map((c) => c.itemId))])).map((i) => [i.id, i]));
  for (const [disputeId, list] of byDispute) {
    const d = await tx.disputes.byId(disputeId);
    if (!d) continue;
    const paused = list.filter((c) => c.after > c.before);
    const resumed = list.filter((c) => c.after < c.before);
    for (const [type, group] of [["dunning.paused", paused], ["dunning.resumed", resumed]] as const) {
      if (!group.length) continue;
      const lines = group.map((c) => ({ ref: items.get(c.itemId)?.ref ?? String(c.itemId), heldAmount: c.after }));
      await queueMessage(tx, deps, d, type, lines.sort((x, y) => x.ref.localeCompare(y.ref)), now);
    }
  }
}

export async function queueMessage(
  tx: Repos,
  deps: EffectDeps,
  d: Dispute,
  type: WebhookType,
  items: { ref: string; heldAmount: number }[],
  now: Date,
): Promise<void> {
  if (deps.collectionsMode !== "webhook") return;
  const [customer, reason] = await Promise.all([tx.customers.byId(d.customerId), tx.reasons.byId(d.reasonId)]);
  const id = deps.newId();
  const payload = {
    id,
    type,
    occurredAt: now.toISOString(),
    dispute: { number: d.number, customerRef: customer?.ref ?? "", reasonCode: reason?.code ?? "" },
    items: items.map((i) => ({ ref: i.ref, heldAmount: formatAmount(i.heldAmount, d.currency) })),
  };
  await tx.outbox.add([{ id, type, orderKey: d.number, payload: JSON.stringify(payload), createdAt: now }]);
}

export { heldByItem };
