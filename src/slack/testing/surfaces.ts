import type { DisputeDefaults } from "../../app/proposeDisputeDefaults.ts";
import type { ItemChoice } from "../../app/searchItems.ts";
import { DEFAULT_SETTINGS } from "../../domain/settings.ts";
import { calendarYear } from "../../app/companyCalendar.ts";
import { nonWorkingDays } from "../../domain/calendarDays.ts";
import { absenceForm, buildAbsencesSection, buildCalendarSection, buildEscalationSection, closeDayForm, escalationForm, reopenDayForm } from "../../views/homeSections.ts";
import { NOTICE_PLACEHOLDERS } from "../../domain/template.ts";
import { CARD_ACTIONS } from "../../views/actions.ts";
import { buildDisputeCard } from "../../views/disputeCard.ts";
import { cardActionForm, newDisputeForm, noticePreviewForm, pickReasonForm, reasonForm, staleForm, templateForm } from "../../views/forms.ts";
import { buildCustomerChoice, buildDisputeList, buildHome } from "../../views/lists.ts";
import { cardMessage, formModal, homeView, listMessage, mrkdwnMessage, textMessage } from "../blocks.ts";
import { customerToEscape as customer, detailsOf, itemOf, mineOf, personOf, reasonOf } from "../../test/builders.ts";

// Every Block Kit surface Accord renders, built from the same fixtures as the renderer's snapshot suite
// (src/slack/blocks.test.ts): the snapshot cases first, then each message, modal and Home variant the suite
// checks against Slack's limits. The sandbox's page must draw every block and element of each
// (src/sandbox/blockkit.test.ts).

export interface Surface {
  name: string;
  kind: "message" | "modal" | "home";
  payload: { blocks: unknown[] } & Record<string, unknown>;
}

export function blockKitSurfaces(): Surface[] {
  const controller = personOf("carla@acme.test", { role: "controller", locale: "fr" });
  const owner = personOf("sam@acme.test", { role: "sales", locale: "en", slackUserId: "U0SAM" });
  const manager = personOf("mona@acme.test", { role: "manager", locale: "en" });
  const admin = personOf("ada@acme.test", { role: "admin", locale: "en" });
  const today = "2026-03-10";
  const reasons100 = Array.from({ length: 100 }, (_, i) => reasonOf(i + 1));
  const reasons150 = Array.from({ length: 150 }, (_, i) => reasonOf(i + 1));
  const worst = detailsOf({ items: 200, statement: "Très long <&> ".repeat(300).slice(0, 3000) });
  const defaults = (r = reasons100[0]!): DisputeDefaults => ({ today, customer, reason: r, ownerEmail: "sam@acme.test", followUpOn: "2026-03-15", slaDueOn: "2026-03-30", priority: "normal" });
  const choice = (i: number): ItemChoice => ({ item: itemOf(i), undisputed: itemOf(i).openAmount, disputes: [] });
  const out: Surface[] = [];
  const message = (name: string, payload: { text: string; blocks: unknown[] }) => out.push({ name, kind: "message", payload });
  const modal = (name: string, payload: object) => out.push({ name, kind: "modal", payload: payload as Surface["payload"] });
  const home = (name: string, payload: object) => out.push({ name, kind: "home", payload: payload as Surface["payload"] });

  // the snapshot cases
  message("snapshot: the owner's card with the notice", cardMessage(buildDisputeCard(detailsOf(), owner, "en", { today }), { mention: (e) => (e === "sam@acme.test" ? "<@U0SAM>" : null) }, { notice: "Hello, a dispute was opened for #customer_name" }));
  message("snapshot: a controller's card in French, resolved", cardMessage(buildDisputeCard(detailsOf({ status: "resolved" }), controller, "fr", { today })));
  modal("snapshot: the new-dispute modal", formModal(newDisputeForm({ scope: "items", customer, selected: [choice(1)], reasons: reasons100.slice(0, 3), defaults: defaults() }, "en"), { slackIdOf: () => "U0SAM" }));
  home("snapshot: a small home", homeView(buildHome(mineOf(1, 2), owner, "en", { maxCards: 35 })));

  // cards: each viewer, both languages, open / resolved / customer-level / overdue, the worst case
  for (const viewer of [owner, controller, manager, admin]) {
    for (const locale of ["fr", "en"] as const) {
      message(`card: ${viewer.role} ${locale}`, cardMessage(buildDisputeCard(detailsOf({ followUpOn: "2026-03-01" }), viewer, locale, { today })));
      message(`card: ${viewer.role} ${locale}, customer-level`, cardMessage(buildDisputeCard(detailsOf({ scope: "customer" }), viewer, locale, { today })));
      message(`card: ${viewer.role} ${locale}, worst case`, cardMessage(buildDisputeCard(worst, viewer, locale, { today }), {}, { notice: "n".repeat(5000) }));
    }
  }
  message("card: withdrawn", cardMessage(buildDisputeCard(detailsOf({ status: "withdrawn" }), controller, "en", { today })));

  // modals: new dispute (items, many items, customer-level, >100 reasons), every card action, stale, preview, admin
  for (const reasons of [reasons100, reasons150]) {
    for (const n of [0, 1, 21]) {
      modal(`new dispute: ${reasons.length} reasons, ${n} items`, formModal(newDisputeForm({ scope: "items", customer, selected: Array.from({ length: n }, (_, i) => choice(i + 1)), reasons, defaults: defaults(), statement: "Le client dit <non> & *pas* _ça_", channel: "C0GENERAL" }, "fr")));
    }
  }
  modal("new dispute: customer-level", formModal(newDisputeForm({ scope: "customer", customer, selected: [], reasons: reasons100, defaults: defaults() }, "en")));
  for (const locale of ["fr", "en"] as const) {
    const card = buildDisputeCard(worst, controller, locale, { today });
    for (const a of CARD_ACTIONS) {
      modal(`card action ${a} ${locale}`, formModal(cardActionForm(a, worst, card, locale, reasons100)));
      if (a === "edit") modal(`card action ${a} ${locale}, 150 reasons`, formModal(cardActionForm(a, worst, card, locale, reasons150)));
    }
    modal(`stale ${locale}`, formModal(staleForm(card, locale)));
    modal(`notice preview ${locale}`, formModal(noticePreviewForm("Bonjour,\n*Litige* sur #customer_name\n>cité", locale)));
    modal(`reason edit ${locale}`, formModal(reasonForm(reasons100, reasons100[5]!, locale)));
    modal(`reason new ${locale}`, formModal(reasonForm(reasons100, null, locale)));
    modal(`reason pick ${locale}`, formModal(pickReasonForm(reasons100, locale)));
    modal(`reason pick (search) ${locale}`, formModal(pickReasonForm(reasons150, locale)));
    modal(`template ${locale}`, formModal(templateForm(DEFAULT_SETTINGS, locale)));
  }

  // Home: small, empty, the admin worst case
  home("home: admin, 60 disputes", homeView(buildHome(mineOf(60, 200), admin, "fr", { maxCards: 60, admin: { reasons: reasons100, templates: { fr: "<f>".repeat(100), en: "e".repeat(300) }, placeholders: NOTICE_PLACEHOLDERS } })));
  home("home: controller, empty", homeView(buildHome(mineOf(0, 0), controller, "fr", { maxCards: 35 })));

  // App Home sections of issue 11 (« Mes absences », « Calendrier », « Escalade ») and their forms
  const managed = {
    today, forOthers: true, more: 3,
    absences: [
      { id: 1, personEmail: "ada@acme.test", fromOn: "2026-03-12", untilOn: "2026-03-20", deputyEmail: "sam@acme.test", createdAt: new Date(`${today}T09:00:00Z`), personName: "Ada <Admin>", deputyName: "Sam & Co" },
      { id: 2, personEmail: "sam@acme.test", fromOn: "2026-12-24", untilOn: "2027-01-02", deputyEmail: null, createdAt: new Date(`${today}T09:00:00Z`), personName: "Sam", deputyName: null },
    ],
  };
  const year = calendarYear({ ...DEFAULT_SETTINGS, calendar: { country: "FR", extraHolidays: ["2026-12-24", "2027-01-02"], removedHolidays: ["2026-05-08"] } }, new Date(`${today}T09:00:00Z`), "fr");
  home("home: admin with absences, calendar and escalation", homeView({
    ...buildHome(mineOf(2, 2), admin, "fr", { maxCards: 35, admin: { reasons: reasons100.slice(0, 5), templates: DEFAULT_SETTINGS.noticeTemplate, placeholders: NOTICE_PLACEHOLDERS } }),
    absences: buildAbsencesSection(managed, admin, "fr"),
    calendar: buildCalendarSection(year, "fr"),
    escalation: buildEscalationSection(DEFAULT_SETTINGS.escalation, "fr"),
  }));
  for (const locale of ["fr", "en"] as const) {
    modal(`absence ${locale}`, formModal(absenceForm({ forOthers: true, admin: true, today, personEmail: "ada@acme.test" }, locale), { slackIdOf: () => "U0ADA" }));
    modal(`calendar close ${locale}`, formModal(closeDayForm(today, locale)));
    modal(`calendar reopen ${locale}`, formModal(reopenDayForm(year, nonWorkingDays(DEFAULT_SETTINGS.calendar, 2027, locale), locale)));
    modal(`escalation ${locale}`, formModal(escalationForm(DEFAULT_SETTINGS.escalation, locale)));
  }

  // lists and replies
  const list = Array.from({ length: 30 }, (_, i) => detailsOf({ id: i + 1, items: 3 }));
  message("list: 30 disputes", listMessage(buildDisputeList(list, controller, "fr", { today, max: 20 })));
  message("list: empty", listMessage(buildDisputeList([], controller, "en", { today, max: 20 })));
  message("list: which customer", listMessage(buildCustomerChoice([customer, { ...customer, ref: "C002", name: "Acme" }], "en")));
  message("reply: text", textMessage("D-2026-0042 opened <ok> & sent to Sam"));
  message("reply: help (mrkdwn)", mrkdwnMessage("*Accord*\n• `/dispute new` — open a dispute\n• <https://example.com|the docs>\n>quoted :warning:"));
  return out;
}
