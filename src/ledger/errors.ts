import path from "node:path";
import { AccordError } from "../domain/errors.ts";

// Errors of a ledger import: every problem of the file with its line and field (RowError), thrown as one
// LedgerError (code "validation") before anything is committed. Also their plain-object form for the
// worker threads (postMessage keeps no classes).

export interface RowError {
  line: number;
  field: string;
  message: string;
}

/** At most this many RowErrors are reported (all are counted). */
export const MAX_REPORTED_ERRORS = 100;

export type LedgerErrorDetails = {
  errors: RowError[];
  /** Number of errors found in the file, which may exceed the reported list. */
  errorCount: number;
};

export function formatRowError(e: RowError): string {
  return `line ${e.line}, field ${e.field}: ${e.message}`;
}

function summarise(errors: readonly RowError[], total: number): string {
  const head = errors.slice(0, 3).map(formatRowError).join("; ");
  const more = total - Math.min(3, errors.length);
  return `import rejected, nothing written: ${head}${more > 0 ? ` (and ${more} more error${more === 1 ? "" : "s"})` : ""}`;
}

export class LedgerError extends AccordError {
  declare readonly details: LedgerErrorDetails;
  readonly errors: RowError[];
  constructor(errors: readonly RowError[], errorCount = errors.length) {
    const list = errors.slice(0, MAX_REPORTED_ERRORS);
    super("validation", summarise(list, Math.max(errorCount, list.length)), {
      errors: list,
      errorCount: Math.max(errorCount, list.length),
    });
    this.name = "LedgerError";
    this.errors = list;
  }
}

/** Collects errors: all counted, the first MAX_REPORTED_ERRORS kept. */
export class ErrorList {
  readonly list: RowError[] = [];
  count = 0;
  add(line: number, field: string, message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push({ line, field, message });
  }
  push(e: RowError): void {
    this.add(e.line, e.field, e.message);
  }
  throwIfAny(): void {
    if (this.count) throw new LedgerError(this.list, this.count);
  }
}

export const fileError = (line: number, field: string, message: string): LedgerError => new LedgerError([{ line, field, message }]);

export function unknownKind(fileName?: string): LedgerError {
  return fileError(
    1,
    "kind",
    `cannot tell whether this ${fileName ? `file (${path.basename(fileName)})` : "file"} holds people, customers or items: name the columns as documented or pass the kind (--kind people|customers|items)`,
  );
}

export const snapshotNotItems = (): LedgerError => fileError(1, "snapshot", "a snapshot import applies to items only");

export type SerialisedError = { name: string; message: string; code?: string; details?: Record<string, unknown>; stack?: string };

/** Error -> plain object for postMessage. */
export function serialiseError(e: unknown): SerialisedError {
  if (e instanceof AccordError) return { name: e.name, message: e.message, code: e.code, details: e.details, ...(e.stack ? { stack: e.stack } : {}) };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === "string" ? { code } : {}), ...(e.stack ? { stack: e.stack } : {}) };
  }
  return { name: "Error", message: String(e) };
}

/** The plain object back to a LedgerError, AccordError or Error (driver errors keep their `code`). */
export function reviveError(e: SerialisedError): Error {
  if (e.name === "LedgerError" && e.details) {
    const d = e.details as Partial<LedgerErrorDetails>;
    return new LedgerError(d.errors ?? [], d.errorCount);
  }
  let err: Error;
  if (e.code && e.details) err = new AccordError(e.code as AccordError["code"], e.message, e.details);
  else {
    err = new Error(e.message);
    if (e.code) (err as Error & { code?: string }).code = e.code;
  }
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}
