import { z } from "zod";
import { isTimeZone, todayIn } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import { settingsSchema, type Settings } from "../domain/settings.ts";
import type { Reason } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { syncHolds } from "./holdsSync.ts";

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
  const now = deps.clock();
  return deps.store.transaction(async (tx) => {
    assertCan(await actor(tx, input.byEmail), "admin");
    const current = await tx.settings.get();
    const parsed = settingsSchema.safeParse({ ...current, ...input.patch });
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
  });
}
