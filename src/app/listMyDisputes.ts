import { todayIn } from "../domain/dates.ts";
import { addTo } from "../domain/money.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import { loadDetails, type DisputeDetails } from "./disputeDetails.ts";

export interface MyDisputes {
  today: string;
  /** open disputes the viewer owns, opened, or controls (the customer's controller), overdue first */
  disputes: DisputeDetails[];
  summary: { count: number; overdue: number; disputed: Record<string, number>; held: Record<string, number> };
}

const overdue = (d: DisputeDetails, today: string) => !!d.dispute.followUpOn && d.dispute.followUpOn < today;

/** "My disputes" (App Home): as resolution owner and as controller; totals per currency. */
export async function listMyDisputes(deps: Deps, input: { viewerEmail: string }): Promise<MyDisputes> {
  const tx = deps.store;
  const me = await actor(tx, input.viewerEmail, "viewerEmail");
  const today = todayIn((await tx.settings.get()).timezone, deps.clock());
  const open = await tx.disputes.list({ status: "open", limit: 5000 });
  const controlled = new Set(
    (await tx.customers.byIds([...new Set(open.map((d) => d.customerId))])).filter((c) => c.controllerEmail === me.email).map((c) => c.id),
  );
  const mine = open.filter((d) => d.ownerEmail === me.email || d.openedByEmail === me.email || controlled.has(d.customerId));
  const details = await loadDetails(tx, mine);
  details.sort(
    (a, b) =>
      Number(overdue(b, today)) - Number(overdue(a, today)) ||
      (a.dispute.followUpOn ?? "9999").localeCompare(b.dispute.followUpOn ?? "9999") ||
      a.dispute.number.localeCompare(b.dispute.number),
  );
  const disputed: Record<string, number> = {};
  const held: Record<string, number> = {};
  for (const d of details) {
    addTo(disputed, d.dispute.currency, d.disputedAmount);
    addTo(held, d.dispute.currency, d.heldAmount);
  }
  return { today, disputes: details, summary: { count: details.length, overdue: details.filter((d) => overdue(d, today)).length, disputed, held } };
}
