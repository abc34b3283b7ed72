import type { HoldKind, HoldRow } from "./holds.ts";

// What the store must write to turn the stored rows into the wanted ones: pure, so the rule exists once
// (the store only carries the result out).

export interface StoredHold {
  itemId: number;
  disputeId: number;
  amount: number;
  kind: HoldKind;
}

export interface HoldDiff {
  insert: HoldRow[];
  update: HoldRow[];
  remove: StoredHold[];
  /** Amounts that moved, per item and dispute (a change of kind alone is not one). */
  changes: { itemId: number; disputeId: number; before: number; after: number }[];
}

const key = (itemId: number, disputeId: number): string => `${itemId}:${disputeId}`;

export function diffHolds(stored: readonly StoredHold[], wanted: readonly HoldRow[]): HoldDiff {
  const before = new Map(stored.map((h) => [key(h.itemId, h.disputeId), h]));
  const out: HoldDiff = { insert: [], update: [], remove: [], changes: [] };
  const seen = new Set<string>();
  for (const w of wanted) {
    const k = key(w.itemId, w.disputeId);
    seen.add(k);
    const old = before.get(k);
    if (!old) {
      out.insert.push(w);
      out.changes.push({ itemId: w.itemId, disputeId: w.disputeId, before: 0, after: w.amount });
    } else if (old.amount !== w.amount || old.kind !== w.kind) {
      out.update.push(w);
      if (old.amount !== w.amount) out.changes.push({ itemId: w.itemId, disputeId: w.disputeId, before: old.amount, after: w.amount });
    }
  }
  for (const [k, old] of before) {
    if (seen.has(k)) continue;
    out.remove.push(old);
    out.changes.push({ itemId: old.itemId, disputeId: old.disputeId, before: old.amount, after: 0 });
  }
  return out;
}

export interface ItemAmount {
  itemId: number;
  amount: number;
}

/** The disputed items of a dispute: which rows to add, change and drop. */
export function diffDisputeItems(stored: readonly ItemAmount[], wanted: readonly ItemAmount[]): { insert: ItemAmount[]; update: ItemAmount[]; remove: number[] } {
  const have = new Map(stored.map((i) => [i.itemId, i.amount]));
  const want = new Map(wanted.map((i) => [i.itemId, i.amount]));
  const insert: ItemAmount[] = [];
  const update: ItemAmount[] = [];
  for (const [itemId, amount] of want) {
    const old = have.get(itemId);
    if (old === undefined) insert.push({ itemId, amount });
    else if (old !== amount) update.push({ itemId, amount });
  }
  const remove = [...have.keys()].filter((id) => !want.has(id));
  return { insert, update, remove };
}
