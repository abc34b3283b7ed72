import { todayIn } from "../domain/dates.ts";
import { invalid } from "../domain/errors.ts";
import type { DisputeStatus } from "../domain/types.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";
import type { DisputeFilter } from "./ports.ts";

export interface ListDisputesInput {
  status?: DisputeStatus | undefined;
  reasonCode?: string | undefined;
  ownerEmail?: string | undefined;
  customerRef?: string | undefined;
  /** only open disputes whose follow-up date has passed */
  overdue?: boolean | undefined;
  /** a chat viewer: sales reps see only their customers' disputes and those they own */
  viewerEmail?: string | undefined;
  limit?: number | undefined;
}

export async function listDisputes(deps: Deps, input: ListDisputesInput): Promise<DisputeDetails[]> {
  const tx = deps.store;
  // No default cap: lists feed exports and reports, which must hold every matching dispute.
  const f: DisputeFilter = input.limit ? { limit: input.limit } : {};
  if (input.status) f.status = input.status;
  if (input.reasonCode) {
    const r = await tx.reasons.byCode(input.reasonCode);
    if (!r) return invalid("reason", `Unknown reason ${input.reasonCode}`);
    f.reasonId = r.id;
  }
  if (input.ownerEmail) f.ownerEmail = input.ownerEmail.trim().toLowerCase();
  if (input.customerRef) {
    const c = await tx.customers.byRef(input.customerRef);
    if (!c) return invalid("customer", `Unknown customer ${input.customerRef}`);
    f.customerId = c.id;
  }
  if (input.overdue) f.followUpBefore = todayIn((await tx.settings.get()).timezone, deps.clock());
  let disputes = await tx.disputes.list(f);
  if (input.viewerEmail !== undefined) {
    const viewer = await actor(tx, input.viewerEmail, "viewerEmail");
    if (viewer.role === "sales") {
      const mine = new Set((await tx.customers.byIds([...new Set(disputes.map((d) => d.customerId))])).filter((c) => c.salesRepEmail === viewer.email).map((c) => c.id));
      disputes = disputes.filter((d) => d.ownerEmail === viewer.email || mine.has(d.customerId));
    }
  }
  return loadDetails(tx, disputes);
}
