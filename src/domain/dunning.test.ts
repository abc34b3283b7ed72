import { describe, it, expect } from "vitest";
import { nextStepDue, planDunningRun } from "./dunning.ts";
import type { DunningCustomerInput, DunningItemInput, DunningPlan } from "./dunning.ts";
import type { Customer, DunningLevel, Item } from "./types.ts";
import type { Scenario } from "./settings.ts";
import { customer as baseCustomer, item } from "../test/builders.ts";

// Default scenario: notice 5 days before due; R1..R5 at +5, +15, +30, +45, +60 days; 7 days between letters.
const S: Scenario = { noticeOffsetDays: -5, offsets: [5, 15, 30, 45, 60], minGapDays: 7 };

/** Item builder: an open invoice in EUR of customer 1 at level "none", never dunned, unless told otherwise. */
function mk(p: { id: number; dueOn: string; open?: number } & Partial<Item>): Item {
  const open = p.open ?? p.openAmount ?? 10000;
  const { open: _open, ...over } = p;
  return item({ ref: `INV-${p.id}`, issuedOn: "2024-01-01", amount: open, ...over, openAmount: open });
}

const held = (item: Item, heldAmount = 0): DunningItemInput => ({ item, heldAmount });

const customer = (ref: string, id = 1, currency = "EUR"): Customer => baseCustomer({ id, ref, name: `Customer ${ref}`, currency, salesRepEmail: null, controllerEmail: null });

const cust = (items: DunningItemInput[], opts: { ref?: string; id?: number; flagged?: boolean } = {}): DunningCustomerInput => ({
  customer: customer(opts.ref ?? "C001", opts.id ?? 1),
  flagged: opts.flagged ?? false,
  items,
});

const run = (on: string, customers: DunningCustomerInput[], mode: "item" | "account" = "item", scenario = S): DunningPlan =>
  planDunningRun({ on, mode, scenario, customers });

/** Applies a plan's updates to items, as the caller would persist them. */
function apply(items: Item[], plan: DunningPlan): Item[] {
  return items.map((i) => {
    const u = plan.updates.find((x) => x.itemId === i.id);
    return u ? { ...i, dunningLevel: u.level, lastDunnedOn: u.lastDunnedOn } : i;
  });
}

/** Compact view of letters: "C001 EUR R4 [ids] total". */
const summary = (plan: DunningPlan): string[] =>
  plan.letters.map((l) => `${l.customerRef} ${l.currency} ${l.level} [${l.lines.map((x) => x.itemId).join(",")}] ${l.total}`);

describe("nextStepDue", () => {
  // Due 2024-06-10: notice window from 06-05 (-5); R1 06-15 (+5), R2 06-25 (+15), R3 07-10 (+30),
  // R4 07-25 (+45), R5 08-09 (+60).
  const due = "2024-06-10";
  const cases: Array<[string, Partial<Item>, string, DunningLevel | null, Scenario?]> = [
    ["before the notice window", { dunningLevel: "none" }, "2024-06-04", null],
    ["notice on its first day (due - 5)", { dunningLevel: "none" }, "2024-06-05", "notice"],
    ["notice on the day before due", { dunningLevel: "none" }, "2024-06-09", "notice"],
    ["no notice on the due date itself, R1 not yet due", { dunningLevel: "none" }, "2024-06-10", null],
    ["already due, R1 not yet due (06-15)", { dunningLevel: "none" }, "2024-06-14", null],
    ["overdue item at none goes straight to R1, no notice", { dunningLevel: "none" }, "2024-06-15", "R1"],
    ["long overdue at none: one step, R1", { dunningLevel: "none" }, "2024-09-01", "R1"],
    ["notice sent, R1 not yet due", { dunningLevel: "notice", lastDunnedOn: "2024-06-05" }, "2024-06-12", null],
    ["notice sent 06-05, R1 due 06-15", { dunningLevel: "notice", lastDunnedOn: "2024-06-05" }, "2024-06-15", "R1"],
    // Gap: 06-09 + 7 = 06-16, so R1 (due 06-15) waits one day.
    ["min gap: 06-15 < 06-09 + 7", { dunningLevel: "notice", lastDunnedOn: "2024-06-09" }, "2024-06-15", null],
    ["min gap reached on 06-16", { dunningLevel: "notice", lastDunnedOn: "2024-06-09" }, "2024-06-16", "R1"],
    ["R1 -> R2 on 06-25 (gap 06-22 passed)", { dunningLevel: "R1", lastDunnedOn: "2024-06-15" }, "2024-06-25", "R2"],
    ["R1, R2 not yet due on 06-24", { dunningLevel: "R1", lastDunnedOn: "2024-06-15" }, "2024-06-24", null],
    ["R4 -> R5 on 08-09", { dunningLevel: "R4", lastDunnedOn: "2024-07-25" }, "2024-08-09", "R5"],
    ["R5 is the last step", { dunningLevel: "R5", lastDunnedOn: "2024-08-09" }, "2025-01-01", null],
    // 06-15 + 90 days = 09-13 (June 15 left, July 31, August 31, September 13): every offset passed, one step.
    ["90 days after R1: R2 only, no burst", { dunningLevel: "R1", lastDunnedOn: "2024-06-15" }, "2024-09-13", "R2"],
    ["minGapDays 0: same-day step allowed", { dunningLevel: "R1", lastDunnedOn: "2024-06-25" }, "2024-06-25", "R2", { ...S, minGapDays: 0 }],
    ["no notice configured: nothing before R1", { dunningLevel: "none" }, "2024-06-07", null, { ...S, noticeOffsetDays: null }],
    ["no notice configured: R1 on 06-15", { dunningLevel: "none" }, "2024-06-15", "R1", { ...S, noticeOffsetDays: null }],
    ["credit notes never advance by themselves", { kind: "credit_note", openAmount: -5000, dunningLevel: "R1" }, "2024-09-01", null],
    ["payments never advance by themselves", { kind: "payment", openAmount: -5000, dunningLevel: "none" }, "2024-09-01", null],
    ["an invoice with nothing open is ignored", { openAmount: 0, dunningLevel: "R1" }, "2024-09-01", null],
  ];
  it.each(cases)("%s", (_name, p, on, expected, scenario) => {
    const item = mk({ id: 1, dueOn: due, ...p, open: p.openAmount ?? 10000 });
    expect(nextStepDue(item, on, scenario ?? S)).toBe(expected);
  });
});

describe("seed 004: 7 items, R4 x5, R3 x1, R1 x1", () => {
  // Run on 2024-07-10.
  // Items 1-5 at R3, last dunned 06-25 (gap to 07-02 passed), R4 due at dueOn + 45:
  //   05-10 -> 06-24, 05-15 -> 06-29, 05-20 -> 07-04, 05-22 -> 07-06, 05-25 -> 07-09: all <= 07-10 -> R4.
  //   (Item 1's R5 is due 05-10 + 60 = 07-09 too, but it takes one step only.)
  // Item 6 "1124847" at R2, due 06-05: R3 due 06-05 + 30 = 07-05 -> R3.
  // Item 7 "1126675" at notice (sent 06-26), due 07-01: R1 due 07-06, gap 07-03 -> R1.
  const seven: Item[] = [
    mk({ id: 1, ref: "1120101", dueOn: "2024-05-10", open: 10000, dunningLevel: "R3", lastDunnedOn: "2024-06-25" }),
    mk({ id: 2, ref: "1120102", dueOn: "2024-05-15", open: 20000, dunningLevel: "R3", lastDunnedOn: "2024-06-25" }),
    mk({ id: 3, ref: "1120103", dueOn: "2024-05-20", open: 30000, dunningLevel: "R3", lastDunnedOn: "2024-06-25" }),
    mk({ id: 4, ref: "1120104", dueOn: "2024-05-22", open: 40000, dunningLevel: "R3", lastDunnedOn: "2024-06-25" }),
    mk({ id: 5, ref: "1120105", dueOn: "2024-05-25", open: 50000, dunningLevel: "R3", lastDunnedOn: "2024-06-25" }),
    mk({ id: 6, ref: "1124847", dueOn: "2024-06-05", open: 60000, dunningLevel: "R2", lastDunnedOn: "2024-06-25" }),
    mk({ id: 7, ref: "1126675", dueOn: "2024-07-01", open: 70000, dunningLevel: "notice", lastDunnedOn: "2024-06-26" }),
  ];
  const customers = (items: Item[]) => [cust(items.map((i) => held(i)))];

  it("per item: three letters R4 (5 items, 150000), R3 (1124847), R1 (1126675)", () => {
    const plan = run("2024-07-10", customers(seven), "item");
    // R4 total = 10000 + 20000 + 30000 + 40000 + 50000 = 150000.
    expect(summary(plan)).toEqual(["C001 EUR R4 [1,2,3,4,5] 150000", "C001 EUR R3 [6] 60000", "C001 EUR R1 [7] 70000"]);
    expect(plan.letters[0]!.lines.map((l) => l.fromLevel)).toEqual(["R3", "R3", "R3", "R3", "R3"]);
    expect(plan.letters[1]!.lines[0]).toMatchObject({ ref: "1124847", fromLevel: "R2", level: "R3" });
    expect(plan.letters[2]!.lines[0]).toMatchObject({ ref: "1126675", fromLevel: "notice", level: "R1" });
    expect(plan.skipped).toEqual([]);
    expect(plan.updates).toEqual([
      ...[1, 2, 3, 4, 5].map((itemId) => ({ itemId, level: "R4", lastDunnedOn: "2024-07-10" })),
      { itemId: 6, level: "R3", lastDunnedOn: "2024-07-10" },
      { itemId: 7, level: "R1", lastDunnedOn: "2024-07-10" },
    ]);
  });

  it("per account: one R4 letter with all 7 (280000), every item updated to R4, then R5 at the next step", () => {
    const plan = run("2024-07-10", customers(seven), "account");
    // Highest of steps (R4, R3, R1) and current levels (R3, R2, notice) = R4. Total 10000+...+70000 = 280000.
    expect(summary(plan)).toEqual(["C001 EUR R4 [1,2,3,4,5,6,7] 280000"]);
    expect(plan.letters[0]!.lines.map((l) => l.fromLevel)).toEqual(["R3", "R3", "R3", "R3", "R3", "R2", "notice"]);
    expect(plan.letters[0]!.lines.every((l) => l.level === "R4")).toBe(true);
    expect(plan.updates).toEqual([1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ itemId, level: "R4", lastDunnedOn: "2024-07-10" })));

    const after = apply(seven, plan);
    // 07-16: gap 07-10 + 7 = 07-17 not reached for any item -> nothing.
    expect(run("2024-07-16", customers(after), "account").letters).toEqual([]);
    // 07-17: item 1's R5 (05-10 + 60 = 07-09) is due and the gap is reached -> one R5 letter with all 7.
    const next = run("2024-07-17", customers(after), "account");
    expect(summary(next)).toEqual(["C001 EUR R5 [1,2,3,4,5,6,7] 280000"]);
    expect(next.updates).toEqual([1, 2, 3, 4, 5, 6, 7].map((itemId) => ({ itemId, level: "R5", lastDunnedOn: "2024-07-17" })));
  });
});

describe("credit entries", () => {
  // Invoice due 06-10 at R1 (sent 06-15): R2 due 06-25. Run on 06-25, letter R2.
  const inv = mk({ id: 1, dueOn: "2024-06-10", open: 50000, dunningLevel: "R1", lastDunnedOn: "2024-06-15" });
  const credit = (level: DunningLevel, open = -12000, kind: Item["kind"] = "credit_note") =>
    mk({ id: 2, ref: "CN-2", kind, dueOn: "2024-06-01", open, dunningLevel: level, lastDunnedOn: null });

  it.each([
    // [credit level, letter lines, total]
    ["R1" as DunningLevel, [1], 50000], // credit at R1 does not join the R2 letter
    ["none" as DunningLevel, [1], 50000],
    ["R3" as DunningLevel, [1], 50000],
    ["R2" as DunningLevel, [2, 1], 38000], // joins: 50000 - 12000 = 38000; CN due 06-01 sorts first
  ])("credit note at %s", (level, ids, total) => {
    const plan = run("2024-06-25", [cust([held(inv), held(credit(level))])]);
    expect(plan.letters).toHaveLength(1);
    expect(plan.letters[0]!.level).toBe("R2");
    expect(plan.letters[0]!.lines.map((l) => l.itemId)).toEqual(ids);
    expect(plan.letters[0]!.total).toBe(total);
  });

  it("a joining credit is listed at the letter level and marked dunned, without advancing", () => {
    const plan = run("2024-06-25", [cust([held(inv), held(credit("R2", -12000, "payment"))])]);
    expect(plan.letters[0]!.lines[0]).toEqual({
      itemId: 2, ref: "CN-2", kind: "payment", dueOn: "2024-06-01", openAmount: -12000, heldAmount: 0, amount: -12000,
      fromLevel: "R2", level: "R2",
    });
    expect(plan.updates).toEqual([
      { itemId: 2, level: "R2", lastDunnedOn: "2024-06-25" },
      { itemId: 1, level: "R2", lastDunnedOn: "2024-06-25" },
    ]);
  });

  it("a credit with no letter at its level gets no update", () => {
    const plan = run("2024-06-25", [cust([held(inv), held(credit("R1"))])]);
    expect(plan.updates).toEqual([{ itemId: 1, level: "R2", lastDunnedOn: "2024-06-25" }]);
  });

  it.each([
    // invoice 50000 + credit -> net total
    [-50000, 0],
    [-65000, -15000],
  ])("a net total <= 0 is skipped with no updates (credit %i -> total %i)", (open, total) => {
    const plan = run("2024-06-25", [cust([held(inv), held(credit("R2", open))])]);
    expect(plan.letters).toEqual([]);
    expect(plan.updates).toEqual([]);
    expect(plan.skipped).toEqual([{ customerRef: "C001", currency: "EUR", level: "R2", total, reason: "non_positive_total" }]);
  });

  it("a skipped letter does not stop the customer's other letters", () => {
    // Invoice 3 at none, due 06-01: R1 due 06-06 -> R1 letter 7000 (no credit at R1).
    const inv3 = mk({ id: 3, dueOn: "2024-06-01", open: 7000 });
    const plan = run("2024-06-25", [cust([held(inv), held(credit("R2", -60000)), held(inv3)])]);
    expect(summary(plan)).toEqual(["C001 EUR R1 [3] 7000"]);
    expect(plan.skipped.map((s) => [s.level, s.total])).toEqual([["R2", -10000]]);
    expect(plan.updates).toEqual([{ itemId: 3, level: "R1", lastDunnedOn: "2024-06-25" }]);
  });
});

describe("holds", () => {
  // Invoice due 06-10 at R1 (sent 06-15), R2 due 06-25.
  const base = { dueOn: "2024-06-10", dunningLevel: "R1" as DunningLevel, lastDunnedOn: "2024-06-15" };

  it("a partially disputed item is claimed for its remainder, the held part shown", () => {
    const plan = run("2024-06-25", [cust([held(mk({ id: 1, open: 50000, ...base }), 20000)])]);
    // Claimed 50000 - 20000 = 30000; held 20000.
    expect(plan.letters[0]!.lines[0]).toMatchObject({ openAmount: 50000, heldAmount: 20000, amount: 30000, level: "R2" });
    expect(plan.letters[0]!.total).toBe(30000);
    expect(plan.letters[0]!.heldTotal).toBe(20000);
    expect(plan.updates).toEqual([{ itemId: 1, level: "R2", lastDunnedOn: "2024-06-25" }]);
  });

  it.each([
    ["held = open", 50000],
    ["held > open (counted as fully held)", 60000],
  ])("a fully held item is absent and does not advance (%s)", (_n, h) => {
    const plan = run("2024-06-25", [cust([held(mk({ id: 1, open: 50000, ...base }), h), held(mk({ id: 2, open: 8000, ...base }))])]);
    expect(summary(plan)).toEqual(["C001 EUR R2 [2] 8000"]);
    expect(plan.updates).toEqual([{ itemId: 2, level: "R2", lastDunnedOn: "2024-06-25" }]);
  });

  it("an item released after a 90-day hold takes exactly one step", () => {
    // Due 2024-02-01, R1 sent 03-01, then held. R5 was due 02-01 + 60 = 04-01 (2024 is a leap year).
    // 03-01 + 90 days = 05-30 (March 30 left, April 30, May 30).
    const item = mk({ id: 1, dueOn: "2024-02-01", open: 40000, dunningLevel: "R1", lastDunnedOn: "2024-03-01" });
    const during = run("2024-05-30", [cust([held(item, 40000)])]);
    expect(during.letters).toEqual([]);
    expect(during.updates).toEqual([]);
    const released = run("2024-05-30", [cust([held(item, 0)])]);
    expect(summary(released)).toEqual(["C001 EUR R2 [1] 40000"]);
    expect(released.updates).toEqual([{ itemId: 1, level: "R2", lastDunnedOn: "2024-05-30" }]);
  });
});

describe("timing", () => {
  it("min gap: R2 due 06-25 waits for lastDunnedOn 06-20 + 7 = 06-27", () => {
    const item = mk({ id: 1, dueOn: "2024-06-10", dunningLevel: "R1", lastDunnedOn: "2024-06-20" });
    expect(run("2024-06-26", [cust([held(item)])]).letters).toEqual([]);
    expect(summary(run("2024-06-27", [cust([held(item)])]))).toEqual(["C001 EUR R2 [1] 10000"]);
  });

  it("pre-due notice for an item not yet due; an overdue item at none gets R1, not a notice", () => {
    // Run 07-10. Item 1 due 07-15: notice from 07-10. Item 2 due 06-01, never dunned: R1 due 06-06.
    const notYetDue = mk({ id: 1, dueOn: "2024-07-15", open: 3000 });
    const overdue = mk({ id: 2, dueOn: "2024-06-01", open: 4000 });
    const plan = run("2024-07-10", [cust([held(notYetDue), held(overdue)])]);
    expect(summary(plan)).toEqual(["C001 EUR R1 [2] 4000", "C001 EUR notice [1] 3000"]);
    expect(plan.updates).toEqual([
      { itemId: 2, level: "R1", lastDunnedOn: "2024-07-10" },
      { itemId: 1, level: "notice", lastDunnedOn: "2024-07-10" },
    ]);
    // The day before the window (07-09) nothing goes for item 1.
    expect(run("2024-07-09", [cust([held(notYetDue)])]).letters).toEqual([]);
  });
});

describe("grouping and order", () => {
  it("a flagged customer is dunned normally, letters marked", () => {
    const item = (id: number, customerId: number) => mk({ id, customerId, dueOn: "2024-06-01" });
    const plan = run("2024-07-10", [
      cust([held(item(1, 1))], { ref: "C001", id: 1, flagged: true }),
      cust([held(item(2, 2))], { ref: "C002", id: 2 }),
    ]);
    expect(plan.letters.map((l) => [l.customerRef, l.level, l.flagged])).toEqual([
      ["C001", "R1", true],
      ["C002", "R1", false],
    ]);
    expect(plan.updates.map((u) => u.itemId)).toEqual([1, 2]);
  });

  it("two currencies for one customer give two letters; a USD credit never joins the EUR letter", () => {
    const plan = run("2024-07-10", [
      cust([
        held(mk({ id: 1, dueOn: "2024-06-01", open: 10000, currency: "USD" })),
        held(mk({ id: 2, dueOn: "2024-06-01", open: 20000, currency: "EUR" })),
        held(mk({ id: 3, kind: "credit_note", dueOn: "2024-06-01", open: -2500, currency: "USD", dunningLevel: "R1" })),
      ]),
    ]);
    // EUR: 20000. USD: 10000 - 2500 = 7500. Currency order EUR < USD.
    expect(summary(plan)).toEqual(["C001 EUR R1 [2] 20000", "C001 USD R1 [1,3] 7500"]);
  });

  it("letters by customerRef, currency, level descending; lines by dueOn then ref", () => {
    const plan = run("2024-07-10", [
      cust(
        [
          held(mk({ id: 10, customerId: 2, ref: "B", dueOn: "2024-06-01" })),
          held(mk({ id: 11, customerId: 2, ref: "A", dueOn: "2024-06-01" })),
          held(mk({ id: 12, customerId: 2, ref: "0", dueOn: "2024-06-02" })),
        ],
        { ref: "C002", id: 2 },
      ),
      cust(
        [
          held(mk({ id: 1, dueOn: "2024-06-01" })), // none -> R1
          held(mk({ id: 2, dueOn: "2024-05-01", dunningLevel: "R1", lastDunnedOn: "2024-05-06" })), // R2 due 05-16 -> R2
        ],
        { ref: "C001", id: 1 },
      ),
    ]);
    expect(summary(plan)).toEqual(["C001 EUR R2 [2] 10000", "C001 EUR R1 [1] 10000", "C002 EUR R1 [11,10,12] 30000"]);
  });

  it("an empty run plans nothing", () => {
    expect(run("2024-07-10", [])).toEqual({ on: "2024-07-10", mode: "item", letters: [], skipped: [], notSent: [], updates: [] });
  });
});

describe("account mode details", () => {
  const on = "2024-07-10";

  it("no letter when no overdue item has a step due, even with overdue items", () => {
    // Item at R1 sent 07-05: gap to 07-12 not reached.
    const item = mk({ id: 1, dueOn: "2024-06-01", dunningLevel: "R1", lastDunnedOn: "2024-07-05" });
    expect(run(on, [cust([held(item)])], "account").letters).toEqual([]);
  });

  it("includes overdue items whose own step is not due, skips fully held ones, claims remainders, takes all credits", () => {
    const items = [
      // Step due: none -> R1 (due 06-01, R1 06-06).
      held(mk({ id: 1, dueOn: "2024-06-01", open: 10000 })),
      // At R2, sent 07-05 (gap to 07-12): no step, but included; its current level R2 sets the letter level.
      held(mk({ id: 2, dueOn: "2024-05-01", open: 20000, dunningLevel: "R2", lastDunnedOn: "2024-07-05" })),
      // Fully held, would step to R4: absent, and it does not raise the level.
      held(mk({ id: 3, dueOn: "2024-04-01", open: 30000, dunningLevel: "R3", lastDunnedOn: "2024-05-01" }), 30000),
      // Partially held: 40000 - 15000 = 25000 claimed.
      held(mk({ id: 4, dueOn: "2024-06-20", open: 40000 }), 15000),
      // Credit at R5: joins whatever its level, does not raise the letter level.
      held(mk({ id: 5, kind: "credit_note", dueOn: "2024-06-15", open: -5000, dunningLevel: "R5" })),
    ];
    const plan = run(on, [cust(items)], "account");
    // Level = max(steps R1 (1), R1 (4); current none, R2, none) = R2. Total 10000 + 20000 + 25000 - 5000 = 50000.
    expect(summary(plan)).toEqual(["C001 EUR R2 [2,1,5,4] 50000"]);
    expect(plan.letters[0]!.heldTotal).toBe(15000);
    expect(plan.letters[0]!.lines.map((l) => [l.itemId, l.fromLevel, l.level])).toEqual([
      [2, "R2", "R2"],
      [1, "none", "R2"],
      [5, "R5", "R2"],
      [4, "none", "R2"],
    ]);
    expect(plan.updates.map((u) => u.itemId)).toEqual([2, 1, 5, 4]);
    expect(plan.updates.every((u) => u.level === "R2" && u.lastDunnedOn === on)).toBe(true);
  });

  it("a fully held item with a step due does not trigger the account letter", () => {
    const items = [
      held(mk({ id: 1, dueOn: "2024-06-01", open: 10000 }), 10000),
      held(mk({ id: 2, dueOn: "2024-05-01", open: 20000, dunningLevel: "R2", lastDunnedOn: "2024-07-05" })),
    ];
    expect(run(on, [cust(items)], "account").letters).toEqual([]);
  });

  it("items not yet due get a separate notice letter", () => {
    const items = [
      held(mk({ id: 1, dueOn: "2024-06-01", open: 10000 })), // overdue: R1
      held(mk({ id: 2, dueOn: "2024-07-12", open: 2000 })), // due 07-12: notice window from 07-07
      held(mk({ id: 3, dueOn: "2024-08-01", open: 3000 })), // not due, notice from 07-27: nothing
    ];
    const plan = run(on, [cust(items)], "account");
    expect(summary(plan)).toEqual(["C001 EUR R1 [1] 10000", "C001 EUR notice [2] 2000"]);
  });

  it("a net total <= 0 is skipped with no updates", () => {
    const items = [
      held(mk({ id: 1, dueOn: "2024-06-01", open: 10000 })),
      held(mk({ id: 2, kind: "payment", dueOn: "2024-06-05", open: -10000, dunningLevel: "none" })),
    ];
    const plan = run(on, [cust(items)], "account");
    expect(plan.letters).toEqual([]);
    expect(plan.updates).toEqual([]);
    expect(plan.skipped).toEqual([{ customerRef: "C001", currency: "EUR", level: "R1", total: 0, reason: "non_positive_total" }]);
  });
});

describe("held amounts as the holds say", () => {
  it("are clamped to the open amount (a payment shrank the invoice after the hold) and ignored on credits", () => {
    const inv = mk({ id: 1, dueOn: "2024-01-01", open: 30000, dunningLevel: "R1", lastDunnedOn: "2024-02-01" });
    const partly = mk({ id: 2, dueOn: "2024-01-01", open: 20000, dunningLevel: "R1", lastDunnedOn: "2024-02-01" });
    const cn = mk({ id: 3, dueOn: "2024-01-01", open: -1000, kind: "credit_note", dunningLevel: "R2" });
    const plan = run("2024-06-01", [cust([held(inv, 80000), held(partly, 5000), held(cn, 500)])]);
    expect(plan.letters.flatMap((l) => l.lines.map((x) => [x.ref, x.heldAmount, x.amount]))).toEqual([
      ["INV-2", 5000, 15000],
      ["INV-3", 0, -1000],
    ]);
    expect(plan.updates.map((u) => u.itemId)).toEqual([2, 3]);
  });
});

describe("notSent: why an open item is in no letter", () => {
  const on = "2026-12-02";
  // scenario S: notice -5, R1..R5 at +5, +15, +30, +45, +60 days, 7 days between letters
  it.each([
    { name: "not yet due: its notice comes 5 days before the due date", i: mk({ id: 1, dueOn: "2026-12-20" }), heldAmount: 0, expected: { reason: "not_yet_due", nextLevel: "notice", until: "2026-12-15" } },
    { name: "not yet due: R2 comes 15 days after the due date", i: mk({ id: 1, dueOn: "2026-11-25", dunningLevel: "R1", lastDunnedOn: "2026-11-01" }), heldAmount: 0, expected: { reason: "not_yet_due", nextLevel: "R2", until: "2026-12-10" } },
    { name: "minimum gap: last reminder on 29 Nov, gap of 7 days", i: mk({ id: 1, dueOn: "2026-10-01", dunningLevel: "R2", lastDunnedOn: "2026-11-29" }), heldAmount: 0, expected: { reason: "min_gap", nextLevel: "R3", until: "2026-12-06" } },
    { name: "fully held by its disputes", i: mk({ id: 1, dueOn: "2026-10-01", open: 5000 }), heldAmount: 5000, heldBy: ["D-2026-0007"], expected: { reason: "fully_held", heldBy: ["D-2026-0007"], heldAmount: 5000 } },
    { name: "at the last level", i: mk({ id: 1, dueOn: "2026-01-01", dunningLevel: "R5", lastDunnedOn: "2026-06-01" }), heldAmount: 0, expected: { reason: "last_level" } },
  ])("$name", ({ i, heldAmount, heldBy, expected }) => {
    const plan = run(on, [cust([{ item: i, heldAmount, ...(heldBy ? { heldBy } : {}) }])]);
    expect(plan.letters).toEqual([]);
    expect(plan.notSent).toEqual([expect.objectContaining({ ref: i.ref, customerRef: "C001", currency: "EUR", level: i.dunningLevel, ...expected })]);
  });

  it("a letter with a net total ≤ 0: each of its items, with the letter's level and total", () => {
    const inv = mk({ id: 1, dueOn: "2026-11-01", open: 10000, dunningLevel: "R1", lastDunnedOn: "2026-11-10" });
    const avoir = mk({ id: 2, dueOn: "2026-11-01", open: -20000, kind: "credit_note", dunningLevel: "R2" });
    const plan = run(on, [cust([held(inv), held(avoir)])]);
    expect(plan.letters).toEqual([]);
    expect(plan.notSent.map((n) => [n.ref, n.reason, n.letterLevel, n.letterTotal])).toEqual([
      ["INV-1", "non_positive_total", "R2", -10000],
      ["INV-2", "non_positive_total", "R2", -10000],
    ]);
  });

  it("a credit at another level than the letters; items in a sent letter are not listed", () => {
    const inv = mk({ id: 1, dueOn: "2026-11-01", open: 10000 });
    const avoir = mk({ id: 2, dueOn: "2026-11-01", open: -2000, kind: "credit_note", dunningLevel: "R3" });
    const plan = run(on, [cust([held(inv), held(avoir)])]);
    expect(summary(plan)).toEqual(["C001 EUR R1 [1] 10000"]);
    expect(plan.notSent).toEqual([expect.objectContaining({ ref: "INV-2", reason: "credit_other_level", level: "R3" })]);
  });

  it("account mode: the items not yet due beside the account letter", () => {
    const late = mk({ id: 1, dueOn: "2026-10-01" });
    const soon = mk({ id: 2, dueOn: "2026-12-31" });
    const plan = run(on, [cust([held(late), held(soon)])], "account");
    expect(plan.letters.map((l) => l.lines.map((x) => x.ref))).toEqual([["INV-1"]]);
    expect(plan.notSent).toEqual([expect.objectContaining({ ref: "INV-2", reason: "not_yet_due", nextLevel: "notice", until: "2026-12-26" })]);
  });
});
