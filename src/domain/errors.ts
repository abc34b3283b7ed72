// Coded errors. The domain says what went wrong (a code, a message key and typed parameters); each adapter
// (REST, Slack, Teams) turns the code into a status and the key into words in the viewer's language
// (src/views/errors.ts). No user-facing sentence is built here.
import type { Command } from "./lifecycle.ts";
import { formatAmount } from "./money.ts";
import type { Action } from "./permissions.ts";
import type { DisputeStatus, ItemKind, Role } from "./types.ts";

export const ERROR_CODES = [
  "validation", // 400/422: a field is wrong
  "unauthorized", // 401
  "forbidden", // 403: the actor may not do this
  "not_found", // 404
  "conflict", // 409: state conflict (over-disputed item, customer already flagged...)
  "stale_version", // 409: the dispute changed meanwhile
  "illegal_transition", // 409: e.g. resolving a withdrawn dispute
  "idempotency_mismatch", // 422: same Idempotency-Key, different request
  "unprocessable", // 422: well-formed but not acceptable (disputed credit note...)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An amount in integer minor units with its ISO 4217 currency: rendered for the viewer's locale, never raw. */
export interface Money {
  minor: number;
  currency: string;
}
export const money = (minor: number, currency: string): Money => ({ minor, currency });
export const isMoney = (v: unknown): v is Money =>
  !!v && typeof v === "object" && typeof (v as Money).minor === "number" && typeof (v as Money).currency === "string" && Object.keys(v).length === 2;

/** A calendar date, YYYY-MM-DD (rendered "1 janv. 2026" / "1 Jan 2026"). */
export type IsoDate = string;

type None = Record<never, never>;

/**
 * Every message key and its parameters. A renderer must cover every key (src/views/errors.ts is typed
 * against this map). Amounts are Money, dates IsoDate; REST `details` show the parameters with amounts
 * as decimal strings and their currency.
 */
export interface ErrorParams {
  /** A sentence not (yet) keyed: the ledger import's row errors, request-schema messages. English, API-only. */
  untranslated: { text: string };

  // who is acting, what is referred to
  actor_required: { field: string };
  unknown_person: { email: string };
  owner_unknown: None;
  forbidden_action: { email: string; role: Role; action: Action; number?: string };
  api_scope: { client: string; method: string; path: string; scopes: string[] };
  dispute_not_found: { number: string };
  customer_not_found: { ref: string };
  customer_required: None;
  reason_required: None;
  reason_not_found: { code: string };
  reason_inactive: { code: string };
  reason_exists: { code: string };
  reason_code_format: None;
  reason_label_required: None;
  reason_sort_order_invalid: None;
  reason_days_out_of_range: { setting: "followUpDays" | "slaDays"; min: number; max: number };
  priority_invalid: None;
  idempotency_mismatch: None;
  no_sales_rep: { ref: string };
  may_not_own: { email: string; role: Role };
  already_owner: { email: string; number: string };
  customer_already_flagged: { ref?: string; number?: string };

  // lifecycle
  illegal_transition: { number: string; status: DisputeStatus; command: Command };
  stale_version: { number: string; currentVersion?: number; sentVersion?: number };
  no_holds_to_release: { number: string };
  statement_required: None;
  comment_empty: None;
  text_too_long: { max: number; length: number };
  resolution_note_required: None;
  withdraw_note_required: None;
  reopen_note_required: None;
  outcome_required: None;
  conceded_negative: None;
  credit_note_ref_required: None;
  conceded_exceeds_disputed: { conceded: Money; disputed: Money };

  // item selection
  items_required: None;
  customer_scope_has_items: None;
  item_not_found: { itemRef: string; customerRef: string };
  item_selected_twice: { itemRef: string };
  item_not_of_customer: { itemRef: string; customerRef: string };
  item_not_invoice: { itemRef: string; kind: Exclude<ItemKind, "invoice"> };
  invoice_paid: { itemRef: string };
  disputed_amount_not_positive: { itemRef: string };
  item_already_disputed: { itemRef: string; openAmount: Money; undisputed: Money; requested?: Money; claims: { dispute: string; amount: Money }[] };
  exceeds_open_amount: { itemRef: string; openAmount: Money; requested: Money };
  credit_note_amount_not_positive: None;

  // values
  amount_invalid: { field: string; text: string; currency: string };
  date_required: None;
  date_invalid: { field: string; value: string };
  date_out_of_range: { field: string; value: IsoDate; min?: IsoDate; max?: IsoDate };
  follow_up_past: { value: IsoDate; min: IsoDate };
  follow_up_too_far: { value: IsoDate; min: IsoDate; max: IsoDate };
  timezone_unknown: { value: string };
  setting_invalid: { field: string; problem: string };
  list_cursor_invalid: None;
  list_limit_out_of_range: { max: number };

  // admin, ledger sync
  demo_needs_empty_db: None;
  ledger_admin_refused: { lines: number[] };
  outbox_message_not_found: { id: string };

  // absences and deputies
  absence_forbidden: { email: string; person: string };
  absence_not_found: { id: number };
  deputy_is_self: { email: string };

  // the digest (issue 11)
  digest_time_invalid: { value: string };

  // App Home: absences, the company calendar, the escalation ladder (issue 11)
  absence_in_past: { value: IsoDate; today: IsoDate };
  deputy_absent: { email: string; fromOn: IsoDate; untilOn: IsoDate };
  calendar_day_past: { value: IsoDate; today: IsoDate };
  calendar_day_off: { value: IsoDate };
  calendar_day_not_off: { value: IsoDate };
  escalation_count_invalid: { priority: "low" | "normal" | "high" | "urgent"; rung: "controllerAfter" | "managerAfter"; value: string; max: number };
  escalation_order: { priority: "low" | "normal" | "high" | "urgent"; controllerAfter: number; managerAfter: number };
}
export type MessageKey = keyof ErrorParams;

/** A key with its parameters, narrowed together (`switch (m.key)` types `m.params`). */
export type ErrorMessage = { [K in MessageKey]: { key: K; params: ErrorParams[K] } }[MessageKey];

export interface ErrorOptions {
  /** the input in error (`items[0].amount`, `toEmail`): where a form or an API client points */
  field?: string;
  /** further machine-readable details for API clients (dispute numbers, row errors, scopes) */
  details?: Record<string, unknown>;
}

/** Parameters as plain JSON for API clients: Money -> decimal string (with `currency` alongside). */
export function plainParams(params: object): Record<string, unknown> {
  let currency: string | undefined;
  const plain = (v: unknown): unknown => {
    if (isMoney(v)) {
      currency ??= v.currency;
      return formatAmount(v.minor, v.currency);
    }
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  const out = plain(params) as Record<string, unknown>;
  return currency && out.currency === undefined ? { currency, ...out } : out;
}

export class AccordError extends Error {
  readonly key: MessageKey;
  readonly params: ErrorParams[MessageKey];
  /** the input in error, when there is one */
  readonly field: string | undefined;
  /** what API clients get as `details`: the field, the parameters as plain JSON, then the extra details */
  readonly details: Record<string, unknown>;

  /**
   * `new AccordError(code, { key, params }, { field, details })`. The older form `(code, text, details)`
   * (the ledger import's errors) becomes the `untranslated` key with those details as they are.
   */
  constructor(
    readonly code: ErrorCode,
    message: ErrorMessage | string,
    options: ErrorOptions | Record<string, unknown> = {},
  ) {
    const keyed = typeof message !== "string";
    super(keyed ? `${message.key} ${JSON.stringify(message.params)}` : message);
    this.name = "AccordError";
    if (keyed) {
      const o = options as ErrorOptions;
      this.key = message.key;
      this.params = message.params;
      this.field = o.field;
      this.details = { ...(o.field !== undefined ? { field: o.field } : {}), ...plainParams(message.params), ...(o.details ?? {}) };
    } else {
      const details = options as Record<string, unknown>;
      this.key = "untranslated";
      this.params = { text: message };
      this.field = typeof details.field === "string" ? details.field : undefined;
      this.details = details;
    }
  }

  /** The key with its parameters, as a discriminated union. */
  get what(): ErrorMessage {
    return { key: this.key, params: this.params } as ErrorMessage;
  }

  is<K extends MessageKey>(key: K): this is AccordError & { key: K; params: ErrorParams[K] } {
    return this.key === key;
  }
}

export function fail<K extends MessageKey>(code: ErrorCode, key: K, params: ErrorParams[K], options: ErrorOptions = {}): never {
  throw new AccordError(code, { key, params } as ErrorMessage, options);
}

/** A field problem, reported with the field path so a modal or an API client can point at it. */
export function invalid<K extends MessageKey>(field: string, key: K, params: ErrorParams[K], details?: Record<string, unknown>): never {
  throw new AccordError("validation", { key, params } as ErrorMessage, { field, ...(details ? { details } : {}) });
}
