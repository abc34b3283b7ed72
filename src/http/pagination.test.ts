import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";

// GET /disputes a page at a time: every dispute once, newest first, full pages for a sales rep too.

describe.each(["sqlite", "postgres"] as TestDatabase[])("dispute list pages on %s", (database) => {
  let a: TestAccord;
  const numbers: string[] = [];
  beforeEach(async () => {
    a = await startTestAccord({}, { database });
    await seedLedger(a);
    numbers.length = 0;
    const open = async (body: Record<string, unknown>) => {
      const r = await a.call("POST", "/api/v1/disputes", { reasonCode: "price", statement: "Prix non conforme", openedByEmail: "claire@acme.fr", ...body });
      expect(r.status).toBe(201);
      numbers.push(r.body.dispute.number);
    };
    // all opened at the same instant (the test clock): the order falls back on the dispute id
    for (const ref of ["F-1001", "F-1002", "F-1003"]) await open({ customerRef: "C001", items: [{ ref }] });
    await open({ customerRef: "C002", items: [{ ref: "F-2001" }] });
    a.clock.set("2026-03-10T10:00:00Z");
    await open({ customerRef: "C002", scope: "customer" });
    await open({ customerRef: "C001", scope: "customer" });
  });
  afterEach(async () => {
    await a.stop();
  });

  async function walk(query: string): Promise<{ pages: string[][]; all: string[] }> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const r = await a.call("GET", `/api/v1/disputes?${query}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      pages.push(r.body.disputes.map((d: { number: string }) => d.number));
      cursor = r.body.next;
    } while (cursor && pages.length < 20);
    return { pages, all: pages.flat() };
  }

  it("every dispute once, newest first, in pages of the size asked", async () => {
    const { pages, all } = await walk("limit=4");
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(all).toEqual([...numbers].reverse());
    const whole = await a.call("GET", "/api/v1/disputes");
    expect(whole.body.disputes).toHaveLength(6);
    expect(whole.body.next).toBeNull();
  });

  it("a sales rep's pages are full: the visibility filter runs before the page is cut", async () => {
    // Sophie is the sales rep of C002 only
    const { pages, all } = await walk("limit=1&viewerEmail=sophie@acme.fr");
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
    expect(all).toEqual([numbers[4], numbers[3]]);
  });

  it("filters hold across pages", async () => {
    const { all } = await walk("limit=2&customer=C001&status=open");
    expect(all).toEqual([numbers[5], numbers[2], numbers[1], numbers[0]]);
  });

  it("a page size out of range or a cursor it did not give is a 400 naming the parameter", async () => {
    const big = await a.call("GET", "/api/v1/disputes?limit=501");
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body)).toContain("limit");
    const zero = await a.call("GET", "/api/v1/disputes?limit=0");
    expect(zero.status).toBe(400);
    const forged = await a.call("GET", "/api/v1/disputes?cursor=not-a-cursor");
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.field).toBe("cursor");
  });

  it("exports hold every match, whatever the page size", async () => {
    const csv = await a.call("GET", "/api/v1/disputes/export.csv?limit=1");
    expect(csv.status).toBe(200);
    for (const n of numbers) expect(String(csv.body)).toContain(n);
  });
});
