// Absences and deputies (issue 11), pure: on the owner's local date, who gets a follow-up reminder. An owner
// away with a deputy (« suppléant ») who is not away themself: the deputy gets it, on the owner's behalf. An
// owner away with no deputy at hand: the reminder is held until they are back. A reminder sent during an
// absence does not count as unanswered and no escalation goes while the owner is away.
import { addDays } from "./dates.ts";

/** A person away on calendar dates fromOn..untilOn (both included). */
export interface AbsenceSpan {
  personEmail: string;
  fromOn: string;
  untilOn: string;
  deputyEmail: string | null;
}

export type ReminderCover =
  /** the owner is at work: the reminder is theirs, it counts as unanswered, escalations go */
  | { kind: "owner" }
  /** the owner is away: their deputy gets the reminder on their behalf; it does not count */
  | { kind: "deputy"; deputyEmail: string; untilOn: string }
  /** the owner is away and no deputy is at hand: nothing goes until `backOn` */
  | { kind: "held"; backOn: string };

/** Whether the span covers calendar date `on` (ISO dates compare as text). */
export const covers = (a: AbsenceSpan, on: string): boolean => a.fromOn <= on && on <= a.untilOn;

export const isAbsent = (email: string, on: string, absences: readonly AbsenceSpan[]): boolean => absences.some((a) => a.personEmail === email && covers(a, on));

/**
 * Who gets the reminder of `ownerEmail` on `today` (the owner's local date), given the absences known (any
 * person's, any dates). Of several absences covering the day, the one that ends last decides; its deputy must
 * be someone else who is not away that day.
 */
export function reminderCover(ownerEmail: string, today: string, absences: readonly AbsenceSpan[]): ReminderCover {
  const mine = absences.filter((a) => a.personEmail === ownerEmail && covers(a, today));
  if (!mine.length) return { kind: "owner" };
  const untilOn = mine.reduce((m, a) => (a.untilOn > m ? a.untilOn : m), mine[0]!.untilOn);
  const byEnd = [...mine].sort((x, y) => (x.untilOn < y.untilOn ? 1 : x.untilOn > y.untilOn ? -1 : 0));
  for (const a of byEnd) {
    const d = a.deputyEmail;
    if (d && d !== ownerEmail && !isAbsent(d, today, absences)) return { kind: "deputy", deputyEmail: d, untilOn };
  }
  return { kind: "held", backOn: addDays(untilOn, 1) };
}

/** A reminder counts as unanswered, and escalations go, only when the owner is at work. */
export const countsAsUnanswered = (c: ReminderCover): boolean => c.kind === "owner";

/**
 * Of the notices due for a dispute, those that go given its owner's cover: all when the owner is at work;
 * while they are away, the reminder only when a deputy takes it, no escalation, and the SLA breach (it is
 * not the owner's: it goes to the controller and the manager).
 */
export function noticesWhileAway<N extends { kind: string }>(cover: ReminderCover, due: readonly N[]): N[] {
  if (cover.kind === "owner") return [...due];
  return due.filter((n) => (n.kind === "reminder" ? cover.kind === "deputy" : n.kind === "sla_breach"));
}

/**
 * The owner's absence as a card shows it (issue 11): away on `today` until `untilOn` (absences that follow
 * on without a gap run together), with the deputy of the absence covering today that ends last and names
 * one. Null when they are at work today.
 */
export function awayOn(email: string, today: string, absences: readonly AbsenceSpan[]): { untilOn: string; deputyEmail: string | null } | null {
  const mine = absences.filter((a) => a.personEmail === email);
  const now = mine.filter((a) => covers(a, today));
  if (!now.length) return null;
  let untilOn = now.reduce((m, a) => (a.untilOn > m ? a.untilOn : m), now[0]!.untilOn);
  // as reminderCover: of the absences covering today, the one ending last that names a deputy
  const deputyEmail = [...now].sort((x, y) => (x.untilOn < y.untilOn ? 1 : x.untilOn > y.untilOn ? -1 : 0)).find((a) => a.deputyEmail && a.deputyEmail !== email)?.deputyEmail ?? null;
  for (let next = mine.find((a) => a.fromOn <= addDays(untilOn, 1) && a.untilOn > untilOn); next; next = mine.find((a) => a.fromOn <= addDays(untilOn, 1) && a.untilOn > untilOn)) {
    untilOn = next.untilOn;
  }
  return { untilOn, deputyEmail };
}

/** A problem with an absence being declared, on the field it is about (the use case reports the first). */
export type AbsenceProblem =
  | { field: "fromOn"; key: "absence_in_past"; params: { value: string; today: string } }
  | { field: "untilOn"; key: "date_out_of_range"; params: { field: string; value: string; min: string } }
  | { field: "deputyEmail"; key: "deputy_is_self"; params: { email: string } }
  | { field: "deputyEmail"; key: "deputy_absent"; params: { email: string; fromOn: string; untilOn: string } };

/**
 * What is wrong with declaring `personEmail` away fromOn..untilOn (valid ISO dates) with `deputyEmail`, on
 * the company's `today`: a start in the past (an absence starts today at the earliest), an end before the
 * start, oneself as deputy, a deputy who is away on some of those dates. Empty when it may be saved.
 */
export function absenceProblems(a: { personEmail: string; fromOn: string; untilOn: string; deputyEmail: string | null; today: string; deputyAbsences: readonly AbsenceSpan[] }): AbsenceProblem[] {
  const out: AbsenceProblem[] = [];
  if (a.fromOn < a.today) out.push({ field: "fromOn", key: "absence_in_past", params: { value: a.fromOn, today: a.today } });
  if (a.untilOn < a.fromOn) out.push({ field: "untilOn", key: "date_out_of_range", params: { field: "untilOn", value: a.untilOn, min: a.fromOn } });
  if (a.deputyEmail && a.deputyEmail === a.personEmail) out.push({ field: "deputyEmail", key: "deputy_is_self", params: { email: a.deputyEmail } });
  else if (a.deputyEmail) {
    const clash = a.deputyAbsences.find((d) => d.personEmail === a.deputyEmail && d.fromOn <= a.untilOn && a.fromOn <= d.untilOn);
    if (clash) out.push({ field: "deputyEmail", key: "deputy_absent", params: { email: a.deputyEmail, fromOn: clash.fromOn, untilOn: clash.untilOn } });
  }
  return out;
}
