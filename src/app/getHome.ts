import { can } from "../domain/permissions.ts";
import type { Reason } from "../domain/types.ts";
import type { Settings } from "../domain/settings.ts";
import { listManagedAbsences, type ManagedAbsences } from "./absences.ts";
import { actor } from "./actors.ts";
import { calendarYear, type CalendarYear } from "./companyCalendar.ts";
import type { Deps } from "./context.ts";
import { listMyDisputes, type MyDisputes } from "./listMyDisputes.ts";
import { teamOverview, type TeamOverview } from "./teamOverview.ts";

export interface Home {
  mine: MyDisputes;
  /** the admin section: for admins only (null for everyone else) */
  admin: { reasons: Reason[]; noticeTemplate: Settings["noticeTemplate"]; calendar: CalendarYear; escalation: Settings["escalation"] } | null;
  /** the manager view: for a person with team members (people whose managerEmail is theirs), else null */
  team: TeamOverview | null;
  /** « Mes absences » (issue 11): the absences not over yet the viewer may remove, and whether they may declare others' */
  absences: ManagedAbsences;
}

/** A person's home (Slack App Home, Teams personal tab): their disputes, and for admins the settings they edit. */
export async function getHome(deps: Deps, input: { viewerEmail: string }): Promise<Home> {
  const me = await actor(deps.store, input.viewerEmail, "viewerEmail");
  const [mine, team, absences] = await Promise.all([
    listMyDisputes(deps, { viewerEmail: me.email }),
    teamOverview(deps, { viewerEmail: me.email }),
    listManagedAbsences(deps, { viewerEmail: me.email }),
  ]);
  if (!can(me, "admin")) return { mine, admin: null, team, absences };
  const [reasons, settings] = await Promise.all([deps.store.reasons.list(), deps.store.settings.get()]);
  const calendar = calendarYear(settings, deps.clock(), me.locale);
  return { mine, admin: { reasons, noticeTemplate: settings.noticeTemplate, calendar, escalation: settings.escalation }, team, absences };
}
