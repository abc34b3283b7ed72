import { todayIn } from "../domain/dates.ts";
import { currencyDigits } from "../domain/money.ts";
import type { Deps } from "./context.ts";
import type { DisputeBrief } from "./ports.ts";

// "What to decide" (issue 11): the block the manager's App Home and the daily digest share. Each list is read
// by the database (order and limit in SQL), at most LIST_MAX rows (the largest: at most LIST_MAX per currency).

export const LIST_MAX = 5;
/** past the SLA with at least this many reminders unanswered: a litigation candidate */
export const LITIGATION_MIN_UNANSWERED = 3;

export interface WhatToDecide {
  today: string;
  /** open disputes whose SLA date is before today, the oldest SLA date first */
  slaBreaches: DisputeBrief[];
  /** the oldest opened */
  oldest: DisputeBrief[];
  /** the largest disputed amounts, per currency (by currency, then largest first) */
  largest: DisputeBrief[];
  /** past their SLA with ≥ 3 reminders unanswered, or at or above the company's threshold of their currency; largest first */
  litigation: DisputeBrief[];
  /** the thresholds applied (minor units per currency) */
  thresholds: Record<string, number>;
}

/** The company's litigation thresholds (settings, major units) in minor units. */
export function thresholdsInMinorUnits(major: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(major).map(([cur, v]) => [cur, Math.round(v * 10 ** currencyDigits(cur))]));
}

/** What to decide among the open disputes of a manager's team (`managerEmail`), or of the whole company; a digest's filters narrow it. */
export async function whatToDecide(
  deps: Pick<Deps, "store" | "clock">,
  scope: { managerEmail?: string; reasonCode?: string | undefined; ownerEmail?: string | undefined },
): Promise<WhatToDecide> {
  const settings = await deps.store.settings.get();
  const today = todayIn(settings.timezone, deps.clock());
  const thresholds = thresholdsInMinorUnits(settings.litigationThreshold);
  const base = {
    ...(scope.managerEmail !== undefined ? { managerEmail: scope.managerEmail } : {}),
    ...(scope.reasonCode !== undefined ? { reasonCode: scope.reasonCode } : {}),
    ...(scope.ownerEmail !== undefined ? { ownerEmail: scope.ownerEmail } : {}),
  };
  const o = deps.store.overview;
  const [slaBreaches, oldest, largest, litigation] = await Promise.all([
    o.briefs({ ...base, order: "sla", slaBefore: today, limit: LIST_MAX }),
    o.briefs({ ...base, order: "oldest", limit: LIST_MAX }),
    o.briefs({ ...base, order: "largest", perCurrency: true, limit: LIST_MAX }),
    o.briefs({ ...base, order: "largest", litigation: { today, minUnanswered: LITIGATION_MIN_UNANSWERED, thresholds }, limit: LIST_MAX }),
  ]);
  return { today, slaBreaches, oldest, largest, litigation, thresholds };
}
