import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listHolds } from "../app/dunning.ts";
import { setFollowUp } from "../app/setFollowUp.ts";
import { AccordError, money, type ErrorCode, type ErrorMessage } from "../domain/errors.ts";
import type { Locale, Outcome, Priority } from "../domain/types.ts";
import { CARD_ACTIONS, encodeAction, type CardAction } from "../views/actions.ts";
import { apiMessage, errorText } from "../views/errors.ts";
import { t } from "../views/i18n.ts";
import type { StoredView } from "../slack/standin/fakeSlack.ts";
import { fieldIdOf } from "../slack/blocks.ts";
import { date, opt, opts, submitted, text, user, type El } from "../slack/testing/forms.ts";
import { NOW, startHarness, USERS, type Harness } from "../slack/testing/harness.ts";
import { ACTION_IDS } from "../slack/blocks/kit.ts";
import { NUDGE_TEXT, tooSoonText } from "../views/nudgeText.ts";
import { LIST_SCOPE_KEY, TEAMS_LIST_NUDGE_VERB } from "../teams/cards/chatCards.ts";
import { TOKEN } from "./harness.ts";
import { TEAMS_ACTION_TEXT } from "../views/teamsActionText.ts";
import { TEAMS_CHAT_TEXT } from "../views/teamsChatText.ts";
import { PAYLOAD_KEY, SNOOZE_DATE_INPUT, TEAMS_REFRESH_VERB, TEAMS_SNOOZE_VERB, inputId, teamsVerb } from "../teams/cards/actions.ts";
import { FOLLOWUP_TEXT, shortDate } from "../views/followupText.ts";
import type { SnoozeChoice } from "../domain/followups.ts";
import type { AdaptiveJson } from "../teams/cards/disputeCard.ts";
import { messageActivity, postSignedActivity, TEST_BOT_ID, teamsEnv, type Activity } from "../teams/testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "../teams/testing/fakeConnector.ts";
import { startTestIdentity, type TestIdentity } from "../teams/testing/identity.ts";

// One scenario table, every adapter: each scenario runs through the Slack adapter (signed requests to the
// in-process app, against the fake Slack Web API), through the REST API and through Teams, each on a fresh Accord
// with the same settings (Slack and Teams on) and the same ledger, and must leave the same stored state, the same
// timeline, the same rows in the delivery queue and the same refusals (the same coded error, each adapter in its
// own words). Teams is the third column: activities posted to POST /api/messages with
// tokens its own JWT validation checks, answered by the Teams handlers (personal chat, card actions, the
// new-dispute dialog) against a fake Bot Connector. A step an adapter has no equivalent of is named in its
// column's `lacks`, with the reason: the scenario's title says which column it does not run on, and why.

type Who = Exclude<keyof typeof USERS, "eve">;

type Step =
  /** `firstReason`: the person picked that reason first (the form proposed its defaults), then `reason` */
  | { do: "open"; as: Who; items: { ref: string; amount?: string }[]; reason: string; firstReason?: string; statement: string; priority?: Priority }
  /** a dispute on the whole customer C001 (Clearnox's « client en litige »), no invoice chosen */
  | { do: "flag"; as: Who; reason: string; statement: string }
  | { do: "comment"; as: Who; text: string }
  | { do: "edit"; as: Who; priority?: Priority; reason?: string; statement?: string; note?: string }
  | { do: "reassign"; as: Who; to: Who; note?: string }
  | { do: "follow_up"; as: Who; on: string; note?: string }
  | { do: "resolve"; as: Who; outcome: Outcome; note: string; creditNoteRef?: string; concededAmount?: string }
  | { do: "withdraw" | "reopen"; as: Who; note: string }
  | { do: "release_holds"; as: Who; note?: string }
  | { do: "add_reason"; as: Who; code: string; followUpDays: number; slaDays: number }
  /** a controller, manager or admin reminds the owner now (Slack: the /dispute list row's menu; Teams: the list row's button) */
  | { do: "nudge"; as: Who }
  /** the owner moves the follow-up from a reminder's Snooze (tomorrow, in 3 days, next Monday, or a picked date) */
  | { do: "snooze"; as: Who; choice: SnoozeChoice; date?: string };

/** A step of a scenario: what is done, and how the adapter must refuse it (when it must). */
interface Line {
  step: Step;
  /** someone else changes the dispute between the moment the person reads it (opens the form) and submits */
  meanwhile?: true;
  refused?: ({ code: ErrorCode } & ErrorMessage) | { nudgedRecently: { lastAt: string; nextAt: string } };
}

/** A scenario's steps act on the first dispute (D-2026-0001), as read when each step starts. */
interface Scenario {
  name: string;
  lines: Line[];
  /** what the state must show (the columns must also agree with each other on all of it) */
  then: (s: State) => void;
}

// ---- the columns --------------------------------------------------------------------------------

interface Column {
  name: string;
  /** The steps this adapter has no equivalent of, with the reason (a scenario holding one does not run here). */
  lacks?: Partial<Record<Step["do"], string>>;
  /** Runs a step on the first dispute; null when it was done, else the refusal as the person was shown it. */
  run(h: Harness, line: Line): Promise<string | null>;
  /** How this adapter shows a coded error to a person (refusing `step`). */
  shows(err: AccordError, who: Who, step: Step["do"]): string;
  /** How it shows a nudge refused because one went less than an hour ago (not an error: when the next is possible). */
  showsNudgedRecently(who: Who, lastAt: Date, nextAt: Date): string;
}

const localeOf = (who: Who): Locale => USERS[who].locale as Locale;
/** The people have no time zone of their own: times are said in the company's (the default one). */
const COMPANY_TZ = "Europe/Paris";
const first = async (h: Harness) => (await h.accord.deps.store.disputes.byNumber("D-2026-0001"))!;
/** The change someone else makes meanwhile: the same for every column. */
const someoneElse = async (h: Harness) => {
  await setFollowUp(h.accord.deps, { dispute: "D-2026-0001", byEmail: USERS.carla.email, on: "2026-03-30" });
};

const REST: Column = {
  name: "REST",
  lacks: {
    snooze: "a reminder's Snooze is a chat button on the reminder; over REST the owner sets the follow-up date itself (POST /disputes/{id}/follow-up, in this table)",
  },
  shows: (err) => `${err.code}: ${apiMessage(err)}`,
  showsNudgedRecently: (_, lastAt, nextAt) => `conflict: The owner of ${D1} was nudged at ${lastAt.toISOString()}; the next nudge is possible at ${nextAt.toISOString()}.`,
  async run(h, { step, meanwhile }) {
    const call = async (method: string, path: string, body: Record<string, unknown>) => {
      const res = await fetch(`${h.accord.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = (await res.json()) as { error?: { code: string; message: string } };
      return json.error ? `${json.error.code}: ${json.error.message}` : null;
    };
    const by = USERS[step.as].email;
    if (step.do === "open") return call("POST", "/disputes", { customerRef: "C001", items: step.items, reasonCode: step.reason, statement: step.statement, openedByEmail: by, ...(step.priority ? { priority: step.priority } : {}) });
    if (step.do === "flag") return call("POST", "/disputes", { customerRef: "C001", scope: "customer", reasonCode: step.reason, statement: step.statement, openedByEmail: by });
    if (step.do === "add_reason") return call("POST", "/reasons", { byEmail: by, code: step.code, labelFr: `Motif ${step.code}`, labelEn: `Reason ${step.code}`, followUpDays: step.followUpDays, slaDays: step.slaDays });
    if (step.do === "nudge") return call("POST", "/disputes/D-2026-0001/nudge", { byEmail: by });
    if (step.do === "snooze") throw new Error("REST has no snooze (see lacks)");
    const { version } = await first(h); // what the client read
    if (meanwhile) await someoneElse(h);
    const d = `/disputes/D-2026-0001`;
    const base = { byEmail: by, version };
    switch (step.do) {
      case "comment":
        return call("POST", `${d}/comments`, { ...base, text: step.text });
      case "edit":
        return call("PATCH", d, { ...base, ...(step.priority ? { priority: step.priority } : {}), ...(step.reason ? { reasonCode: step.reason } : {}), ...(step.statement ? { statement: step.statement } : {}), ...(step.note ? { note: step.note } : {}) });
      case "reassign":
        return call("POST", `${d}/reassign`, { ...base, toEmail: USERS[step.to].email, ...(step.note ? { note: step.note } : {}) });
      case "follow_up":
        return call("POST", `${d}/follow-up`, { ...base, on: step.on, ...(step.note ? { note: step.note } : {}) });
      case "resolve":
        return call("POST", `${d}/resolve`, { ...base, outcome: step.outcome, note: step.note, ...(step.creditNoteRef ? { creditNoteRef: step.creditNoteRef } : {}), ...(step.concededAmount ? { concededAmount: step.concededAmount } : {}) });
      case "withdraw":
      case "reopen":
        return call("POST", `${d}/${step.do}`, { ...base, note: step.note });
      case "release_holds":
        return call("POST", `${d}/release-holds`, { ...base, ...(step.note ? { note: step.note } : {}) });
    }
  },
};

const SLACK: Column = {
  name: "Slack",
  shows(err, who, step) {
    const m = t(localeOf(who));
    if (err.code === "forbidden") return step === "snooze" ? FOLLOWUP_TEXT[localeOf(who)].snoozeOwnerOnly : m.reply.forbidden;
    // a form submitted on a dispute that changed meanwhile is replaced by the dispute as it is now
    if (err.code === "stale_version") return "the modal shows the dispute as it is now";
    return errorText(err, localeOf(who));
  },
  showsNudgedRecently: (who, lastAt, nextAt) => tooSoonText(lastAt, nextAt, COMPANY_TZ, localeOf(who)),
  async run(h, { step, meanwhile }) {
    const u = USERS[step.as];
    /** Opens a modal (the click is `open`), fills it in, submits: null, or what the person is shown. */
    const modal = async (open: () => Promise<unknown>, changes: (v: StoredView) => Promise<Record<string, El>> | Record<string, El>): Promise<string | null> => {
      const mark = h.fake.mark;
      await open();
      const shown = await h.fake.waitFor((c) => c.seq > mark && ((c.method === "views.open" && (c.args.trigger_id as string).includes(u.id)) || (c.method === "chat.postEphemeral" && c.args.user === u.id)));
      if (shown.method === "chat.postEphemeral") return String(shown.args.text);
      await h.idle();
      const v = h.fake.openView(u.id)!;
      if (meanwhile) await someoneElse(h);
      const values = await changes(v);
      const r = await h.sim.viewSubmission(u, v.view, submitted(v, values));
      const json = r.json as { response_action?: string; errors?: Record<string, string> } | null;
      await h.idle();
      if (json?.response_action === "update") return "the modal shows the dispute as it is now";
      if (json?.response_action === "errors") return Object.values(json.errors ?? {})[0] ?? "?";
      return null;
    };
    /** A field that refreshes the form when changed (dispatch_action), changed as a Slack client sends it: the form comes back updated. */
    const dispatch = async (v: StoredView, field: string, type: string, values: Record<string, El>) => {
      const mark = h.fake.mark;
      const block = (v.view.blocks as { block_id?: string }[]).find((b) => b.block_id && fieldIdOf(b.block_id) === field)!.block_id!;
      await h.sim.blockAction(u, { action_id: field, type, block_id: block, ...(values[field] ?? {}) } as Parameters<typeof h.sim.blockAction>[1], { view: { ...v.view, state: { values: submitted(v, values) } } });
      await h.fake.waitFor((c) => c.seq > mark && c.method === "views.update");
      await h.idle();
      Object.assign(v, h.fake.openView(u.id)!);
    };
    if (step.do === "open") {
      const ids = await h.accord.deps.store.items.byRefs((await h.accord.deps.store.customers.byRef("C001"))!.id, step.items.map((i) => i.ref));
      const idOf = (ref: string) => String(ids.find((i) => i.ref === ref)!.id);
      const items = opts(...step.items.map((i) => idOf(i.ref)));
      return modal(
        () => h.sim.command(u, "new C001"),
        async (v) => {
          // selecting the items refreshes the form with an amount field per item; the reason, with its defaults
          await dispatch(v, "items", "multi_external_select", { items });
          if (step.firstReason) await dispatch(v, "reason", "static_select", { items, reason: opt(step.firstReason) });
          await dispatch(v, "reason", "static_select", { items, reason: opt(step.reason) });
          return {
            items,
            ...Object.fromEntries(step.items.filter((i) => i.amount).map((i) => [`amount_${idOf(i.ref)}`, text(i.amount!.replace(".", ","))])),
            reason: opt(step.reason),
            statement: text(step.statement),
            notify: opts("yes"),
            ...(step.priority ? { priority: opt(step.priority) } : {}),
          };
        },
      );
    }
    if (step.do === "flag") {
      // `/dispute customer C001`: the form to flag the customer
      return modal(
        () => h.sim.command(u, "customer C001"),
        async (v) => {
          // choosing the reason refreshes the form with its defaults (priority, next follow-up)
          await dispatch(v, "reason", "static_select", { reason: opt(step.reason) });
          return { reason: opt(step.reason), statement: text(step.statement), notify: opts("yes") };
        },
      );
    }
    if (step.do === "add_reason") {
      const value = encodeAction({ t: "admin", a: "add_reason" });
      return modal(
        () => h.sim.blockAction(u, { action_id: "admin.add_reason", value }, { home: true }),
        () => ({ code: text(step.code), label_fr: text(`Motif ${step.code}`), label_en: text(`Reason ${step.code}`), follow_up_days: text(String(step.followUpDays)), sla_days: text(String(step.slaDays)) }),
      );
    }
    if (step.do === "nudge") {
      // `/dispute list all`, then the dispute's row's menu, « Envoyer un rappel »: answered privately where the person
      // clicked; for someone whose list does not offer it, the option from an older list (the server must refuse it)
      const d = await first(h);
      const listed = h.fake.mark;
      const responseUrl = h.fake.responseUrl();
      await h.sim.command(u, "list all", { responseUrl });
      const list = await h.fake.waitFor((c) => c.seq > listed && c.method === "response_url");
      const value = encodeAction({ t: "nudge", d: d.id });
      const offered = JSON.stringify(list.args.blocks ?? []).includes(JSON.stringify(value));
      const mark = h.fake.mark;
      await h.sim.blockAction(u, { action_id: ACTION_IDS.listMenu, type: "overflow", selected_option: { value } }, { channel: "C0GENERAL", ts: "1773133200.000200", ephemeral: true });
      const said = String((await h.fake.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === u.id)).args.text);
      await h.idle();
      const sent = said === NUDGE_TEXT[localeOf(step.as)].sent(USERS[(Object.keys(USERS) as Who[]).find((w) => USERS[w].email === d.ownerEmail)!].name);
      if (sent && !offered) return "done, though the list offered no Nudge";
      return sent ? null : said;
    }
    if (step.do === "snooze") {
      // the reminder's buttons (a date picker for a picked date), answered privately where the person clicked
      const d = await first(h);
      const value = encodeAction({ t: "snooze", d: d.id, c: step.choice });
      const mark = h.fake.mark;
      const where = { channel: `D0${step.as.toUpperCase()}`, ts: "1773133200.000300" };
      await h.sim.blockAction(u, step.choice === "date" ? { action_id: ACTION_IDS.snooze("date"), type: "datepicker", block_id: value, selected_date: step.date! } : { action_id: ACTION_IDS.snooze(step.choice), value }, where);
      const said = String((await h.fake.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === u.id)).args.text);
      await h.idle();
      const after = await first(h);
      return said === FOLLOWUP_TEXT[localeOf(step.as)].snoozed(shortDate(after.followUpOn!, localeOf(step.as))) ? null : said;
    }
    // a card button as the card posted to this person carries it: the action, the dispute, its version
    const d = await first(h);
    const a: CardAction = step.do;
    const click = () => h.sim.blockAction(u, { action_id: `card.${a}`, value: encodeAction({ t: "card", a, d: d.id, v: d.version }) }, { channel: `D0${step.as.toUpperCase()}`, ts: "1773133200.000100" });
    switch (step.do) {
      case "comment":
        return modal(click, () => ({ text: text(step.text) }));
      case "edit":
        return modal(click, (): Record<string, El> => ({ ...(step.priority ? { priority: opt(step.priority) } : {}), ...(step.reason ? { reason: opt(step.reason) } : {}), ...(step.statement ? { statement: text(step.statement) } : {}), ...(step.note ? { note: text(step.note) } : {}) }));
      case "reassign":
        return modal(click, () => ({ to: user(USERS[step.to].id), ...(step.note ? { note: text(step.note) } : {}) }));
      case "follow_up":
        return modal(click, () => ({ on: date(step.on), ...(step.note ? { note: text(step.note) } : {}) }));
      case "resolve":
        return modal(click, () => ({ outcome: opt(step.outcome), note: text(step.note), ...(step.creditNoteRef ? { credit_note_ref: text(step.creditNoteRef) } : {}), ...(step.concededAmount ? { conceded: text(step.concededAmount) } : {}) }));
      case "withdraw":
      case "reopen":
        return modal(click, () => ({ note: text(step.note) }));
      case "release_holds":
        return modal(click, (): Record<string, El> => (step.note ? { note: text(step.note) } : {}));
    }
  },
};


// ---- Teams ----------------------------------------------------------------------------------------
// Each person writes from their own Teams client (29:<name>), found by the Bot Connector's member lookup (their
// email), in their client's language. What they do: write `nouveau` / `new` in the personal chat, click the
// answer's button (task/fetch), pick the customer and "Show invoices", fill in the dialog and submit it
// (task/submit); on a dispute, read the card (the refresh Teams asks for each viewer: user-specific views), open
// an action's inline inputs, type and click its Action.Execute (adaptiveCard/action). What they are shown is the
// answer: the dialog's closing message or field errors, the card's notice.

let identity: TestIdentity | null = null;
const connectors = new WeakMap<Harness, FakeConnector>();

/**
 * A fresh Accord for one scenario and column, the same for every column: Slack on (against the fake Slack Web
 * API), Teams on (tokens checked, against a fake Bot Connector), the REST API, the same ledger.
 */
async function startTableAccord(): Promise<Harness> {
  if (!identity) throw new Error("the table needs the test identity (beforeAll)");
  const connector = await startFakeConnector();
  // what the Bot Connector's member lookup tells of each person (Accord matches them by email, then pins them)
  for (const [who, u] of Object.entries(USERS)) connector.addMember({ id: teamsIdOf(who as Who), aadObjectId: `aad-${who}`, email: u.email, userPrincipalName: u.email });
  const h = await startHarness({ env: { ACCORD_API_TOKENS: `test:${TOKEN}`, ...teamsEnv({ identity, connectorUrl: connector.url }) } });
  const wrapped: Harness = {
    ...h,
    async stop() {
      await h.stop();
      await connector.close();
    },
  };
  connectors.set(wrapped, connector);
  return wrapped;
}
const teamsIdOf = (who: Who) => `29:${who}`;
const clientLocale = (who: Who) => (localeOf(who) === "fr" ? "fr-FR" : "en-US");

function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
/**
 * Accord's answer in the turn, among what the connector received since `mark` (the delivery queue may post cards and
 * notices meanwhile): the last one whose card is `like`, else the last one.
 */
function answerOf(connector: FakeConnector, mark: number, like: (card: AdaptiveJson) => boolean) {
  const since = connector.posted().slice(mark);
  return since.filter((p) => like(((p.activity.attachments as { content: AdaptiveJson }[] | undefined)?.[0]?.content ?? {}) as AdaptiveJson)).at(-1) ?? since.at(-1);
}
/** What Teams submits from a card: every input's value as the card shows it (as a person leaves it), then the changes. */
function inputsOf(card: unknown, changes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of nodes(card)) if (typeof n.type === "string" && n.type.startsWith("Input.") && typeof n.id === "string" && n.value !== undefined) out[n.id] = String(n.value);
  return { ...out, ...changes };
}
/** The errors shown in an answered card: each field's (under its input), else the notice on top. */
function shownOn(card: AdaptiveJson): { ok: boolean; text: string } {
  const body = (card.body as AdaptiveJson[] | undefined) ?? [];
  const head = body[0]?.type === "Container" ? ((body[0].items as AdaptiveJson[])[0]?.text as string | undefined) : undefined;
  const fieldError = nodes(body.slice(1)).find((n) => n.type === "TextBlock" && n.color === "Attention" && n.size === "Small");
  if (fieldError) return { ok: false, text: String(fieldError.text) };
  return { ok: body[0]?.type === "Container" && body[0].style === "good", text: head ?? "(no notice)" };
}

const TEAMS: Column = {
  name: "Teams",
  lacks: {
    add_reason: "dispute reasons are company settings, edited by admins in Slack's App Home or over REST; Teams has no admin surface (issue 13 lists none)",
  },
  shows(err, who, step) {
    const locale = localeOf(who);
    if (err.code === "forbidden") return step === "snooze" ? FOLLOWUP_TEXT[locale].snoozeOwnerOnly : t(locale).reply.forbidden;
    // an action clicked on a dispute that changed meanwhile: the card as it is now, saying nothing was saved
    if (err.code === "stale_version") return TEAMS_ACTION_TEXT[locale].staleCard;
    return errorText(err, locale);
  },
  showsNudgedRecently: (who, lastAt, nextAt) => tooSoonText(lastAt, nextAt, COMPANY_TZ, localeOf(who)),
  async run(h, { step, meanwhile }) {
    const connector = connectors.get(h)!;
    const who = step.as;
    const from = { id: teamsIdOf(who), name: USERS[who].name, aadObjectId: `aad-${who}` };
    const activity = (extra: Record<string, unknown>): Activity => ({ ...messageActivity({ serviceUrl: connector.url, from, locale: clientLocale(who) }), ...extra });
    const post = async (a: Activity) => {
      const res = await postSignedActivity(h.accord.url, a, identity!);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const invoke = (name: string, value: unknown, extra: Record<string, unknown> = {}) => post(activity({ type: "invoke", name, value, ...extra }));

    if (step.do === "open" || step.do === "flag") {
      // `nouveau` in the personal chat: a card whose button opens the dialog
      const mark = connector.posted().length;
      await post(activity({ type: "message", text: localeOf(who) === "fr" ? "nouveau" : "new" }));
      const answer = answerOf(connector, mark, (card) => nodes(card).some((n) => n.type === "Action.Submit"))?.activity as { attachments?: { content: AdaptiveJson }[]; text?: string } | undefined;
      const button = nodes(answer?.attachments?.[0]?.content).find((n) => n.type === "Action.Submit");
      if (!button) return String(answer?.text ?? "no answer");
      const fetched = await invoke("task/fetch", { data: button.data, context: { theme: "default" } });
      if (fetched.task?.type !== "continue") return String(fetched.task?.value);
      const dialogOf = (r: Record<string, any>) => r.task.value.card.content as AdaptiveJson; // eslint-disable-line @typescript-eslint/no-explicit-any
      const stepData = (card: AdaptiveJson, name: string) => (card.actions as AdaptiveJson[]).find((x) => (x.data as { step: string }).step === name)!.data as Record<string, unknown>;
      let card = dialogOf(fetched);
      const closing = async (submitted: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (submitted.task?.type === "continue") return shownOn(dialogOf(submitted)).text;
        const d = await first(h);
        const owner = d ? await h.accord.deps.store.people.byEmail(d.ownerEmail) : null;
        const opened = d && owner ? t(localeOf(who)).reply.opened(d.number, owner.name) : null;
        return submitted.task?.value === opened ? null : String(submitted.task?.value);
      };
      if (step.do === "flag") {
        // the customer, the « customer-level dispute » switch on, no invoice
        return closing(await invoke("task/submit", { data: { ...inputsOf(card, { customer: "C001", scope: "customer", reason: step.reason, statement: step.statement, notify: "true" }), ...stepData(card, "submit") } }));
      }
      // the customer, then "Show invoices": the dialog lists that customer's open invoices
      const listed = await invoke("task/submit", { data: { ...inputsOf(card, { customer: "C001", ...(step.firstReason ? { reason: step.firstReason } : {}) }), ...stepData(card, "items") } });
      if (listed.task?.type !== "continue") return String(listed.task?.value);
      card = dialogOf(listed);
      const ids = await h.accord.deps.store.items.byRefs((await h.accord.deps.store.customers.byRef("C001"))!.id, step.items.map((i) => i.ref));
      const idOf = (ref: string) => String(ids.find((i) => i.ref === ref)!.id);
      const offered = ((nodes(card).find((n) => n.id === "items")?.choices as { value: string }[] | undefined) ?? []).map((c) => c.value);
      const picked = step.items.map((i) => idOf(i.ref));
      if (!picked.every((id) => offered.includes(id))) return `invoices not offered: ${picked.join(",")} of ${offered.join(",")}`;
      const partials = step.items.filter((i) => i.amount).map((i) => `${i.ref} ${i.amount!.replace(".", ",")}`).join("\n");
      const submitted = await invoke("task/submit", {
        data: {
          ...inputsOf(card, { items: picked.join(","), ...(partials ? { partials } : {}), reason: step.reason, statement: step.statement, notify: "true", ...(step.priority ? { priority: step.priority } : {}) }),
          ...stepData(card, "submit"),
        },
      });
      return closing(submitted);
    }
    if (step.do === "add_reason") throw new Error("Teams has no add_reason (see lacks)");
    if (step.do === "snooze") {
      // the reminder card's Snooze, its Action.Execute as the card carries it (a picked date in its date input); the
      // reminder itself is the Teams deliverer's, posted by the delivery queue: here the click is built as it sends it
      const d = await first(h);
      const data = { [PAYLOAD_KEY]: encodeAction({ t: "snooze", d: d.id, c: step.choice }), ...(step.date ? { [SNOOZE_DATE_INPUT]: step.date } : {}) };
      const r = await invoke("adaptiveCard/action", { action: { type: "Action.Execute", verb: TEAMS_SNOOZE_VERB, data }, trigger: "manual" }, { replyToId: "reminder-1" });
      if (r.type !== "application/vnd.microsoft.card.adaptive") return String(r.value);
      const shown = shownOn(r.value as AdaptiveJson);
      if (!shown.ok) return shown.text;
      const after = await first(h);
      return shown.text === FOLLOWUP_TEXT[localeOf(who)].snoozed(shortDate(after.followUpOn!, localeOf(who))) ? null : shown.text;
    }
    if (step.do === "nudge") {
      // `liste tous` / `list all` in the personal chat, then the dispute's row's « Envoyer un rappel » / Nudge; for
      // someone whose list does not offer it, the click from an older list (the server must refuse it)
      const d = await first(h);
      const mark = connector.posted().length;
      await post(activity({ type: "message", text: localeOf(who) === "fr" ? "liste tous" : "list all" }));
      const list = (answerOf(connector, mark, (card) => (card.body as AdaptiveJson[] | undefined)?.[0]?.text === TEAMS_CHAT_TEXT[localeOf(who)].listScope.all)?.activity.attachments as { content: AdaptiveJson }[] | undefined)?.[0]?.content;
      if (!list) return "no list";
      const row = (list.body as AdaptiveJson[]).find((n) => n.type === "ColumnSet" && JSON.stringify(n).includes(d.number));
      const button = nodes(row).find((n) => n.type === "Action.Execute" && n.verb === TEAMS_LIST_NUDGE_VERB);
      const data = button?.data ?? { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: d.id }), [LIST_SCOPE_KEY]: "all" };
      const r = await invoke("adaptiveCard/action", { action: { type: "Action.Execute", verb: TEAMS_LIST_NUDGE_VERB, data }, trigger: "manual" }, { replyToId: "list-1" });
      if (r.type !== "application/vnd.microsoft.card.adaptive") return String(r.value);
      const shown = shownOn(r.value as AdaptiveJson);
      // what a person may do, their list offers
      if (shown.ok && !button) return "done, though the list offered no Nudge";
      if (!shown.ok) return shown.text;
      const owner = await h.accord.deps.store.people.byEmail(d.ownerEmail);
      return shown.text === NUDGE_TEXT[localeOf(who)].sent(owner?.name ?? d.ownerEmail) ? null : shown.text;
    }

    // the person reads the dispute's card: the refresh Teams asks for their own view of it
    const d = await first(h);
    const read = await invoke("adaptiveCard/action", { action: { type: "Action.Execute", verb: TEAMS_REFRESH_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "show", d: d.id }) } }, trigger: "automatic" }, { replyToId: "card-1" });
    expect(read.type).toBe("application/vnd.microsoft.card.adaptive");
    const a: CardAction = step.do;
    const verb = teamsVerb(a);
    const execute = nodes(read.value).find((n) => n.type === "Action.Execute" && n.verb === verb);
    // the Action.ShowCard holding this action's inputs (as the card fills them in), or, for an action this viewer's
    // card does not offer, the click from a card shown earlier (the server must refuse it, as Slack's)
    const holder = nodes(read.value).find((n) => n.type === "Action.ShowCard" && nodes(n.card).includes(execute!));
    const data = (execute?.data as Record<string, unknown> | undefined) ?? { [PAYLOAD_KEY]: encodeAction({ t: "card", a, d: d.id, v: d.version }) };
    if (meanwhile) await someoneElse(h);
    const typed: Record<string, string> = {};
    const put = (field: string, value: string | undefined) => value !== undefined && (typed[inputId(a, field)] = value);
    switch (step.do) {
      case "comment":
        put("text", step.text);
        break;
      case "edit":
        put("priority", step.priority);
        put("reason", step.reason);
        put("statement", step.statement);
        put("note", step.note);
        break;
      case "reassign":
        put("to", USERS[step.to].email);
        put("note", step.note);
        break;
      case "follow_up":
        put("on", step.on);
        put("note", step.note);
        break;
      case "resolve":
        put("outcome", step.outcome);
        put("note", step.note);
        put("credit_note_ref", step.creditNoteRef);
        put("conceded", step.concededAmount);
        break;
      case "withdraw":
      case "reopen":
      case "release_holds":
        put("note", step.note);
        break;
    }
    const r = await invoke("adaptiveCard/action", { action: { type: "Action.Execute", verb, data: { ...inputsOf(holder?.card, typed), ...data } }, trigger: "manual" }, { replyToId: "card-1" });
    if (r.type !== "application/vnd.microsoft.card.adaptive") return String(r.value);
    const shown = shownOn(r.value as AdaptiveJson);
    // what a person may do, their card offers
    if (shown.ok && !execute) return `done, though the card offered no ${verb}`;
    if (!shown.ok) return shown.text;
    // done: the card says so, in their language (a reassignment: who has it now)
    const now = await first(h);
    const nameOf = async (email: string) => (await h.accord.deps.store.people.byEmail(email))?.name ?? email;
    const said = a === "reassign" ? t(localeOf(who)).reply.reassigned(now.number, await nameOf(now.ownerEmail)) : TEAMS_ACTION_TEXT[localeOf(who)].saved(now.number);
    return shown.text === said ? null : shown.text;
  },
};

const COLUMNS: Column[] = [SLACK, REST, TEAMS];
/** The columns a scenario runs on: those that have every one of its steps. */
const columnsOf = (s: Scenario) => COLUMNS.filter((c) => !s.lines.some((l) => c.lacks?.[l.step.do]));
/** The scenario's name, and the columns it does not run on, with why. */
const titleOf = (s: Scenario) => {
  const not = COLUMNS.flatMap((c) => s.lines.map((l) => c.lacks?.[l.step.do]).filter(Boolean).slice(0, 1).map((why) => `not on ${c.name}: ${why}`));
  return not.length ? `${s.name} (${not.join("; ")})` : s.name;
};

// ---- what is compared ---------------------------------------------------------------------------

type State = Awaited<ReturnType<typeof stateOf>>;
const only = (s: State) => {
  expect(s.disputes).toHaveLength(1);
  return s.disputes[0]!;
};
const types = (s: State) => only(s).timeline.map((e) => e.type);

async function stateOf(h: Harness) {
  const s = h.accord.deps.store;
  const disputes = await s.disputes.list({});
  const reasons = new Map((await s.reasons.list()).map((r) => [r.id, r.code]));
  return {
    disputes: await Promise.all(
      disputes.map(async (d) => ({
        number: d.number,
        status: d.status,
        reason: reasons.get(d.reasonId),
        priority: d.priority,
        statement: d.statement,
        ownerEmail: d.ownerEmail,
        followUpOn: d.followUpOn,
        version: d.version,
        items: d.items,
        resolution: d.resolution,
        timeline: (await s.disputes.timeline(d.id)).map((e) => ({ type: e.type, at: e.at.toISOString(), byEmail: e.byEmail, text: e.text, data: e.data ?? null })),
      })),
    ),
    holds: (await listHolds(h.accord.deps)).map((x) => ({ item: x.itemRef, dispute: x.disputeNumber, amount: x.amount, kind: x.kind })),
    reasons: [...reasons.values()].sort(),
    /**
     * what the change sent through the delivery queue (chat updates, notices, reminders, webhooks), in order; not the
     * platform of a person's notice, which is the one they last used (Teams in the Teams column)
     */
    outbox: (await s.outbox.list({ limit: 500 })).filter((r) => r.orderKey.startsWith("D-")).map((r) => [r.type, r.orderKey]),
  };
}

// ---- the table ----------------------------------------------------------------------------------

const OPEN: Line = { step: { do: "open", as: "carla", items: [{ ref: "F-2026-001", amount: "200.00" }, { ref: "F-2026-002" }], reason: "price", statement: "Le prix facturé ne correspond pas au devis" } };
const D1 = "D-2026-0001";

const SCENARIOS: Scenario[] = [
  // the owner's notice and the cards: one row of the delivery queue per chat platform on (then its deliverer's)
  { name: "open", lines: [OPEN], then: (s) => expect([only(s).status, s.holds.reduce((n, x) => n + x.amount, 0), s.outbox.length > 0]).toEqual(["open", 200_00 + 1000_01, true]) },
  {
    name: "open, then comment and edit",
    lines: [OPEN, { step: { do: "comment", as: "sam", text: "J'appelle le client demain" } }, { step: { do: "edit", as: "carla", priority: "urgent" } }],
    then: (s) => expect([types(s), only(s).priority, only(s).version]).toEqual([["opened", "commented", "edited"], "urgent", 2]),
  },
  { name: "reassign (the owner hands over)", lines: [OPEN, { step: { do: "reassign", as: "sam", to: "sid", note: "Sid suit ce client" } }], then: (s) => expect(only(s).ownerEmail).toBe(USERS.sid.email) },
  { name: "follow-up", lines: [OPEN, { step: { do: "follow_up", as: "sam", on: "2026-03-20", note: "Retour du client attendu" } }], then: (s) => expect(only(s).followUpOn).toBe("2026-03-20") },
  {
    name: "resolve with a credit note",
    lines: [OPEN, { step: { do: "resolve", as: "sam", outcome: "credit_note", note: "Avoir accordé", creditNoteRef: "AV-77", concededAmount: "150.00" } }],
    // the conceded amount stays held until the credit note reaches the ledger
    then: (s) => expect([only(s).status, s.holds.map((x) => [x.amount, x.kind])]).toEqual(["resolved", [[150_00, "credit_pending"]]]),
  },
  {
    name: "resolve, then reopen",
    lines: [OPEN, { step: { do: "resolve", as: "sam", outcome: "rejected", note: "Prix conforme au contrat" } }, { step: { do: "reopen", as: "carla", note: "Le client a envoyé le devis signé" } }],
    then: (s) => expect([types(s), only(s).status, s.holds.length]).toEqual([["opened", "resolved", "reopened"], "open", 2]),
  },
  { name: "withdraw", lines: [OPEN, { step: { do: "withdraw", as: "carla", note: "Ouvert par erreur" } }], then: (s) => expect([only(s).status, s.holds]).toEqual(["withdrawn", []]) },
  {
    name: "a forbidden actor: a manager never resolves",
    lines: [OPEN, { step: { do: "resolve", as: "mona", outcome: "rejected", note: "Non" }, refused: { code: "forbidden", key: "forbidden_action", params: { email: USERS.mona.email, role: "manager", action: "resolve", number: D1 } } }],
    then: (s) => expect([only(s).status, only(s).version, types(s)]).toEqual(["open", 1, ["opened"]]),
  },
  {
    name: "a stale version: someone changed the dispute meanwhile",
    lines: [OPEN, { step: { do: "follow_up", as: "sam", on: "2026-03-25" }, meanwhile: true, refused: { code: "stale_version", key: "stale_version", params: { number: D1, currentVersion: 2, sentVersion: 1 } } }],
    // the change made meanwhile stays, the stale one is not saved
    then: (s) => expect([only(s).followUpOn, only(s).version]).toEqual(["2026-03-30", 2]),
  },
  {
    name: "an illegal transition: withdrawing a withdrawn dispute",
    lines: [OPEN, { step: { do: "withdraw", as: "carla", note: "Ouvert par erreur" } }, { step: { do: "withdraw", as: "carla", note: "Encore" }, refused: { code: "illegal_transition", key: "illegal_transition", params: { number: D1, status: "withdrawn", command: "withdraw" } } }],
    then: (s) => expect(types(s)).toEqual(["opened", "withdrawn"]),
  },
  {
    name: "field errors: an amount over the item's open amount when opening, a follow-up date already past",
    lines: [
      {
        step: { ...(OPEN.step as Extract<Step, { do: "open" }>), items: [{ ref: "F-2026-001", amount: "1500.00" }] },
        refused: { code: "unprocessable", key: "exceeds_open_amount", params: { itemRef: "F-2026-001", openAmount: money(1000_00, "EUR"), requested: money(1500_00, "EUR") } },
      },
      OPEN,
      { step: { do: "follow_up", as: "sam", on: "2026-03-02", note: "Rappeler" }, refused: { code: "validation", key: "follow_up_past", params: { value: "2026-03-02", min: "2026-03-10" } } },
    ],
    // nothing of the refused steps was written
    then: (s) => expect([types(s), only(s).version, only(s).followUpOn]).toEqual([["opened"], 1, expect.any(String)]),
  },
  {
    name: "reassign to someone who may not own disputes (a manager)",
    lines: [OPEN, { step: { do: "reassign", as: "carla", to: "mona", note: "Mona tranchera" }, refused: { code: "validation", key: "may_not_own", params: { email: USERS.mona.email, role: "manager" } } }],
    then: (s) => expect([types(s), only(s).ownerEmail]).toEqual([["opened"], USERS.sam.email]),
  },
  {
    name: "required words: resolving with a blank note, a blank update",
    lines: [
      OPEN,
      { step: { do: "resolve", as: "sam", outcome: "rejected", note: "   " }, refused: { code: "validation", key: "resolution_note_required", params: {} } },
      { step: { do: "comment", as: "carla", text: "  " }, refused: { code: "validation", key: "comment_empty", params: {} } },
    ],
    then: (s) => expect([types(s), only(s).status, only(s).version]).toEqual([["opened"], "open", 1]),
  },
  {
    name: "resolve conceding more than disputed",
    lines: [
      OPEN,
      { step: { do: "resolve", as: "sam", outcome: "credit_note", note: "Avoir", creditNoteRef: "AV-78", concededAmount: "5000.00" }, refused: { code: "validation", key: "conceded_exceeds_disputed", params: { conceded: money(5000_00, "EUR"), disputed: money(200_00 + 1000_01, "EUR") } } },
    ],
    then: (s) => expect([only(s).status, only(s).version]).toEqual(["open", 1]),
  },
  {
    name: "sent to litigation keeps the holds until released",
    lines: [OPEN, { step: { do: "resolve", as: "sam", outcome: "litigation", note: "Transmis au service contentieux" } }, { step: { do: "release_holds", as: "carla", note: "Accord de paiement signé" } }],
    then: (s) => expect([types(s), only(s).status, s.holds]).toEqual([["opened", "resolved", "holds_released"], "resolved", []]),
  },
  {
    name: "open: the reason changed after the form proposed the first one's defaults",
    lines: [{ step: { ...(OPEN.step as Extract<Step, { do: "open" }>), firstReason: "price", reason: "quality" } }],
    // quality's own: high priority, the next follow-up 3 days on (a working day), not price's 5
    then: (s) => expect([only(s).reason, only(s).priority, only(s).followUpOn]).toEqual(["quality", "high", "2026-03-13"]),
  },
  {
    name: "edit the reason and the customer's words",
    lines: [OPEN, { step: { do: "edit", as: "carla", reason: "quantity", statement: "Le client a reçu 8 cartons au lieu de 10", note: "Requalifié après appel" } }],
    then: (s) => expect([only(s).reason, only(s).statement, types(s)]).toEqual(["quantity", "Le client a reçu 8 cartons au lieu de 10", ["opened", "edited"]]),
  },
  {
    name: "flag the whole customer, then clear the flag (withdraw)",
    lines: [{ step: { do: "flag", as: "carla", reason: "quality", statement: "Le client conteste toutes les livraisons de février" } }, { step: { do: "withdraw", as: "carla", note: "Accord trouvé avec le client" } }],
    then: (s) => expect([types(s), only(s).status, only(s).items]).toEqual([["opened", "withdrawn"], "withdrawn", []]),
  },
  {
    name: "nudge: the owner is reminded once an hour, and does not nudge himself",
    lines: [
      OPEN,
      { step: { do: "nudge", as: "carla" } },
      { step: { do: "nudge", as: "mona" }, refused: { nudgedRecently: { lastAt: NOW.toISOString(), nextAt: new Date(NOW.getTime() + 3600_000).toISOString() } } },
      { step: { do: "nudge", as: "sam" }, refused: { code: "forbidden", key: "forbidden_action", params: { email: USERS.sam.email, role: "sales", action: "nudge", number: D1 } } },
    ],
    // one « nudged » line, to the owner; the dispute's version does not move (an open form stays valid)
    then: (s) => expect([types(s), only(s).timeline.at(-1)!.data, only(s).version]).toEqual([["opened", "nudged"], { to: USERS.sam.email }, 1]),
  },
  {
    name: "snooze from a reminder: the owner moves the follow-up; nobody else may",
    lines: [
      OPEN,
      { step: { do: "snooze", as: "sam", choice: "in3days" } },
      { step: { do: "snooze", as: "sam", choice: "date", date: "2026-03-24" } },
      { step: { do: "snooze", as: "carla", choice: "tomorrow" }, refused: { code: "forbidden", key: "forbidden_action", params: { email: USERS.carla.email, role: "controller", action: "follow_up", number: D1 } } },
    ],
    then: (s) =>
      expect([only(s).timeline.map((e) => [e.type, e.data?.snoozed ?? null]), only(s).followUpOn]).toEqual([
        [["opened", null], ["follow_up_set", "in3days"], ["follow_up_set", "date"]],
        "2026-03-24",
      ]),
  },
  {
    name: "out-of-range reason settings",
    lines: [
      { step: { do: "add_reason", as: "ada", code: "late_fees", followUpDays: 5, slaDays: 0 }, refused: { code: "validation", key: "reason_days_out_of_range", params: { setting: "slaDays", min: 1, max: 730 } } },
      { step: { do: "add_reason", as: "ada", code: "late_fees", followUpDays: 400, slaDays: 30 }, refused: { code: "validation", key: "reason_days_out_of_range", params: { setting: "followUpDays", min: 0, max: 365 } } },
      { step: { do: "add_reason", as: "ada", code: "late_fees", followUpDays: 365, slaDays: 730 } },
    ],
    then: (s) => expect(s.reasons).toContain("late_fees"),
  },
];

describe("one scenario table, every adapter: the same state, timeline and refusals", () => {
  const running: Harness[] = [];
  beforeAll(async () => {
    identity = await startTestIdentity(TEST_BOT_ID);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.stop()));
  });
  afterAll(async () => {
    await identity?.close();
  });

  it.each(SCENARIOS.map((s) => [titleOf(s), s] as const))("%s", async (_, scenario) => {
    const states: unknown[] = [];
    const columns = columnsOf(scenario);
    for (const column of columns) {
      const h = await startTableAccord();
      running.push(h);
      for (const [i, line] of scenario.lines.entries()) {
        const shown = await column.run(h, line);
        const r = line.refused;
        const expected = !r ? null : "nudgedRecently" in r ? column.showsNudgedRecently(line.step.as, new Date(r.nudgedRecently.lastAt), new Date(r.nudgedRecently.nextAt)) : column.shows(new AccordError(r.code, { key: r.key, params: r.params } as ErrorMessage), line.step.as, line.step.do);
        expect(shown, `${column.name}, step ${i + 1} (${line.step.do} by ${line.step.as})`).toBe(expected);
      }
      await h.idle();
      const state = await stateOf(h);
      try {
        scenario.then(state);
      } catch (err) {
        // say which column
        if (err instanceof Error) err.message = `${column.name}: ${err.message}`;
        throw err;
      }
      states.push(state);
    }
    for (const [i, state] of states.entries()) expect(state, `${columns[i]!.name} and ${columns[0]!.name}`).toEqual(states[0]);
  });

  it("a step a column has no equivalent of is named with its reason; every scenario runs on two columns or more; Teams runs every card action", () => {
    for (const c of COLUMNS)
      for (const [step, why] of Object.entries(c.lacks ?? {})) {
        expect(why!.length, `${c.name} lacks ${step}: why`).toBeGreaterThan(20);
        expect(SCENARIOS.some((s) => s.lines.some((l) => l.step.do === step)), `${c.name} lacks ${step}, which no scenario has`).toBe(true);
      }
    for (const s of SCENARIOS) expect(columnsOf(s).length, s.name).toBeGreaterThanOrEqual(2);
    const onTeams = new Set(SCENARIOS.filter((s) => columnsOf(s).includes(TEAMS)).flatMap((s) => s.lines.map((l) => l.step.do)));
    for (const a of [...CARD_ACTIONS, "open", "flag", "nudge", "snooze"]) expect(onTeams).toContain(a);
    expect(titleOf(SCENARIOS.find((s) => s.name === "out-of-range reason settings")!)).toMatch(/not on Teams: dispute reasons are company settings/);
  });

  it("the table covers every card action and a refusal of each kind", () => {
    const done = new Set(SCENARIOS.flatMap((s) => s.lines.map((l) => l.step.do)));
    for (const a of [...CARD_ACTIONS, "open", "flag", "add_reason", "nudge", "snooze"]) expect(done).toContain(a);
    const refusals = new Set(SCENARIOS.flatMap((s) => s.lines.flatMap((l) => (!l.refused ? [] : "nudgedRecently" in l.refused ? ["nudged_recently"] : [l.refused.code]))));
    expect([...refusals].sort()).toEqual(["forbidden", "illegal_transition", "nudged_recently", "stale_version", "unprocessable", "validation"]);
  });
});
