import type { Deps } from "../app/context.ts";
import { listHolds, previewDunning } from "../app/dunning.ts";
import { announceLedgerChanges } from "../app/ledgerChanged.ts";
import { customerStatement } from "../app/reports.ts";
import { isIsoDate, todayIn } from "../domain/dates.ts";
import { fail, invalid } from "../domain/errors.ts";
import { formatAmount, parseAmount } from "../domain/money.ts";
import type { LedgerImporter } from "../http/api.ts";
import { planJson } from "../http/serialize.ts";

// The sandbox's collections panel: what the embedded collections module holds and what its next run
// would send (per item or per account), read through the same use cases as the REST API; and the one
// ledger action the story needs, importing a credit note, through the same import + ledgerChanged path
// as `POST /api/v1/items`. Amounts leave as decimal strings with their currency; the page formats them.

export interface CollectionsInput {
  customerRef?: string | undefined;
  mode?: "item" | "account" | undefined;
}

export async function collectionsView(deps: Deps, input: CollectionsInput) {
  const settings = await deps.store.settings.get();
  const mode = input.mode ?? settings.dunningMode;
  const customers = await deps.store.customers.list();
  const customer = input.customerRef ? (customers.find((c) => c.ref === input.customerRef) ?? null) : null;
  const holds = await listHolds(deps);
  const open = await deps.store.disputes.list({ status: "open" });
  const plan = planJson(await previewDunning(deps, { mode, customerRefs: customer ? [customer.ref] : undefined }));
  const names = new Map(customers.map((c) => [c.ref, c.name]));
  const statement = customer ? await customerStatement(deps, { customerRef: customer.ref }) : null;
  const holdsOf = new Map<string, number>();
  for (const h of holds) holdsOf.set(h.customerRef, (holdsOf.get(h.customerRef) ?? 0) + 1);
  const disputesOf = new Map<number, number>();
  for (const d of open) disputesOf.set(d.customerId, (disputesOf.get(d.customerId) ?? 0) + 1);
  return {
    on: plan.on,
    mode,
    companyMode: settings.dunningMode,
    timezone: settings.timezone,
    customer: customer ? { ref: customer.ref, name: customer.name, currency: customer.currency } : null,
    customers: customers
      .map((c) => ({ ref: c.ref, name: c.name, currency: c.currency, holds: holdsOf.get(c.ref) ?? 0, openDisputes: disputesOf.get(c.id) ?? 0 }))
      .sort((a, b) => a.ref.localeCompare(b.ref)),
    holds: holds
      .map((h) => ({
        itemRef: h.itemRef,
        customerRef: h.customerRef,
        customerName: names.get(h.customerRef) ?? "",
        disputeNumber: h.disputeNumber,
        amount: formatAmount(h.amount, h.currency),
        currency: h.currency,
        kind: h.kind,
        since: h.since.toISOString(),
      }))
      .sort((a, b) => a.customerRef.localeCompare(b.customerRef) || a.itemRef.localeCompare(b.itemRef) || a.disputeNumber.localeCompare(b.disputeNumber)),
    preview: { ...plan, letters: plan.letters.map((l) => ({ ...l, customerName: names.get(l.customerRef) ?? "" })) },
    statement: statement
      ? statement.lines
          .filter((l) => l.item.openAmount !== 0)
          .map((l) => ({
            ref: l.item.ref,
            kind: l.item.kind,
            dueOn: l.item.dueOn,
            level: l.item.dunningLevel,
            currency: l.item.currency,
            open: formatAmount(l.item.openAmount, l.item.currency),
            disputed: formatAmount(l.disputed, l.item.currency),
            held: formatAmount(l.held, l.item.currency),
            dunnable: formatAmount(l.item.kind === "invoice" ? Math.max(l.item.openAmount - l.held, 0) : l.item.openAmount, l.item.currency),
            disputes: l.disputeNumbers,
            status: l.disputeStatus,
          }))
      : null,
  };
}

export interface CreditNoteInput {
  customerRef: string;
  ref: string;
  /** positive decimal: the credit note's amount */
  amount: string;
  issuedOn?: string | undefined;
}

/** Imports one credit note into the ledger, exactly as `POST /api/v1/items` would, and tells the holds. */
export async function importCreditNote(deps: Deps, ledger: LedgerImporter, input: CreditNoteInput) {
  const customer = await deps.store.customers.byRef(input.customerRef);
  if (!customer) return fail("not_found", "customer_not_found", { ref: input.customerRef }, { field: "customerRef" });
  const ref = input.ref.trim();
  if (!ref) return invalid("ref", "credit_note_ref_required", {});
  const units = parseAmount(input.amount, customer.currency, "amount");
  if (units <= 0) return invalid("amount", "credit_note_amount_not_positive", {});
  if (input.issuedOn && !isIsoDate(input.issuedOn)) return invalid("issuedOn", "date_invalid", { field: "issuedOn", value: input.issuedOn });
  const on = input.issuedOn || todayIn((await deps.store.settings.get()).timezone, deps.clock());
  const amount = formatAmount(-units, customer.currency);
  const row = { ref, customerRef: customer.ref, kind: "credit_note", issuedOn: on, dueOn: on, amount, openAmount: amount, currency: customer.currency };
  const result = await ledger({ text: JSON.stringify([row]), format: "json", kind: "items" });
  // holds and credit notes were applied in the import's transaction; the chat cards follow
  await announceLedgerChanges(deps, result.changedDisputeIds);
  const changed = result;
  return { rows: result.rows, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, creditNotesMatched: changed.creditNotesMatched, holdChanges: changed.holdChanges };
}
