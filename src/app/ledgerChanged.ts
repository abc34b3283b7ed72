import { creditNoteReceived } from "../domain/lifecycle.ts";
import { emit, type Deps, type DisputeChanged } from "./context.ts";
import { syncHolds } from "./holdsSync.ts";
import { persistChange } from "./mutateDispute.ts";

// After the ledger changed (import, REST upsert): credit notes that disputes were waiting for release
// the conceded amounts, and the holds of the customers concerned are re-derived (payments shrink them,
// items imported later join a customer-level hold).
export interface LedgerChange {
  customerIds: number[];
  creditNotes: { customerId: number; ref: string }[];
}

export async function ledgerChanged(deps: Deps, change: LedgerChange): Promise<{ holdChanges: number; creditNotesMatched: number }> {
  const now = deps.clock();
  const told: DisputeChanged[] = [];
  const result = await deps.store.transaction(async (tx) => {
    let matched = 0;
    let moved = 0;
    const byCustomer = new Map<number, string[]>();
    for (const cn of change.creditNotes) byCustomer.set(cn.customerId, [...(byCustomer.get(cn.customerId) ?? []), cn.ref]);
    for (const [customerId, refs] of byCustomer) {
      for (const d of await tx.disputes.awaitingCreditNotes(customerId, refs)) {
        const c = creditNoteReceived(d, now);
        moved += await persistChange(tx, deps, d, c, now);
        told.push({ kind: "dispute.changed", dispute: c.dispute, before: d, events: c.events, actor: null });
        matched++;
      }
    }
    const holding = new Set(await tx.disputes.customersWithHoldingDisputes());
    const concerned = change.customerIds.filter((id) => holding.has(id));
    const holdChanges = await syncHolds(tx, deps, concerned, now);
    return { holdChanges: moved + holdChanges.length, creditNotesMatched: matched };
  });
  for (const t of told) await emit(deps, t);
  return result;
}

/** On start: re-derive every hold, healing anything a crash between an import and its hold sync left behind. */
export async function reconcileHolds(deps: Deps): Promise<number> {
  const now = deps.clock();
  return deps.store.transaction(async (tx) => (await syncHolds(tx, deps, await tx.disputes.customersWithHoldingDisputes(), now)).length);
}
