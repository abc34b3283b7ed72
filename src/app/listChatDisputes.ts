import type { Deps } from "./context.ts";
import type { DisputeDetails } from "./disputeDetails.ts";
import { listDisputes } from "./listDisputes.ts";
import { listMyDisputes } from "./listMyDisputes.ts";

export type ListScope = "mine" | "overdue" | "all";

/**
 * The open disputes of a chat list or export (`list|export [mine|overdue|all] [reason:<code>] [owner:<email>]`),
 * as the viewer may see them: "mine" without other filters is their App Home list (as owner, opener and the
 * customer's controller); with a reason it is the ones they own; "overdue" those past their follow-up date.
 */
export async function listChatDisputes(deps: Deps, input: { viewerEmail: string; scope: ListScope; reasonCode?: string | undefined; ownerEmail?: string | undefined }): Promise<DisputeDetails[]> {
  const { viewerEmail, scope, reasonCode, ownerEmail } = input;
  if (scope === "mine" && !ownerEmail && !reasonCode) return (await listMyDisputes(deps, { viewerEmail })).disputes;
  return listDisputes(deps, {
    status: "open",
    viewerEmail,
    ...(scope === "overdue" ? { overdue: true } : {}),
    ...(ownerEmail ? { ownerEmail } : scope === "mine" ? { ownerEmail: viewerEmail } : {}),
    ...(reasonCode ? { reasonCode } : {}),
  });
}
