import path from "node:path";

// The three kinds of ledger file, their fields (canonical names = the REST names) and the header aliases
// ERP exports use for them (French first), and telling a file's kind from its columns or its name.

export type LedgerKind = "people" | "customers" | "items";
export const LEDGER_KINDS: readonly LedgerKind[] = ["people", "customers", "items"];
export type LedgerFormat = "csv" | "json";
/** A JSON value that is not text, a number or null (`true`, `{}`, `[1, 2]`): refused by validation, never stringified. */
export class WrongType {
  constructor(readonly type: "a boolean" | "an object" | "a list") {}
}
export type LedgerValue = string | number | null | WrongType;
export type LedgerRow = Record<string, LedgerValue>;

/** Lower-case, accents and everything but letters and digits removed: "Date d'échéance" -> "datedecheance". */
export function normaliseHeader(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

export interface KindSpec {
  required: readonly string[];
  /** canonical field -> aliases, best first (the canonical name is always accepted). */
  aliases: Record<string, readonly string[]>;
}

export const SPECS: Record<LedgerKind, KindSpec> = {
  people: {
    required: ["email", "name", "role"],
    aliases: {
      email: ["mail", "courriel", "adresse_mail", "adresse_email", "email_address", "e-mail"],
      name: ["nom", "nom_complet", "full_name", "prenom_nom", "utilisateur"],
      role: ["fonction", "profil", "profile"],
      managerEmail: ["manager", "email_manager", "responsable", "email_responsable", "n_plus_1", "superieur"],
      locale: ["langue", "language", "lang"],
      timezone: ["fuseau_horaire", "fuseau", "time_zone", "tz"],
      slackUserId: ["slack", "slack_id", "id_slack", "slack_user"],
      teamsUserId: ["teams", "teams_id", "id_teams", "teams_user"],
    },
  },
  customers: {
    required: ["ref", "name"],
    aliases: {
      ref: ["code_client", "customer_ref", "ref_client", "reference_client", "numero_client", "no_client", "n_client", "compte_client", "compte", "client", "code", "reference", "customer_code", "customer_id"],
      name: ["raison_sociale", "nom", "nom_client", "societe", "customer_name", "customer", "libelle", "denomination"],
      currency: ["devise", "monnaie"],
      salesRepEmail: ["commercial", "email_commercial", "mail_commercial", "sales_rep", "salesrep", "responsable_commercial", "vendeur"],
      controllerEmail: ["charge_de_recouvrement", "charge_recouvrement", "email_recouvrement", "recouvrement", "gestionnaire", "gestionnaire_recouvrement", "credit_controller", "controller", "controleur"],
    },
  },
  items: {
    required: ["ref", "customerRef", "kind", "issuedOn", "dueOn", "amount", "openAmount"],
    aliases: {
      ref: ["piece", "numero", "numero_piece", "num_piece", "no_piece", "n_piece", "reference", "reference_piece", "ref_piece", "document", "numero_document", "numero_facture", "n_facture", "invoice_number", "item_ref"],
      customerRef: ["code_client", "client", "customer", "customer_ref", "ref_client", "numero_client", "no_client", "n_client", "compte_client", "compte", "customer_code"],
      kind: ["type", "type_piece", "type_de_piece", "nature", "type_document", "item_kind"],
      issuedOn: ["date", "date_piece", "date_de_piece", "date_facture", "date_emission", "date_document", "date_ecriture", "issue_date", "invoice_date", "issued_on"],
      dueOn: ["echeance", "date_echeance", "date_d_echeance", "date_decheance", "due_date", "due_on"],
      amount: ["montant", "montant_ttc", "montant_initial", "montant_origine", "montant_piece", "total_ttc", "ttc", "total"],
      openAmount: ["solde", "reste_du", "reste_a_payer", "montant_restant", "montant_du", "solde_restant", "solde_du", "restant_du", "open", "balance", "open_amount"],
      currency: ["devise", "monnaie"],
      dunningLevel: ["niveau_relance", "niveau_de_relance", "relance", "niveau", "dunning_level"],
      lastDunnedOn: ["date_derniere_relance", "date_de_derniere_relance", "date_de_la_derniere_relance", "derniere_relance", "last_dunned_on", "last_dunning_date"],
    },
  },
};

export type AliasIndex = Map<string, [field: string, priority: number]>;

/** normalised header -> [canonical field, priority] per kind. */
export const ALIAS_INDEX: Record<LedgerKind, AliasIndex> = {
  people: new Map(),
  customers: new Map(),
  items: new Map(),
};
for (const kind of LEDGER_KINDS) {
  const index = ALIAS_INDEX[kind];
  for (const [field, aliases] of Object.entries(SPECS[kind].aliases)) {
    [field, ...aliases].forEach((alias, priority) => {
      const key = normaliseHeader(alias);
      if (!index.has(key)) index.set(key, [field, priority]);
    });
  }
}

/** Which canonical field each column carries (null: ignored column). Best alias wins on a clash. */
export function mapColumns(headers: readonly string[], kind: LedgerKind): (string | null)[] {
  const index = ALIAS_INDEX[kind];
  const best = new Map<string, { col: number; priority: number }>();
  headers.forEach((h, col) => {
    const hit = index.get(normaliseHeader(h));
    if (!hit) return;
    const [field, priority] = hit;
    const prev = best.get(field);
    if (!prev || priority < prev.priority) best.set(field, { col, priority });
  });
  const columns: (string | null)[] = headers.map(() => null);
  for (const [field, { col }] of best) columns[col] = field;
  return columns;
}

const FILE_NAME_HINTS: [LedgerKind, RegExp][] = [
  ["items", /item|piece|ecriture|invoice|facture|ledger|encours|balance|releve|statement/],
  ["people", /people|person|personne|user|utilisateur|equipe|team|staff|collaborateur/],
  ["customers", /customer|client|tiers|account/],
];

/** Kind from the columns (items, then people, then customers: the first whose required fields are all there), else the file name. */
export function detectLedgerKind(headers: readonly string[], fileName?: string): LedgerKind | null {
  for (const kind of ["items", "people", "customers"] as const) {
    const fields = new Set(mapColumns(headers, kind));
    if (SPECS[kind].required.every((f) => fields.has(f))) return kind;
  }
  if (fileName) {
    const base = normaliseHeader(path.basename(fileName));
    for (const [kind, re] of FILE_NAME_HINTS) if (re.test(base)) return kind;
  }
  return null;
}

/** Kind of JSON objects: from the keys of the first 100. */
export function detectObjectsKind(objects: readonly unknown[], fileName?: string): LedgerKind | null {
  const keys = new Set<string>();
  for (const o of objects.slice(0, 100)) if (o && typeof o === "object") for (const k of Object.keys(o)) keys.add(k);
  return detectLedgerKind([...keys], fileName);
}

/** A JSON object with its keys mapped to canonical names; non-objects give an empty row (reported as missing fields). */
export function canonicalObject(o: unknown, index: AliasIndex): LedgerRow {
  const row: LedgerRow = {};
  if (!o || typeof o !== "object" || Array.isArray(o)) return row;
  const priorities: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    const hit = index.get(normaliseHeader(k));
    if (!hit) continue;
    const [field, priority] = hit;
    if (priorities[field] !== undefined && priorities[field]! <= priority) continue;
    priorities[field] = priority;
    row[field] = v === null || v === undefined ? null : typeof v === "string" || typeof v === "number" ? v : new WrongType(typeof v === "boolean" ? "a boolean" : Array.isArray(v) ? "a list" : "an object");
  }
  return row;
}
