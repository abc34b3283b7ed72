import ExcelJS from "exceljs";
import { stringify } from "csv-stringify/sync";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { currencyDigits, formatAmount } from "../domain/money.ts";

// Dispute exports for other teams: CSV (csv-stringify) and XLSX (exceljs), the same columns.

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

/** `fr`: `;` separator and decimal commas, as French Excel expects; otherwise `,` and decimal points. */
export function disputesCsv(list: DisputeDetails[], now: Date, locale: "fr" | "en" = "en"): string {
  const money = (v: number, cur: string) => (locale === "fr" ? formatAmount(v, cur).replace(".", ",") : formatAmount(v, cur));
  const data = rows(list, now).map((r) => COLUMNS.map(([k]) => (k === "disputed" || k === "held" ? money(r[k] as number, String(r.currency)) : r[k])));
  return "\ufeff" + stringify([COLUMNS.map(([k]) => k), ...data], { delimiter: locale === "fr" ? ";" : "," });
}

export async function disputesXlsx(list: DisputeDetails[], now: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Accord";
  wb.created = now;
  const ws = wb.addWorksheet("Disputes");
  ws.columns = COLUMNS.map(([key, header]) => ({ key, header, width: key === "statement" ? 60 : key === "customerName" ? 30 : 16 }));
  for (const r of rows(list, now)) {
    const digits = currencyDigits(String(r.currency));
    const row = ws.addRow({ ...r, disputed: (r.disputed as number) / 10 ** digits, held: (r.held as number) / 10 ** digits });
    for (const k of ["disputed", "held"]) row.getCell(k).numFmt = digits ? "#,##0.00" : "#,##0";
  }
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  ws.autoFilter = { from: "A1", to: { row: 1, column: COLUMNS.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
