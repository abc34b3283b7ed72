import { describe, expect, it } from "vitest";
import type { ManagedAbsences } from "../app/absences.ts";
import { calendarYear } from "../app/companyCalendar.ts";
import type { Absence } from "../app/ports.ts";
import { nonWorkingDays } from "../domain/calendarDays.ts";
import { DEFAULT_SETTINGS } from "../domain/settings.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import { cardMessage, checkBlockKit, formModal, homeView } from "../slack/blocks.ts";
import { renderDisputeAdaptiveCard } from "../teams/cards/disputeCard.ts";
import { detailsOf, mineOf, personOf, reasonOf } from "../test/builders.ts";
import { buildDisputeCard } from "./disputeCard.ts";
import { absenceForm, buildAbsencesSection, buildCalendarSection, buildEscalationSection, closeDayForm, escalationForm, reopenDayForm } from "./homeSections.ts";
import { buildHome } from "./lists.ts";

// Issue 11 in views: the card's line about an absent owner (French and English, Slack and Teams), and the App
// Home sections « Mes absences », « Calendrier », « Escalade » with their forms, within Slack's limits.

const at = new Date("2026-03-01T10:00:00Z");
const absence = (over: Partial<Absence> = {}): Absence => ({ id: 1, personEmail: "sam@acme.test", fromOn: "2026-03-09", untilOn: "2026-03-12", deputyEmail: "marie@acme.test", createdAt: at, ...over });
const awayDetails = (a: Absence[] = [absence()]) => ({ ...detailsOf(), ownerAbsences: a });
const people = new Map([["marie@acme.test", { email: "marie@acme.test", name: "Marie Dupont" }], ["sam@acme.test", { email: "sam@acme.test", name: "Sam Sales" }]]);
const controller = personOf("carla@acme.test", { role: "controller", locale: "fr" });
const today = "2026-03-10";

/** All the text of a JSON tree. */
const textOf = (x: unknown): string => JSON.stringify(x);

describe("the card when its owner is away", () => {
  it("French: « Absent jusqu’au 12 mars — suppléant : Marie Dupont », the deputy mentioned on Slack", () => {
    const card = buildDisputeCard(awayDetails(), controller, "fr", { today, people });
    expect(card.away?.text).toBe("Absent jusqu’au 12 mars — suppléant\u00a0: Marie Dupont");
    const withMention = cardMessage(card, { mention: (e) => (e === "marie@acme.test" ? "<@U0MARIE>" : null) });
    expect(textOf(withMention.blocks)).toContain("Absent jusqu’au 12 mars — suppléant\u00a0: <@U0MARIE>");
    expect(textOf(cardMessage(card).blocks)).toContain("Absent jusqu’au 12 mars — suppléant\u00a0: Marie Dupont");
    expect(checkBlockKit("message", withMention)).toEqual([]);
  });

  it("English: “Away until 12 Mar — deputy: Marie Dupont”, on Teams too", () => {
    const card = buildDisputeCard(awayDetails(), personOf("ada@acme.test", { role: "admin" }), "en", { today, people });
    expect(card.away?.text).toBe("Away until 12 Mar — deputy: Marie Dupont");
    const teams = renderDisputeAdaptiveCard(card, "en");
    expect(textOf(teams)).toContain("Away until 12 Mar — deputy: Marie Dupont");
    expect(textOf(renderDisputeAdaptiveCard(buildDisputeCard(awayDetails(), controller, "fr", { today, people }), "fr"))).toContain("Absent jusqu’au 12 mars — suppléant\u00a0: Marie Dupont");
  });

  it("no deputy, a return next year, and nothing once the owner is back or the dispute is closed", () => {
    expect(buildDisputeCard(awayDetails([absence({ deputyEmail: null })]), controller, "fr", { today }).away?.text).toBe("Absent jusqu’au 12 mars, sans suppléant");
    expect(buildDisputeCard(awayDetails([absence({ deputyEmail: null })]), controller, "en", { today }).away?.text).toBe("Away until 12 Mar, no deputy");
    expect(buildDisputeCard(awayDetails([absence({ untilOn: "2027-01-04" })]), controller, "fr", { today, people }).away?.text).toBe("Absent jusqu’au 4 janv. 2027 — suppléant\u00a0: Marie Dupont");
    expect(buildDisputeCard(awayDetails(), controller, "fr", { today: "2026-03-13", people }).away).toBeUndefined();
    expect(buildDisputeCard(awayDetails(), controller, "fr", { today: "2026-03-08", people }).away).toBeUndefined();
    const resolved = { ...detailsOf({ status: "resolved" }), ownerAbsences: [absence()] };
    expect(buildDisputeCard(resolved, controller, "fr", { today, people }).away).toBeUndefined();
    expect(textOf(cardMessage(buildDisputeCard(detailsOf(), controller, "fr", { today })).blocks)).not.toContain("Absent");
  });
});

const managed = (over: Partial<ManagedAbsences> = {}): ManagedAbsences => ({
  today: "2026-12-03",
  forOthers: false,
  absences: [
    { ...absence({ id: 3, personEmail: "sam@acme.test", fromOn: "2026-12-10", untilOn: "2026-12-12" }), personName: "Sam Sales", deputyName: "Marie Dupont" },
    { ...absence({ id: 4, personEmail: "sid@acme.test", fromOn: "2026-12-24", untilOn: "2026-12-24", deputyEmail: null }), personName: "Sid Sales", deputyName: null },
  ],
  more: 0,
  ...over,
});

describe("« Mes absences »", () => {
  const sam = personOf("sam@acme.test", { role: "sales", locale: "fr" });
  it("lists the absences to come, whose when not the viewer's, each with Delete; Declare an absence", () => {
    const s = buildAbsencesSection(managed({ forOthers: true }), sam, "fr");
    expect(s.title).toBe("Mes absences");
    expect(s.rows.map((r) => r.text)).toEqual(["Du 10 déc. au 12 déc. · suppléant\u00a0: Marie Dupont", "Sid Sales\u00a0: Le 24 déc. · sans suppléant (les rappels attendent le retour)"]);
    expect(JSON.parse(s.rows[1]!.remove.value)).toEqual({ t: "absence_remove", id: 4, p: "sid@acme.test" });
    expect(s.intro).toContain("votre équipe");
    expect(s.empty).toBeNull();
    const en = buildAbsencesSection(managed({ absences: [], more: 0 }), personOf("sam@acme.test", { role: "sales" }), "en");
    expect(en.empty).toBe("No absence to come.");
    expect(en.intro).not.toContain("team");
  });

  it("the form: who is away only for those who may declare others' absences", () => {
    const mine = formModal(absenceForm({ forOthers: false, admin: false, today: "2026-12-03", personEmail: "sam@acme.test" }, "fr"));
    expect(mine.callback_id).toBe("form.absence");
    expect(mine.blocks.map((b) => b.block_id)).toEqual(["fromOn", "untilOn", "deputyEmail"]);
    const team = formModal(absenceForm({ forOthers: true, admin: false, today: "2026-12-03", personEmail: "mona@acme.test" }, "en"), { slackIdOf: () => "U0MONA" });
    expect(team.blocks.map((b) => b.block_id)).toEqual(["personEmail", "fromOn", "untilOn", "deputyEmail"]);
    expect(textOf(team.blocks[0])).toContain('"initial_user":"U0MONA"');
    for (const m of [mine, team]) expect(checkBlockKit("modal", m)).toEqual([]);
  });
});

describe("« Calendrier » and « Escalade »", () => {
  const now = new Date("2026-12-03T09:00:00Z");
  const settings = { ...DEFAULT_SETTINGS, calendar: { country: "FR", extraHolidays: ["2026-12-24", "2027-01-02"], removedHolidays: ["2026-05-08"] } };

  it("the year's days off: public holidays by name, worked ones marked, the company's closed days, later ones", () => {
    const c = buildCalendarSection(calendarYear(settings, now, "fr"), "fr");
    expect(c.title).toBe("Calendrier de l’entreprise 2026");
    expect(c.lines).toContain("25 déc. · Noël");
    expect(c.lines).toContain("8 mai · Fête de la Victoire 1945 (travaillé)");
    expect(c.lines).toContain("24 déc. · fermeture de l’entreprise");
    expect(c.later).toEqual(["Plus tard, fermé\u00a0: 2 janv. 2027"]);
  });

  it("the reopen form offers the days off to come of this year and the next, not past or worked ones", () => {
    const c = calendarYear(settings, now, "fr");
    const f = reopenDayForm(c, nonWorkingDays(settings.calendar, 2027, "fr"), "fr");
    const select = f.fields.find((x) => x.id === "on");
    const values = select && select.kind === "select" ? select.options.map((o) => o.value) : [];
    expect(values.slice(0, 3)).toEqual(["2026-12-24", "2026-12-25", "2027-01-01"]);
    expect(values).toContain("2027-01-02");
    expect(values).not.toContain("2026-11-11");
    const none = reopenDayForm({ ...c, days: [] }, [], "en");
    expect(none.submit).toBeNull();
    for (const m of [formModal(f), formModal(none), formModal(closeDayForm("2026-12-03", "fr"))]) expect(checkBlockKit("modal", m)).toEqual([]);
  });

  it("the ladder, the most urgent first, never for null; its form prefilled, empty for never", () => {
    const e = buildEscalationSection(DEFAULT_SETTINGS.escalation, "fr");
    expect(e.lines).toEqual([
      "Urgente · chargé de recouvrement après 1 rappel · manager après 2 rappels",
      "Haute · chargé de recouvrement après 2 rappels · manager après 3 rappels",
      "Normale · chargé de recouvrement après 2 rappels · manager après 4 rappels",
      "Basse · chargé de recouvrement après 3 rappels · manager jamais",
    ]);
    const modal = formModal(escalationForm(DEFAULT_SETTINGS.escalation, "en"));
    const initial = Object.fromEntries(modal.blocks.filter((b) => b.type === "input").map((b) => [b.block_id, (b.element as { initial_value?: string; initial_options?: unknown[] }).initial_value ?? (b.element as { initial_options?: unknown[] }).initial_options?.length ?? null]));
    expect(initial).toEqual({
      "escalation.urgent.controllerAfter": "1", "escalation.urgent.managerAfter": "2",
      "escalation.high.controllerAfter": "2", "escalation.high.managerAfter": "3",
      "escalation.normal.controllerAfter": "2", "escalation.normal.managerAfter": "4",
      "escalation.low.controllerAfter": "3", "escalation.low.managerAfter": null,
      slaBreach: 1,
    });
    expect(checkBlockKit("modal", modal)).toEqual([]);
  });

  it("an admin's Home with every section, 60 disputes and 100 reasons stays within 100 blocks", () => {
    const admin = personOf("ada@acme.test", { role: "admin", locale: "fr" });
    const reasons = Array.from({ length: 100 }, (_, i) => reasonOf(i + 1));
    const home = buildHome(mineOf(60, 3), admin, "fr", { maxCards: 60, admin: { reasons, templates: DEFAULT_SETTINGS.noticeTemplate, placeholders: NOTICE_PLACEHOLDERS } });
    const many = managed({ forOthers: true, absences: Array.from({ length: 10 }, (_, i) => managed().absences[i % 2]!), more: 40 });
    const view = homeView({
      ...home,
      absences: buildAbsencesSection(many, admin, "fr"),
      calendar: buildCalendarSection(calendarYear(settings, now, "fr"), "fr"),
      escalation: buildEscalationSection(DEFAULT_SETTINGS.escalation, "fr"),
    });
    expect(checkBlockKit("home", view)).toEqual([]);
    const s = textOf(view.blocks);
    for (const w of ["Mes absences", "Calendrier de l’entreprise 2026", "Escalade", "home.absence_add", "home.absence_remove", "home.calendar_close", "home.calendar_reopen", "home.escalation", "et 40 de plus", "Supprimer cette absence ?"]) expect(s).toContain(w);
    expect(s).not.toMatch(/relance/i);
  });
});
