import { invalid } from "../domain/errors.ts";
import type { DisputeStatus } from "../domain/types.ts";
import type { Deps } from "./context.ts";
import type { DisputeDetails } from "./disputeDetails.ts";
import { listDisputes } from "./listDisputes.ts";
import { listMyDisputes } from "./listMyDisputes.ts";

export type ListScope = "mine" | "overdue" | "all";
export type ListStatus = DisputeStatus | "all";

export interface ListChatDisputesInput {
  viewerEmail: string;
  scope: ListScope;
  /** default: open */
  status?: ListStatus | undefined;
  reasonCode?: string | undefined;
  ownerEmail?: string | undefined;
  /** the owner as typed (`owner:@Paul Durand`): an Accord person's name, case and accents aside */
  ownerName?: string | undefined;
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").trim().toLowerCase().replace(/\s+/g, " ");

/**
 * The disputes of a chat list or export (`list|export [mine|overdue|all] [status:open|resolved|withdrawn|all]
 * [reason:<code>] [owner:@name]`), as the viewer may see them. "mine" is their App Home list (as owner, opener
 * and the customer's controller) for open disputes, the ones they own for other statuses; "overdue" those
 * past their follow-up date; "all" every one they may see. reason: and owner: narrow the scope asked.
 */
export async function listChatDisputes(deps: Deps, input: ListChatDisputesInput): Promise<DisputeDetails[]> {
  const { viewerEmail, scope, reasonCode } = input;
  const status = input.status ?? "open";
  let ownerEmail = input.ownerEmail;
  if (!ownerEmail && input.ownerName) {
    const name = fold(input.ownerName.replace(/^@/, ""));
    const person = (await deps.store.people.list()).find((p) => fold(p.name) === name);
    if (!person) return invalid("owner", "owner_unknown", {});
    ownerEmail = person.email;
  }
  if (scope === "mine" && !ownerEmail && status === "open") {
    const mine = (await listMyDisputes(deps, { viewerEmail })).disputes;
    if (!reasonCode) return mine;
    const reason = await deps.store.reasons.byCode(reasonCode);
    if (!reason) return invalid("reason", "reason_not_found", { code: reasonCode });
    return mine.filter((d) => d.dispute.reasonId === reason.id);
  }
  return listDisputes(deps, {
    ...(status !== "all" ? { status } : {}),
    viewerEmail,
    ...(scope === "overdue" ? { overdue: true } : {}),
    ...(ownerEmail ? { ownerEmail } : scope === "mine" ? { ownerEmail: viewerEmail } : {}),
    ...(reasonCode ? { reasonCode } : {}),
  });
}
