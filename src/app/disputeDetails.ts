import { heldByItem } from "../domain/holds.ts";
import { disputedTotal } from "../domain/lifecycle.ts";
import type { Customer, Dispute, Item, Reason, TimelineEvent } from "../domain/types.ts";
import type { Absence, FollowUpRecord, Repos } from "./ports.ts";

// What every adapter shows of a dispute: the dispute with its customer, reason, items and holds.
export interface DisputeDetails {
  dispute: Dispute;
  customer: Customer;
  reason: Reason;
  items: { item: Item; amount: number; held: number }[];
  disputedAmount: number;
  heldAmount: number;
  /** Every disputed item has been paid meanwhile: suggest resolving as "customer paid". */
  allPaid: boolean;
  timeline?: TimelineEvent[];
  /** the overdue episode of an open dispute (first missed follow-up, reminders unanswered); getDispute reads it */
  followUp?: Pick<FollowUpRecord, "firstMissedOn" | "unanswered"> | null;
  /** notices to the owner that a chat platform could not deliver (dead queue rows), with the reason */
  undelivered?: { email: string; channel: string; reason: string; id: string }[];
  /** the owner's absences (issue 11): a card rendered while they are away says until when, and who their deputy is; getDispute reads them */
  ownerAbsences?: Absence[];
}

export async function loadDetails(tx: Repos, disputes: Dispute[], opts: { timeline?: boolean } = {}): Promise<DisputeDetails[]> {
  if (!disputes.length) return [];
  const ids = disputes.map((d) => d.id);
  const [customers, reasons, items, holds] = await Promise.all([
    tx.customers.byIds([...new Set(disputes.map((d) => d.customerId))]),
    tx.reasons.list(),
    tx.items.byIds([...new Set(disputes.flatMap((d) => d.items.map((i) => i.itemId)))]),
    tx.holds.list({ disputeIds: ids }),
  ]);
  const c = new Map(customers.map((x) => [x.id, x]));
  const r = new Map(reasons.map((x) => [x.id, x]));
  const it = new Map(items.map((x) => [x.id, x]));
  const out: DisputeDetails[] = [];
  for (const d of disputes) {
    const mine = holds.filter((h) => h.disputeId === d.id);
    const held = heldByItem(mine.map((h) => ({ ...h })));
    const lines = d.items.map((di) => ({ item: it.get(di.itemId)!, amount: di.amount, held: held.get(di.itemId) ?? 0 }));
    out.push({
      dispute: d,
      customer: c.get(d.customerId)!,
      reason: r.get(d.reasonId)!,
      items: lines,
      disputedAmount: disputedTotal(d),
      heldAmount: mine.reduce((s, h) => s + h.amount, 0),
      allPaid: d.status === "open" && lines.length > 0 && lines.every((l) => l.item.openAmount <= 0),
      ...(opts.timeline ? { timeline: await tx.disputes.timeline(d.id) } : {}),
    });
  }
  return out;
}
