import { addDays, todayIn } from "../domain/dates.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Customer, Priority, Reason } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

export interface DisputeDefaults {
  today: string;
  customer: Customer | null;
  reason: Reason | null;
  /** the customer's sales rep, the default resolution owner */
  ownerEmail: string | null;
  /** today + the reason's days to the first follow-up */
  followUpOn: string | null;
  /** today + the reason's days to resolve */
  slaDueOn: string | null;
  priority: Priority;
}

/** What a new-dispute form proposes before the controller edits it: the same defaults openDispute applies. */
export async function proposeDisputeDefaults(deps: Deps, input: { viewerEmail: string; customerRef?: string | undefined; reasonCode?: string | undefined }): Promise<DisputeDefaults> {
  const tx = deps.store;
  // the form is for those who may open disputes
  assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "open");
  const [customer, reason, settings] = await Promise.all([
    input.customerRef ? tx.customers.byRef(input.customerRef.trim()) : null,
    input.reasonCode ? tx.reasons.byCode(input.reasonCode) : null,
    tx.settings.get(),
  ]);
  const today = todayIn(settings.timezone, deps.clock());
  return {
    today,
    customer,
    reason,
    ownerEmail: customer?.salesRepEmail ?? null,
    followUpOn: reason ? addDays(today, reason.followUpDays) : null,
    slaDueOn: reason ? addDays(today, reason.slaDays) : null,
    priority: reason?.priority ?? "normal",
  };
}
