import { describe, expect, it } from "vitest";
import { AccordError, ERROR_CODES, isMoney, money, type ErrorMessage, type ErrorParams, type MessageKey, type Money } from "../domain/errors.ts";
import { TRANSITIONS, type Command } from "../domain/lifecycle.ts";
import { ACTIONS } from "../domain/permissions.ts";
import { DISPUTE_STATUSES, ROLES, type Locale } from "../domain/types.ts";
import { apiMessage, EN, errorText, FR } from "./errors.ts";

// Every message key, in both languages, with sample parameters. The type makes a missing key a compile
// error (npx tsc); the first test makes it a test failure too.

const EUR = (minor: number): Money => money(minor, "EUR");

const SAMPLES: { [K in MessageKey]: ErrorParams[K] } = {
  untranslated: { text: "line 2, field dueOn: not a date" },
  actor_required: { field: "byEmail" },
  unknown_person: { email: "zoe@acme.test" },
  owner_unknown: {},
  forbidden_action: { email: "sam@acme.test", role: "sales", action: "reopen", number: "D-2026-0042" },
  api_scope: { client: "erp", method: "POST", path: "/api/v1/outbox", scopes: ["ledger", "admin"] },
  dispute_not_found: { number: "D-2026-0042" },
  customer_not_found: { ref: "C001" },
  customer_required: {},
  reason_required: {},
  reason_not_found: { code: "prix" },
  reason_inactive: { code: "po_missing" },
  reason_exists: { code: "price" },
  reason_code_format: {},
  reason_label_required: {},
  reason_sort_order_invalid: {},
  reason_days_out_of_range: { setting: "slaDays", min: 1, max: 730 },
  priority_invalid: {},
  idempotency_mismatch: {},
  no_sales_rep: { ref: "C001" },
  may_not_own: { email: "max@acme.test", role: "manager" },
  already_owner: { email: "sam@acme.test", number: "D-2026-0042" },
  customer_already_flagged: { ref: "C001", number: "D-2026-0007" },
  illegal_transition: { number: "D-2026-0042", status: "withdrawn", command: "resolve" },
  stale_version: { number: "D-2026-0042", currentVersion: 3, sentVersion: 2 },
  no_holds_to_release: { number: "D-2026-0042" },
  statement_required: {},
  comment_empty: {},
  text_too_long: { max: 2000, length: 2417 },
  resolution_note_required: {},
  withdraw_note_required: {},
  reopen_note_required: {},
  outcome_required: {},
  conceded_negative: {},
  credit_note_ref_required: {},
  conceded_exceeds_disputed: { conceded: EUR(293039), disputed: EUR(293038) },
  items_required: {},
  customer_scope_has_items: {},
  item_not_found: { itemRef: "F-2026-009", customerRef: "C001" },
  item_selected_twice: { itemRef: "F-2026-001" },
  item_not_of_customer: { itemRef: "F-2026-001", customerRef: "C002" },
  item_not_invoice: { itemRef: "AV-2026-001", kind: "credit_note" },
  invoice_paid: { itemRef: "F-2026-001" },
  disputed_amount_not_positive: { itemRef: "F-2026-001" },
  item_already_disputed: {
    itemRef: "F-2026-001",
    openAmount: EUR(178758),
    undisputed: EUR(17875),
    requested: EUR(17876),
    claims: [
      { dispute: "D-2026-0002", amount: EUR(120883) },
      { dispute: "D-2026-0003", amount: EUR(40000) },
    ],
  },
  exceeds_open_amount: { itemRef: "F-2026-001", openAmount: EUR(40000), requested: EUR(40001) },
  credit_note_amount_not_positive: {},
  amount_invalid: { field: "items[0].amount", text: "douze", currency: "EUR" },
  date_required: {},
  date_invalid: { field: "on", value: "2026-02-30" },
  date_out_of_range: { field: "on", value: "2028-01-01", min: "2026-01-01", max: "2027-01-01" },
  follow_up_past: { value: "2025-12-31", min: "2026-01-01" },
  follow_up_too_far: { value: "2029-01-01", min: "2026-01-01", max: "2028-01-01" },
  timezone_unknown: { value: "Mars/Olympus" },
  setting_invalid: { field: "dunningMode", problem: "Invalid option" },
  list_cursor_invalid: {},
  list_limit_out_of_range: { max: 500 },
  demo_needs_empty_db: {},
  ledger_admin_refused: { lines: [1, 3] },
  outbox_message_not_found: { id: "3f6c2a7e-0b1d-4c8e-9a55-1d2e3f4a5b6c" },
  absence_forbidden: { email: "sam@acme.test", person: "sid@acme.test" },
  absence_not_found: { id: 7 },
  deputy_is_self: { email: "sid@acme.test" },
  digest_time_invalid: { value: "midi" },
  absence_in_past: { value: "2026-03-09", today: "2026-03-10" },
  deputy_absent: { email: "sid@acme.test", fromOn: "2026-03-12", untilOn: "2026-03-20" },
  calendar_day_past: { value: "2026-01-01", today: "2026-03-10" },
  calendar_day_off: { value: "2026-05-01" },
  calendar_day_not_off: { value: "2026-03-11" },
  escalation_count_invalid: { priority: "urgent", rung: "managerAfter", value: "deux", max: 50 },
  escalation_order: { priority: "high", controllerAfter: 3, managerAfter: 2 },
};

/** Optional parameters left out, and every status, command, role and action: rendered too. */
const VARIANTS: ErrorMessage[] = [
  { key: "customer_already_flagged", params: {} },
  { key: "customer_already_flagged", params: { number: "D-2026-0007" } },
  { key: "stale_version", params: { number: "D-2026-0042" } },
  { key: "reason_days_out_of_range", params: { setting: "followUpDays", min: 0, max: 365 } },
  { key: "date_out_of_range", params: { field: "on", value: "2028-01-01", min: "2026-01-01" } },
  { key: "date_out_of_range", params: { field: "on", value: "2025-01-01", max: "2027-01-01" } },
  { key: "item_not_invoice", params: { itemRef: "RG-1", kind: "payment" } },
  { key: "ledger_admin_refused", params: { lines: [4] } },
  { key: "item_already_disputed", params: { itemRef: "F-1", openAmount: money(150000, "JPY"), undisputed: money(0, "JPY"), claims: [{ dispute: "D-2026-0009", amount: money(150000, "JPY") }] } },
  ...DISPUTE_STATUSES.flatMap((status) => (Object.keys(TRANSITIONS) as Command[]).map((command): ErrorMessage => ({ key: "illegal_transition", params: { number: "D-1", status, command } }))),
  ...ROLES.flatMap((role) => ACTIONS.flatMap((action): ErrorMessage[] => [
    { key: "forbidden_action", params: { email: "x@acme.test", role, action, number: "D-1" } },
    { key: "forbidden_action", params: { email: "x@acme.test", role, action } },
  ])),
  ...ROLES.map((role): ErrorMessage => ({ key: "may_not_own", params: { email: "x@acme.test", role } })),
];

const ALL: ErrorMessage[] = [...(Object.entries(SAMPLES).map(([key, params]) => ({ key, params })) as ErrorMessage[]), ...VARIANTS];
const errorOf = (m: ErrorMessage) => new AccordError("validation", m);
const label = (m: ErrorMessage) => `${m.key} ${JSON.stringify(m.params)}`;

/** English that must not appear in a French sentence. */
const ENGLISH_WORDS =
  "the is are not cannot may must has have and or of to by with only already nothing was were this that please select pick say required invalid between dispute disputes item items amount customer reason owner follow-up sales rep token scope line lines sync admins";
/** Whole words only (letters with accents count as letters: "été" holds no "t"). */
const ENGLISH = new RegExp(`(?<![\\p{L}\\p{N}_'-])(${ENGLISH_WORDS.split(" ").join("|")})(?![\\p{L}\\p{N}_-])`, "iu");

function moneyIn(v: unknown, out: Money[] = []): Money[] {
  if (isMoney(v)) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => moneyIn(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => moneyIn(x, out));
  return out;
}

describe("coded error messages", () => {
  it("every key has a sample and a sentence in French and in English", () => {
    const keys = Object.keys(SAMPLES).sort();
    expect(Object.keys(FR).sort()).toEqual(keys);
    expect(Object.keys(EN).sort()).toEqual(keys);
  });

  it("the checks below catch what item 13 reported (an English sentence with raw minor units in a French modal)", () => {
    const old = "The conceded amount cannot exceed the disputed amount (293038)";
    expect(old).toMatch(ENGLISH);
    expect(old).toContain(String(SAMPLES.conceded_exceeds_disputed.disputed.minor));
    expect("Le montant été refusé").not.toMatch(ENGLISH);
  });

  it.each(ALL.map((m) => [label(m), m] as const))("%s renders in both languages", (_, m) => {
    const err = errorOf(m);
    for (const text of [errorText(err, "fr"), errorText(err, "en"), apiMessage(err)]) {
      expect(text.trim().length).toBeGreaterThan(3);
      expect(text).not.toMatch(/undefined|null|NaN|\[object/);
    }
    expect(errorText(err, "fr")).not.toBe(errorText(err, "en"));
  });

  it.each(ALL.map((m) => [label(m), m] as const))("%s in French: no English, the glossary, French typography", (_, m) => {
    const fr = errorText(errorOf(m), "fr");
    expect(fr, fr).not.toMatch(ENGLISH);
    // « relance » is dunning only: a follow-up is a « suivi », its reminder a « rappel »
    if (!(m.key === "forbidden_action" && m.params.action === "run_dunning")) expect(fr).not.toMatch(/relanc/i);
    expect(fr, "no English quotes").not.toMatch(/["“”]/);
    // a non-breaking space before : and inside « », a narrow one (or a non-breaking one) before ; ! ?
    expect(fr, fr).not.toMatch(/(^|[^\u00a0\u202f])[:;!?»]/);
    expect(fr, fr).not.toMatch(/«[^\u00a0]/);
  });

  it.each(ALL.map((m) => [label(m), m] as const))("%s never shows an amount as raw minor units", (_, m) => {
    const err = errorOf(m);
    const texts = [errorText(err, "fr"), errorText(err, "en"), apiMessage(err)];
    for (const a of moneyIn(m.params).filter((x) => x.minor >= 1000 && x.currency !== "JPY")) {
      for (const text of texts) expect(text, text).not.toContain(String(a.minor));
    }
  });

  it("formats money and dates for the viewer's locale, and for the API as decimal strings", () => {
    const err = errorOf({ key: "conceded_exceeds_disputed", params: SAMPLES.conceded_exceeds_disputed });
    expect(errorText(err, "fr")).toBe("Le montant concédé (2\u202f930,39\u00a0€) ne peut pas dépasser le montant en litige (2\u202f930,38\u00a0€).");
    expect(errorText(err, "en")).toBe("The conceded amount (€2,930.39) cannot exceed the disputed amount (€2,930.38).");
    expect(apiMessage(err)).toBe("The conceded amount (2930.39 EUR) cannot exceed the disputed amount (2930.38 EUR).");
    const late = errorOf({ key: "follow_up_past", params: { value: "2026-01-01", min: "2026-01-05" } });
    expect(errorText(late, "fr")).toBe("La date du prochain suivi (1 janv. 2026) est déjà passée.");
    expect(errorText(late, "en")).toBe("The follow-up date 1 Jan 2026 is in the past.");
    expect(apiMessage(late)).toBe("The follow-up date 2026-01-01 is in the past.");
    const long = errorOf({ key: "text_too_long", params: { max: 2000, length: 2417 } });
    expect(errorText(long, "fr")).toBe("Texte trop long\u00a0: 2\u202f000 caractères au maximum (2\u202f417 saisis).");
    expect(errorText(long, "en")).toBe("Too long: at most 2,000 characters (2,417 given).");
  });

  it("renders the issue's examples in the viewer's language, money for the locale, dates as « 1 janv. 2026 »", () => {
    /** written with plain spaces: a narrow one between thousands, non-breaking before € and : */
    const nb = (s: string) => s.replace(/(\d) (?=\d{3},)/g, "$1\u202f").replace(/ €/g, "\u00a0€").replace(/ :/g, "\u00a0:");
    const over = errorOf({ key: "exceeds_open_amount", params: { itemRef: "FA-24051", openAmount: EUR(178758), requested: EUR(200000) } });
    expect(errorText(over, "fr")).toMatch(/^Pièce FA-24051\u00a0: .*2\u202f000,00\u00a0€.*1\u202f787,58\u00a0€/);
    expect(errorText(over, "en")).toBe("Item FA-24051: the disputed amount €2,000.00 exceeds its open amount €1,787.58.");
    const words = errorOf({ key: "statement_required", params: {} });
    expect(errorText(words, "fr")).toBe("Les mots du client sont obligatoires.");
    expect(errorText(words, "en")).toBe("The customer's own words are required.");
    const conceded = errorOf({ key: "conceded_exceeds_disputed", params: { conceded: EUR(500000), disputed: EUR(293038) } });
    expect(errorText(conceded, "fr")).toBe(nb("Le montant concédé (5 000,00 €) ne peut pas dépasser le montant en litige (2 930,38 €)."));
    const taken = errorOf({ key: "item_already_disputed", params: { itemRef: "FA-24051", openAmount: EUR(320511), undisputed: EUR(0), requested: EUR(50000), claims: [{ dispute: "D-2026-0003", amount: EUR(320511) }] } });
    expect(errorText(taken, "fr")).toBe(nb("Pièce FA-24051 : sur un reste dû de 3 205,11 €, le montant encore contestable est de 0,00 € (déjà en litige : D-2026-0003 pour 3 205,11 €)."));
    expect(errorText(taken, "en")).toBe("Item FA-24051: only €0.00 of its open €3,205.11 is not already disputed (D-2026-0003: €3,205.11).");
    expect(apiMessage(taken)).toBe("Item FA-24051: only 0.00 EUR of its open 3205.11 EUR is not already disputed (D-2026-0003: 3205.11 EUR).");
    const ledger = errorOf({ key: "amount_invalid", params: { field: "amount", text: "abc", currency: "EUR" } });
    expect(errorText(ledger, "fr")).toBe("«\u00a0abc\u00a0» n'est pas un montant en EUR (ex. 1234,56).");
    expect(errorText(ledger, "en")).toBe("“abc” is not an amount in EUR (e.g. 1234.56).");
    expect(apiMessage(ledger)).toBe('amount: "abc" is not an amount in EUR (e.g. 1234.56).');
    for (const err of [over, conceded, taken]) for (const locale of ["fr", "en"] as Locale[]) for (const minor of ["178758", "200000", "500000", "293038", "320511"]) expect(errorText(err, locale)).not.toContain(minor);
  });

  it("says which reason setting is out of range, and its bounds", () => {
    const err = errorOf({ key: "reason_days_out_of_range", params: { setting: "followUpDays", min: 0, max: 365 } });
    expect(errorText(err, "fr")).toBe("Le délai avant le premier suivi doit être un nombre entier de jours compris entre 0 et 365.");
    expect(errorText(err, "en")).toBe("Days to the first follow-up must be a whole number from 0 to 365.");
    const sla = errorOf({ key: "reason_days_out_of_range", params: { setting: "slaDays", min: 1, max: 730 } });
    expect(errorText(sla, "fr")).toBe("Le délai de résolution visé doit être un nombre entier de jours compris entre 1 et 730.");
  });

  it("gives API clients the parameters in details: amounts as decimal strings with their currency, and the field", () => {
    const err = new AccordError("unprocessable", { key: "exceeds_open_amount", params: SAMPLES.exceeds_open_amount }, { field: "items[0].amount" });
    expect(err.details).toEqual({ field: "items[0].amount", currency: "EUR", itemRef: "F-2026-001", openAmount: "400.00", requested: "400.01" });
    expect(apiMessage(err)).toBe("Item F-2026-001: the disputed amount 400.01 EUR exceeds its open amount 400.00 EUR.");
  });

  it("an untranslated error (ledger rows, request schema) keeps its English text over REST and gets its code's sentence in French", () => {
    for (const code of ERROR_CODES) {
      const err = new AccordError(code, "line 2, field dueOn: not a date", { field: "0.dueOn" });
      expect(err.key).toBe("untranslated");
      expect(err.field).toBe("0.dueOn");
      expect(err.details).toEqual({ field: "0.dueOn" });
      expect(apiMessage(err)).toBe("line 2, field dueOn: not a date");
      const fr = errorText(err, "fr");
      expect(fr).not.toMatch(ENGLISH);
    }
  });

  it.each(["fr", "en"] as Locale[])("renders in %s the key's parameters, not the log message", (locale) => {
    const err = errorOf({ key: "dispute_not_found", params: { number: "D-2026-0042" } });
    expect(err.message).toContain("dispute_not_found");
    expect(errorText(err, locale)).toContain("D-2026-0042");
    expect(errorText(err, locale)).not.toContain("dispute_not_found");
  });
});

describe("French elision", () => {
  it("« impossible d'envoyer un rappel », « impossible de le retirer »", () => {
    const text = (command: Command | "remind") => errorText(errorOf({ key: "illegal_transition", params: { number: "D-1", status: "withdrawn", command } } as ErrorMessage), "fr");
    expect(text("remind")).toBe("Le litige D-1 est retiré\u00a0: impossible d'envoyer un rappel.");
    expect(text("withdraw")).toBe("Le litige D-1 est retiré\u00a0: impossible de le retirer.");
    expect(text("follow_up")).toBe("Le litige D-1 est retiré\u00a0: impossible de fixer son prochain suivi.");
  });
});
