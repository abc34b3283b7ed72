import { assertCan } from "../domain/permissions.ts";
import { actor, customerOf, findDispute } from "./actors.ts";
import type { Deps } from "./context.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";

/** `viewerEmail` absent = a system caller (REST token); present = checked like a chat user. */
export async function getDispute(deps: Deps, input: { dispute: string | number; viewerEmail?: string | undefined }): Promise<DisputeDetails> {
  const tx = deps.store;
  const d = await findDispute(tx, input.dispute);
  if (input.viewerEmail !== undefined) assertCan(await actor(tx, input.viewerEmail, "viewerEmail"), "view", d, await customerOf(tx, d));
  const [details] = await loadDetails(tx, [d], { timeline: true });
  return details!;
}
