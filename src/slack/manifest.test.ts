import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CARD_ACTIONS, encodeAction } from "../views/actions.ts";
import { buildDisputeCard } from "../views/disputeCard.ts";
import { newDisputeForm, pickReasonForm, templateForm } from "../views/forms.ts";
import { buildCustomerChoice, buildDisputeList, buildHome } from "../views/lists.ts";
import { DEFAULT_SETTINGS } from "../domain/settings.ts";
import { calendarYear } from "../app/companyCalendar.ts";
import { buildAbsencesSection, buildCalendarSection, buildEscalationSection } from "../views/homeSections.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import { ACTION_IDS, CALLBACK_IDS, cardMessage, COMMAND, formModal, homeView, listMessage, reminderMessage, SHORTCUT_ID } from "./blocks.ts";
import { SLACK_EVENTS_PATH } from "./mount.ts";
import { customerToEscape as customer, detailsOf, mineOf, personOf, reasonOf } from "../test/builders.ts";
import { actionIds, startHarness, USERS, type Harness } from "./testing/harness.ts";

// The manifest matches the code: valid against Slack's schema, same command, shortcut and endpoint,
// and every command, shortcut, callback_id and action_id the manifest and the renderers declare is handled.

const root = path.resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifests/slack/manifest.json"), "utf8"));
const schema = JSON.parse(fs.readFileSync(path.join(root, "manifests/slack/slack-manifest-v1.schema.json"), "utf8"));

describe("manifest", () => {
  it("is valid against Slack's manifest schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it("declares what the code serves", () => {
    const urls = [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, manifest.settings.interactivity.message_menu_options_url, ...manifest.features.slash_commands.map((c: { url: string }) => c.url)];
    for (const u of urls) expect(new URL(u).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.slash_commands[0].should_escape).toBe(true); // owner:@user arrives as <@U…>
    expect(manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id)).toEqual([SHORTCUT_ID]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(["app_home_opened", "message.channels", "message.im"]);
    // the scopes the Web API methods used need, and no more
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(["channels:history", "channels:read", "chat:write", "commands", "files:write", "groups:read", "im:history", "im:read", "im:write", "users:read", "users:read.email"]);
  });
});

/** Every action id any renderer can emit. */
function renderedActionIds(): Set<string> {
  const today = "2026-03-10";
  const admin = personOf("ada@acme.test", { role: "admin" });
  const reasons = [reasonOf(1), reasonOf(2)];
  const out = new Set<string>();
  const add = (x: unknown) => actionIds(x).forEach((a) => out.add(a));
  const open = detailsOf();
  const litigation = detailsOf({ status: "resolved" });
  litigation.dispute.resolution = { outcome: "litigation", note: "n", creditNoteRef: null, concededAmount: null, rootCause: null };
  for (const x of [open, litigation]) add(cardMessage(buildDisputeCard(x, admin, "en", { today })).blocks);
  const snooze = { disputeId: 1, choices: (["tomorrow", "in3days", "nextMonday"] as const).map((choice) => ({ choice, label: choice })), pickLabel: "Pick a date" };
  add(reminderMessage(buildDisputeCard(open, admin, "en", { today }), {}, "Reminder", snooze).blocks);
  add(homeView(buildHome(mineOf(2), admin, "en", { maxCards: 5, admin: { reasons, templates: DEFAULT_SETTINGS.noticeTemplate, placeholders: NOTICE_PLACEHOLDERS } })).blocks);
  add(homeView({ ...buildHome(mineOf(0), admin, "en", { maxCards: 5 }), openerUpdates: { title: "t", text: "x", button: { label: "Stop telling me", value: "off" } } }).blocks);
  add(listMessage(buildDisputeList([open], admin, "en", { today, max: 5 })).blocks);
  // the App Home sections of issue 11 and their forms
  const managed = { today, forOthers: true, more: 0, absences: [{ id: 1, personEmail: "sam@acme.test", fromOn: today, untilOn: today, deputyEmail: null, createdAt: new Date(), personName: "Sam", deputyName: null }] };
  const year = calendarYear(DEFAULT_SETTINGS, new Date(`${today}T09:00:00Z`), "en");
  add(homeView({ ...buildHome(mineOf(0), admin, "en", { maxCards: 5 }), absences: buildAbsencesSection(managed, admin, "en"), calendar: buildCalendarSection(year, "en"), escalation: buildEscalationSection(DEFAULT_SETTINGS.escalation, "en") }).blocks);
  add(listMessage(buildDisputeList([open], personOf(open.dispute.ownerEmail, { role: "sales" }), "en", { today, max: 5 })).blocks);
  add(listMessage(buildCustomerChoice([customer], "en"), ACTION_IDS.customerPick).blocks);
  const defaults = { today, customer, reason: reasons[0]!, ownerEmail: null, followUpOn: null, slaDueOn: null, priority: "normal" as const };
  add(formModal(newDisputeForm({ scope: "items", customer, selected: [], reasons, defaults }, "en")).blocks);
  add(formModal(pickReasonForm(reasons, "en")).blocks);
  add(formModal(templateForm(DEFAULT_SETTINGS, "en")).blocks);
  return out;
}

describe("every declared entry point is handled", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  const handled = (r: { status: number; ms: number }) => {
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(2500);
  };

  it("the command and the shortcut", async () => {
    handled(await h.sim.command(USERS.carla, "help", { responseUrl: h.fake.responseUrl() }));
    handled(await h.sim.messageShortcut(USERS.carla, { text: "hello", ts: "1.2" }));
  });

  it("every callback_id", async () => {
    for (const id of CALLBACK_IDS) {
      const meta = id === "form.card" ? { m: "card", a: "comment", d: 1, v: 1 } : id === "form.new" ? { m: "new", scope: "items" } : id === "form.reason" ? { m: "reason" } : id === "form.calendar" ? { m: "calendar", a: "close" } : { m: id.slice(5) };
      handled(await h.sim.viewSubmission(USERS.carla, { id: `V${id}`, callback_id: id, private_metadata: JSON.stringify(meta), blocks: [], hash: "h" }, {}));
    }
  });

  it("every action id of the renderers, and the options handlers", async () => {
    const ids = renderedActionIds();
    const expected = [
      ...CARD_ACTIONS.filter((a) => a !== "edit" && a !== "withdraw" && a !== "release_holds").map(ACTION_IDS.cardButton),
      ACTION_IDS.cardMore,
      ACTION_IDS.cardButton("release_holds"),
      ACTION_IDS.listShow,
      ACTION_IDS.customerPick,
      ACTION_IDS.homeNew,
      ACTION_IDS.admin("add_reason"),
      ACTION_IDS.admin("edit_reason"),
      ACTION_IDS.admin("edit_template"),
      ACTION_IDS.formButton("preview"),
      ...["tomorrow", "in3days", "nextMonday", "date"].map(ACTION_IDS.snooze),
      ACTION_IDS.homeOpenerUpdates,
      ACTION_IDS.listMenu,
      ...(["absence_add", "absence_remove", "calendar_close", "calendar_reopen", "escalation"] as const).map(ACTION_IDS.homeSection),
    ];
    for (const id of expected) expect(ids, id).toContain(id);
    const view = { id: "V1", type: "modal", callback_id: "form.new", private_metadata: JSON.stringify({ m: "new", scope: "items", c: "C001" }), blocks: [], hash: "h", state: { values: {} } };
    for (const id of ids) {
      const where = ["customer", "items", "reason", "pick", "form.preview"].includes(id) || /^(statement|owner|follow_up|priority|notify|text|to|on|note|fr|en)$/.test(id) ? { view } : { channel: "C0GENERAL", ts: "1.1" };
      handled(await h.sim.blockAction(USERS.carla, { action_id: id, value: encodeAction({ t: "new" }) }, where));
    }
    for (const id of ["customer", "items", "reason", "pick"]) {
      const r = await h.sim.options(USERS.carla, view, id, id, "");
      handled(r);
      expect(r.json).toHaveProperty("options");
    }
    await h.idle();
  });

  it("the events", async () => {
    handled(await h.sim.event({ type: "app_home_opened", user: USERS.carla.id, tab: "home" }));
    handled(await h.sim.event({ type: "message", channel: "D0CARLA", user: USERS.carla.id, text: "hi", ts: "2.2", thread_ts: "1.1" }));
    await h.idle();
  });
});
