import { todayIn } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { LedgerError, type RowError } from "../ledger/errors.ts";
import { ALIAS_INDEX, canonicalObject, type LedgerKind } from "../ledger/headers.ts";
import type { LedgerResult } from "../ledger/pipeline.ts";
import { cachedDate, cell, roleOf } from "../ledger/values.ts";
import type { Deps } from "./context.ts";
import { announceLedgerChanges } from "./ledgerChanged.ts";

// Ledger sync over REST (people, customers, items from an ERP): the same import as `accord import`, with
// the rules an untrusted caller is held to first. Ledger sync never creates, promotes or demotes an admin
// (README.md "Who may do what"), nor rebinds an admin's chat identity: only a caller trusted with admins may (a token with
// the `admin` scope; the CLI, which runs on the server, calls the import directly).

/** The ledger import (raw SQL in a worker thread), shared with `accord import`. */
export type LedgerImporter = (input: { text: string; format: "json" | "csv"; kind: LedgerKind; snapshot?: boolean }) => Promise<LedgerResult>;

export interface SyncLedgerInput {
  kind: LedgerKind;
  rows: readonly Record<string, unknown>[];
  /** Whether the caller may create, change or remove admins (a token with the `admin` scope). */
  mayManageAdmins: boolean;
}

/** Rows of people that would make, unmake or re-identify an admin: refused as a whole (403) unless trusted. */
async function adminChanges(deps: Deps, rows: readonly Record<string, unknown>[]): Promise<RowError[]> {
  const canonical = rows.map((r) => canonicalObject(r, ALIAS_INDEX.people));
  const emails = [...new Set(canonical.map((r) => cell(r, "email")?.toLowerCase()).filter((e): e is string => !!e))];
  const stored = new Map((emails.length ? await deps.store.people.byEmails(emails) : []).map((p) => [p.email, p]));
  const refused: RowError[] = [];
  canonical.forEach((row, i) => {
    const email = cell(row, "email")?.toLowerCase();
    if (!email) return;
    const roleText = cell(row, "role");
    const role = roleText ? roleOf(roleText) : undefined;
    const before = stored.get(email);
    const line = i + 1;
    if (role === "admin" && before?.role !== "admin") {
      refused.push({ line, field: "role", message: `${email}: ledger sync may not ${before ? "promote a person to" : "create an"} admin` });
    } else if (before?.role === "admin" && role !== undefined && role !== "admin") {
      refused.push({ line, field: "role", message: `${email} is an admin: ledger sync may not demote them` });
    } else if (before?.role === "admin") {
      for (const field of ["slackUserId", "teamsUserId"] as const) {
        const v = cell(row, field);
        if (v !== undefined && (v ?? null) !== before[field]) refused.push({ line, field, message: `${email} is an admin: ledger sync may not change their ${field}` });
      }
    }
  });
  return refused;
}

/** Items: a last-reminder date is never after today (a future one would stop the item being dunned). */
function futureReminders(rows: readonly Record<string, unknown>[], today: string): RowError[] {
  const errors: RowError[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row || typeof row !== "object") continue;
    const v = cell(canonicalObject(row, ALIAS_INDEX.items), "lastDunnedOn");
    if (!v) continue;
    const iso = cachedDate(v);
    if (iso && iso > today) errors.push({ line: i + 1, field: "lastDunnedOn", message: `"${v}" is after today (${today}): a last-reminder date cannot be in the future` });
  }
  return errors;
}

export async function syncLedger(deps: Deps, ledger: LedgerImporter, input: SyncLedgerInput): Promise<LedgerResult> {
  if (input.kind === "people" && !input.mayManageAdmins) {
    const refused = await adminChanges(deps, input.rows);
    if (refused.length) {
      fail(
        "forbidden",
        "ledger_admin_refused",
        { lines: [...new Set(refused.map((r) => r.line))] },
        { field: `${refused[0]!.line - 1}.${refused[0]!.field}`, details: { errors: refused, errorCount: refused.length } },
      );
    }
  }
  if (input.kind === "items") {
    const today = todayIn((await deps.store.settings.get()).timezone, deps.clock());
    const future = futureReminders(input.rows, today);
    if (future.length) throw new LedgerError(future);
  }
  const result = await ledger({ text: JSON.stringify(input.rows), format: "json", kind: input.kind });
  // holds and credit notes were applied in the import's transaction; the chat cards follow
  await announceLedgerChanges(deps, result.changedDisputeIds);
  return result;
}
