import type { ManagedAbsences } from "../app/absences.ts";
import type { CalendarYear } from "../app/companyCalendar.ts";
import { awayOn, type AbsenceSpan } from "../domain/absence.ts";
import type { NonWorkingDay } from "../domain/calendarDays.ts";
import { displayDate } from "../domain/dates.ts";
import { LADDER_ORDER, RUNGS } from "../domain/ladder.ts";
import type { EscalationLadder } from "../domain/settings.ts";
import type { Locale, Person } from "../domain/types.ts";
import { encodeAction } from "./actions.ts";
import type { PersonRef } from "./disputeCard.ts";
import { shortDate } from "./followupText.ts";
import type { Field, FormView } from "./forms.ts";
import { HOME_SECTIONS_TEXT } from "./homeSectionsText.ts";
import { t } from "./i18n.ts";

// The App Home sections of issue 11 as platform-neutral view models: « Mes absences » (everyone), « Calendrier »
// and « Escalade » (admins), their forms, and the card's line about an absent owner. Pure.

const words = (locale: Locale) => HOME_SECTIONS_TEXT[locale];
/** A date of this year without its year, of another year with it. */
const dayOf = (iso: string, year: number, locale: Locale) => (Number(iso.slice(0, 4)) === year ? shortDate(iso, locale) : displayDate(iso, locale));

// ---- the card ------------------------------------------------------------------------------------

/** « Absent jusqu’au 12 déc. — suppléant : @Marie »: the words before the deputy, the deputy, the whole line. */
export interface AwayLine {
  prefix: string;
  deputy: PersonRef | null;
  text: string;
}

/** The card's line when its owner is away on `today`; null when they are at work. */
export function awayLine(ownerEmail: string, today: string, absences: readonly AbsenceSpan[], locale: Locale, people?: Map<string, PersonRef>): AwayLine | null {
  const away = awayOn(ownerEmail, today, absences);
  if (!away) return null;
  const w = words(locale);
  const until = dayOf(away.untilOn, Number(today.slice(0, 4)), locale);
  if (!away.deputyEmail) {
    const text = w.awayNoDeputy(until);
    return { prefix: text, deputy: null, text };
  }
  const deputy = people?.get(away.deputyEmail) ?? { email: away.deputyEmail, name: away.deputyEmail };
  const prefix = w.awayWithDeputy(until);
  return { prefix, deputy, text: `${prefix}${deputy.name}` };
}

// ---- « Mes absences » ----------------------------------------------------------------------------

export interface AbsencesSectionView {
  title: string;
  intro: string;
  empty: string | null;
  rows: { text: string; remove: { label: string; value: string } }[];
  more: string | null;
  declare: { label: string; value: string };
  /** asked before Delete */
  confirm: { title: string; text: string; yes: string; no: string };
}

export function buildAbsencesSection(m: ManagedAbsences, viewer: Person, locale: Locale): AbsencesSectionView {
  const w = words(locale);
  const year = Number(m.today.slice(0, 4));
  const rows = m.absences.map((a) => {
    const who = a.personEmail === viewer.email ? "" : w.absenceOf(a.personName);
    const deputy = a.deputyName ? w.absenceDeputy(a.deputyName) : w.absenceNoDeputy;
    return {
      text: `${who}${w.absenceDates(dayOf(a.fromOn, year, locale), dayOf(a.untilOn, year, locale))}${deputy}`,
      remove: { label: w.deleteAbsence, value: encodeAction({ t: "absence_remove", id: a.id, p: a.personEmail }) },
    };
  });
  return {
    title: w.absencesTitle,
    intro: viewer.role === "admin" ? w.absencesIntroAdmin : m.forOthers ? w.absencesIntroOthers : w.absencesIntro,
    empty: rows.length ? null : w.absencesNone,
    rows,
    more: m.more > 0 ? w.absencesMore(m.more) : null,
    declare: { label: w.declareAbsence, value: encodeAction({ t: "section", a: "absence" }) },
    confirm: { title: w.deleteConfirmTitle, text: w.deleteConfirmText, yes: w.deleteConfirmYes, no: w.deleteConfirmNo },
  };
}

/** Declaring an absence: who (for a manager or an admin), the first and last days, the deputy. */
export function absenceForm(opts: { forOthers: boolean; admin: boolean; today: string; personEmail: string }, locale: Locale): FormView {
  const w = words(locale);
  const m = t(locale);
  const fields: Field[] = [];
  if (opts.forOthers) {
    fields.push({ kind: "person", id: "personEmail", label: w.absencePerson, hint: opts.admin ? w.absencePersonHintAnyone : w.absencePersonHintTeam, initialEmail: opts.personEmail });
  }
  fields.push(
    { kind: "date", id: "fromOn", label: w.absenceFrom, initial: opts.today },
    { kind: "date", id: "untilOn", label: w.absenceUntil },
    { kind: "person", id: "deputyEmail", label: w.absenceDeputyLabel, hint: w.absenceDeputyHint, optional: true },
  );
  return { meta: { m: "absence" }, title: w.absenceFormTitle, submit: m.form.save, close: m.form.cancel, fields };
}

// ---- « Calendrier » ------------------------------------------------------------------------------

export interface CalendarSectionView {
  title: string;
  intro: string;
  lines: string[];
  later: string[];
  close: { label: string; value: string };
  reopen: { label: string; value: string };
}

export function buildCalendarSection(c: CalendarYear, locale: Locale): CalendarSectionView {
  const w = words(locale);
  const day = (iso: string) => dayOf(iso, c.year, locale);
  const lines = c.days.map((d) => (d.kind === "closed" ? w.calendarClosed(day(d.on)) : d.worked ? w.calendarWorked(day(d.on), d.name ?? "") : w.calendarPublic(day(d.on), d.name ?? "")));
  const later = [
    ...(c.later.closed.length ? [w.calendarLaterClosed(c.later.closed.map(day).join(", "))] : []),
    ...(c.later.worked.length ? [w.calendarLaterWorked(c.later.worked.map(day).join(", "))] : []),
  ];
  return {
    title: w.calendarTitle(c.year),
    intro: w.calendarIntro(c.country),
    lines,
    later,
    close: { label: w.closeDay, value: encodeAction({ t: "section", a: "close_day" }) },
    reopen: { label: w.reopenDay, value: encodeAction({ t: "section", a: "reopen_day" }) },
  };
}

export function closeDayForm(today: string, locale: Locale): FormView {
  const w = words(locale);
  const m = t(locale);
  return {
    meta: { m: "calendar", a: "close" },
    title: w.closeDayTitle,
    submit: m.form.save,
    close: m.form.cancel,
    fields: [{ kind: "date", id: "on", label: w.closeDayField, hint: w.closeDayHint, initial: today }],
  };
}

/** The days off to come that the company could work on (its closed days, public holidays not yet worked), at most 100. */
export function reopenDayForm(c: CalendarYear, nextYear: readonly NonWorkingDay[], locale: Locale): FormView {
  const w = words(locale);
  const m = t(locale);
  const days = [...c.days, ...nextYear].filter((d) => d.on >= c.today && !d.worked).slice(0, 100);
  const base = { meta: { m: "calendar" as const, a: "reopen" as const }, title: w.reopenDayTitle, close: m.form.cancel };
  if (!days.length) return { ...base, submit: null, fields: [{ kind: "info", id: "none", text: w.reopenNothing }] };
  const options = days.map((d) => ({ value: d.on, label: `${displayDate(d.on, locale)}${d.name ? ` · ${d.name}` : ""}` }));
  return { ...base, submit: m.form.save, fields: [{ kind: "select", id: "on", label: w.reopenDayField, hint: w.reopenDayHint, options }] };
}

// ---- « Escalade » --------------------------------------------------------------------------------

export interface EscalationSectionView {
  title: string;
  intro: string;
  lines: string[];
  sla: string;
  edit: { label: string; value: string };
}

export function buildEscalationSection(ladder: EscalationLadder, locale: Locale): EscalationSectionView {
  const w = words(locale);
  const m = t(locale);
  const count = (n: number | null) => (n === null ? w.never : w.reminders(n));
  return {
    title: w.escalationTitle,
    intro: w.escalationIntro,
    lines: LADDER_ORDER.map((p) => w.escalationLine(m.priority[p], count(ladder[p].controllerAfter), count(ladder[p].managerAfter))),
    sla: ladder.slaBreach ? w.slaOn : w.slaOff,
    edit: { label: w.editEscalation, value: encodeAction({ t: "section", a: "escalation" }) },
  };
}

/** The ladder's form: two boxes per priority (empty = never), and the SLA breach. Field ids are the setting's paths. */
export function escalationForm(ladder: EscalationLadder, locale: Locale): FormView {
  const w = words(locale);
  const m = t(locale);
  const fields: Field[] = [{ kind: "info", id: "intro", text: w.escalationFormIntro }];
  for (const p of LADDER_ORDER) {
    for (const r of RUNGS) {
      const v = ladder[p][r];
      fields.push({ kind: "text", id: `escalation.${p}.${r}`, label: w.rungLabel(m.priority[p], r), hint: w.rungHint, optional: true, maxLength: 6, ...(v !== null ? { initial: String(v) } : {}) });
    }
  }
  fields.push({ kind: "checkbox", id: "slaBreach", label: w.slaLabel, option: w.slaOption, initial: ladder.slaBreach });
  return { meta: { m: "escalation" }, title: w.escalationFormTitle, submit: m.form.save, close: m.form.cancel, fields };
}
