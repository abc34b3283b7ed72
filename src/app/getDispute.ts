import { addDays } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { can } from "../domain/permissions.ts";
import { actor, customerOf, findDispute } from "./actors.ts";
import { OWNER_NOTICE, type OwnerNoticePayload } from "./chatQueue.ts";
import { TEAMS_UNREACHABLE } from "./chatRouting.ts";
import type { Deps } from "./context.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";

/**
 * `viewerEmail` absent = a system caller (REST token); present = checked like a chat user: a dispute the
 * viewer may not see is not found (its existence is not told).
 */
export async function getDispute(deps: Deps, input: { dispute: string | number; viewerEmail?: string | undefined }): Promise<DisputeDetails> {
  const tx = deps.store;
  const d = await findDispute(tx, input.dispute);
  if (input.viewerEmail !== undefined && !can(await actor(tx, input.viewerEmail, "viewerEmail"), "view", d, await customerOf(tx, d))) fail("not_found", "dispute_not_found", { number: String(input.dispute).trim() });
  const [[details], dead, followUp, ownerAbsences] = await Promise.all([
    loadDetails(tx, [d], { timeline: true }),
    tx.outbox.list({ status: "dead", orderKey: d.number, type: OWNER_NOTICE, limit: 20 }),
    d.status === "open" ? tx.followUps.get(d.id) : null,
    // the owner's absences not over a day ago (the company's today is the card's to work out)
    d.status === "open" ? tx.absences.endingFrom(addDays(deps.clock().toISOString().slice(0, 10), -1), { personEmails: [d.ownerEmail], limit: 20 }) : [],
  ]);
  const undelivered = dead.flatMap((r) => {
    const p = JSON.parse(r.payload) as OwnerNoticePayload;
    return p.email === d.ownerEmail ? [{ email: p.email, channel: r.channel, reason: r.lastError ?? "unknown", id: r.id }] : [];
  });
  // an owner Accord cannot reach in Teams (issue 13): their notices are kept; the others see it on the card
  if (d.status === "open" && !undelivered.some((u) => u.channel === "teams")) {
    const parked = (await tx.outbox.list({ status: "dead", channel: "teams", orderKey: d.number, limit: 50 })).find(
      (r) => r.lastError?.startsWith(TEAMS_UNREACHABLE) && (JSON.parse(r.payload) as { email?: string }).email === d.ownerEmail,
    );
    if (parked) undelivered.push({ email: d.ownerEmail, channel: "teams", reason: parked.lastError ?? TEAMS_UNREACHABLE, id: parked.id });
  }
  return { ...details!, followUp, ...(undelivered.length ? { undelivered } : {}), ...(ownerAbsences.length ? { ownerAbsences } : {}) };
}
