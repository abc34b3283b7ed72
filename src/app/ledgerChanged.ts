import { creditNoteReceived } from "../domain/lifecycle.ts";
import { emit, type Deps, type DisputeChanged } from "./context.ts";
import { syncHolds } from "./holdsSync.ts";
import { queueChatChange } from "./chatQueue.ts";
import { persistChange } from "./mutateDispute.ts";
import type { Repos } from "./ports.ts";

// After the ledger changed (import, REST upsert): credit notes that disputes were waiting for release
// the conceded amounts, and the holds of the customers concerned are re-derived (payments shrink them,
// items imported later join a customer-level hold). The ledger import runs `applyLedgerChange` inside
// its own transaction, so an import is never committed without its holds.
export interface LedgerChange {
  customerIds: number[];
  creditNotes: { customerId: number; ref: string }[];
}

/** What the ledger's effects need of the dependencies (the import's worker thread has no more). */
export type LedgerDeps = Pick<Deps, "collectionsMode" | "newId" | "chatQueue">;

export interface LedgerEffects {
  holdChanges: number;
  creditNotesMatched: number;
  /** Disputes changed (credit note received): the chat cards to bring up to date after the commit. */
  changedDisputeIds: number[];
  /** The same changes, for the listeners of this process. */
  told: DisputeChanged[];
}

/** Inside the caller's transaction: awaited credit notes matched, holds of the touched customers re-derived, outbox written. */
export async function applyLedgerChange(tx: Repos, deps: LedgerDeps, change: LedgerChange, now: Date): Promise<LedgerEffects> {
  const told: DisputeChanged[] = [];
  let matched = 0;
  let moved = 0;
  const byCustomer = new Map<number, string[]>();
  for (const cn of change.creditNotes) byCustomer.set(cn.customerId, [...(byCustomer.get(cn.customerId) ?? []), cn.ref]);
  for (const [customerId, refs] of byCustomer) {
    for (const d of await tx.disputes.awaitingCreditNotes(customerId, refs)) {
      const c = creditNoteReceived(d, now);
      moved += await persistChange(tx, deps, d, c, now);
      await queueChatChange(tx, deps, { dispute: c.dispute, before: d, events: c.events, origin: {} }, now);
      told.push({ kind: "dispute.changed", dispute: c.dispute, before: d, events: c.events, actor: null, origin: {} });
      matched++;
    }
  }
  const concerned = change.customerIds.length ? await tx.disputes.customersWithHoldingDisputes(change.customerIds) : [];
  const holdChanges = await syncHolds(tx, deps, concerned, now);
  return { holdChanges: moved + holdChanges.length, creditNotesMatched: matched, changedDisputeIds: told.map((t) => t.dispute.id), told };
}

export async function ledgerChanged(deps: Deps, change: LedgerChange): Promise<{ holdChanges: number; creditNotesMatched: number }> {
  const now = deps.clock();
  const r = await deps.store.transaction((tx) => applyLedgerChange(tx, deps, change, now));
  for (const t of r.told) await emit(deps, t);
  return { holdChanges: r.holdChanges, creditNotesMatched: r.creditNotesMatched };
}

/** After an import committed elsewhere (a worker thread): tells this process's listeners about the disputes it changed. */
export async function announceLedgerChanges(deps: Deps, disputeIds: readonly number[]): Promise<void> {
  const changed: Awaited<ReturnType<Deps["store"]["disputes"]["byId"]>>[] = [];
  for (const id of disputeIds) {
    const d = await deps.store.disputes.byId(id);
    if (d) changed.push(d);
  }
  // The import's own transaction wrote no chat rows (its writer has no chat platforms): the cards are
  // brought up to date (a refresh, no thread lines: the timeline lines are the import's) from here.
  if (changed.length && deps.chatQueue?.length) {
    const now = deps.clock();
    await deps.store.transaction(async (tx) => {
      for (const d of changed) if (d) await queueChatChange(tx, deps, { dispute: d, before: d, events: [], origin: {} }, now);
    });
  }
  for (const d of changed) if (d) await emit(deps, { kind: "dispute.changed", dispute: d, before: null, events: [], actor: null, origin: {} });
}

/**
 * Re-derives every hold, healing anything left behind (an import written by an older version, a hand
 * edit). Run in the background at start: customers go `batch` at a time, each batch in its own short
 * transaction (imports and use cases go in between), the event loop free between batches; `signal`
 * stops it between two batches (shutdown). Returns how many holds changed.
 */
export async function reconcileHolds(deps: Deps, opts: { batch?: number; signal?: AbortSignal } = {}): Promise<number> {
  const batch = opts.batch ?? 200;
  const ids = await deps.store.disputes.customersWithHoldingDisputes();
  let changed = 0;
  for (let i = 0; i < ids.length && !opts.signal?.aborted; i += batch) {
    const chunk = ids.slice(i, i + batch);
    changed += await deps.store.transaction(async (tx) => (await syncHolds(tx, deps, chunk, deps.clock())).length);
    await new Promise<void>((r) => setImmediate(r));
  }
  return changed;
}
