import { addDays, todayIn, yearIn } from "../domain/dates.ts";
import { AccordError, fail, invalid } from "../domain/errors.ts";
import { checkFollowUp, openDispute as open } from "../domain/lifecycle.ts";
import { assertCan, mayOwnDisputes } from "../domain/permissions.ts";
import type { Dispute, Priority, Scope } from "../domain/types.ts";
import { actor, person } from "./actors.ts";
import { emit, type ChangeOrigin, type Deps } from "./context.ts";
import { queueChatChange } from "./chatQueue.ts";
import { persistChange } from "./mutateDispute.ts";
import { selectItems, type Selection } from "./selectItems.ts";

export interface OpenDisputeInput {
  customerRef: string;
  /** "customer" flags the whole customer (no items); "items" (the default when items are given) disputes the items. */
  scope?: Scope | undefined;
  /** The disputed items (amount: a decimal string in the item's currency; default: the item's undisputed remainder); at least one for scope "items". */
  items?: Selection | undefined;
  reasonCode: string;
  statement: string;
  ownerEmail?: string | undefined;
  openedByEmail: string;
  followUpOn?: string | undefined;
  priority?: Priority | undefined;
  /** where the request comes from, passed on to the listeners (e.g. notifyOwner: false) */
  origin?: ChangeOrigin | undefined;
  /** Replays of the same key return the dispute created the first time. */
  idempotency?: { key: string; hash: string } | undefined;
}

export interface OpenDisputeResult {
  dispute: Dispute;
  replayed: boolean;
}

const SCOPE = "POST /disputes";

/**
 * What is missing from a new dispute, every field at once (a form shows them all in one go): the customer,
 * the items (scope "items"), the reason, the customer's words. openDispute refuses the first of them.
 */
export function missingFields(input: Pick<OpenDisputeInput, "customerRef" | "scope" | "items" | "reasonCode" | "statement">): AccordError[] {
  const out: AccordError[] = [];
  const missing = (field: string, key: "customer_required" | "items_required" | "reason_required" | "statement_required") =>
    out.push(new AccordError("validation", { key, params: {} }, { field }));
  if (!input.customerRef.trim()) missing("customerRef", "customer_required");
  if ((input.scope ?? (input.items !== undefined ? "items" : "customer")) === "items" && !input.items?.length) missing("items", "items_required");
  if (!input.reasonCode.trim()) missing("reasonCode", "reason_required");
  if (!input.statement.trim()) missing("statement", "statement_required");
  return out;
}

export async function openDispute(deps: Deps, input: OpenDisputeInput): Promise<OpenDisputeResult> {
  const now = deps.clock();
  const result = await deps.store.transaction(async (tx) => {
    const who = await actor(tx, input.openedByEmail, "openedByEmail");
    assertCan(who, "open");
    const missing = missingFields(input);
    if (missing.length) throw missing[0];
    const customer = await tx.customers.byRef(input.customerRef.trim());
    if (!customer) return invalid("customerRef", "customer_not_found", { ref: input.customerRef });
    // Concurrent openings on one customer (and replays of one Idempotency-Key) take turns from here.
    await tx.customers.lock([customer.id]);
    if (input.idempotency) {
      const seen = await tx.idempotency.get(input.idempotency.key, SCOPE);
      if (seen) {
        if (seen.requestHash !== input.idempotency.hash) {
          fail("idempotency_mismatch", "idempotency_mismatch", {}, { field: "Idempotency-Key" });
        }
        const d = await tx.disputes.byId((JSON.parse(seen.body) as { disputeId: number }).disputeId);
        if (d) return { dispute: d, replayed: true, events: [], who: null };
      }
    }
    const reason = await tx.reasons.byCode(input.reasonCode);
    if (!reason) return invalid("reasonCode", "reason_not_found", { code: input.reasonCode });
    const ownerEmail = input.ownerEmail?.trim() || customer.salesRepEmail;
    if (!ownerEmail) return invalid("ownerEmail", "no_sales_rep", { ref: customer.ref });
    const owner = await person(tx, ownerEmail, "ownerEmail");
    if (!mayOwnDisputes(owner)) invalid("ownerEmail", "may_not_own", { email: owner.email, role: owner.role });
    const settings = await tx.settings.get();
    const today = todayIn(settings.timezone, now);
    if (input.followUpOn !== undefined) checkFollowUp("followUpOn", input.followUpOn, today);

    // An empty item list never means "the whole customer": that is asked for with scope "customer".
    const scope: Scope = input.scope ?? (input.items !== undefined ? "items" : "customer");
    if (scope === "customer" && input.items?.length) invalid("items", "customer_scope_has_items", {});
    if (scope === "items" && !input.items?.length) invalid("items", "items_required", {});
    let items: Dispute["items"] = [];
    if (scope === "items") {
      items = await selectItems(tx, customer, input.items!);
    } else {
      const existing = await tx.disputes.openCustomerLevel(customer.id);
      if (existing) fail("conflict", "customer_already_flagged", { ref: customer.ref, number: existing.number }, { field: "customerRef", details: { disputes: [existing.number] } });
    }

    const year = yearIn(settings.timezone, now);
    const seq = await tx.counters.next(`dispute-${year}`);
    const number = `D-${year}-${String(seq).padStart(4, "0")}`;
    const change = open(
      {
        id: 0,
        number,
        customer,
        scope,
        reason,
        ...(input.priority ? { priority: input.priority } : {}),
        statement: input.statement,
        ownerEmail: owner.email,
        openedByEmail: who.email,
        followUpOn: input.followUpOn ?? addDays(today, reason.followUpDays),
        slaDueOn: addDays(today, reason.slaDays),
        items,
      },
      now,
    );
    const created = await tx.disputes.create(change.dispute);
    const stored = { ...change, dispute: created };
    await persistChange(tx, deps, null, stored, now);
    await queueChatChange(tx, deps, { dispute: created, before: null, events: change.events, origin: input.origin ?? {}, opened: true }, now);
    if (input.idempotency) {
      await tx.idempotency.put({ key: input.idempotency.key, scope: SCOPE, requestHash: input.idempotency.hash, status: 201, body: JSON.stringify({ disputeId: created.id }), createdAt: now });
    }
    return { dispute: created, replayed: false, events: change.events, who };
  });
  if (!result.replayed) await emit(deps, { kind: "dispute.changed", dispute: result.dispute, before: null, events: result.events, actor: result.who, origin: input.origin ?? {} });
  return { dispute: result.dispute, replayed: result.replayed };
}

