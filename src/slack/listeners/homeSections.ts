import type { App } from "@slack/bolt";
import { addAbsence, listManagedAbsences, removeAbsence } from "../../app/absences.ts";
import { calendarYear, closeCalendarDay, getCalendarYear, reopenCalendarDay } from "../../app/companyCalendar.ts";
import { getAdminSettings, updateSettings } from "../../app/settings.ts";
import { nonWorkingDays } from "../../domain/calendarDays.ts";
import { invalid } from "../../domain/errors.ts";
import { rungOfText, RUNGS } from "../../domain/ladder.ts";
import { PRIORITIES } from "../../domain/types.ts";
import { errorText } from "../../views/errors.ts";
import { absenceForm, closeDayForm, escalationForm, reopenDayForm } from "../../views/homeSections.ts";
import { ACTION_IDS } from "../blocks.ts";
import { list, str } from "../forms.ts";
import type { Kit } from "../listen.ts";

// The App Home sections of issue 11: « Mes absences » (declare one in a modal, delete one), and for admins
// « Calendrier » (close a day, work on a day off) and « Escalade » (the ladder per priority). Ack, parse, call
// the use case REST calls too, re-publish the Home tab. The use cases check who may and every value.

export function registerHomeSections(app: App, k: Kit): void {
  const { deps, gateway } = k;
  const refreshHome = (slackUserId: string | null) => async () => void (slackUserId && k.cards.scheduleHome(slackUserId));

  // « Mes absences »: the form; « Qui est absent » only for those who may declare others' absences
  app.action(ACTION_IDS.homeSection("absence_add"), k.onAction({ expects: "section", where: "home.absence_add" }, async ({ body, userId, viewer }) => {
    const m = await listManagedAbsences(deps, { viewerEmail: viewer.email, limit: 0 });
    const form = absenceForm({ forOthers: m.forOthers, admin: viewer.role === "admin", today: m.today, personEmail: viewer.email }, viewer.locale);
    await k.openModal(body.trigger_id, form, body, userId, viewer.locale, (email) => (email === viewer.email ? userId : null));
  }));

  app.action(ACTION_IDS.homeSection("absence_remove"), k.onAction({ expects: "absence_remove", where: "home.absence_remove" }, async ({ userId, viewer, p }) => {
    await removeAbsence(deps, { personEmail: p.p, byEmail: viewer.email, id: p.id });
    k.cards.homesOf([p.p]);
    await k.cards.publishHome(userId);
  }));

  app.view("form.absence", k.onView({
    expects: "absence",
    where: "form.absence",
    // a manager naming someone outside their team: said on « Qui est absent »
    refused: async (err, { form, viewer }) => {
      const block = form.blockOf("personEmail");
      return err.is("absence_forbidden") && block ? { response_action: "errors", errors: { [block]: errorText(err, viewer.locale) } } : null;
    },
  }, async ({ form, viewer, userId }) => {
    const v = form.values;
    const emailOf = async (field: string): Promise<string | null> => {
      const picked = str(v[field]);
      if (!picked) return null;
      return (await gateway.personOf(picked))?.email ?? invalid(field, "owner_unknown", {});
    };
    const personEmail = form.blockOf("personEmail") ? ((await emailOf("personEmail")) ?? viewer.email) : viewer.email;
    const deputyEmail = await emailOf("deputyEmail");
    await addAbsence(deps, { personEmail, byEmail: viewer.email, fromOn: str(v.fromOn), untilOn: str(v.untilOn), deputyEmail });
    return { after: async () => {
      k.cards.homesOf([personEmail]);
      await refreshHome(userId)();
    } };
  }));

  // « Calendrier » (admins): close a day (a date picker), work on a day off (the days off to come)
  app.action(ACTION_IDS.homeSection("calendar_close"), k.onAction({ expects: "section", where: "home.calendar_close" }, async ({ body, userId, viewer }) => {
    const c = await getCalendarYear(deps, { byEmail: viewer.email, locale: viewer.locale });
    await k.openModal(body.trigger_id, closeDayForm(c.today, viewer.locale), body, userId, viewer.locale);
  }));
  app.action(ACTION_IDS.homeSection("calendar_reopen"), k.onAction({ expects: "section", where: "home.calendar_reopen" }, async ({ body, userId, viewer }) => {
    const { settings } = await getAdminSettings(deps, { byEmail: viewer.email });
    const c = calendarYear(settings, deps.clock(), viewer.locale);
    // in December, next year's days off are near: they are offered too
    const next = nonWorkingDays(settings.calendar, c.year + 1, viewer.locale);
    await k.openModal(body.trigger_id, reopenDayForm(c, next, viewer.locale), body, userId, viewer.locale);
  }));
  app.view("form.calendar", k.onView({ expects: "calendar", where: "form.calendar" }, async ({ form, meta, viewer, userId }) => {
    const input = { byEmail: viewer.email, on: str(form.values.on) };
    if (!input.on) invalid("on", "date_required", {});
    await (meta.a === "close" ? closeCalendarDay(deps, input) : reopenCalendarDay(deps, input));
    return { after: refreshHome(userId) };
  }));

  // « Escalade » (admins): the ladder as typed (empty = never); the settings use case says what is wrong, on its box
  app.action(ACTION_IDS.homeSection("escalation"), k.onAction({ expects: "section", where: "home.escalation" }, async ({ body, userId, viewer }) => {
    const { settings } = await getAdminSettings(deps, { byEmail: viewer.email });
    await k.openModal(body.trigger_id, escalationForm(settings.escalation, viewer.locale), body, userId, viewer.locale);
  }));
  app.view("form.escalation", k.onView({ expects: "escalation", where: "form.escalation" }, async ({ form, viewer, userId }) => {
    const ladder = Object.fromEntries(PRIORITIES.map((p) => [p, Object.fromEntries(RUNGS.map((r) => [r, rungOfText(str(form.values[`escalation.${p}.${r}`]))]))]));
    await updateSettings(deps, { byEmail: viewer.email, patch: { escalation: { ...ladder, slaBreach: list(form.values.slaBreach).includes("yes") } } });
    return { after: refreshHome(userId) };
  }));
}
