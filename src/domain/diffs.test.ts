import { describe, expect, it } from "vitest";
import { diffDisputeItems, diffHolds, type StoredHold } from "./diffs.ts";
import type { HoldRow } from "./holds.ts";

// What the store writes to turn stored holds and disputed items into the wanted ones.

const h = (itemId: number, disputeId: number, amount: number, kind: HoldRow["kind"] = "dispute"): HoldRow & StoredHold => ({ itemId, disputeId, amount, kind });

describe("diffHolds", () => {
  it.each([
    { name: "nothing stored, nothing wanted", stored: [], wanted: [], insert: [], update: [], remove: [], changes: [] },
    { name: "a new hold", stored: [], wanted: [h(1, 10, 500)], insert: [h(1, 10, 500)], update: [], remove: [], changes: [{ itemId: 1, disputeId: 10, before: 0, after: 500 }] },
    { name: "a hold that stays the same", stored: [h(1, 10, 500)], wanted: [h(1, 10, 500)], insert: [], update: [], remove: [], changes: [] },
    { name: "a payment shrinks a hold", stored: [h(1, 10, 500)], wanted: [h(1, 10, 200)], insert: [], update: [h(1, 10, 200)], remove: [], changes: [{ itemId: 1, disputeId: 10, before: 500, after: 200 }] },
    { name: "a change of kind alone is written but moves no money", stored: [h(1, 10, 500)], wanted: [h(1, 10, 500, "litigation")], insert: [], update: [h(1, 10, 500, "litigation")], remove: [], changes: [] },
    { name: "a released hold", stored: [h(1, 10, 500), h(2, 10, 100)], wanted: [h(2, 10, 100)], insert: [], update: [], remove: [h(1, 10, 500)], changes: [{ itemId: 1, disputeId: 10, before: 500, after: 0 }] },
    { name: "two disputes on one item are two holds", stored: [h(1, 10, 500)], wanted: [h(1, 10, 500), h(1, 11, 300)], insert: [h(1, 11, 300)], update: [], remove: [], changes: [{ itemId: 1, disputeId: 11, before: 0, after: 300 }] },
  ])("$name", ({ stored, wanted, insert, update, remove, changes }) => {
    expect(diffHolds(stored, wanted)).toEqual({ insert, update, remove, changes });
  });
});

describe("diffDisputeItems", () => {
  it.each([
    { name: "unchanged", stored: [{ itemId: 1, amount: 5 }], wanted: [{ itemId: 1, amount: 5 }], insert: [], update: [], remove: [] },
    { name: "an item added", stored: [{ itemId: 1, amount: 5 }], wanted: [{ itemId: 1, amount: 5 }, { itemId: 2, amount: 7 }], insert: [{ itemId: 2, amount: 7 }], update: [], remove: [] },
    { name: "an amount changed", stored: [{ itemId: 1, amount: 5 }], wanted: [{ itemId: 1, amount: 3 }], insert: [], update: [{ itemId: 1, amount: 3 }], remove: [] },
    { name: "an item dropped", stored: [{ itemId: 1, amount: 5 }, { itemId: 2, amount: 7 }], wanted: [{ itemId: 2, amount: 7 }], insert: [], update: [], remove: [1] },
    { name: "everything at once", stored: [{ itemId: 1, amount: 5 }, { itemId: 2, amount: 7 }], wanted: [{ itemId: 2, amount: 8 }, { itemId: 3, amount: 1 }], insert: [{ itemId: 3, amount: 1 }], update: [{ itemId: 2, amount: 8 }], remove: [1] },
  ])("$name", ({ stored, wanted, insert, update, remove }) => {
    expect(diffDisputeItems(stored, wanted)).toEqual({ insert, update, remove });
  });
});
