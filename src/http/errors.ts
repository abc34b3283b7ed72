import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { z } from "zod";
import { AccordError, type ErrorCode } from "../domain/errors.ts";
import { apiMessage } from "../views/errors.ts";

// Coded errors -> HTTP. Never a stack trace: unknown errors get a short reference id, also logged.

export const STATUS: Record<ErrorCode, number> = {
  validation: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale_version: 409,
  illegal_transition: 409,
  idempotency_mismatch: 422,
  unprocessable: 422,
};

/** A request that does not match its schema: 400 (a well-formed request the domain refuses is 422). */
export class BadRequest extends AccordError {
  constructor(message: string, details: Record<string, unknown>) {
    super("validation", message, details);
  }
}

export function zodDetails(err: z.ZodError, prefix = "") {
  const issues = err.issues.map((i) => ({ field: prefix + i.path.map(String).join("."), message: i.message }));
  return { field: issues[0]?.field ?? "", issues };
}

export function sendError(res: Response, status: number, code: string, message: string, details: Record<string, unknown> = {}) {
  res.status(status).json({ error: { code, message, details } });
}

export function errorHandler(log: { error(obj: object, msg: string): void }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // `message`: the English rendering of the error's key (decimal-string amounts); `details`: its field and parameters.
    if (err instanceof BadRequest) return sendError(res, 400, err.code, apiMessage(err), err.details);
    if (err instanceof AccordError) return sendError(res, STATUS[err.code], err.code, apiMessage(err), err.details);
    if (err instanceof z.ZodError) {
      const d = zodDetails(err);
      return sendError(res, 400, "validation", `${d.field || "body"}: ${d.issues[0]?.message ?? "invalid"}`, d);
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.parse.failed") return sendError(res, 400, "validation", "The body is not valid JSON", { field: "body" });
    if (e?.type === "entity.too.large") return sendError(res, 413, "validation", "The body is too large", { field: "body" });
    // the client's own faults that express and body-parser flag with a 4xx: a path that is not valid
    // percent-encoding, a Content-Encoding or charset they do not read, an aborted body
    if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
      const field = err instanceof URIError ? "path" : e.type === "encoding.unsupported" ? "content-encoding" : e.type === "charset.unsupported" ? "content-type" : "body";
      return sendError(res, e.status, "validation", `The request cannot be read (${field})`, { field });
    }
    const ref = crypto.randomBytes(4).toString("hex");
    log.error({ err, ref, method: req.method, path: req.path }, "unexpected error");
    return sendError(res, 500, "internal", `Something went wrong on our side (reference ${ref})`, { ref });
  };
}
