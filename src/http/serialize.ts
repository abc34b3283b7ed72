import type { DisputeDetails } from "../app/disputeDetails.ts";
import type { HoldView } from "../app/dunning.ts";
import type { DunningPlan } from "../domain/dunning.ts";
import { formatAmount } from "../domain/money.ts";
import type { Reason, TimelineEvent } from "../domain/types.ts";

// Domain -> the JSON contract of the REST API. Amounts are decimal strings; dates YYYY-MM-DD.

export function disputeJson(x: DisputeDetails) {
  const { dispute: d, customer, reason } = x;
  const money = (v: number) => formatAmount(v, d.currency);
  return {
    id: d.id,
    number: d.number,
    status: d.status,
    scope: d.scope,
    customerRef: customer.ref,
    customerName: customer.name,
    reasonCode: reason.code,
    priority: d.priority,
    statement: d.statement,
    ownerEmail: d.ownerEmail,
    openedByEmail: d.openedByEmail,
    followUpOn: d.followUpOn,
    slaDueOn: d.slaDueOn,
    items: x.items.map((i) => ({ ref: i.item.ref, amount: money(i.amount), heldAmount: money(i.held), openAmount: money(i.item.openAmount) })),
    disputedAmount: money(x.disputedAmount),
    heldAmount: money(x.heldAmount),
    currency: d.currency,
    version: d.version,
    openedAt: d.openedAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    ...(x.allPaid ? { suggestion: "customer_paid" } : {}),
    ...(d.resolution
      ? {
          outcome: d.resolution.outcome,
          resolution: {
            outcome: d.resolution.outcome,
            note: d.resolution.note,
            creditNoteRef: d.resolution.creditNoteRef,
            concededAmount: d.resolution.concededAmount === null ? null : money(d.resolution.concededAmount),
            rootCause: d.resolution.rootCause,
            creditNoteReceivedAt: d.creditNoteSeenAt?.toISOString() ?? null,
            holdsReleasedAt: d.holdsReleasedAt?.toISOString() ?? null,
          },
        }
      : {}),
    ...(d.closedAt ? { closedAt: d.closedAt.toISOString(), closedByEmail: d.closedByEmail } : {}),
    ...(x.timeline
      ? { timeline: x.timeline.map(timelineEventJson) }
      : {}),
  };
}

/** A timeline event; a reassignment says from whom and to whom (`fromEmail`, `toEmail`). */
function timelineEventJson(e: TimelineEvent) {
  const from = e.type === "reassigned" && typeof e.data?.from === "string" ? e.data.from : undefined;
  const to = e.type === "reassigned" && typeof e.data?.to === "string" ? e.data.to : undefined;
  return {
    type: e.type,
    at: e.at.toISOString(),
    byEmail: e.byEmail,
    ...(from !== undefined ? { fromEmail: from } : {}),
    ...(to !== undefined ? { toEmail: to } : {}),
    ...(e.text ? { text: e.text } : {}),
  };
}

export function reasonJson(r: Reason) {
  const { id: _id, ...rest } = r;
  return rest;
}

export function holdJson(h: HoldView) {
  return { itemRef: h.itemRef, customerRef: h.customerRef, disputeNumber: h.disputeNumber, heldAmount: formatAmount(h.amount, h.currency), kind: h.kind, since: h.since.toISOString() };
}

export function planJson(p: DunningPlan) {
  return {
    on: p.on,
    mode: p.mode,
    letters: p.letters.map((l) => ({
      customerRef: l.customerRef,
      currency: l.currency,
      level: l.level,
      flagged: l.flagged,
      items: l.lines.map((x) => ({
        ref: x.ref,
        kind: x.kind,
        dueOn: x.dueOn,
        amount: formatAmount(x.amount, l.currency),
        heldAmount: formatAmount(x.heldAmount, l.currency),
        openAmount: formatAmount(x.openAmount, l.currency),
        fromLevel: x.fromLevel,
        level: x.level,
      })),
      total: formatAmount(l.total, l.currency),
      heldTotal: formatAmount(l.heldTotal, l.currency),
    })),
    /** every open item in no letter, with why (reason codes: see NotSentReason in src/domain/dunning.ts) */
    notSent: p.notSent.map((n) => ({
      customerRef: n.customerRef,
      ref: n.ref,
      kind: n.kind,
      currency: n.currency,
      dueOn: n.dueOn,
      level: n.level,
      openAmount: formatAmount(n.openAmount, n.currency),
      heldAmount: formatAmount(n.heldAmount, n.currency),
      reason: n.reason,
      ...(n.nextLevel !== undefined ? { nextLevel: n.nextLevel } : {}),
      ...(n.until !== undefined ? { until: n.until } : {}),
      ...(n.heldBy !== undefined ? { heldBy: n.heldBy } : {}),
      ...(n.letterLevel !== undefined ? { letterLevel: n.letterLevel, letterTotal: formatAmount(n.letterTotal ?? 0, n.currency) } : {}),
    })),
    /** letters whose net total is not positive: not sent */
    notSentLetters: p.skipped.map((s) => ({ ...s, total: formatAmount(s.total, s.currency) })),
  };
}
