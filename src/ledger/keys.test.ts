import { describe, expect, it } from "vitest";
import { ItemKeys } from "./keys.ts";

describe("ItemKeys", () => {
  it("finds exact duplicates per customer, with the first line", () => {
    const keys = new ItemKeys();
    expect(keys.addOrFirstLine(1, "F-1", 2)).toBe(0);
    expect(keys.addOrFirstLine(2, "F-1", 3)).toBe(0); // another customer's F-1
    expect(keys.addOrFirstLine(1, "F-10", 4)).toBe(0);
    expect(keys.addOrFirstLine(1, "F-", 5)).toBe(0);
    expect(keys.addOrFirstLine(1, "F-1", 6)).toBe(2);
    expect(keys.addOrFirstLine(2, "F-1", 7)).toBe(3);
    expect(keys.addOrFirstLine(1, "", 8)).toBe(0);
    expect(keys.addOrFirstLine(1, "", 9)).toBe(8);
    expect(keys.size).toBe(5);
  });

  it("grows past its expected size and keeps non-Latin-1 refs exact", () => {
    const keys = new ItemKeys(10);
    for (let i = 0; i < 200_000; i++) expect(keys.addOrFirstLine(i % 97, `R${i}`, i + 1)).toBe(0);
    expect(keys.addOrFirstLine(5, "Ā-ż €", 300_000)).toBe(0); // widens the arena
    expect(keys.addOrFirstLine(5, "Ā-ż €", 300_001)).toBe(300_000);
    expect(keys.addOrFirstLine(5, "A-z €", 300_002)).toBe(0);
    for (let i = 0; i < 200_000; i += 997) expect(keys.addOrFirstLine(i % 97, `R${i}`, 0)).toBe(i + 1);
    expect(keys.addOrFirstLine(1, "R0", 0)).toBe(0); // R0 belongs to customer 0
    expect(keys.size).toBe(200_003);
  });
});
