import { describe, it, expect } from "vitest";
import { computeHolds, heldByItem, mayHold, type HoldInput, type HoldRow } from "./holds.ts";
import type { Dispute, Outcome, Reason } from "./types.ts";
import { dispute, item, reason, resolvedDispute } from "../test/builders.ts";

// Customer 1's ledger: two invoices, a credit note and a payment (amounts in cents).
const F1 = item({ id: 1, ref: "F1", amount: 100000 }); // 1,000.00 €
const F2 = item({ id: 2, ref: "F2", amount: 50000 }); //    500.00 €
const AV1 = item({ id: 3, ref: "AV1", kind: "credit_note", amount: -20000 });
const RG1 = item({ id: 4, ref: "RG1", kind: "payment", amount: -10000 });
const LEDGER = [F1, F2, AV1, RG1];

const PRICE = reason({ id: 1, code: "price", holdsDunning: true });
const NO_HOLD = reason({ id: 2, code: "po_missing", holdsDunning: false });
const REASONS = new Map<number, Reason>([
  [PRICE.id, PRICE],
  [NO_HOLD.id, NO_HOLD],
]);

const holds = (disputes: Dispute[], p: Partial<HoldInput> = {}): HoldRow[] =>
  computeHolds({ items: LEDGER, disputes, reasons: REASONS, customerPolicy: "flag", ...p });

/** Compact rows: "itemId:disputeId:amount:kind". */
const rows = (h: HoldRow[]): string[] => h.map((r) => `${r.itemId}:${r.disputeId}:${r.amount}:${r.kind}`);

const total = (h: HoldRow[]): number => h.reduce((s, r) => s + r.amount, 0);

describe("computeHolds: open item-level disputes", () => {
  it("holds each disputed amount", () => {
    const d = dispute({ id: 10, items: [{ itemId: 1, amount: 100000 }, { itemId: 2, amount: 50000 }] });
    expect(holds([d])).toEqual([
      { itemId: 1, disputeId: 10, amount: 100000, kind: "dispute" },
      { itemId: 2, disputeId: 10, amount: 50000, kind: "dispute" },
    ]);
  });

  it("holds nothing when the reason does not hold dunning", () => {
    expect(holds([dispute({ reasonId: NO_HOLD.id })])).toEqual([]);
  });

  it("holds only the disputed part of a partially disputed item", () => {
    expect(rows(holds([dispute({ id: 10, items: [{ itemId: 1, amount: 30000 }] })]))).toEqual(["1:10:30000:dispute"]);
  });

  it("holds as dunning-holding a dispute whose reason is unknown (default yes)", () => {
    expect(rows(holds([dispute({ id: 10, reasonId: 99, items: [{ itemId: 2, amount: 5000 }] })]))).toEqual(["2:10:5000:dispute"]);
  });

  it("ignores an item that is no longer in the ledger", () => {
    expect(holds([dispute({ items: [{ itemId: 77, amount: 5000 }] })])).toEqual([]);
  });

  it("holds nothing on a fully paid item", () => {
    const paid = { ...F1, openAmount: 0 };
    expect(holds([dispute({ items: [{ itemId: 1, amount: 100000 }] })], { items: [paid, F2] })).toEqual([]);
  });

  describe("two disputes sharing an item", () => {
    const older = dispute({ id: 10, number: "LIT-2026-0010", openedAt: new Date("2026-03-01T10:00:00Z"), items: [{ itemId: 1, amount: 60000 }] });
    const newer = dispute({ id: 11, number: "LIT-2026-0011", openedAt: new Date("2026-03-05T10:00:00Z"), items: [{ itemId: 1, amount: 40000 }] });

    it("each holds its share while they fit in the open amount", () => {
      expect(rows(holds([newer, older]))).toEqual(["1:10:60000:dispute", "1:11:40000:dispute"]);
    });

    it("after a payment leaves 700.00 open, the oldest keeps its 600.00 and the newer is cut to 100.00", () => {
      const h = holds([newer, older], { items: [{ ...F1, openAmount: 70000 }] });
      expect(rows(h)).toEqual(["1:10:60000:dispute", "1:11:10000:dispute"]);
      expect(total(h)).toBe(70000);
    });

    it("after a payment leaves 500.00 open, the newer holds nothing", () => {
      const h = holds([newer, older], { items: [{ ...F1, openAmount: 50000 }] });
      expect(rows(h)).toEqual(["1:10:50000:dispute"]);
    });

    it("on the same opening instant, the lower id counts as older", () => {
      const at = new Date("2026-03-01T10:00:00Z");
      const h = holds([{ ...newer, openedAt: at }, older], { items: [{ ...F1, openAmount: 70000 }] });
      expect(rows(h)).toEqual(["1:10:60000:dispute", "1:11:10000:dispute"]);
    });
  });
});

describe("computeHolds: customer-level disputes", () => {
  const flag = dispute({ id: 20, scope: "customer", items: [] });

  it("under policy flag hold nothing", () => {
    expect(holds([flag], { customerPolicy: "flag" })).toEqual([]);
  });

  it("under policy hold hold every open invoice at its open amount, never a credit note or payment", () => {
    const partlyPaid = { ...F2, openAmount: 12345 };
    const paid = item({ id: 5, ref: "F5", amount: 8000, openAmount: 0 });
    expect(holds([flag], { customerPolicy: "hold", items: [F1, partlyPaid, AV1, RG1, paid] })).toEqual([
      { itemId: 1, disputeId: 20, amount: 100000, kind: "customer" },
      { itemId: 2, disputeId: 20, amount: 12345, kind: "customer" },
    ]);
  });

  it("under policy hold also hold an invoice imported after the dispute was opened", () => {
    const later = item({ id: 9, ref: "F9", issuedOn: "2026-03-09", dueOn: "2026-04-08", amount: 7500 });
    expect(rows(holds([flag], { customerPolicy: "hold", items: [...LEDGER, later] }))).toEqual([
      "1:20:100000:customer",
      "2:20:50000:customer",
      "9:20:7500:customer",
    ]);
  });

  it("under policy hold hold nothing when the reason does not hold dunning", () => {
    expect(holds([{ ...flag, reasonId: NO_HOLD.id }], { customerPolicy: "hold" })).toEqual([]);
  });

  it("share an item with an older item-level dispute without exceeding its open amount", () => {
    const itemLevel = dispute({ id: 10, openedAt: new Date("2026-02-01T10:00:00Z"), items: [{ itemId: 1, amount: 30000 }] });
    const h = holds([flag, itemLevel], { customerPolicy: "hold" });
    expect(rows(h)).toEqual(["1:10:30000:dispute", "1:20:70000:customer", "2:20:50000:customer"]);
    expect(heldByItem(h)).toEqual(
      new Map([
        [1, 100000],
        [2, 50000],
      ]),
    );
  });

  it("hold only the invoices of their own customer when several customers are computed together", () => {
    // syncHolds (src/app/holdsSync.ts) passes the items of several customers at once (ledger import,
    // policy change): customer 1's flag must not hold customer 2's invoice G1.
    const g1 = item({ id: 30, ref: "G1", customerId: 2, amount: 40000 });
    const h = holds([flag], { customerPolicy: "hold", items: [F1, F2, g1] });
    expect(rows(h)).toEqual(["1:20:100000:customer", "2:20:50000:customer"]);
  });
});

describe("computeHolds: resolved and withdrawn disputes", () => {
  const twoItems = { items: [{ itemId: 1, amount: 30000 }, { itemId: 2, amount: 50000 }] };

  it("a credit note not yet in the ledger keeps the conceded amount, allocated over the items in order", () => {
    const d = resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-2026-0042", concededAmount: 40000 }, { id: 30, ...twoItems });
    expect(rows(holds([d]))).toEqual(["1:30:30000:credit_pending", "2:30:10000:credit_pending"]);
  });

  it("a conceded amount within the first item holds only that item", () => {
    const d = resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 25000 }, { id: 30, ...twoItems });
    expect(rows(holds([d]))).toEqual(["1:30:25000:credit_pending"]);
  });

  it("the conceded amount is released once the credit note is seen", () => {
    const d = resolvedDispute(
      { outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 40000 },
      { id: 30, ...twoItems, creditNoteSeenAt: new Date("2026-03-09T08:00:00Z") },
    );
    expect(holds([d])).toEqual([]);
  });

  it("a customer-level credit note resolution holds nothing, even under policy hold", () => {
    const d = resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 40000 }, { scope: "customer", items: [] });
    expect(holds([d], { customerPolicy: "hold" })).toEqual([]);
  });

  it("litigation keeps every disputed amount until released", () => {
    const d = resolvedDispute({ outcome: "litigation" }, { id: 31, ...twoItems });
    expect(rows(holds([d]))).toEqual(["1:31:30000:litigation", "2:31:50000:litigation"]);
    expect(holds([{ ...d, holdsReleasedAt: new Date("2026-03-09T08:00:00Z") }])).toEqual([]);
  });

  it("customer-level litigation under policy hold keeps every open invoice held", () => {
    const d = resolvedDispute({ outcome: "litigation" }, { id: 32, scope: "customer", items: [] });
    expect(rows(holds([d], { customerPolicy: "hold" }))).toEqual(["1:32:100000:litigation", "2:32:50000:litigation"]);
  });

  it("a withdrawn dispute holds nothing", () => {
    expect(holds([dispute({ status: "withdrawn", ...twoItems })])).toEqual([]);
  });

  const otherOutcomes: Outcome[] = ["invoice_corrected", "customer_paid", "rejected", "written_off", "other"];
  it.each(otherOutcomes)("a dispute resolved as %s holds nothing", (outcome) => {
    expect(holds([resolvedDispute({ outcome, concededAmount: 10000 }, twoItems)])).toEqual([]);
  });
});

describe("mayHold", () => {
  const seen = new Date("2026-03-09T08:00:00Z");
  const cases: [string, Dispute, boolean][] = [
    ["an open dispute", dispute(), true],
    ["an open dispute whose reason does not hold dunning (loaded, holds nothing)", dispute({ reasonId: NO_HOLD.id }), true],
    ["a withdrawn dispute", dispute({ status: "withdrawn" }), false],
    ["a credit_note resolution awaiting the credit note", resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 5000 }), true],
    ["a credit_note resolution whose credit note was seen", resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 5000 }, { creditNoteSeenAt: seen }), false],
    ["a credit_note resolution conceding 0", resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 0 }), false],
    ["a credit_note resolution without a conceded amount", resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: null }), false],
    ["a litigation resolution not released", resolvedDispute({ outcome: "litigation" }), true],
    ["a litigation resolution released", resolvedDispute({ outcome: "litigation" }, { holdsReleasedAt: seen }), false],
    ["a rejected resolution", resolvedDispute({ outcome: "rejected" }), false],
    ["a customer_paid resolution", resolvedDispute({ outcome: "customer_paid" }), false],
    ["a resolved dispute without a resolution", dispute({ status: "resolved", resolution: null }), false],
  ];
  it.each(cases)("%s -> %s", (_, d, expected) => {
    expect(mayHold(d)).toBe(expected);
  });
});

describe("heldByItem", () => {
  it("sums the holds of each item", () => {
    const h: HoldRow[] = [
      { itemId: 1, disputeId: 10, amount: 60000, kind: "dispute" },
      { itemId: 1, disputeId: 11, amount: 10000, kind: "dispute" },
      { itemId: 2, disputeId: 10, amount: 500, kind: "credit_pending" },
    ];
    expect([...heldByItem(h)]).toEqual([
      [1, 70000],
      [2, 500],
    ]);
  });
});
