// Words of the App Home sections « Mes absences », « Calendrier » and « Escalade », and of the card's line
// about an absent owner (issue 11), French and English, kept apart from i18n.ts. The deputy is the
// « suppléant »; a follow-up reminder is a « rappel » (never « relance », which means dunning). French is
// written with plain spaces below; typeset() puts the no-break ones (before « : ; ! ? ») into every string.
import { frenchTypography } from "./typography.ts";

/** The same words with French typography applied to every string and to every function's result. */
function typeset<T extends Record<string, unknown>>(words: T): T {
  return Object.fromEntries(
    Object.entries(words).map(([k, v]) => [k, typeof v === "string" ? frenchTypography(v) : typeof v === "function" ? (...a: unknown[]) => frenchTypography((v as (...x: unknown[]) => string)(...a)) : v]),
  ) as T;
}

const EN = {
  // the card
  awayWithDeputy: (until: string) => `Away until ${until} — deputy: `,
  awayNoDeputy: (until: string) => `Away until ${until}, no deputy`,

  // « Mes absences »
  absencesTitle: "My absences",
  absencesIntro: "While you are away, your deputy gets your follow-up reminders, and they do not count as unanswered.",
  absencesIntroOthers: "While someone is away, their deputy gets their follow-up reminders, and they do not count as unanswered. You may also declare the absences of your team.",
  absencesIntroAdmin: "While someone is away, their deputy gets their follow-up reminders, and they do not count as unanswered. As an admin you may declare anyone's absence.",
  absencesNone: "No absence to come.",
  absenceDates: (from: string, until: string) => (from === until ? `On ${from}` : `From ${from} to ${until}`),
  absenceOf: (name: string) => `${name}: `,
  absenceDeputy: (name: string) => ` · deputy: ${name}`,
  absenceNoDeputy: " · no deputy (reminders wait for the return)",
  absencesMore: (n: number) => `and ${n} more`,
  declareAbsence: "Declare an absence",
  deleteAbsence: "Delete",
  deleteConfirmTitle: "Delete this absence?",
  deleteConfirmText: "The reminders go to the person again on those dates.",
  deleteConfirmYes: "Delete",
  deleteConfirmNo: "Keep it",
  absenceFormTitle: "Absence",
  absencePerson: "Who is away",
  absencePersonHintTeam: "You, or someone of your team.",
  absencePersonHintAnyone: "Anyone.",
  absenceFrom: "First day away",
  absenceUntil: "Last day away",
  absenceDeputyLabel: "Deputy",
  absenceDeputyHint: "Gets the follow-up reminders meanwhile. Without one, reminders wait for the return.",

  // « Calendrier »
  calendarTitle: (year: number) => `Company calendar ${year}`,
  calendarIntro: (country: string) => `Non-working days: no follow-up reminder goes out on them. Public holidays of ${country}, and the days the company closes besides.`,
  calendarPublic: (day: string, name: string) => `${day} · ${name}`,
  calendarWorked: (day: string, name: string) => `${day} · ${name} (worked)`,
  calendarClosed: (day: string) => `${day} · company closed`,
  calendarLaterClosed: (days: string) => `Later, closed: ${days}`,
  calendarLaterWorked: (days: string) => `Later, public holidays worked: ${days}`,
  closeDay: "Add a closed day",
  reopenDay: "Work on a day off",
  closeDayTitle: "Closed day",
  closeDayField: "Day the company closes",
  closeDayHint: "A bridge day, 24 December, or a public holiday worked so far.",
  reopenDayTitle: "Working day",
  reopenDayField: "Day worked after all",
  reopenDayHint: "A closed day added by the company, or a public holiday it works on.",
  reopenNothing: "No day off to come that could be worked.",

  // « Escalade »
  escalationTitle: "Escalation",
  escalationIntro: "Counted in unanswered follow-up reminders: the controller who opened the dispute is told first, then the owner’s manager.",
  escalationLine: (priority: string, controller: string, manager: string) => `${priority} · controller ${controller} · manager ${manager}`,
  never: "never",
  reminders: (n: number) => (n === 1 ? "after 1 reminder" : `after ${n} reminders`),
  slaOn: "SLA exceeded: the controller and the manager are told at once.",
  slaOff: "SLA exceeded: nobody is told beyond the reminders.",
  editEscalation: "Edit escalation",
  escalationFormTitle: "Escalation",
  escalationFormIntro: "Unanswered reminders before each person is told. Leave a box empty for never; the manager comes at the same time as the controller or later.",
  rungLabel: (priority: string, rung: "controllerAfter" | "managerAfter") => `${priority} — ${rung === "controllerAfter" ? "controller told after" : "manager told after"}`,
  rungHint: "A whole number from 1 to 50, or empty for never.",
  slaLabel: "SLA exceeded",
  slaOption: "Tell the controller and the manager at once",
} as const;

const FR = {
  awayWithDeputy: (until: string) => `Absent jusqu’au ${until} — suppléant : `,
  awayNoDeputy: (until: string) => `Absent jusqu’au ${until}, sans suppléant`,

  absencesTitle: "Mes absences",
  absencesIntro: "Pendant votre absence, votre suppléant reçoit vos rappels de suivi, et ils ne comptent pas comme sans réponse.",
  absencesIntroOthers: "Pendant une absence, le suppléant reçoit les rappels de suivi, et ils ne comptent pas comme sans réponse. Vous pouvez aussi déclarer les absences de votre équipe.",
  absencesIntroAdmin: "Pendant une absence, le suppléant reçoit les rappels de suivi, et ils ne comptent pas comme sans réponse. En tant qu’administrateur, vous pouvez déclarer l’absence de chacun.",
  absencesNone: "Aucune absence à venir.",
  absenceDates: (from: string, until: string) => (from === until ? `Le ${from}` : `Du ${from} au ${until}`),
  absenceOf: (name: string) => `${name} : `,
  absenceDeputy: (name: string) => ` · suppléant : ${name}`,
  absenceNoDeputy: " · sans suppléant (les rappels attendent le retour)",
  absencesMore: (n: number) => `et ${n} de plus`,
  declareAbsence: "Déclarer une absence",
  deleteAbsence: "Supprimer",
  deleteConfirmTitle: "Supprimer cette absence ?",
  deleteConfirmText: "Les rappels iront de nouveau à la personne à ces dates.",
  deleteConfirmYes: "Supprimer",
  deleteConfirmNo: "Garder",
  absenceFormTitle: "Absence",
  absencePerson: "Qui est absent",
  absencePersonHintTeam: "Vous, ou une personne de votre équipe.",
  absencePersonHintAnyone: "N’importe qui.",
  absenceFrom: "Premier jour d’absence",
  absenceUntil: "Dernier jour d’absence",
  absenceDeputyLabel: "Suppléant",
  absenceDeputyHint: "Reçoit les rappels de suivi pendant l’absence. Sans suppléant, les rappels attendent le retour.",

  calendarTitle: (year: number) => `Calendrier de l’entreprise ${year}`,
  calendarIntro: (country: string) => `Jours non travaillés : aucun rappel de suivi ne part ces jours-là. Jours fériés (${country}), et jours de fermeture de l’entreprise.`,
  calendarPublic: (day: string, name: string) => `${day} · ${name}`,
  calendarWorked: (day: string, name: string) => `${day} · ${name} (travaillé)`,
  calendarClosed: (day: string) => `${day} · fermeture de l’entreprise`,
  calendarLaterClosed: (days: string) => `Plus tard, fermé : ${days}`,
  calendarLaterWorked: (days: string) => `Plus tard, fériés travaillés : ${days}`,
  closeDay: "Ajouter un jour fermé",
  reopenDay: "Travailler un jour chômé",
  closeDayTitle: "Jour fermé",
  closeDayField: "Jour de fermeture",
  closeDayHint: "Un pont, le 24 décembre, ou un jour férié travaillé jusqu’ici.",
  reopenDayTitle: "Jour travaillé",
  reopenDayField: "Jour finalement travaillé",
  reopenDayHint: "Un jour de fermeture ajouté par l’entreprise, ou un jour férié travaillé.",
  reopenNothing: "Aucun jour chômé à venir qui puisse être travaillé.",

  escalationTitle: "Escalade",
  escalationIntro: "Comptée en rappels de suivi sans réponse : le chargé de recouvrement qui a ouvert le litige est prévenu d’abord, puis le manager du chargé de résolution.",
  escalationLine: (priority: string, controller: string, manager: string) => `${priority} · chargé de recouvrement ${controller} · manager ${manager}`,
  never: "jamais",
  reminders: (n: number) => (n === 1 ? "après 1 rappel" : `après ${n} rappels`),
  slaOn: "SLA dépassé : le chargé de recouvrement et le manager sont prévenus aussitôt.",
  slaOff: "SLA dépassé : personne n’est prévenu en dehors des rappels.",
  editEscalation: "Modifier l’escalade",
  escalationFormTitle: "Escalade",
  escalationFormIntro: "Rappels sans réponse avant que chacun soit prévenu. Laissez vide pour jamais ; le manager vient en même temps que le chargé de recouvrement ou après.",
  rungLabel: (priority: string, rung: "controllerAfter" | "managerAfter") => `${priority} — ${rung === "controllerAfter" ? "chargé de recouvrement prévenu après" : "manager prévenu après"}`,
  rungHint: "Un nombre entier de 1 à 50, ou vide pour jamais.",
  slaLabel: "SLA dépassé",
  slaOption: "Prévenir aussitôt le chargé de recouvrement et le manager",
} as const;

export const HOME_SECTIONS_TEXT = { en: EN, fr: typeset(FR) } as const;
