import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dispute } from "../domain/types.ts";
import { seedLedger, startTestAccord, TOKEN, type TestAccord, type TestDatabase } from "../test/harness.ts";

// Large reads: the dunning preview a page of customers at a time, and exports streamed page by page.

describe.each(["sqlite", "postgres"] as TestDatabase[])("dunning preview pages on %s", (database) => {
  let a: TestAccord;
  const refs: string[] = [];
  beforeAll(async () => {
    a = await startTestAccord({}, { database });
    await seedLedger(a);
    const s = a.deps.store;
    // seven more customers; every other one has nothing open (not part of any page)
    for (let c = 0; c < 14; c++) {
      const [customer] = await s.customers.upsertMany([{ ref: `P${String(c).padStart(2, "0")}`, name: `Client ${c}`, salesRepEmail: "paul@acme.fr" }]);
      const open = c % 2 === 0;
      await s.items.upsertMany([
        { customerId: customer!.id, ref: `FP-${c}-1`, kind: "invoice", issuedOn: "2026-01-01", dueOn: "2026-01-20", amount: 10_000 + c, openAmount: open ? 10_000 + c : 0, currency: "EUR" },
        { customerId: customer!.id, ref: `FP-${c}-2`, kind: "invoice", issuedOn: "2026-01-01", dueOn: "2026-02-25", amount: 5_000, openAmount: open ? 5_000 : 0, currency: "EUR" },
      ]);
      if (open) refs.push(customer!.ref);
    }
    // a flagged customer in the middle of the pages (policy flag: letters marked)
    const r = await a.call("POST", "/api/v1/disputes", { customerRef: "P04", scope: "customer", reasonCode: "price", statement: "Tout est contesté", openedByEmail: "claire@acme.fr" });
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    await a?.stop();
  });

  const key = (l: { customerRef: string; level: string; currency: string }) => `${l.customerRef}/${l.currency}/${l.level}`;

  it("walks every customer's letters once, `limit` customers a page, the same letters as one big page", async () => {
    const whole = await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10&limit=500");
    expect(whole.status).toBe(200);
    expect(whole.body.next).toBeNull();
    const all = whole.body.letters.map(key);
    // C001, C002 and the seven open P customers all get letters
    expect(new Set(whole.body.letters.map((l: any) => l.customerRef))).toEqual(new Set(["C001", "C002", ...refs]));
    const pages: any[][] = [];
    let cursor: string | null = null;
    do {
      const r = await a.call("GET", `/api/v1/dunning/preview?on=2026-03-10&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["on", "mode", "letters", "notSent", "next"]));
      pages.push(r.body.letters);
      cursor = r.body.next;
    } while (cursor && pages.length < 10);
    // 9 customers with open items: 3 + 3 + 3
    expect(pages.map((p) => new Set(p.map((l) => l.customerRef)).size)).toEqual([3, 3, 3]);
    expect(pages.flat().map(key).sort()).toEqual([...all].sort());
    // no customer on two pages
    const owners = pages.map((p) => new Set(p.map((l) => l.customerRef)));
    for (let i = 1; i < owners.length; i++) for (const ref of owners[i]!) expect(owners[i - 1]!.has(ref)).toBe(false);
    // the flag shows on the page that holds the customer
    expect(pages.flat().filter((l) => l.customerRef === "P04").every((l) => l.flagged)).toBe(true);
    expect(pages.flat().filter((l) => l.customerRef !== "P04").some((l) => l.flagged)).toBe(false);
  });

  it("the default page holds up to 100 customers; customer= gives that customer alone", async () => {
    const page = await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10");
    expect(page.body.next).toBeNull();
    expect(new Set(page.body.letters.map((l: any) => l.customerRef)).size).toBe(9);
    const one = await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10&customer=P06&limit=1");
    expect(one.status).toBe(200);
    expect(one.body.next).toBeNull();
    expect(one.body.letters.map((l: any) => l.customerRef)).toEqual(["P06"]);
    expect(one.body.letters[0].items.map((i: any) => i.ref)).toEqual(["FP-6-1", "FP-6-2"]);
    const none = await a.call("GET", "/api/v1/dunning/preview?customer=P01");
    expect(none.body).toMatchObject({ letters: [], notSent: [], next: null });
  });

  it("a page size out of range or a cursor it did not give is a 400 naming the parameter", async () => {
    for (const q of ["limit=0", "limit=501", "limit=two"]) {
      const r = await a.call("GET", `/api/v1/dunning/preview?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.details.field).toBe("limit");
    }
    const forged = await a.call("GET", "/api/v1/dunning/preview?cursor=bm90LW91cnM");
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.field).toBe("cursor");
    // a dispute list's cursor is not a preview cursor
    const listCursor = (await a.call("GET", "/api/v1/disputes?limit=1")).body.next ?? Buffer.from(JSON.stringify(["2026-03-10T09:00:00.000Z", 1])).toString("base64url");
    expect((await a.call("GET", `/api/v1/dunning/preview?cursor=${listCursor}`)).status).toBe(400);
  });
});

describe.each(["sqlite", "postgres"] as TestDatabase[])("streamed exports on %s", (database) => {
  const COUNT = 2_500;
  let a: TestAccord;
  beforeAll(async () => {
    a = await startTestAccord({}, { database });
    await seedLedger(a);
    const s = a.deps.store;
    const [customer] = await s.customers.upsertMany([{ ref: "BIG", name: "Grossiste, \"Le Gros\"; SA", salesRepEmail: "paul@acme.fr" }]);
    const reason = (await s.reasons.byCode("quality"))!;
    const other = (await s.reasons.byCode("price"))!;
    await s.transaction(async (tx) => {
      const items = await tx.items.upsertMany(
        Array.from({ length: COUNT }, (_, i) => ({ customerId: customer!.id, ref: `FB-${i}`, kind: "invoice" as const, issuedOn: "2026-01-01", dueOn: "2026-02-01", amount: 1_000 + i, openAmount: 1_000 + i, currency: "EUR" })),
      );
      for (let i = 0; i < COUNT; i++) {
        // three disputes per instant: the order falls back on the id within a second
        const at = new Date(Date.parse("2026-01-01T00:00:00Z") + Math.floor(i / 3) * 1_000);
        const d: Dispute = {
          id: 0, number: `D-2026-${String(i + 1).padStart(5, "0")}`, customerId: customer!.id, scope: "items", reasonId: i % 5 === 0 ? other.id : reason.id,
          priority: "normal", status: "open", statement: `Ligne ${i}: "défaut"; voir photo, n°${i}`, ownerEmail: "paul@acme.fr", openedByEmail: "claire@acme.fr",
          followUpOn: "2026-03-20", slaDueOn: "2026-04-01", currency: "EUR", items: [{ itemId: items[i]!.id, amount: 1_000 + i }], resolution: null,
          creditNoteSeenAt: null, holdsReleasedAt: null, closedAt: null, closedByEmail: null, version: 1, openedAt: at, updatedAt: at,
        };
        await tx.disputes.create(d);
      }
    });
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
  });

  const get = (p: string) => fetch(`${a.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });

  /** Every number of the list, walked through its pages: the order the exports must follow. */
  async function listed(query: string): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await a.call("GET", `/api/v1/disputes?limit=500${query}${cursor ? `&cursor=${cursor}` : ""}`);
      out.push(...r.body.disputes.map((d: any) => d.number));
      cursor = r.body.next;
    } while (cursor);
    return out;
  }

  it("CSV: every match once, in the list's order, the same columns and locale handling", async () => {
    const expected = await listed("&customer=BIG");
    expect(expected).toHaveLength(COUNT);
    const res = await get("/api/v1/disputes/export.csv?customer=BIG&locale=fr");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain("disputes.csv");
    expect(res.headers.get("content-length")).toBeNull(); // streamed, not buffered
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM French Excel needs
    const text = bytes.subarray(3).toString("utf8");
    expect(text.startsWith("Numéro;Statut;Code statut;")).toBe(true);
    const { parse } = await import("csv-parse/sync");
    const rows = parse(text, { delimiter: ";" }) as string[][];
    expect(rows).toHaveLength(COUNT + 1);
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected);
    const last = rows.find((r) => r[0] === "D-2026-02500")!;
    const header = rows[0]!;
    const col = (name: string) => last[header.indexOf(name)];
    expect(col("Client")).toBe('Grossiste, "Le Gros"; SA');
    expect(col("Parole du client")).toBe('Ligne 2499: "défaut"; voir photo, n°2499');
    expect(col("Montant en litige")).toBe("34,99");
    expect(col("Pièces")).toBe("FB-2499");
    expect(col("Code motif")).toBe("quality");
    expect(col("Motif")).toBe("Qualité / produit défectueux");
    // a filter applies to every page; en: comma and decimal point
    const en = Buffer.from(await (await get("/api/v1/disputes/export.csv?customer=BIG&reason=price")).arrayBuffer()).subarray(3).toString("utf8");
    const enRows = parse(en) as string[][];
    expect(enRows).toHaveLength(COUNT / 5 + 1);
    expect(enRows.slice(1).map((r) => r[0])).toEqual(expected.filter((n) => (Number(n.slice(7)) - 1) % 5 === 0));
    expect(enRows.find((r) => r[0] === "D-2026-00001")![enRows[0]!.indexOf("Disputed amount")]).toBe("10.00");
  });

  it("XLSX: every match once with numeric amounts, frozen bold header, while the event loop keeps turning", async () => {
    // the export gives the event loop back between pages and rows: a timer keeps firing while it runs
    // (an export that held the loop from start to end would let it fire at most once)
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 1);
    let res: Response;
    let body: ArrayBuffer;
    try {
      res = await get("/api/v1/disputes/export.xlsx?customer=BIG");
      body = await res.arrayBuffer();
    } finally {
      clearInterval(ticker);
    }
    expect(res.status).toBe(200);
    expect(ticks).toBeGreaterThan(5);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(body) as never);
    const ws = wb.getWorksheet("Disputes")!;
    expect(ws.rowCount).toBe(COUNT + 1);
    expect(ws.getRow(1).getCell(1).value).toBe("Number");
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const numbers: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) numbers.push(String(row.getCell(1).value));
    });
    expect(numbers).toEqual(await listed("&customer=BIG"));
    const row = ws.getRow(numbers.indexOf("D-2026-02500") + 2);
    const disputed = (ws.getRow(1).values as unknown[]).indexOf("Disputed amount");
    expect(row.getCell(disputed).value).toBe(34.99);
    expect(row.getCell(disputed).numFmt).toBe("#,##0.00");
  });

  it("an unknown filter value is still a JSON error, before any byte of a file", async () => {
    const r = await a.call("GET", "/api/v1/disputes/export.xlsx?reason=nope");
    expect(r.status).toBe(422);
    expect(r.body.error.details.field).toBe("reason");
  });
});
