import type { DisputeStatus, Locale, Outcome, Priority, Scope } from "../domain/types.ts";

// The words of the dispute exports (CSV and XLSX), both languages side by side so a native speaker reviews
// them at a glance. Typography (French): a no-break space (U+00A0) before « : ; ! ? ». Glossary: a dispute's
// follow-up is « suivi » (never « relance », which collections staff read as dunning), its owner the
// « chargé de résolution ».

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

export interface ExportLabels {
  sheet: string;
  totalsSheet: string;
  header: Record<ExportColumn, string>;
  totalsHeader: { currency: string; disputes: string; disputed: string; held: string };
  status: Record<DisputeStatus, string>;
  scope: Record<Scope, string>;
  priority: Record<Priority, string>;
  outcome: Record<Outcome, string>;
  /** Excel number format of a calendar date */
  dateFormat: string;
}

export const EXPORT_LABELS: Record<Locale, ExportLabels> = {
  en: {
    sheet: "Disputes",
    totalsSheet: "Totals",
    header: {
      number: "Number",
      status: "Status",
      statusCode: "Status code",
      scope: "Scope",
      scopeCode: "Scope code",
      customerRef: "Customer ref",
      customerName: "Customer",
      reason: "Reason",
      reasonCode: "Reason code",
      priority: "Priority",
      priorityCode: "Priority code",
      owner: "Resolution owner",
      openedBy: "Opened by",
      openedOn: "Opened on",
      ageDays: "Age (days)",
      followUpOn: "Next follow-up",
      slaDueOn: "Resolution due",
      items: "Items",
      disputed: "Disputed amount",
      held: "Held amount",
      currency: "Currency",
      outcome: "Outcome",
      outcomeCode: "Outcome code",
      statement: "Customer's words",
    },
    totalsHeader: { currency: "Currency", disputes: "Disputes", disputed: "Disputed amount", held: "Held amount" },
    status: { open: "Open", resolved: "Resolved", withdrawn: "Withdrawn" },
    scope: { items: "Items", customer: "Whole customer" },
    priority: { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" },
    outcome: {
      credit_note: "Credit note",
      invoice_corrected: "Invoice corrected",
      customer_paid: "Customer paid",
      rejected: "Rejected (customer owes)",
      written_off: "Written off",
      litigation: "Sent to litigation",
      other: "Other",
    },
    dateFormat: "yyyy-mm-dd",
  },
  fr: {
    sheet: "Litiges",
    totalsSheet: "Totaux",
    header: {
      number: "Numéro",
      status: "Statut",
      statusCode: "Code statut",
      scope: "Portée",
      scopeCode: "Code portée",
      customerRef: "Code client",
      customerName: "Client",
      reason: "Motif",
      reasonCode: "Code motif",
      priority: "Priorité",
      priorityCode: "Code priorité",
      owner: "Chargé de résolution",
      openedBy: "Ouvert par",
      openedOn: "Ouvert le",
      ageDays: "Âge (jours)",
      followUpOn: "Prochain suivi",
      slaDueOn: "Résolution attendue le",
      items: "Pièces",
      disputed: "Montant en litige",
      held: "Montant bloqué",
      currency: "Devise",
      outcome: "Issue",
      outcomeCode: "Code issue",
      statement: "Parole du client",
    },
    totalsHeader: { currency: "Devise", disputes: "Litiges", disputed: "Montant en litige", held: "Montant bloqué" },
    status: { open: "Ouvert", resolved: "Résolu", withdrawn: "Retiré" },
    scope: { items: "Pièces", customer: "Client entier" },
    priority: { low: "Basse", normal: "Normale", high: "Haute", urgent: "Urgente" },
    outcome: {
      credit_note: "Avoir",
      invoice_corrected: "Facture corrigée",
      customer_paid: "Payé par le client",
      rejected: "Rejeté (le client doit)",
      written_off: "Passé en perte",
      litigation: "Envoyé au contentieux",
      other: "Autre",
    },
    dateFormat: "dd/mm/yyyy",
  },
};

export const exportLabels = (locale: Locale | null | undefined): ExportLabels => EXPORT_LABELS[locale === "fr" ? "fr" : "en"];
