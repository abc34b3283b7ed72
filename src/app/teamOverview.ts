import { todayIn } from "../domain/dates.ts";
import { rolesAllowed } from "../domain/permissions.ts";
import { addTo } from "../domain/money.ts";
import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";
import type { DisputeBrief } from "./ports.ts";
import { whatToDecide, type WhatToDecide } from "./whatToDecide.ts";

// The manager view (issue 11): the open disputes of the people whose manager is the viewer (Person.managerEmail),
// overdue first, grouped by owner with counts and amounts per currency (aggregated in SQL), and what to decide.

/** rows read for the whole team (overdue first); the renderer shows a few per owner */
export const TEAM_ROWS = 200;

export interface TeamOwner {
  email: string;
  name: string | null;
  count: number;
  overdue: number;
  /** disputed amount per currency (minor units) */
  amounts: Record<string, number>;
  /** the owner's disputes among the team's first TEAM_ROWS, overdue first */
  rows: DisputeBrief[];
}

export interface TeamOverview {
  today: string;
  /** how many people report to the viewer */
  teamSize: number;
  /** owners with open disputes: those with overdue disputes first (most overdue first), then by count, then name */
  owners: TeamOwner[];
  totals: { count: number; overdue: number; amounts: Record<string, number> };
  decide: WhatToDecide;
}

/**
 * The viewer's team overview; null when nobody reports to them, or when their role may not nudge owners (a sales
 * rep named as someone's manager sees only their customers' disputes, as everywhere else).
 */
export async function teamOverview(deps: Pick<Deps, "store" | "clock">, input: { viewerEmail: string }): Promise<TeamOverview | null> {
  const me = await actor(deps.store, input.viewerEmail, "viewerEmail");
  if (!rolesAllowed("nudge").includes(me.role)) return null;
  const o = deps.store.overview;
  const teamSize = await o.reportCount(me.email);
  if (!teamSize) return null;
  const [settings, totals, rows, decide] = await Promise.all([
    deps.store.settings.get(),
    o.ownerTotals(me.email),
    o.briefs({ managerEmail: me.email, order: "overdue", limit: TEAM_ROWS }),
    whatToDecide(deps, { managerEmail: me.email }),
  ]);
  const byOwner = new Map<string, TeamOwner>();
  const all = { count: 0, overdue: 0, amounts: {} as Record<string, number> };
  for (const t of totals) {
    let owner = byOwner.get(t.ownerEmail);
    if (!owner) byOwner.set(t.ownerEmail, (owner = { email: t.ownerEmail, name: t.ownerName, count: 0, overdue: 0, amounts: {}, rows: [] }));
    owner.count += t.count;
    owner.overdue += t.overdue;
    addTo(owner.amounts, t.currency, t.amount);
    all.count += t.count;
    all.overdue += t.overdue;
    addTo(all.amounts, t.currency, t.amount);
  }
  for (const r of rows) byOwner.get(r.ownerEmail)?.rows.push(r);
  const owners = [...byOwner.values()].sort(
    (a, b) => b.overdue - a.overdue || b.count - a.count || (a.name ?? a.email).localeCompare(b.name ?? b.email) || a.email.localeCompare(b.email),
  );
  return { today: todayIn(settings.timezone, deps.clock()), teamSize, owners, totals: all, decide };
}
