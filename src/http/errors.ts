import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { z } from "zod";
import { AccordError, type ErrorCode } from "../domain/errors.ts";

// Coded errors -> HTTP. Never a stack trace: unknown errors get a short reference id, also logged.

const STATUS: Record<ErrorCode, number> = {
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
    if (err instanceof BadRequest) return sendError(res, 400, err.code, err.message, err.details);
    if (err instanceof AccordError) return sendError(res, STATUS[err.code], err.code, err.message, err.details);
    if (err instanceof z.ZodError) {
      const d = zodDetails(err);
      return sendError(res, 400, "validation", `${d.field || "body"}: ${d.issues[0]?.message ?? "invalid"}`, d);
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.parse.failed") return sendError(res, 400, "validation", "The body is not valid JSON", { field: "body" });
    if (e?.type === "entity.too.large") return sendError(res, 413, "validation", "The body is too large", { field: "body" });
    const ref = crypto.randomBytes(4).toString("hex");
    log.error({ err, ref, method: req.method, path: req.path }, "unexpected error");
    return sendError(res, 500, "internal", `Something went wrong on our side (reference ${ref})`, { ref });
  };
}
