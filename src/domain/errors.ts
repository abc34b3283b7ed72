// Coded errors. Each adapter (REST, Slack, Teams) turns a code into words and a status.
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

export class AccordError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AccordError";
  }
}

export const fail = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): never => {
  throw new AccordError(code, message, details);
};

/** A field problem, reported with the field path so a modal or an API client can point at it. */
export const invalid = (field: string, message: string, details: Record<string, unknown> = {}): never =>
  fail("validation", message, { field, ...details });
