import { z } from "zod";
import * as S from "./schemas.ts";

// The OpenAPI document, generated from the same zod schemas that parse the requests.

const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } } });
const query = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, s]) => ({ name, in: "query", required: false, schema: z.toJSONSchema(s as z.ZodType, { io: "input", unrepresentable: "any" }) }));
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "numeric id or number such as D-2026-0042" };
const ok = (description: string) => ({ description, content: { "application/json": {} } });
const errors = {
  "400": { description: "malformed request (field in error.details.field)" },
  "401": { description: "missing or unknown bearer token" },
  "403": { description: "byEmail may not do this" },
  "404": { description: "not found" },
  "409": { description: "conflict: stale version, item already disputed, illegal transition" },
  "422": { description: "refused: unknown customer/reason/person, credit note or payment, bad amount" },
};
const op = (summary: string, extra: Record<string, unknown> = {}, success: Record<string, unknown> = { "200": ok("OK") }) => ({ summary, ...extra, responses: { ...success, ...errors } });
const action = (summary: string, schema: z.ZodType) => ({ post: op(summary, { parameters: [idParam], requestBody: body(schema) }, { "200": ok("{ dispute }") }) });

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
      "/people": { post: op("Upsert people by email (atomic)", { requestBody: body(S.peopleBody) }) },
      "/customers": { post: op("Upsert customers by ref (atomic)", { requestBody: body(S.peopleBody) }) },
      "/items": { post: op("Upsert ledger items by customer and ref (atomic)", { requestBody: body(S.peopleBody) }) },
      "/reasons": { get: op("List dispute reasons"), post: op("Create a reason (admins)", { requestBody: body(S.createReasonBody) }, { "201": ok("{ reason }") }) },
      "/reasons/{code}": { patch: op("Rename, reorder, deactivate, change defaults (admins)", { parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" } }], requestBody: body(S.patchReasonBody) }) },
      "/settings": { get: op("Company settings"), patch: op("Change company settings (admins)", { requestBody: body(S.patchSettingsBody) }) },
      "/disputes": {
        get: op("List disputes", { parameters: query(S.listDisputesQuery) }),
        post: op("Open a dispute (Idempotency-Key honoured)", { parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } }], requestBody: body(S.openDisputeBody) }, { "201": ok("{ dispute }") }),
      },
      "/disputes/export.csv": { get: op("Export disputes as CSV (same filters; locale=fr for ; and decimal commas)", { parameters: query(S.listDisputesQuery) }) },
      "/disputes/export.xlsx": { get: op("Export disputes as XLSX (same filters)", { parameters: query(S.listDisputesQuery) }) },
      "/disputes/{id}": { get: op("A dispute with its timeline", { parameters: [idParam] }), patch: op("Edit an open dispute", { parameters: [idParam], requestBody: body(S.editDisputeBody) }) },
      "/disputes/{id}/comments": action("Comment", S.commentBody),
      "/disputes/{id}/reassign": action("Reassign to another owner", S.reassignBody),
      "/disputes/{id}/follow-up": action("Set the next follow-up date", S.followUpBody),
      "/disputes/{id}/resolve": action("Resolve", S.resolveBody),
      "/disputes/{id}/withdraw": action("Withdraw", S.noteBody),
      "/disputes/{id}/reopen": action("Reopen", S.noteBody),
      "/disputes/{id}/release-holds": action("Release the holds a litigation outcome kept", S.noteBody),
      "/dunning/holds": { get: op("What is held from dunning") },
      "/dunning/preview": { get: op("Preview a dunning run", { parameters: query(S.previewQuery) }) },
      "/dunning/runs": { post: op("Execute a dunning run", { requestBody: body(S.runBody) }, { "201": ok("the run") }) },
      "/customers/{ref}/statement": { get: op("Account statement with disputed and held parts", { parameters: [{ name: "ref", in: "path", required: true, schema: { type: "string" } }] }) },
      "/aged-balance": { get: op("Aged balance per customer and currency with the disputed part") },
      "/outbox": { get: op("Webhook outbox (status=failed shows what is stuck)", { parameters: query(S.outboxQuery) }) },
    },
  };
  return cached;
}
