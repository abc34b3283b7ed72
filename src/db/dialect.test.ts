import { describe, expect, it } from "vitest";
import { sqliteColumnReader } from "./dialect.ts";

describe("SQLite DateTime columns read back", () => {
  const read = sqliteColumnReader("DATETIME")!;

  it("reads the same text again as the same instant, each time a Date of its own", () => {
    const text = "2026-03-10T09:00:00.000+00:00";
    const a = read(text) as Date;
    const b = read(`${text}`) as Date;
    expect(a.toISOString()).toBe("2026-03-10T09:00:00.000Z");
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    a.setUTCFullYear(2000);
    expect((read(text) as Date).toISOString()).toBe("2026-03-10T09:00:00.000Z");
  });

  it("reads every form it knows, the same the second time", () => {
    for (const [text, iso] of [
      ["2026-03-10 09:00:00", "2026-03-10T09:00:00.000Z"],
      ["2026-03-10T10:00:00+01:00", "2026-03-10T09:00:00.000Z"],
      ["2026-03-10", "2026-03-10T00:00:00.000Z"],
    ] as const) {
      expect((read(text) as Date).toISOString()).toBe(iso);
      expect((read(text) as Date).toISOString()).toBe(iso);
    }
    expect(read(null)).toBeNull();
    expect(Number.isNaN((read("not a date") as Date).getTime())).toBe(true);
    expect(Number.isNaN((read("not a date") as Date).getTime())).toBe(true);
  });
});
