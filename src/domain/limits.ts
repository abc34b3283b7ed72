import { invalid } from "./errors.ts";

// Length limits of every text Accord stores, in characters (UTF-16 code units, what JavaScript's `length`
// and Slack's `max_length` count). One table: REST request schemas, Slack and Teams forms (`maxLength`),
// the use cases and the ledger import all read it, so a value accepted by one door is accepted by all.

export const LIMITS = {
  /** item, customer and credit-note references */
  ref: 64,
  /** people's and customers' names */
  name: 200,
  /** an email address (RFC 5321's path limit) */
  email: 254,
  /** chat user ids (Slack `U…`, Teams/Entra ids) */
  chatUserId: 64,
  /** the customer's own words */
  statement: 3000,
  /** comments and the notes of reassign, follow-up, resolve, withdraw, reopen, release and edit */
  note: 2000,
  /** a resolution's root cause */
  rootCause: 500,
  /** a reason code (letters, digits, `_`, `-`) and its labels */
  reasonCode: 40,
  reasonLabel: 75,
  /** the owner-notice template, per language */
  template: 3000,
  /** free-text search in lists and pickers */
  search: 100,
} as const;
export type LimitedText = keyof typeof LIMITS;

/** Reason settings, in days: the follow-up proposed when a dispute opens, and the resolution target. */
export const REASON_DAYS = {
  followUpDays: { min: 0, max: 365 },
  slaDays: { min: 1, max: 730 },
} as const;

/** Throws a validation error on `field` when `value` is longer than the limit of `kind`. */
export function checkLength(field: string, value: string | null | undefined, kind: LimitedText): void {
  if (value !== null && value !== undefined && value.length > LIMITS[kind]) invalid(field, "text_too_long", { max: LIMITS[kind], length: value.length });
}
