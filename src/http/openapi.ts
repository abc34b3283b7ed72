import { z } from "zod";
import * as S from "./schemas.ts";

// The OpenAPI document, generated from the same zod schemas that parse the requests.

const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } } });
const query = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, s]) => ({ name, in: "query", required: false, schema: z.toJSONSchema(s as z.ZodType, { io: "input", unrepresentable: "any" }) }));
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "numeric id or number such as D-2026-0042" };
const emailParam = { name: "email", in: "path", required: true, schema: { type: "string", format: "email" }, description: "the absent person" };
const ok = (description: string) => ({ description, content: { "application/json": {} } });
const viewerParam = { name: "viewerEmail", in: "query", required: false, schema: { type: "string", format: "email" }, description: "the person reading (chat visibility; required for a token with only the disputes scope)" };
const errors = {
  "400": { description: "malformed request: not JSON, not the schema, not a calendar date, text not well-formed UTF-16 (field in error.details.field)" },
  "401": { description: "missing or unknown bearer token (the body is not read)" },
  "403": { description: "the token lacks the route's scope (details.scopes), or byEmail may not do this, or ledger sync touching an admin" },
  "404": { description: "not found (or not visible to viewerEmail)" },
  "409": { description: "conflict: stale version, illegal transition, item held by other disputes (details.disputes, details.claims with decimal amounts)" },
  "413": { description: "body too large (1 MB; 50 MB on ledger routes)" },
  "422": { description: "refused: unknown customer/reason/person, credit note or payment, amount above the open amount, date out of range, owner who may not own" },
};
/** Which token scope a route needs (ACCORD_API_TOKENS `name:token:scope+scope`; a token without scopes has all). */
const scoped = (scopes: string, extra: Record<string, unknown> = {}) => ({ "x-scopes": scopes.split("|"), description: `token scope: ${scopes.replaceAll("|", " or ")}`, ...extra });
const op = (summary: string, extra: Record<string, unknown> = {}, success: Record<string, unknown> = { "200": ok("OK") }) => ({ summary, ...extra, responses: { ...success, ...errors } });
const action = (summary: string, schema: z.ZodType) => ({ post: op(summary, scoped("disputes", { parameters: [idParam], requestBody: body(schema) }), { "200": ok("{ dispute }") }) });

let cached: unknown;

export function openApiDocument(): unknown {
  cached ??= {
    openapi: "3.1.0",
    info: {
      title: "Accord REST API",
      version: "1",
      description:
        "Disputes (litiges) over accounts-receivable items, dunning holds and the embedded collections module. Amounts are decimal strings in the item's currency; dates are YYYY-MM-DD. Errors: { error: { code, message, details } }.",
    },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths: {
      "/people": { post: op("Upsert people by email (atomic; creating, promoting or demoting an admin needs the admin scope too)", scoped("ledger", { requestBody: body(S.peopleBody) })) },
      "/customers": { post: op("Upsert customers by ref (atomic)", scoped("ledger", { requestBody: body(S.peopleBody) })) },
      "/items": { post: op("Upsert ledger items by customer and ref (atomic)", scoped("ledger", { requestBody: body(S.peopleBody) })) },
      "/reasons": { get: op("List dispute reasons", scoped("admin|disputes")), post: op("Create a reason (admins)", scoped("admin", { requestBody: body(S.createReasonBody) }), { "201": ok("{ reason }") }) },
      "/reasons/{code}": { patch: op("Rename, reorder, deactivate, change defaults (admins)", scoped("admin", { parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" } }], requestBody: body(S.patchReasonBody) })) },
      "/preferences": { patch: op("A person's own preferences: `notifyOpenerUpdates` (told when someone else resolves, withdraws or reassigns a dispute they opened), `chatPlatform` (`slack`, `teams`, or null: where their notices go when both are on)", scoped("disputes", { requestBody: body(S.patchPreferencesBody) }), { "200": ok("{ preferences }") }) },
      "/settings": { get: op("Company settings", scoped("admin")), patch: op("Change company settings (admins); escalation counts are whole numbers 1..50 or null, managerAfter not below controllerAfter (422 naming escalation.<priority>.<rung>)", scoped("admin", { requestBody: body(S.patchSettingsBody) })) },
      "/disputes": {
        get: op("List disputes, newest first, a page at a time: `limit` 1..500 (default 100); the answer's `next` is the `cursor` of the next page (null on the last)", scoped("disputes", { parameters: query(S.listDisputesQuery) }), { "200": ok("{ disputes, next }") }),
        post: op("Open a dispute (Idempotency-Key honoured)", scoped("disputes", { parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } }], requestBody: body(S.openDisputeBody) }), { "201": ok("{ dispute }") }),
      },
      "/disputes/export.csv": { get: op("Export disputes as CSV (same filters): headers and labels in `locale` (default the viewer's language, else en), codes in their own columns; fr: `;`, decimal comma, dd/mm/yyyy, UTF-8 with BOM", scoped("disputes", { parameters: query(S.exportQuery) })) },
      "/disputes/export.xlsx": { get: op("Export disputes as XLSX (same filters and locale): typed dates and amounts, a sheet of totals per currency", scoped("disputes", { parameters: query(S.exportQuery) })) },
      "/disputes/{id}": {
        get: op("A dispute with its timeline", scoped("disputes", { parameters: [idParam, viewerParam] })),
        patch: op("Edit an open dispute", scoped("disputes", { parameters: [idParam], requestBody: body(S.editDisputeBody) })),
      },
      "/disputes/{id}/comments": action("Comment", S.commentBody),
      "/disputes/{id}/reassign": action("Reassign to another owner", S.reassignBody),
      "/disputes/{id}/follow-up": action("Set the next follow-up date", S.followUpBody),
      "/disputes/{id}/resolve": action("Resolve", S.resolveBody),
      "/disputes/{id}/withdraw": action("Withdraw", S.noteBody),
      "/disputes/{id}/reopen": action("Reopen", S.noteBody),
      "/disputes/{id}/release-holds": action("Release the holds a litigation outcome kept", S.noteBody),
      "/people/{email}/absences": {
        get: op("A person's absences, earliest first", scoped("disputes|admin", { parameters: [emailParam] }), { "200": ok("{ absences }") }),
        post: op(
          "Mark a person absent (fromOn..untilOn inclusive, fromOn today at the earliest) with an optional deputy, not away on those dates, who gets their follow-up reminders meanwhile; byEmail: the person, their manager or an admin; the same absence again answers the one there; refusals (422, 403) in byEmail's language",
          scoped("disputes|admin", { parameters: [emailParam], requestBody: body(S.absenceBody) }),
          { "201": ok("{ absence }") },
        ),
      },
      "/people/{email}/absences/{id}": {
        delete: op("Remove one of a person's absences (byEmail in the query: the person, their manager or an admin)", scoped("disputes|admin", { parameters: [emailParam, { name: "id", in: "path", required: true, schema: { type: "integer" } }, ...query(S.absenceDeleteQuery)] }), { "204": { description: "removed" } }),
      },
      "/disputes/{id}/nudge": {
        post: op(
          "Nudge the owner now (byEmail: a controller, manager or admin, not the owner; an open dispute; at most once an hour)",
          scoped("disputes", { parameters: [idParam], requestBody: body(S.nudgeBody) }),
          { "200": ok("{ dispute }"), "409": ok("a closed dispute (illegal_transition), or nudged less than an hour ago (conflict, details.reason nudged_recently, lastNudgeAt, nextPossibleAt; Retry-After)") },
        ),
      },
      "/digests": {
        get: op("The channels' digest subscriptions (of one channel when told)", scoped("disputes|admin", { parameters: query(S.digestQuery) }), { "200": ok("{ digests }") }),
        post: op(
          "Subscribe a channel to the digest (byEmail: a controller, manager or admin); the same channel and filters again changes that subscription (200); Accord's membership of the channel is not checked here (a post to a channel it is not in ends failed)",
          scoped("disputes|admin", { requestBody: body(S.digestBody) }),
          { "201": ok("{ digest } (created)"), "200": ok("{ digest } (changed)") },
        ),
        delete: op("Stop every digest of a channel (byEmail: a controller, manager or admin)", scoped("disputes|admin", { parameters: query(S.digestDeleteQuery) }), { "200": ok("{ removed }") }),
      },
      "/dunning/holds": { get: op("What is held from dunning", scoped("ledger|disputes")) },
      "/dunning/preview": { get: op("Preview a dunning run (on: within a year of today)", scoped("ledger|disputes", { parameters: query(S.previewQuery) })) },
      "/dunning/runs": { post: op("Execute a dunning run (byEmail: a controller or admin; on: within the last year, not after today)", scoped("ledger", { requestBody: body(S.runBody) }), { "201": ok("the run") }) },
      "/customers/{ref}/statement": {
        get: op("Account statement with disputed and held parts", scoped("ledger|disputes", { parameters: [{ name: "ref", in: "path", required: true, schema: { type: "string" } }, viewerParam] })),
      },
      "/aged-balance": { get: op("Aged balance per customer and currency with the disputed part", scoped("ledger|disputes", { parameters: query(S.agedBalanceQuery) })) },
      "/outbox": { get: op("The delivery queue (status=failed shows what is stuck; channel=webhook|slack|teams)", scoped("admin", { parameters: query(S.outboxQuery) })) },
      "/outbox/{id}/retry": {
        post: op("Deliver a dead or failing message again now", scoped("admin", { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }] })),
      },
    },
  };
  return cached;
}
