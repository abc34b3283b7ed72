import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import ExcelJS from "exceljs";
import { stringify } from "csv-stringify/sync";
import { stringify as csvStream } from "csv-stringify";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { todayIn } from "../domain/dates.ts";
import { addTo, currencyDigits, formatAmount } from "../domain/money.ts";
import type { Locale } from "../domain/types.ts";
import { EXPORT_COLUMNS, exportLabels, type ExportColumn, type ExportLabels } from "./exportLabels.ts";

// Dispute exports for other teams: CSV (csv-stringify) and XLSX (exceljs), the same columns, headers and
// labels in the reader's language (`exportLabels.ts`), each label next to its code for machines. Whole in
// memory for chat (a DM's file), streamed for the REST API: rows are written as the pages of disputes come,
// the event loop served between pages and every few hundred rows.
//
// CSV `fr` opens as is in French Excel: `;` separator, decimal comma, no thousands separator and no currency
// symbol (the currency has its own column), dates dd/mm/yyyy, UTF-8 with a BOM. CSV `en`: `,`, decimal point,
// ISO dates. XLSX: dates and amounts are typed cells with number formats; a second sheet holds the totals per
// currency (never summed across currencies).

export interface ExportOptions {
  now: Date;
  locale?: Locale | undefined;
  /** the company's time zone: the calendar day a dispute was opened (default Europe/Paris) */
  timezone?: string | undefined;
}

type Cell = string | number | null;
/** Dates are ISO `YYYY-MM-DD` (or null), amounts minor units: each format writes them its own way. */
type Row = Record<ExportColumn, Cell>;

const DATE_COLUMNS = new Set<ExportColumn>(["openedOn", "followUpOn", "slaDueOn"]);
const AMOUNT_COLUMNS = new Set<ExportColumn>(["disputed", "held"]);

function rows(list: DisputeDetails[], o: ExportOptions, l: ExportLabels, locale: Locale): Row[] {
  const tz = o.timezone ?? "Europe/Paris";
  return list.map((x) => {
    const d = x.dispute;
    const outcome = d.resolution?.outcome ?? null;
    return {
      number: d.number,
      status: l.status[d.status],
      statusCode: d.status,
      scope: l.scope[d.scope],
      scopeCode: d.scope,
      customerRef: x.customer.ref,
      customerName: x.customer.name,
      reason: locale === "fr" ? x.reason.labelFr : x.reason.labelEn,
      reasonCode: x.reason.code,
      priority: l.priority[d.priority],
      priorityCode: d.priority,
      owner: d.ownerEmail,
      openedBy: d.openedByEmail,
      openedOn: todayIn(tz, d.openedAt),
      ageDays: Math.floor((o.now.getTime() - d.openedAt.getTime()) / 86_400_000),
      followUpOn: d.followUpOn,
      slaDueOn: d.slaDueOn,
      items: x.items.map((i) => i.item.ref).join(" "),
      disputed: x.disputedAmount,
      held: x.heldAmount,
      currency: d.currency,
      outcome: outcome ? l.outcome[outcome] : null,
      outcomeCode: outcome,
      statement: d.statement,
    };
  });
}

const localeOf = (o: ExportOptions): Locale => (o.locale === "fr" ? "fr" : "en");
const csvHeader = (l: ExportLabels) => EXPORT_COLUMNS.map((k) => l.header[k]);
const csvDelimiter = (locale: Locale) => (locale === "fr" ? ";" : ",");
const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function csvRecords(list: DisputeDetails[], o: ExportOptions): string[][] {
  const locale = localeOf(o);
  return rows(list, o, exportLabels(locale), locale).map((r) =>
    EXPORT_COLUMNS.map((k) => {
      const v = r[k];
      if (v === null) return "";
      if (AMOUNT_COLUMNS.has(k)) {
        const s = formatAmount(v as number, String(r.currency));
        return locale === "fr" ? s.replace(".", ",") : s;
      }
      if (DATE_COLUMNS.has(k) && locale === "fr") return frDate(String(v));
      return String(v);
    }),
  );
}

/** The options of the older signature `(list, now, locale)`. */
function options(nowOrOptions: Date | ExportOptions, locale?: Locale): ExportOptions {
  return nowOrOptions instanceof Date ? { now: nowOrOptions, locale } : nowOrOptions;
}

export function disputesCsv(list: DisputeDetails[], nowOrOptions: Date | ExportOptions, locale?: Locale): string {
  const o = options(nowOrOptions, locale);
  return "\ufeff" + stringify([csvHeader(exportLabels(localeOf(o))), ...csvRecords(list, o)], { delimiter: csvDelimiter(localeOf(o)) });
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
export async function streamDisputesCsv(out: Writable, pages: AsyncIterable<DisputeDetails[]>, o: ExportOptions): Promise<number> {
  let count = 0;
  const turn = turns();
  const locale = localeOf(o);
  async function* records() {
    yield csvHeader(exportLabels(locale));
    for await (const page of pages) {
      const list = csvRecords(page, o);
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

const WIDTHS: Partial<Record<ExportColumn, number>> = { statement: 60, customerName: 30, reason: 24, owner: 24, openedBy: 24 };
const columnDefs = (l: ExportLabels) => EXPORT_COLUMNS.map((key) => ({ key, header: l.header[key], width: WIDTHS[key] ?? 16 }));
const autoFilter = () => ({ from: "A1", to: { row: 1, column: EXPORT_COLUMNS.length } });
const amountFormat = (currency: string) => (currencyDigits(currency) ? "#,##0.00" : "#,##0");
/** An ISO calendar date as the spreadsheet's date (midnight UTC: the day, whatever the reader's zone). */
const sheetDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

interface Totals {
  count: Record<string, number>;
  disputed: Record<string, number>;
  held: Record<string, number>;
}
const emptyTotals = (): Totals => ({ count: {}, disputed: {}, held: {} });

/** The XLSX row of a dispute: amounts as numbers in the currency's unit, dates as dates, each with its format. */
function addXlsxRow(ws: ExcelJS.Worksheet, r: Row, l: ExportLabels, totals: Totals): ExcelJS.Row {
  const currency = String(r.currency);
  const digits = currencyDigits(currency);
  const values: Record<string, string | number | Date | null> = { ...r };
  for (const k of AMOUNT_COLUMNS) values[k] = (r[k] as number) / 10 ** digits;
  for (const k of DATE_COLUMNS) values[k] = r[k] === null ? null : sheetDate(String(r[k]));
  const row = ws.addRow(values);
  for (const k of AMOUNT_COLUMNS) row.getCell(k).numFmt = amountFormat(currency);
  for (const k of DATE_COLUMNS) if (r[k] !== null) row.getCell(k).numFmt = l.dateFormat;
  addTo(totals.count, currency, 1);
  addTo(totals.disputed, currency, r.disputed as number);
  addTo(totals.held, currency, r.held as number);
  return row;
}

/** One row per currency, in currency order. */
function addTotalsRows(ws: ExcelJS.Worksheet, totals: Totals): ExcelJS.Row[] {
  return Object.keys(totals.count)
    .sort()
    .map((currency) => {
      const digits = currencyDigits(currency);
      const row = ws.addRow({ currency, disputes: totals.count[currency], disputed: totals.disputed[currency]! / 10 ** digits, held: totals.held[currency]! / 10 ** digits });
      row.getCell("disputed").numFmt = amountFormat(currency);
      row.getCell("held").numFmt = amountFormat(currency);
      return row;
    });
}
const totalsColumns = (l: ExportLabels) => (["currency", "disputes", "disputed", "held"] as const).map((key) => ({ key, header: l.totalsHeader[key], width: key === "currency" ? 10 : 20 }));

export async function disputesXlsx(list: DisputeDetails[], nowOrOptions: Date | ExportOptions, locale?: Locale): Promise<Buffer> {
  const o = options(nowOrOptions, locale);
  const l = exportLabels(localeOf(o));
  const wb = new ExcelJS.Workbook();
  wb.creator = "Accord";
  wb.created = o.now;
  const ws = wb.addWorksheet(l.sheet);
  ws.columns = columnDefs(l);
  const totals = emptyTotals();
  for (const r of rows(list, o, l, localeOf(o))) addXlsxRow(ws, r, l, totals);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  ws.autoFilter = autoFilter();
  const t = wb.addWorksheet(l.totalsSheet);
  t.columns = totalsColumns(l);
  t.getRow(1).font = { bold: true };
  addTotalsRows(t, totals);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The same workbook as `disputesXlsx`, with exceljs' streaming writer: each row is committed (serialised
 * and let go) as it is written, the zip streamed to `out` (then ended). Returns the rows written.
 */
export async function streamDisputesXlsx(out: Writable, pages: AsyncIterable<DisputeDetails[]>, o: ExportOptions): Promise<number> {
  const locale = localeOf(o);
  const l = exportLabels(locale);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "Accord";
  wb.created = o.now;
  const ws = wb.addWorksheet(l.sheet, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columnDefs(l);
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
  const totals = emptyTotals();
  for await (const page of pages) {
    const list = rows(page, o, l, locale);
    for (let i = 0; i < list.length; i++) {
      await turn();
      addXlsxRow(ws, list[i]!, l, totals).commit();
    }
    count += list.length;
    // the client reads slower than rows come: wait for it rather than buffer the file
    if (out.writableNeedDrain && !out.destroyed) await new Promise<void>((resolve) => (out.once("drain", resolve), out.once("close", resolve)));
  }
  ws.commit();
  const t = wb.addWorksheet(l.totalsSheet);
  t.columns = totalsColumns(l);
  const th = t.getRow(1);
  th.font = { bold: true };
  th.commit();
  for (const row of addTotalsRows(t, totals)) row.commit();
  t.commit();
  await wb.commit();
  await finished;
  return count;
}
