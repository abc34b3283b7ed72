import type { DisputeStatus, Locale, Outcome, Priority, Scope } from "../domain/types.ts";
import { t } from "./i18n.ts";

// The columns of the dispute exports (CSV and XLSX). Their words are in the catalogues with every other
// sentence (src/views/en.ts, src/views/fr.ts: one file per language for a native speaker to review).

export const EXPORT_COLUMNS = [
  "number",
  "status",
  "statusCode",
  "scope",
  "scopeCode",
  "customerRef",
  "customerName",
  "reason",
  "reasonCode",
  "priority",
  "priorityCode",
  "owner",
  "openedBy",
  "openedOn",
  "ageDays",
  "followUpOn",
  "slaDueOn",
  "items",
  "disputed",
  "held",
  "currency",
  "outcome",
  "outcomeCode",
  "statement",
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** The words of a dispute export: its own (sheets, headers, date format) and the catalogue's labels. */
export interface ExportWords {
  sheet: string;
  totalsSheet: string;
  header: Record<ExportColumn, string>;
  totalsHeader: { currency: string; disputes: string; disputed: string; held: string };
  scope: Record<Scope, string>;
  /** Excel number format of a calendar date */
  dateFormat: string;
}

export interface ExportLabels extends ExportWords {
  status: Record<DisputeStatus, string>;
  priority: Record<Priority, string>;
  outcome: Record<Outcome, string>;
}

/** The export's words in one language: the catalogue's (src/views/en.ts, fr.ts), the same labels the cards show. */
export const exportLabels = (locale: Locale | null | undefined): ExportLabels => {
  const m = t(locale === "fr" ? "fr" : "en");
  return { ...m.exports, status: m.status, priority: m.priority, outcome: m.outcome };
};

export const EXPORT_LABELS: Record<Locale, ExportLabels> = { en: exportLabels("en"), fr: exportLabels("fr") };
