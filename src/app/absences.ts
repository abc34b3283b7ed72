import { absenceProblems } from "../domain/absence.ts";
import { fail, invalid } from "../domain/errors.ts";
import { isIsoDate, todayIn } from "../domain/dates.ts";
import type { Person } from "../domain/types.ts";
import { actor, person } from "./actors.ts";
import { queueChatChange, type ChatQueueDeps } from "./chatQueue.ts";
import type { Deps } from "./context.ts";
import type { Absence, Repos } from "./ports.ts";

// Absences and deputies (issue 11): a person away on calendar dates, with the deputy (« suppléant ») who gets
// their follow-up reminders meanwhile. Set by the person themself, their manager or an admin.

/** Who may set or remove `subject`'s absences: themself, their manager, an admin. */
async function mayManage(tx: Repos, byEmail: string | undefined, subject: Person): Promise<Person> {
  const by = await actor(tx, byEmail);
  if (by.email !== subject.email && by.role !== "admin" && subject.managerEmail !== by.email) {
    fail("forbidden", "absence_forbidden", { email: by.email, person: subject.email }, { field: "byEmail" });
  }
  return by;
}

export async function listAbsences(deps: Pick<Deps, "store">, input: { personEmail: string }): Promise<Absence[]> {
  const p = await person(deps.store, input.personEmail, "email");
  return deps.store.absences.listFor(p.email);
}

/**
 * The cards of a person's open disputes say whether they are away today: an absence declared or removed that
 * covers the company's today re-renders every posted copy (a chat change with no event: no thread line), in the
 * transaction of the change. One that starts later is shown by the cards rendered from then on.
 */
async function refreshCards(tx: Repos, deps: Pick<Deps, "clock"> & ChatQueueDeps, personEmail: string, a: { fromOn: string; untilOn: string }, today: string): Promise<void> {
  if (!(a.fromOn <= today && today <= a.untilOn)) return;
  const now = deps.clock();
  for (const dispute of await tx.disputes.list({ ownerEmail: personEmail, status: "open", limit: 500 })) {
    await queueChatChange(tx, deps, { dispute, before: null, events: [], origin: {} }, now);
  }
}

export async function addAbsence(
  deps: Pick<Deps, "store" | "clock"> & ChatQueueDeps,
  input: { personEmail: string; byEmail: string; fromOn: string; untilOn: string; deputyEmail?: string | null },
): Promise<Absence> {
  return deps.store.transaction(async (tx) => {
    const p = await person(tx, input.personEmail, "email");
    await mayManage(tx, input.byEmail, p);
    if (!input.fromOn) invalid("fromOn", "date_required", {});
    if (!input.untilOn) invalid("untilOn", "date_required", {});
    if (!isIsoDate(input.fromOn)) invalid("fromOn", "date_invalid", { field: "fromOn", value: input.fromOn });
    if (!isIsoDate(input.untilOn)) invalid("untilOn", "date_invalid", { field: "untilOn", value: input.untilOn });
    const deputyEmail = input.deputyEmail ? (await person(tx, input.deputyEmail, "deputyEmail")).email : null;
    // the company's day: an absence starts today at the earliest; the deputy must be at work on those dates
    const today = todayIn((await tx.settings.get()).timezone, deps.clock());
    const deputyAbsences = deputyEmail && deputyEmail !== p.email ? await tx.absences.endingFrom(input.fromOn, { personEmails: [deputyEmail] }) : [];
    const [problem] = absenceProblems({ personEmail: p.email, fromOn: input.fromOn, untilOn: input.untilOn, deputyEmail, today, deputyAbsences });
    if (problem) invalid(problem.field, problem.key, problem.params as never);
    // the same absence again (a form submitted twice, a client's retry): the one there is the answer
    const same = (await tx.absences.listFor(p.email)).find((x) => x.fromOn === input.fromOn && x.untilOn === input.untilOn && x.deputyEmail === deputyEmail);
    if (same) return same;
    const added = await tx.absences.add({ personEmail: p.email, fromOn: input.fromOn, untilOn: input.untilOn, deputyEmail, createdAt: deps.clock() });
    await refreshCards(tx, deps, p.email, added, today);
    return added;
  });
}

export async function removeAbsence(deps: Pick<Deps, "store" | "clock"> & ChatQueueDeps, input: { personEmail: string; byEmail: string | undefined; id: number }): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const p = await person(tx, input.personEmail, "email");
    await mayManage(tx, input.byEmail, p);
    const gone = (await tx.absences.listFor(p.email)).find((a) => a.id === input.id);
    if (!gone || !(await tx.absences.remove(p.email, input.id))) fail("not_found", "absence_not_found", { id: input.id });
    await refreshCards(tx, deps, p.email, gone, todayIn((await tx.settings.get()).timezone, deps.clock()));
  });
}

/** One upcoming absence as the App Home lists it: whose, the dates, the deputy, with the names. */
export interface AbsenceRow extends Absence {
  personName: string;
  deputyName: string | null;
}

export interface ManagedAbsences {
  /** the company's calendar day (absences start today at the earliest) */
  today: string;
  /** whether the viewer may declare absences for others: a manager (their team), an admin (anyone) */
  forOthers: boolean;
  /** the absences not over yet that the viewer may remove: their own, their team's (a manager), everyone's (an admin) */
  absences: AbsenceRow[];
  /** more than `limit` of them */
  more: number;
}

/**
 * What « Mes absences » of a person's App Home shows: the absences not over yet that they may remove, at most
 * `limit` (their own first), and whether they may declare absences for others.
 */
export async function listManagedAbsences(deps: Pick<Deps, "store" | "clock">, input: { viewerEmail: string; limit?: number }): Promise<ManagedAbsences> {
  const store = deps.store;
  const me = await actor(store, input.viewerEmail, "viewerEmail");
  const limit = input.limit ?? 10;
  const today = todayIn((await store.settings.get()).timezone, deps.clock());
  const team = me.role === "admin" ? [] : (await store.people.list()).filter((x) => x.managerEmail === me.email).map((x) => x.email);
  const found = me.role === "admin" ? await store.absences.endingFrom(today, { limit: 1001 }) : await store.absences.endingFrom(today, { personEmails: [me.email, ...team], limit: 1001 });
  const ordered = [...found.filter((a) => a.personEmail === me.email), ...found.filter((a) => a.personEmail !== me.email)];
  const shown = ordered.slice(0, limit);
  const people = new Map((await store.people.byEmails([...new Set(shown.flatMap((a) => [a.personEmail, ...(a.deputyEmail ? [a.deputyEmail] : [])]))])).map((x) => [x.email, x.name]));
  return {
    today,
    forOthers: me.role === "admin" || team.length > 0,
    absences: shown.map((a) => ({ ...a, personName: people.get(a.personEmail) ?? a.personEmail, deputyName: a.deputyEmail ? (people.get(a.deputyEmail) ?? a.deputyEmail) : null })),
    more: Math.max(0, ordered.length - limit),
  };
}
