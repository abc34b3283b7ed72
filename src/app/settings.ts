import { z } from "zod";
import { isTimeZone, todayIn } from "../domain/dates.ts";
import { fail, invalid } from "../domain/errors.ts";
import { ladderProblems } from "../domain/ladder.ts";
import { assertCan } from "../domain/permissions.ts";
import { settingsSchema, type Settings } from "../domain/settings.ts";
import type { Reason } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { syncHolds } from "./holdsSync.ts";
import type { Repos } from "./ports.ts";

/** The company's calendar day now (its time zone): what "overdue" and "today" mean on cards and lists. */
export async function companyToday(deps: Deps): Promise<string> {
  return todayIn((await getSettings(deps)).timezone, deps.clock());
}

export function getSettings(deps: Deps): Promise<Settings> {
  return deps.store.settings.get();
}

/** What the admin forms edit (reasons, settings): for admins only. */
export async function getAdminSettings(deps: Deps, input: { byEmail: string }): Promise<{ reasons: Reason[]; settings: Settings }> {
  assertCan(await actor(deps.store, input.byEmail), "admin");
  const [reasons, settings] = await Promise.all([deps.store.reasons.list(), deps.store.settings.get()]);
  return { reasons, settings };
}

/** Admins change company settings; a change of the customer-level policy re-derives every hold. */
export async function updateSettings(deps: Deps, input: { byEmail?: string | undefined; patch: Record<string, unknown> }): Promise<Settings> {
  return deps.store.transaction((tx) => saveSettings(tx, deps, input.byEmail, () => input.patch));
}

/**
 * The one path of a settings change, inside the caller's transaction: the admin check, the patch worked out
 * from the settings as they are (so an edit of one calendar day never loses another admin's), the escalation
 * ladder's rules, the schema, the save, the holds re-derived when the customer-level policy changes.
 */
export async function saveSettings(tx: Repos, deps: Deps, byEmail: string | undefined, patchOf: (current: Settings) => Record<string, unknown>): Promise<Settings> {
  const now = deps.clock();
  assertCan(await actor(tx, byEmail), "admin");
  const current = await tx.settings.getForUpdate();
  const patch = patchOf(current);
  if ("escalation" in patch) {
    const [problem] = ladderProblems(patch.escalation);
    if (problem) invalid(problem.field, problem.key, problem.params as never);
  }
  const parsed = settingsSchema.safeParse({ ...current, ...patch });
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const field = first.path.join(".");
    fail("validation", "setting_invalid", { field, problem: first.message }, { field, details: { issues: z.treeifyError(parsed.error) } });
  }
  const next = parsed.data!;
  if (next.timezone !== current.timezone) {
    if (!isTimeZone(next.timezone)) fail("validation", "timezone_unknown", { value: next.timezone }, { field: "timezone" });
  }
  await tx.settings.save(next);
  if (next.customerPolicy !== current.customerPolicy) await syncHolds(tx, deps, await tx.disputes.customersWithHoldingDisputes(), now);
  return next;
}
