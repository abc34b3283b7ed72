import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import ExcelJS from "exceljs";
import { stringify } from "csv-stringify/sync";
import { stringify as csvStream } from "csv-stringify";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { currencyDigits, formatAmount } from "../domain/money.ts";

// Dispute exports for other teams: CSV (csv-stringify) and XLSX (exceljs), the same columns. Whole in
// memory for chat (a DM's file), streamed for the REST API: rows are written as the pages of disputes come,
// the event loop served between pages and every few hundred rows.

const COLUMNS = [
  ["number", "Number / Numéro"],
  ["status", "Status / Statut"],
  ["scope", "Scope / Portée"],
  ["customerRef", "Customer ref / Code client"],
  ["customerName", "Customer / Client"],
  ["reason", "Reason / Motif"],
  ["priority", "Priority / Priorité"],
  ["owner", "Owner / Chargé de résolution"],
  ["openedBy", "Opened by / Ouvert par"],
  ["openedOn", "Opened on / Ouvert le"],
  ["ageDays", "Age (days) / Âge (jours)"],
  ["followUpOn", "Follow-up / Relance le"],
  ["slaDueOn", "SLA due / Échéance SLA"],
  ["items", "Items / Pièces"],
  ["disputed", "Disputed / En litige"],
  ["held", "Held / Bloqué"],
  ["currency", "Currency / Devise"],
  ["outcome", "Outcome / Issue"],
  ["statement", "Customer's words / Parole du client"],
] as const;

type Row = Record<(typeof COLUMNS)[number][0], string | number>;

function rows(list: DisputeDetails[], now: Date): Row[] {
  return list.map((x) => ({
    number: x.dispute.number,
    status: x.dispute.status,
    scope: x.dispute.scope,
    customerRef: x.customer.ref,
    customerName: x.customer.name,
    reason: x.reason.code,
    priority: x.dispute.priority,
    owner: x.dispute.ownerEmail,
    openedBy: x.dispute.openedByEmail,
    openedOn: x.dispute.openedAt.toISOString().slice(0, 10),
    ageDays: Math.floor((now.getTime() - x.dispute.openedAt.getTime()) / 86_400_000),
    followUpOn: x.dispute.followUpOn ?? "",
    slaDueOn: x.dispute.slaDueOn ?? "",
    items: x.items.map((i) => i.item.ref).join(" "),
    disputed: x.disputedAmount,
    held: x.heldAmount,
    currency: x.dispute.currency,
    outcome: x.dispute.resolution?.outcome ?? "",
    statement: x.dispute.statement,
  }));
}

const csvHeader = () => COLUMNS.map(([k]) => k);
const csvDelimiter = (locale: "fr" | "en") => (locale === "fr" ? ";" : ",");

function csvRecords(list: DisputeDetails[], now: Date, locale: "fr" | "en"): (string | number)[][] {
  const money = (v: number, cur: string) => (locale === "fr" ? formatAmount(v, cur).replace(".", ",") : formatAmount(v, cur));
  return rows(list, now).map((r) => COLUMNS.map(([k]) => (k === "disputed" || k === "held" ? money(r[k] as number, String(r.currency)) : r[k])));
}

/** `fr`: `;` separator and decimal commas, as French Excel expects; otherwise `,` and decimal points. */
export function disputesCsv(list: DisputeDetails[], now: Date, locale: "fr" | "en" = "en"): string {
  return "\ufeff" + stringify([csvHeader(), ...csvRecords(list, now, locale)], { delimiter: csvDelimiter(locale) });
}

/**
 * Gives the event loop a turn once `SLICE_MS` have passed since the last: rows cost from microseconds (a
 * CSV row, warm) to a millisecond (an exceljs row while V8 has not optimised it yet, on a busy machine).
 */
const SLICE_MS = 10;
function turns(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}

/** The same file as `disputesCsv`, written to `out` (then ended) page by page, with backpressure. Returns the rows written. */
export async function streamDisputesCsv(out: Writable, pages: AsyncIterable<DisputeDetails[]>, now: Date, locale: "fr" | "en" = "en"): Promise<number> {
  let count = 0;
  const turn = turns();
  async function* records() {
    yield csvHeader();
    for await (const page of pages) {
      const list = csvRecords(page, now, locale);
      for (let i = 0; i < list.length; i++) {
        await turn();
        yield list[i]!;
      }
      count += list.length;
    }
  }
  await pipeline(Readable.from(records()), csvStream({ delimiter: csvDelimiter(locale), bom: true }), out);
  return count;
}

const columnDefs = () => COLUMNS.map(([key, header]) => ({ key, header, width: key === "statement" ? 60 : key === "customerName" ? 30 : 16 }));
const autoFilter = () => ({ from: "A1", to: { row: 1, column: COLUMNS.length } });

/** The XLSX row of a dispute: amounts as numbers in the currency's unit, formatted with its decimals. */
function addXlsxRow(ws: ExcelJS.Worksheet, r: Row): ExcelJS.Row {
  const digits = currencyDigits(String(r.currency));
  const row = ws.addRow({ ...r, disputed: (r.disputed as number) / 10 ** digits, held: (r.held as number) / 10 ** digits });
  for (const k of ["disputed", "held"]) row.getCell(k).numFmt = digits ? "#,##0.00" : "#,##0";
  return row;
}

export async function disputesXlsx(list: DisputeDetails[], now: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Accord";
  wb.created = now;
  const ws = wb.addWorksheet("Disputes");
  ws.columns = columnDefs();
  for (const r of rows(list, now)) addXlsxRow(ws, r);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  ws.autoFilter = autoFilter();
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The same workbook as `disputesXlsx`, with exceljs' streaming writer: each row is committed (serialised
 * and let go) as it is written, the zip streamed to `out` (then ended). Returns the rows written.
 */
export async function streamDisputesXlsx(out: Writable, pages: AsyncIterable<DisputeDetails[]>, now: Date): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "Accord";
  wb.created = now;
  const ws = wb.addWorksheet("Disputes", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columnDefs();
  ws.autoFilter = autoFilter();
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.commit();
  let count = 0;
  const finished = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("close", resolve);
    out.once("error", reject);
  });
  const turn = turns();
  for await (const page of pages) {
    const list = rows(page, now);
    for (let i = 0; i < list.length; i++) {
      await turn();
      addXlsxRow(ws, list[i]!).commit();
    }
    count += list.length;
    // the client reads slower than rows come: wait for it rather than buffer the file
    if (out.writableNeedDrain && !out.destroyed) await new Promise<void>((resolve) => (out.once("drain", resolve), out.once("close", resolve)));
  }
  ws.commit();
  await wb.commit();
  await finished;
  return count;
}
