import { isTimeZone } from "../domain/dates.ts";
import { formatAmount } from "../domain/money.ts";
import { LOCALES, ROLES, type DunningLevel, type ItemKind } from "../domain/types.ts";
import { ErrorList, type RowError } from "./errors.ts";
import type { LedgerKind } from "./headers.ts";
import { ItemKeys } from "./keys.ts";
import { LIMITS } from "../domain/limits.ts";
import { WrongType } from "./headers.ts";
import { amountOf, cachedDate, cell, CONTROL_CHARS, CURRENCY, currencyOf, dunningLevelOf, EMAIL, has, itemKindOf, q, roleOf, text } from "./values.ts";

// Validation of rows (canonical field names) into typed records, one row at a time, collecting every
// error of the file with its line and field. Items are handed on as they are validated (the import
// streams them to the database writer); people and customers, small files, are kept to the end, where
// the checks that need the whole file run. Nothing here touches a database: what validation needs from
// it (LedgerRefs) is read once per import by the writer.

export interface PersonRec {
  line: number;
  email: string;
  name: string;
  role: string;
  managerEmail: string | null | undefined;
  locale: string | undefined;
  timezone: string | undefined;
  slackUserId: string | null | undefined;
  teamsUserId: string | null | undefined;
}

export interface CustomerRec {
  line: number;
  ref: string;
  name: string;
  currency: string | undefined;
  salesRepEmail: string | null | undefined;
  controllerEmail: string | null | undefined;
}

/** `undefined` optional fields were absent from the file: they keep the stored value. */
export interface ItemRec {
  line: number;
  customerId: number;
  ref: string;
  kind: ItemKind;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel: DunningLevel | undefined;
  lastDunnedOn: string | null | undefined;
}

/** Which optional fields a record carries, one bit each in column order (see ledgerSql.ts). */
export const itemMask = (r: ItemRec): number => (r.dunningLevel !== undefined ? 1 : 0) | (r.lastDunnedOn !== undefined ? 2 : 0);
export const customerMask = (r: CustomerRec): number => (r.currency !== undefined ? 1 : 0) | (r.salesRepEmail !== undefined ? 2 : 0) | (r.controllerEmail !== undefined ? 4 : 0);
export const personMask = (r: PersonRec): number =>
  (r.managerEmail !== undefined ? 1 : 0) | (r.locale !== undefined ? 2 : 0) | (r.timezone !== undefined ? 4 : 0) | (r.slackUserId !== undefined ? 8 : 0) | (r.teamsUserId !== undefined ? 16 : 0);

/** What validation needs from the database, read once per import (no per-row SELECT). */
export interface LedgerRefs {
  customers: Map<string, { id: number; currency: string }>;
  people: Set<string>;
  slackOwners: Map<string, string>;
  teamsOwners: Map<string, string>;
}

export const emptyRefs = (): LedgerRefs => ({ customers: new Map(), people: new Set(), slackOwners: new Map(), teamsOwners: new Map() });

const KIND_LABEL: Record<ItemKind, string> = { invoice: "an invoice", credit_note: "a credit note", payment: "a payment" };

/** Validates rows one at a time into typed records, collecting every error of the file. */
export class LedgerValidator {
  readonly people: PersonRec[] = [];
  readonly customers: CustomerRec[] = [];
  /** The file's item keys (-> line): duplicates. */
  private readonly itemKeys: ItemKeys;
  /** The customers of the file's items, in the order they first appear. */
  private readonly itemCustomers = new Set<number>();
  private readonly errors = new ErrorList();
  rows = 0;
  private readonly seenKeys = new Map<string, number>();

  constructor(
    readonly kind: LedgerKind,
    private readonly refs: LedgerRefs,
    /** items: receives each valid record, while the file has no error so far. */
    private readonly onItem: (r: ItemRec) => void = () => {},
    /** about how many rows will come (sizes the duplicate check once) */
    expectedRows = 0,
    /** JSON rows may carry values of the wrong type (`true`, `{}`): checked first; CSV cells are all text */
    private readonly format: "csv" | "json" = "json",
  ) {
    this.itemKeys = new ItemKeys(kind === "items" ? expectedRows : 0);
  }

  get errorCount(): number {
    return this.errors.count;
  }

  /** The customers that the file's items belong to. */
  customerIds(): number[] {
    return [...this.itemCustomers];
  }

  error(line: number, field: string, message: string): void {
    this.errors.add(line, field, message);
  }

  report = (e: RowError): void => this.errors.push(e);

  private required(row: Readonly<Record<string, unknown>>, field: string, line: number): string | null {
    const v = cell(row, field);
    if (v === null || v === undefined) {
      this.error(line, field, "is required");
      return null;
    }
    return v;
  }

  private email(text: string | null | undefined, field: string, line: number): string | null | undefined | false {
    if (text === null || text === undefined) return text;
    if (this.tooLong(text, field, LIMITS.email, line)) return false;
    const e = text.toLowerCase();
    if (!EMAIL.test(e)) {
      this.error(line, field, `${q(text)} is not an email address`);
      return false;
    }
    return e;
  }

  add(row: Readonly<Record<string, unknown>>, line: number): void {
    this.rows++;
    if (this.format === "json" && !this.typesOk(row, line)) return;
    if (this.kind === "items") this.addItem(row, line);
    else if (this.kind === "customers") this.addCustomer(row, line);
    else this.addPerson(row, line);
  }

  /** Every value is text, a number or empty; the row is refused (one error per field) otherwise. */
  private typesOk(row: Readonly<Record<string, unknown>>, line: number): boolean {
    let ok = true;
    for (const field in row) {
      const v = row[field];
      if (v instanceof WrongType) {
        this.error(line, field, `must be text or a number, not ${v.type}`);
        ok = false;
      }
    }
    return ok;
  }

  /** Reports a text longer than its limit (LIMITS, the same as in REST and chat forms). */
  private tooLong(value: string | null | undefined, field: string, limit: number, line: number): boolean {
    if (value === null || value === undefined || value.length <= limit) return false;
    this.error(line, field, `is ${value.length} characters long: at most ${limit}`);
    return true;
  }

  private addItem(row: Readonly<Record<string, unknown>>, line: number): void {
    // Hot path (a million rows): direct property reads, cached enum and date lookups, fast amounts.
    const ref = text(row["ref"]);
    if (ref === null) this.error(line, "ref", "is required");
    else if (ref.length > LIMITS.ref) this.tooLong(ref, "ref", LIMITS.ref, line);
    const customerRef = text(row["customerRef"]);
    let customer: { id: number; currency: string } | undefined;
    if (customerRef === null) this.error(line, "customerRef", "is required");
    else if (customerRef.length > LIMITS.ref) this.tooLong(customerRef, "customerRef", LIMITS.ref, line);
    else {
      customer = this.refs.customers.get(customerRef);
      if (!customer) this.error(line, "customerRef", `unknown customer ${q(customerRef)} (import customers first)`);
    }
    const kindText = text(row["kind"]);
    let kind: ItemKind | null = null;
    if (kindText === null) this.error(line, "kind", "is required");
    else {
      kind = itemKindOf(kindText);
      if (!kind) this.error(line, "kind", `${q(kindText)} is not an item kind (invoice/facture/FA, credit_note/avoir/AV, payment/reglement/RG)`);
    }
    const issuedOn = this.requiredDate(row["issuedOn"], "issuedOn", line);
    const dueOn = this.requiredDate(row["dueOn"], "dueOn", line);
    const currencyText = text(row["currency"]);
    let currency: string | null = null;
    if (currencyText !== null) {
      currency = currencyOf(currencyText);
      if (currency === null) this.error(line, "currency", `${q(currencyText)} is not an ISO 4217 currency code (e.g. EUR)`);
    }
    const cur = currency ?? customer?.currency ?? "EUR";
    const amount = this.requiredAmount(row["amount"], "amount", cur, line);
    const openAmount = this.requiredAmount(row["openAmount"], "openAmount", cur, line);
    if (kind && amount !== null && openAmount !== null) {
      if (kind === "invoice") {
        if (amount < 0) this.error(line, "amount", `${KIND_LABEL[kind]}'s amount cannot be negative (got ${formatAmount(amount, cur)}); import credits as credit notes`);
        else if (openAmount < 0 || openAmount > amount)
          this.error(line, "openAmount", `${KIND_LABEL[kind]}'s open amount must be between 0 and its amount ${formatAmount(amount, cur)} (got ${formatAmount(openAmount, cur)})`);
      } else if (amount > 0) {
        this.error(line, "amount", `${KIND_LABEL[kind]}'s amount must be negative or zero (got ${formatAmount(amount, cur)})`);
      } else if (openAmount > 0 || openAmount < amount) {
        this.error(line, "openAmount", `${KIND_LABEL[kind]}'s open amount must be between its amount ${formatAmount(amount, cur)} and 0 (got ${formatAmount(openAmount, cur)})`);
      }
    }
    // Optional fields: absent (undefined) keeps the stored value; present but empty resets it.
    let dunningLevel: DunningLevel | undefined;
    const levelValue = row["dunningLevel"];
    if (levelValue !== undefined || has(row, "dunningLevel")) {
      const levelText = text(levelValue);
      dunningLevel = levelText === null ? "none" : (dunningLevelOf(levelText) ?? undefined);
      if (!dunningLevel) this.error(line, "dunningLevel", `${q(levelText)} is not a dunning level (0..5, none, notice/prevenance, R1..R5)`);
    }
    let lastDunnedOn: string | null | undefined;
    const lastValue = row["lastDunnedOn"];
    if (lastValue !== undefined || has(row, "lastDunnedOn")) {
      const lastText = text(lastValue);
      lastDunnedOn = lastText === null ? null : cachedDate(lastText);
      if (lastDunnedOn === null && lastText !== null) this.error(line, "lastDunnedOn", `${q(lastText)} is not a date`);
    }
    if (!customer || ref === null || ref.length > LIMITS.ref) return;
    this.itemCustomers.add(customer.id);
    const first = this.itemKeys.addOrFirstLine(customer.id, ref, line);
    if (first !== 0) {
      this.error(line, "ref", `duplicate item ${q(ref)} of customer ${q(customerRef)} (first on line ${first})`);
      return;
    }
    if (CONTROL_CHARS.test(ref)) this.error(line, "ref", `${q(ref)} contains control characters`);
    if (this.errors.count > 0) return; // once the file is rejected, stop handing records on
    this.onItem({
      line,
      customerId: customer.id,
      ref,
      kind: kind!,
      issuedOn: issuedOn!,
      dueOn: dueOn!,
      amount: amount!,
      openAmount: openAmount!,
      currency: cur,
      dunningLevel,
      lastDunnedOn,
    });
  }

  private requiredDate(value: unknown, field: string, line: number): string | null {
    const t = text(value);
    if (t === null) {
      this.error(line, field, "is required");
      return null;
    }
    const d = cachedDate(t);
    if (d === null) this.error(line, field, `${q(t)} is not a date`);
    return d;
  }

  private requiredAmount(value: unknown, field: string, currency: string, line: number): number | null {
    const t = text(value);
    if (t === null) {
      this.error(line, field, "is required");
      return null;
    }
    const a = amountOf(t, currency);
    if (a === null) this.error(line, field, `${q(t)} is not an amount in ${currency}`);
    return a;
  }

  private addCustomer(row: Readonly<Record<string, unknown>>, line: number): void {
    const before = this.errors.count;
    const ref = this.required(row, "ref", line);
    const name = this.required(row, "name", line);
    this.tooLong(ref, "ref", LIMITS.ref, line);
    this.tooLong(name, "name", LIMITS.name, line);
    const currencyText = cell(row, "currency");
    let currency: string | undefined;
    if (currencyText === null) currency = "EUR";
    else if (currencyText !== undefined) {
      currency = currencyText.toUpperCase();
      if (!CURRENCY.test(currency)) this.error(line, "currency", `${q(currencyText)} is not an ISO 4217 currency code (e.g. EUR)`);
    }
    const emails: Record<"salesRepEmail" | "controllerEmail", string | null | undefined> = { salesRepEmail: undefined, controllerEmail: undefined };
    for (const field of ["salesRepEmail", "controllerEmail"] as const) {
      const e = this.email(cell(row, field), field, line);
      if (e === false) continue;
      if (e && !this.refs.people.has(e)) this.error(line, field, `unknown person ${q(e)} (import people first)`);
      emails[field] = e;
    }
    if (ref !== null) {
      const first = this.seenKeys.get(ref);
      if (first !== undefined) this.error(line, "ref", `duplicate customer ${q(ref)} (first on line ${first})`);
      else this.seenKeys.set(ref, line);
    }
    if (this.errors.count !== before) return;
    this.customers.push({ line, ref: ref!, name: name!, currency, salesRepEmail: emails.salesRepEmail, controllerEmail: emails.controllerEmail });
  }

  private readonly pendingManagers: { line: number; email: string; manager: string }[] = [];
  private readonly fileSlack = new Map<string, { line: number; email: string }>();
  private readonly fileTeams = new Map<string, { line: number; email: string }>();

  private addPerson(row: Readonly<Record<string, unknown>>, line: number): void {
    const before = this.errors.count;
    const email = this.email(this.required(row, "email", line), "email", line);
    const name = this.required(row, "name", line);
    this.tooLong(name, "name", LIMITS.name, line);
    const roleText = this.required(row, "role", line);
    let role: string | undefined;
    if (roleText !== null) {
      role = roleOf(roleText);
      if (!role) this.error(line, "role", `${q(roleText)} is not a role (${ROLES.join(", ")})`);
    }
    const manager = this.email(cell(row, "managerEmail"), "managerEmail", line);
    if (manager && email && manager === email) this.error(line, "managerEmail", "a person cannot be their own manager");
    else if (manager && email) this.pendingManagers.push({ line, email, manager });
    const localeText = cell(row, "locale");
    let locale: string | undefined;
    if (localeText === null) locale = "fr";
    else if (localeText !== undefined) {
      locale = localeText.slice(0, 2).toLowerCase();
      if (!(LOCALES as readonly string[]).includes(locale) || !/^[a-z]{2}([-_][a-z]{2})?$/i.test(localeText))
        this.error(line, "locale", `${q(localeText)} is not a supported locale (${LOCALES.join(", ")})`);
    }
    const tzText = cell(row, "timezone");
    let timezone: string | undefined;
    if (tzText === null) timezone = "Europe/Paris";
    else if (tzText !== undefined) {
      timezone = tzText;
      if (!isTimeZone(tzText)) this.error(line, "timezone", `${q(tzText)} is not an IANA time zone (e.g. Europe/Paris)`);
    }
    const slackUserId = cell(row, "slackUserId");
    const teamsUserId = cell(row, "teamsUserId");
    this.tooLong(slackUserId, "slackUserId", LIMITS.chatUserId, line);
    this.tooLong(teamsUserId, "teamsUserId", LIMITS.chatUserId, line);
    if (email) {
      for (const [field, id, inFile] of [
        ["slackUserId", slackUserId, this.fileSlack],
        ["teamsUserId", teamsUserId, this.fileTeams],
      ] as const) {
        if (!id) continue;
        const other = inFile.get(id);
        if (other && other.email !== email) this.error(line, field, `${q(id)} is already given to ${other.email} on line ${other.line}`);
        else inFile.set(id, { line, email });
      }
      const first = this.seenKeys.get(email);
      if (first !== undefined) this.error(line, "email", `duplicate person ${q(email)} (first on line ${first})`);
      else this.seenKeys.set(email, line);
    }
    if (this.errors.count !== before || !email || !role) return;
    this.people.push({ line, email, name: name!, role, managerEmail: manager === false ? undefined : manager, locale, timezone, slackUserId, teamsUserId });
  }

  /** Checks that need the whole file, then throws LedgerError when anything was wrong. */
  finish(): void {
    if (this.kind === "people") {
      for (const p of this.pendingManagers) {
        if (!this.refs.people.has(p.manager) && !this.seenKeys.has(p.manager)) {
          this.error(p.line, "managerEmail", `unknown person ${q(p.manager)} (neither in the database nor in this file)`);
        }
      }
      const byEmail = new Map(this.people.map((p) => [p.email, p]));
      for (const [field, inFile, owners] of [
        ["slackUserId", this.fileSlack, this.refs.slackOwners],
        ["teamsUserId", this.fileTeams, this.refs.teamsOwners],
      ] as const) {
        for (const [id, { line, email }] of inFile) {
          const owner = owners.get(id);
          if (!owner || owner === email) continue;
          const ownerRow = byEmail.get(owner);
          const released = ownerRow !== undefined && ownerRow[field] !== undefined && ownerRow[field] !== id;
          if (!released) this.error(line, field, `${q(id)} already belongs to ${owner}`);
        }
      }
      this.errors.list.sort((a, b) => a.line - b.line);
    }
    this.errors.throwIfAny();
  }
}
