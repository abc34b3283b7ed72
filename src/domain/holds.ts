import type { Dispute, Item, Reason } from "./types.ts";

// What is held from dunning, derived from the disputes and the ledger (README.md "Domain rules", holds):
// - an open item-level dispute whose reason holds dunning holds each disputed amount;
// - an open customer-level dispute holds every open invoice of the customer under policy `hold`
//   (items imported later included), nothing under policy `flag` (its letters are marked L instead);
// - a resolved dispute with outcome `credit_note` keeps the conceded amount held until the credit note
//   with that reference is in the ledger;
// - a resolved dispute with outcome `litigation` keeps its holds until they are released explicitly;
// - per item, holds never exceed the open amount: a payment shrinks them, the oldest dispute keeping its share first.

export type HoldKind = "dispute" | "customer" | "credit_pending" | "litigation";

export interface HoldRow {
  itemId: number;
  disputeId: number;
  amount: number;
  kind: HoldKind;
}

/**
 * What the hold rules read of a dispute: a whole Dispute is one, and the store's `holdingFor` loads only
 * these columns (a customer's every change re-derives its holds from all its holding disputes).
 */
export type HoldingDispute = Pick<Dispute, "id" | "customerId" | "scope" | "status" | "reasonId" | "items" | "creditNoteSeenAt" | "holdsReleasedAt" | "openedAt"> & {
  resolution: Pick<NonNullable<Dispute["resolution"]>, "outcome" | "concededAmount"> | null;
};

/** What the hold rules read of an item: a whole Item is one (the store's `items.openForHolds` loads only these). */
export type HoldingItem = Pick<Item, "id" | "customerId" | "kind" | "openAmount">;

export interface HoldInput {
  items: HoldingItem[];
  disputes: HoldingDispute[];
  reasons: Map<number, Reason>;
  customerPolicy: "flag" | "hold";
}

/** Which disputes can hold anything at all (the repositories load only these). */
export function mayHold(d: Pick<HoldingDispute, "status" | "resolution" | "creditNoteSeenAt" | "holdsReleasedAt">): boolean {
  if (d.status === "open") return true;
  if (d.status !== "resolved" || !d.resolution) return false;
  if (d.resolution.outcome === "credit_note") return !d.creditNoteSeenAt && (d.resolution.concededAmount ?? 0) > 0;
  if (d.resolution.outcome === "litigation") return !d.holdsReleasedAt;
  return false;
}

/** The kind of a holding dispute's holds; null: it holds nothing (its reason does not hold dunning). */
function kindOf(d: HoldingDispute, holdsDunning: boolean): HoldKind | null {
  if (d.status === "open") return holdsDunning ? (d.scope === "customer" ? "customer" : "dispute") : null;
  return d.resolution?.outcome === "litigation" ? "litigation" : "credit_pending";
}

function wanted(d: HoldingDispute, input: HoldInput, openInvoices: HoldingItem[]): HoldRow[] {
  if (!mayHold(d)) return [];
  const kind = kindOf(d, input.reasons.get(d.reasonId)?.holdsDunning ?? true);
  if (!kind) return [];
  if (d.scope === "customer") {
    if (input.customerPolicy !== "hold" || kind === "credit_pending") return [];
    return openInvoices.filter((it) => it.customerId === d.customerId).map((it) => ({ itemId: it.id, disputeId: d.id, amount: it.openAmount, kind }));
  }
  if (kind === "credit_pending") {
    let left = d.resolution?.concededAmount ?? 0;
    const rows: HoldRow[] = [];
    for (const di of d.items) {
      if (left <= 0) break;
      const amount = Math.min(left, di.amount);
      left -= amount;
      rows.push({ itemId: di.itemId, disputeId: d.id, amount, kind });
    }
    return rows;
  }
  return d.items.map((di) => ({ itemId: di.itemId, disputeId: d.id, amount: di.amount, kind }));
}

export function computeHolds(input: HoldInput): HoldRow[] {
  const byId = new Map(input.items.map((i) => [i.id, i]));
  const openInvoices = input.items.filter((i) => i.kind === "invoice" && i.openAmount > 0);
  const ordered = [...input.disputes].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.id - b.id);
  const room = new Map<number, number>();
  const out: HoldRow[] = [];
  for (const d of ordered) {
    for (const row of wanted(d, input, openInvoices)) {
      const item = byId.get(row.itemId);
      if (!item) continue;
      const left = room.get(item.id) ?? Math.max(item.openAmount, 0);
      const amount = Math.min(left, row.amount);
      room.set(item.id, left - amount);
      if (amount > 0) out.push({ ...row, amount });
    }
  }
  return out;
}

/** Held amount per item id. */
export function heldByItem(holds: HoldRow[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const h of holds) m.set(h.itemId, (m.get(h.itemId) ?? 0) + h.amount);
  return m;
}
