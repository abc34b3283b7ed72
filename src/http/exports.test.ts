import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_LABELS } from "../views/exportLabels.ts";
import { seedLedger, startTestAccord, TOKEN, type TestAccord } from "../test/harness.ts";

// What a French controller sees when she opens the dispute exports: the CSV in French Excel (`;`, decimal
// comma, dd/mm/yyyy, BOM), the XLSX with typed dates and amounts and totals per currency.

let a: TestAccord;
beforeAll(async () => {
  a = await startTestAccord({});
  await seedLedger(a);
  const s = a.deps.store;
  const [us] = await s.customers.upsertMany([{ ref: "C003", name: "Hôtel « Le Lac »; Genève", currency: "USD", salesRepEmail: "paul@acme.fr", controllerEmail: "claire@acme.fr" }]);
  await s.items.upsertMany([{ customerId: us!.id, ref: "FU-1", kind: "invoice", issuedOn: "2026-01-15", dueOn: "2026-02-01", amount: 250_000, openAmount: 250_000, currency: "USD" }]);
  const open = (body: Record<string, unknown>) =>
    a.call("POST", "/api/v1/disputes", { reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis n°452.", openedByEmail: "claire@acme.fr", ...body });
  expect((await open({ customerRef: "C001", items: [{ ref: "F-1001" }, { ref: "F-1002", amount: "150.00" }], priority: "high", followUpOn: "2026-03-17" })).status).toBe(201);
  expect((await open({ customerRef: "C003", items: [{ ref: "FU-1" }], reasonCode: "quality" })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await a?.stop();
});

const get = async (p: string) => {
  const res = await fetch(`${a.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

describe("CSV", () => {
  it("in the viewer's language: French headers and labels, the codes beside them, French Excel's formats", async () => {
    const bytes = await get("/api/v1/disputes/export.csv?viewerEmail=claire@acme.fr");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString("utf8"), { delimiter: ";", columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    const d1 = rows.find((r) => r["Numéro"] === "D-2026-0001")!;
    expect(d1).toMatchObject({
      Statut: "Ouvert",
      "Code statut": "open",
      Portée: "Pièces",
      "Code client": "C001",
      Client: "Boulangerie Dupont",
      Motif: "Litige prix",
      "Code motif": "price",
      Priorité: "Haute",
      "Code priorité": "high",
      "Chargé de résolution": "paul@acme.fr",
      "Ouvert le": "10/03/2026",
      "Prochain suivi": "17/03/2026",
      Pièces: "F-1001 F-1002",
      // no thousands separator, no currency symbol: the currency has its own column
      "Montant en litige": "1350,00",
      "Montant bloqué": "1350,00",
      Devise: "EUR",
      Issue: "",
      "Parole du client": "Le prix facturé ne correspond pas au devis n°452.",
    });
    expect(d1["Résolution attendue le"]).toMatch(/^\d\d\/\d\d\/2026$/);
    const d2 = rows.find((r) => r["Numéro"] === "D-2026-0002")!;
    expect(d2).toMatchObject({ Client: "Hôtel « Le Lac »; Genève", "Montant en litige": "2500,00", Devise: "USD", "Code motif": "quality" });
    // no English word a French controller would have to translate, no header left as a code
    expect(Object.keys(d1)).not.toContain("status");
    expect(Object.values(d1).join(" ")).not.toMatch(/\b(Open|High|Price)\b/);
  });

  it("locale= wins over the viewer's; English: commas, decimal points, ISO dates", async () => {
    const bytes = await get("/api/v1/disputes/export.csv?viewerEmail=claire@acme.fr&locale=en");
    const rows = parse(bytes.subarray(3).toString("utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.Number === "D-2026-0001")).toMatchObject({ Status: "Open", "Status code": "open", Priority: "High", Reason: "Price dispute", "Opened on": "2026-03-10", "Disputed amount": "1350.00", Currency: "EUR" });
    // a machine without a viewer gets English
    const machine = parse((await get("/api/v1/disputes/export.csv")).subarray(3).toString("utf8"), { columns: true }) as Record<string, string>[];
    expect(machine[0]).toHaveProperty("Status code");
  });

  it("refuses an unknown language, naming the field", async () => {
    const r = await a.call("GET", "/api/v1/disputes/export.csv?locale=de");
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe("locale");
  });
});

describe("XLSX", () => {
  it("French sheets, typed dates and amounts with number formats, totals per currency", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get("/api/v1/disputes/export.xlsx?locale=fr")) as never);
    const ws = wb.getWorksheet("Litiges")!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(Object.values(EXPORT_LABELS.fr.header));
    const col = (name: string) => header.indexOf(name) + 1;
    const row = [2, 3].map((n) => ws.getRow(n)).find((r) => r.getCell(1).value === "D-2026-0001")!;
    expect(row.getCell(col("Statut")).value).toBe("Ouvert");
    expect(row.getCell(col("Code statut")).value).toBe("open");
    const opened = row.getCell(col("Ouvert le"));
    expect(opened.value).toBeInstanceOf(Date);
    expect((opened.value as Date).toISOString()).toBe("2026-03-10T00:00:00.000Z");
    expect(opened.numFmt).toBe("dd/mm/yyyy");
    expect(row.getCell(col("Prochain suivi")).value).toEqual(new Date("2026-03-17T00:00:00Z"));
    const disputed = row.getCell(col("Montant en litige"));
    expect(disputed.value).toBe(1350);
    expect(disputed.numFmt).toBe("#,##0.00");
    expect(row.getCell(col("Âge (jours)")).value).toBe(0);

    const totals = wb.getWorksheet("Totaux")!;
    expect((totals.getRow(1).values as unknown[]).slice(1)).toEqual(["Devise", "Litiges", "Montant en litige", "Montant bloqué"]);
    expect((totals.getRow(2).values as unknown[]).slice(1)).toEqual(["EUR", 1, 1350, 1350]);
    expect((totals.getRow(3).values as unknown[]).slice(1)).toEqual(["USD", 1, 2500, 2500]);
    expect(totals.getRow(3).getCell(3).numFmt).toBe("#,##0.00");
    expect(totals.rowCount).toBe(3);
  });
});

describe("labels", () => {
  const leaves = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === "string" ? [v] : leaves(v as object)));
  it("French labels: a no-break space before « : ; ! ? », no « relance » for a follow-up; both languages the same keys", () => {
    const { dateFormat: _, ...fr } = EXPORT_LABELS.fr;
    for (const text of leaves(fr)) {
      expect(text).not.toMatch(/[^\u00a0\u202f][:;!?]/);
      expect(text.toLowerCase()).not.toContain("relance");
    }
    expect(JSON.stringify(Object.keys(EXPORT_LABELS.fr.header))).toBe(JSON.stringify(Object.keys(EXPORT_LABELS.en.header)));
  });
});
