import crypto from "node:crypto";
import type { App } from "@slack/bolt";
import { commentDispute } from "../app/commentDispute.ts";
import type { Deps } from "../app/context.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { editDispute } from "../app/editDispute.ts";
import { getDispute } from "../app/getDispute.ts";
import { listDisputes } from "../app/listDisputes.ts";
import { listMyDisputes } from "../app/listMyDisputes.ts";
import { lookupCustomerFlag } from "../app/lookupCustomerFlag.ts";
import { openDispute } from "../app/openDispute.ts";
import { previewNotice } from "../app/previewNotice.ts";
import { proposeDisputeDefaults } from "../app/proposeDisputeDefaults.ts";
import { createReason, listReasons, updateReason } from "../app/reasons.ts";
import { reassignDispute } from "../app/reassignDispute.ts";
import { releaseHolds } from "../app/releaseHolds.ts";
import { reopenDispute } from "../app/reopenDispute.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { searchCustomers } from "../app/searchCustomers.ts";
import { searchItems, type ItemChoice } from "../app/searchItems.ts";
import { getSettings, updateSettings } from "../app/settings.ts";
import { setFollowUp } from "../app/setFollowUp.ts";
import { withdrawDispute } from "../app/withdrawDispute.ts";
import { AccordError, invalid } from "../domain/errors.ts";
import { tryParseAmount } from "../domain/money.ts";
import { toWellFormed } from "../domain/text.ts";
import { allowedActions, can, type Action as Permission } from "../domain/permissions.ts";
import { OUTCOMES, PRIORITIES, type Customer, type Locale, type Outcome, type Person, type Priority } from "../domain/types.ts";
import { disputesCsv, disputesXlsx } from "../http/export.ts";
import { parseAction, type ActionPayload, type CardAction, type FormMeta } from "../views/actions.ts";
import { cardActionForm, customerOption, itemOption, newDisputeForm, noticePreviewForm, pickReasonForm, reasonForm, reasonOptions, staleForm, templateForm, type FormView, type Option } from "../views/forms.ts";
import { errorText } from "../views/errors.ts";
import { bilingual, t } from "../views/i18n.ts";
import { buildCustomerChoice, buildDisputeList } from "../views/lists.ts";
import { ACTION_IDS, cardMessage, formModal, listMessage, mrkdwnMessage, SHORTCUT_ID, textMessage, type SlackMessage } from "./blocks.ts";
import { origin, type CardPublisher } from "./cards.ts";
import { parseCommand, type ListFilters } from "./commandText.ts";
import { errorsFor, list, readView, str, type SubmittedForm } from "./forms.ts";
import { SlackCallError, type GatewayLog, type SlackGateway } from "./gateway.ts";
import { cardFor, peopleIndex, today } from "./render.ts";

// Bolt listeners: ack first, then parse -> use case -> render. No business rules here: permissions,
// validation and state changes are the use cases'; this file only translates Slack <-> Accord.

export interface HandlerContext {
  deps: Deps;
  gateway: SlackGateway;
  cards: CardPublisher;
  log: GatewayLog;
}

type AnyBody = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Respond = (m: object) => Promise<unknown>;

const MAX_LIST = 20;

export function registerHandlers(app: App, h: HandlerContext): void {
  const { deps, gateway, log } = h;

  // ---- helpers ----
  /** After an early ack: let the event loop flush the HTTP response before the work (queries run in microtasks). */
  const flush = () => new Promise<void>((r) => setImmediate(r));
  const refId = () => crypto.randomBytes(4).toString("hex");
  const unexpected = (err: unknown, locale: Locale | null, where: string): string => {
    const ref = refId();
    log.error({ err, ref, where }, "Slack handler failed");
    return locale ? t(locale).reply.error(ref) : bilingual((m) => m.reply.error(ref));
  };
  const words = (err: unknown, locale: Locale, where: string): string => {
    if (err instanceof AccordError) {
      if (err.code === "forbidden") return t(locale).reply.forbidden;
      return errorText(err, locale);
    }
    return unexpected(err, locale, where);
  };

  /** A private answer: the response_url when there is one, else an ephemeral in the channel, else a DM. */
  async function tell(body: AnyBody, userId: string, msg: SlackMessage, respond?: Respond): Promise<void> {
    try {
      const channel: string | undefined = body.channel?.id ?? body.channel_id ?? body.container?.channel_id;
      if (respond && body.response_url && /^https?:\/\//.test(body.response_url) && !/\.invalid\//.test(body.response_url)) {
        await respond({ response_type: "ephemeral", replace_original: false, text: msg.text, blocks: msg.blocks });
      } else if (channel) {
        await gateway.call("chat.postEphemeral", { channel, user: userId, text: msg.text, blocks: msg.blocks });
      } else {
        await gateway.call("chat.postMessage", { channel: await gateway.dmChannel(userId), text: msg.text, blocks: msg.blocks });
      }
    } catch (err) {
      log.warn({ err, userId }, "could not answer the user");
    }
  }

  async function whoOrTell(body: AnyBody, userId: string, respond?: Respond): Promise<Person | null> {
    const p = await gateway.personOf(userId);
    if (!p) await tell(body, userId, mrkdwnMessage(bilingual((m) => m.reply.notKnown)), respond);
    return p;
  }

  async function openModal(triggerId: string, form: FormView, body: AnyBody, userId: string, locale: Locale, slackIds: (email: string) => string | null = () => null): Promise<void> {
    try {
      await gateway.call("views.open", { trigger_id: triggerId, view: formModal(form, { slackIdOf: slackIds }) });
    } catch (err) {
      if (err instanceof SlackCallError && (err.slackError === "expired_trigger_id" || err.slackError === "invalid_trigger_id" || err.slackError === "exchanged_trigger_id")) {
        await tell(body, userId, textMessage(t(locale).reply.expired));
      } else throw err;
    }
  }

  async function updateModal(view: AnyBody, form: FormView, slackIds: (email: string) => string | null = () => null): Promise<void> {
    try {
      await gateway.call("views.update", { view_id: view.id, hash: view.hash, view: formModal(form, { slackIdOf: slackIds }) });
    } catch (err) {
      // A newer version of the view is already there (the user kept typing): it wins.
      if (err instanceof SlackCallError && err.slackError === "hash_conflict") return;
      throw err;
    }
  }

  async function newForm(opts: { customer: Customer | null; scope: "items" | "customer"; statement?: string | undefined; channel?: string | undefined; reasonCode?: string | undefined; selected?: ItemChoice[] }, viewer: Person): Promise<{ form: FormView; slackIds: (e: string) => string | null }> {
    const [reasons, defaults] = await Promise.all([
      listReasons(deps, { activeOnly: true }),
      proposeDisputeDefaults(deps, { customerRef: opts.customer?.ref, reasonCode: opts.reasonCode }),
    ]);
    const people = await peopleIndex(deps, defaults.ownerEmail ? [defaults.ownerEmail] : []);
    const form = newDisputeForm(
      { scope: opts.scope, customer: opts.customer, selected: opts.selected ?? [], reasons, defaults, statement: opts.statement, channel: opts.channel },
      viewer.locale,
    );
    return { form, slackIds: people.slackIdOf };
  }

  async function showCard(body: AnyBody, userId: string, viewer: Person, x: DisputeDetails, respond?: Respond): Promise<void> {
    const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
    await tell(body, userId, cardMessage(card, people.options), respond);
  }

  async function listInput(f: ListFilters, viewer: Person) {
    let ownerEmail: string | undefined;
    if (f.owner) {
      if ("email" in f.owner) ownerEmail = f.owner.email;
      else ownerEmail = (await gateway.personOf(f.owner.slackUserId))?.email ?? `unknown:${f.owner.slackUserId}`;
    }
    if (f.scope === "mine" && !ownerEmail && !f.reason) return (await listMyDisputes(deps, { viewerEmail: viewer.email })).disputes;
    return listDisputes(deps, {
      status: "open",
      viewerEmail: viewer.email,
      ...(f.scope === "overdue" ? { overdue: true } : {}),
      ...(f.scope === "mine" && !ownerEmail ? { ownerEmail: viewer.email } : {}),
      ...(ownerEmail ? { ownerEmail } : {}),
      ...(f.reason ? { reasonCode: f.reason } : {}),
    });
  }

  async function customerFlow(body: AnyBody, userId: string, viewer: Person, query: string, triggerId: string, respond?: Respond): Promise<void> {
    const m = t(viewer.locale);
    const found = await lookupCustomerFlag(deps, { query, viewerEmail: viewer.email });
    if (found.kind === "none") return tell(body, userId, textMessage(m.reply.customerNotFound(query)), respond);
    if (found.kind === "ambiguous") return tell(body, userId, listMessage(buildCustomerChoice(found.candidates, viewer.locale), ACTION_IDS.customerPick), respond);
    if (found.flag) return showCard(body, userId, viewer, found.flag, respond);
    const { form, slackIds } = await newForm({ customer: found.customer, scope: "customer", channel: body.channel_id ?? body.channel?.id }, viewer);
    await openModal(triggerId, form, body, userId, viewer.locale, slackIds);
  }

  /** What a button listener is given once the ack is out and the clicker is known. */
  interface Click<K extends ActionPayload["t"]> {
    body: AnyBody;
    userId: string;
    viewer: Person;
    /** the button's payload, of the kind the listener expects */
    p: Extract<ActionPayload, { t: K }>;
    respond?: Respond | undefined;
    /** a private answer in plain text */
    reply: (text: string) => Promise<void>;
  }

  /**
   * An interaction listener: ack, let the ack go out, find the clicker (unknown: told so), parse the payload
   * of the `expects` kind (else "unknown action"), check the `needs` permission (else "forbidden"), run.
   * With `where`, an unexpected failure is logged and the user told with a reference (in the viewer's language
   * when `localized`, else in both); without, it goes on to Bolt's error handler.
   */
  function onAction<K extends ActionPayload["t"] = never>(spec: { expects?: K; needs?: Permission; where?: string; localized?: boolean }, run: (c: Click<K>) => Promise<void>) {
    return async ({ ack, body, respond }: { ack: () => Promise<void>; body: unknown; respond?: Respond }): Promise<void> => {
      await ack();
      await flush();
      const b = body as AnyBody;
      const userId: string = b.user.id;
      let viewer: Person | null = null;
      try {
        viewer = await whoOrTell(b, userId, respond);
        if (!viewer) return;
        const reply = (text: string) => tell(b, userId, textMessage(text), respond);
        const action = b.actions?.[0];
        const p = spec.expects ? parseAction(action?.selected_option?.value ?? action?.value) : null;
        if (spec.expects && (!p || p.t !== spec.expects)) return reply(t(viewer.locale).reply.unknownAction);
        if (spec.needs && !can(viewer, spec.needs)) return reply(t(viewer.locale).reply.forbidden);
        await run({ body: b, userId, viewer, p: p as Extract<ActionPayload, { t: K }>, respond, reply });
      } catch (err) {
        if (!spec.where) throw err;
        await tell(b, userId, textMessage(unexpected(err, spec.localized ? (viewer?.locale ?? null) : null, spec.where)), respond);
      }
    };
  }

  // ---- /dispute ----
  app.command("/dispute", async ({ ack, body, respond }) => {
    await ack();
    await flush();
    const userId = body.user_id;
    let locale: Locale | null = null;
    try {
      const cmd = parseCommand(toWellFormed(String(body.text ?? "")));
      const viewer = await gateway.personOf(userId);
      locale = viewer?.locale ?? null;
      if (cmd.kind === "help" || cmd.kind === "unknown") {
        return void (await respond({ response_type: "ephemeral", ...(viewer ? mrkdwnMessage(t(viewer.locale).reply.help) : mrkdwnMessage(bilingual((x) => x.reply.help))) }));
      }
      if (!viewer) return void (await respond({ response_type: "ephemeral", ...mrkdwnMessage(bilingual((x) => x.reply.notKnown)) }));
      const m = t(viewer.locale);
      const say = (msg: SlackMessage) => respond({ response_type: "ephemeral", ...msg });
      switch (cmd.kind) {
        case "bad_filter":
          return void (await say(mrkdwnMessage(`${cmd.token}?\n\n${m.reply.help}`)));
        case "new": {
          if (!can(viewer, "open")) return void (await say(textMessage(m.reply.forbidden)));
          let customer: Customer | null = null;
          if (cmd.customer) {
            const found = await searchCustomers(deps, { q: cmd.customer, viewerEmail: viewer.email, limit: 2 });
            if (found.length === 1 || found[0]?.ref.toLowerCase() === cmd.customer.toLowerCase()) customer = found[0]!;
          }
          const { form, slackIds } = await newForm({ customer, scope: "items", channel: body.channel_id }, viewer);
          return void (await openModal(body.trigger_id, form, body, userId, viewer.locale, slackIds));
        }
        case "customer":
          if (!can(viewer, "open")) return void (await say(textMessage(m.reply.forbidden)));
          return void (await customerFlow(body, userId, viewer, cmd.query, body.trigger_id, respond));
        case "show": {
          try {
            const x = await getDispute(deps, { dispute: cmd.number, viewerEmail: viewer.email });
            return void (await showCard(body, userId, viewer, x, respond));
          } catch (err) {
            if (err instanceof AccordError && err.code === "not_found") return void (await say(textMessage(m.reply.notFound(cmd.number))));
            throw err;
          }
        }
        case "list": {
          const found = await listInput(cmd.filters, viewer);
          const people = await peopleIndex(deps, found.slice(0, MAX_LIST).flatMap((d) => [d.dispute.ownerEmail, d.dispute.openedByEmail]));
          return void (await say(listMessage(buildDisputeList(found, viewer, viewer.locale, { today: await today(deps), max: MAX_LIST, people: people.refs }))));
        }
        case "export": {
          const found = await listInput(cmd.filters, viewer);
          if (!found.length) return void (await say(textMessage(m.reply.exportEmpty)));
          const now = deps.clock();
          const stamp = now.toISOString().slice(0, 10);
          const file = cmd.filters.format === "xlsx" ? await disputesXlsx(found, now) : Buffer.from(disputesCsv(found, now, viewer.locale), "utf8");
          const filename = `disputes-${stamp}.${cmd.filters.format}`;
          const channel = await gateway.dmChannel(userId);
          await gateway.client.filesUploadV2({ channel_id: channel, file, filename, title: filename, initial_comment: m.reply.exportReady(found.length) });
          return void (await say(textMessage(m.reply.exportReady(found.length))));
        }
      }
    } catch (err) {
      const text = err instanceof AccordError && locale ? words(err, locale, "command") : unexpected(err, locale, "command");
      await respond({ response_type: "ephemeral", ...textMessage(text) }).catch(() => undefined);
    }
  });

  // ---- message shortcut: a dispute from a message ----
  const fromMessage = onAction({ needs: "open", where: "shortcut" }, async ({ body, userId, viewer }) => {
    const { form, slackIds } = await newForm({ customer: null, scope: "items", statement: toWellFormed(String(body.message?.text ?? "").slice(0, 3000)), channel: body.channel?.id }, viewer);
    await openModal(body.trigger_id, form, body, userId, viewer.locale, slackIds);
  });
  // Answered in the channel (ephemeral), not through the shortcut's response_url.
  app.shortcut(SHORTCUT_ID, ({ ack, body }) => fromMessage({ ack, body }));

  // ---- card buttons (and overflow) ----
  app.action(/^card\./, onAction({ expects: "card", where: "card action", localized: true }, async ({ body, userId, viewer, p, reply }) => {
    let x: DisputeDetails;
    try {
      x = await getDispute(deps, { dispute: p.d, viewerEmail: viewer.email });
    } catch (err) {
      if (err instanceof AccordError && (err.code === "forbidden" || err.code === "not_found")) return reply(t(viewer.locale).reply.forbidden);
      throw err;
    }
    if (!allowedActions(viewer, x.dispute, x.customer).includes(p.a)) return reply(t(viewer.locale).reply.forbidden);
    const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
    const reasons = p.a === "edit" ? await listReasons(deps) : [];
    await openModal(body.trigger_id, cardActionForm(p.a, x, card, viewer.locale, reasons), body, userId, viewer.locale, people.slackIdOf);
  }));

  // ---- lists: open a card; pick a customer ----
  app.action(ACTION_IDS.listShow, onAction({ expects: "show", where: "list.show" }, async ({ body, userId, viewer, p, respond, reply }) => {
    try {
      await showCard(body, userId, viewer, await getDispute(deps, { dispute: p.d, viewerEmail: viewer.email }), respond);
    } catch (err) {
      if (err instanceof AccordError) return reply(words(err, viewer.locale, "show"));
      throw err;
    }
  }));

  app.action(ACTION_IDS.customerPick, onAction({ expects: "customer", needs: "open", where: "customer.pick" }, ({ body, userId, viewer, p, respond }) =>
    customerFlow(body, userId, viewer, p.c, body.trigger_id, respond),
  ));

  // ---- App Home: new dispute, admin (no `where`: a failure goes to Bolt's error handler) ----
  app.action(ACTION_IDS.homeNew, onAction({ needs: "open" }, async ({ body, userId, viewer }) => {
    const { form, slackIds } = await newForm({ customer: null, scope: "items" }, viewer);
    await openModal(body.trigger_id, form, body, userId, viewer.locale, slackIds);
  }));

  app.action(/^admin\./, onAction({ expects: "admin", needs: "admin" }, async ({ body, userId, viewer, p }) => {
    const reasons = await listReasons(deps);
    const form = p.a === "add_reason" ? reasonForm(reasons, null, viewer.locale) : p.a === "edit_reason" ? pickReasonForm(reasons, viewer.locale) : templateForm(await getSettings(deps), viewer.locale);
    await openModal(body.trigger_id, form, body, userId, viewer.locale);
  }));

  // ---- inside the new-dispute modal: refresh on customer / items / reason; preview ----
  const refreshNew = async ({ ack, body }: { ack: () => Promise<void>; body: AnyBody }) => {
    await ack();
    await flush();
    const userId: string = body.user.id;
    const viewer = await gateway.personOf(userId);
    if (!viewer || !body.view) return;
    const form = readView(body.view);
    const meta = form.meta;
    if (!meta || meta.m !== "new") return;
    const customerRef = str(form.values.customer) || meta.c || "";
    const customer = customerRef ? ((await searchCustomers(deps, { q: customerRef, viewerEmail: viewer.email, limit: 1 }))[0] ?? null) : null;
    const sameCustomer = customer?.ref === meta.c;
    let selected: ItemChoice[] = [];
    if (customer && sameCustomer && meta.scope === "items") {
      const ids = list(form.values.items).map(Number);
      if (ids.length) {
        const choices = await searchItems(deps, { customerRef: customer.ref, q: "", viewerEmail: viewer.email, limit: 500 });
        const byId = new Map(choices.map((c) => [c.item.id, c]));
        selected = ids.map((id) => byId.get(id)).filter((c): c is ItemChoice => !!c);
      }
    }
    const { form: next, slackIds } = await newForm({ customer, scope: meta.scope, channel: meta.ch, reasonCode: str(form.values.reason) || undefined, selected }, viewer);
    await updateModal(body.view, next, slackIds);
  };
  app.action("customer", refreshNew as never);
  app.action("items", refreshNew as never);
  app.action("reason", refreshNew as never);

  app.action("pick", async ({ ack, body }) => {
    await ack();
    await flush();
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    if (!viewer || !b.view || !can(viewer, "admin")) return;
    const code = str(readView(b.view).values.pick);
    const reasons = await listReasons(deps);
    const editing = reasons.find((r) => r.code === code);
    if (editing) await updateModal(b.view, reasonForm(reasons, editing, viewer.locale));
  });

  app.action(ACTION_IDS.formButton("preview"), async ({ ack, body }) => {
    await ack();
    await flush();
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    if (!viewer || !b.view) return;
    const form = readView(b.view);
    const customerRef = str(form.values.customer) || (form.meta?.m === "new" ? (form.meta.c ?? "") : "");
    let text: string;
    try {
      const items = await selectedRefs(customerRef, form, viewer);
      const owner = await ownerOf(form);
      text = (
        await previewNotice(deps, {
          locale: owner?.locale ?? viewer.locale,
          draft: { customerRef, items, reasonCode: str(form.values.reason), statement: str(form.values.statement) || "…", followUpOn: str(form.values.follow_up) || undefined },
        })
      ).text;
    } catch (err) {
      text = err instanceof AccordError ? errorText(err, viewer.locale) : unexpected(err, viewer.locale, "preview");
    }
    try {
      await gateway.call("views.push", { trigger_id: b.trigger_id, view: formModal(noticePreviewForm(text, viewer.locale)) });
    } catch (err) {
      log.warn({ err }, "preview could not be shown");
    }
  });

  // ---- options (type-ahead) ----
  app.options({ action_id: "customer" }, async ({ ack, body }) => {
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    if (!viewer) return ack({ options: [] });
    try {
      const found = await searchCustomers(deps, { q: String(b.value ?? ""), viewerEmail: viewer.email, limit: 100 });
      await ack({ options: found.map(customerOption).map(slackOption) } as never);
    } catch {
      await ack({ options: [] });
    }
  });
  app.options({ action_id: "items" }, async ({ ack, body }) => {
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    const form = b.view ? readView(b.view) : null;
    const ref = form ? str(form.values.customer) || (form.meta?.m === "new" ? (form.meta.c ?? "") : "") : "";
    if (!viewer || !ref) return ack({ options: [] });
    try {
      const found = await searchItems(deps, { customerRef: ref, q: String(b.value ?? ""), viewerEmail: viewer.email, limit: 100 });
      await ack({ options: found.map((c) => slackOption(itemOption(c, viewer.locale))) } as never);
    } catch {
      await ack({ options: [] });
    }
  });
  for (const id of ["reason", "pick"]) {
    app.options({ action_id: id }, async ({ ack, body }) => {
      const b = body as AnyBody;
      const viewer = await gateway.personOf(b.user.id);
      if (!viewer) return ack({ options: [] });
      const q = String(b.value ?? "").toLowerCase();
      const reasons = (await listReasons(deps, { activeOnly: id === "reason" })).filter((r) => !q || `${r.code} ${r.labelFr} ${r.labelEn}`.toLowerCase().includes(q));
      await ack({ options: reasonOptions(reasons.slice(0, 100), viewer.locale).map(slackOption) } as never);
    });
  }

  // ---- form submissions ----
  async function selectedRefs(customerRef: string, form: SubmittedForm, viewer: Person): Promise<{ ref: string; amount?: number; id: number }[]> {
    const ids = list(form.values.items).map(Number);
    if (!customerRef || !ids.length) return [];
    const choices = await searchItems(deps, { customerRef, q: "", viewerEmail: viewer.email, limit: 500 });
    const byId = new Map(choices.map((c) => [c.item.id, c]));
    return ids.map((id) => ({ id, ref: byId.get(id)?.item.ref ?? `#${id}` }));
  }

  async function ownerOf(form: SubmittedForm, field = "owner"): Promise<Person | null> {
    const id = str(form.values[field]);
    return id ? gateway.personOf(id) : null;
  }

  app.view("form.new", async ({ ack, body }) => {
    const b = body as AnyBody;
    const userId: string = b.user.id;
    const viewer = await gateway.personOf(userId);
    const form = readView(b.view);
    const meta = form.meta;
    if (!viewer || !meta || meta.m !== "new") return ack({ response_action: "errors", errors: { [form.firstInput ?? "customer"]: bilingual((m) => m.reply.notKnown).slice(0, 2000) } });
    const m = t(viewer.locale);
    const errors: Record<string, string> = {};
    const put = (field: string, text: string) => {
      const block = form.blockOf(field) ?? form.firstInput;
      if (block && !errors[block]) errors[block] = text;
    };
    const customerRef = str(form.values.customer) || meta.c || "";
    const customer = customerRef ? ((await searchCustomers(deps, { q: customerRef, viewerEmail: viewer.email, limit: 1 }).catch(() => []))[0] ?? null) : null;
    const currency = customer?.currency ?? "EUR";
    let items: { ref: string; amount?: number; id: number }[] = [];
    if (meta.scope === "items") {
      items = await selectedRefs(customerRef, form, viewer).catch(() => []);
      const byRef = new Map(items.map((i) => [i.ref.toLowerCase(), i]));
      for (const it of items) {
        const raw = str(form.values[`amount_${it.id}`]);
        if (!raw) continue;
        const v = tryParseAmount(raw, currency);
        if (v === null || v <= 0) put(`amount_${it.id}`, m.reply.amountInvalid(raw));
        else it.amount = v;
      }
      for (const line of str(form.values.partials).split("\n").map((l) => l.trim()).filter(Boolean)) {
        const mm = /^(\S+)\s+(.+)$/.exec(line);
        const it = mm ? byRef.get(mm[1]!.toLowerCase()) : undefined;
        const v = mm ? tryParseAmount(mm[2]!, currency) : null;
        if (!it || v === null || v <= 0) put("partials", m.reply.partialLine(line));
        else it.amount = v;
      }
    }
    const ownerSlack = str(form.values.owner);
    const owner = ownerSlack ? await gateway.personOf(ownerSlack) : null;
    if (ownerSlack && !owner) put("owner", m.reply.unknownOwner);
    const priority = str(form.values.priority);
    if (Object.keys(errors).length) return ack({ response_action: "errors", errors });
    const notify = list(form.values.notify).includes("yes");
    const input = {
      customerRef,
      ...(meta.scope === "items" ? { items: items.map((i) => ({ ref: i.ref, ...(i.amount !== undefined ? { amount: i.amount } : {}) })) } : {}),
      reasonCode: str(form.values.reason),
      statement: str(form.values.statement),
      openedByEmail: viewer.email,
      ...(owner ? { ownerEmail: owner.email } : {}),
      ...(str(form.values.follow_up) ? { followUpOn: str(form.values.follow_up) } : {}),
      ...((PRIORITIES as readonly string[]).includes(priority) ? { priority: priority as Priority } : {}),
    };
    if (!input.customerRef) return ack({ response_action: "errors", errors: { [form.blockOf("customer") ?? "customer"]: m.form.customerHint } });
    if (meta.scope === "items" && !items.length) return ack({ response_action: "errors", errors: { [form.blockOf("items") ?? "items"]: m.form.itemsHint } });
    try {
      const hash = crypto.createHash("sha256").update(JSON.stringify(input)).digest("hex");
      const r = await origin.run({ notify }, () => openDispute(deps, { ...input, idempotency: { key: `slack-view:${String(b.view.id)}`, hash } }));
      await ack();
      await flush();
      if (!r.replayed) {
        const channel = meta.ch;
        const text = m.reply.opened(r.dispute.number, owner?.name ?? r.dispute.ownerEmail);
        if (channel) await tell({ channel: { id: channel } }, userId, textMessage(text));
        else await tell({}, userId, textMessage(text));
      }
    } catch (err) {
      if (err instanceof AccordError) {
        return ack({ response_action: "errors", errors: errorsFor(err, form, viewer.locale, (i) => (items[i] ? `amount_${items[i]!.id}` : null)) });
      }
      await ack({ response_action: "errors", errors: { [form.firstInput ?? "customer"]: unexpected(err, viewer.locale, "form.new") } });
    }
  });

  app.view("form.card", async ({ ack, body }) => {
    const b = body as AnyBody;
    const userId: string = b.user.id;
    const viewer = await gateway.personOf(userId);
    const form = readView(b.view);
    const meta = form.meta;
    if (!viewer || !meta || meta.m !== "card") return ack({ response_action: "errors", errors: { [form.firstInput ?? "text"]: bilingual((m) => m.reply.notKnown).slice(0, 2000) } });
    // A form is applied once: the use case records the view id in the transaction of the change, so a
    // double submission (double click, a retry after a restart, another replica) changes nothing.
    const once = `slack:view:${String(b.view.id)}`;
    try {
      await origin.run({}, () => runCardForm(meta, form, viewer, once));
      await ack();
    } catch (err) {
      if (err instanceof AccordError && (err.code === "stale_version" || err.code === "illegal_transition")) {
        const x = await getDispute(deps, { dispute: meta.d });
        const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
        return ack({ response_action: "update", view: formModal(staleForm(card, viewer.locale), { ...people.options, slackIdOf: people.slackIdOf }) as never });
      }
      if (err instanceof AccordError) {
        const errs = err.code === "forbidden" ? { [form.firstInput ?? "text"]: t(viewer.locale).reply.forbidden } : errorsFor(err, form, viewer.locale);
        return ack({ response_action: "errors", errors: errs });
      }
      await ack({ response_action: "errors", errors: { [form.firstInput ?? "text"]: unexpected(err, viewer.locale, "form.card") } });
    }
  });

  async function runCardForm(meta: Extract<FormMeta, { m: "card" }>, form: SubmittedForm, viewer: Person, once: string): Promise<void> {
    const v = form.values;
    const base = { dispute: meta.d, byEmail: viewer.email, version: meta.v, once };
    const note = str(v.note) || undefined;
    const a: CardAction = meta.a;
    switch (a) {
      case "comment":
        await commentDispute(deps, { ...base, text: str(v.text) });
        return;
      case "reassign": {
        const to = await ownerOf(form, "to");
        if (!to) invalid("toEmail", "owner_unknown", {});
        await reassignDispute(deps, { ...base, toEmail: to.email, note });
        return;
      }
      case "follow_up":
        if (!str(v.on)) invalid("on", "date_required", {});
        await setFollowUp(deps, { ...base, on: str(v.on), note });
        return;
      case "resolve": {
        const outcome = str(v.outcome);
        if (!(OUTCOMES as readonly string[]).includes(outcome)) invalid("outcome", "outcome_required", {});
        const x = await getDispute(deps, { dispute: meta.d });
        const conceded = str(v.conceded);
        const amount = conceded ? tryParseAmount(conceded, x.dispute.currency) : null;
        if (conceded && amount === null) invalid("concededAmount", "amount_invalid", { field: "concededAmount", text: conceded, currency: x.dispute.currency });
        await resolveDispute(deps, {
          ...base,
          outcome: outcome as Outcome,
          note: str(v.note),
          creditNoteRef: str(v.credit_note_ref) || null,
          concededAmount: amount,
          rootCause: str(v.root_cause) || null,
        });
        return;
      }
      case "withdraw":
        await withdrawDispute(deps, { ...base, note: str(v.note) });
        return;
      case "reopen":
        await reopenDispute(deps, { ...base, note: str(v.note) });
        return;
      case "release_holds":
        await releaseHolds(deps, { ...base, note: str(v.note) });
        return;
      case "edit": {
        const priority = str(v.priority);
        await editDispute(deps, {
          ...base,
          reasonCode: str(v.reason) || undefined,
          ...((PRIORITIES as readonly string[]).includes(priority) ? { priority: priority as Priority } : {}),
          statement: str(v.statement) || undefined,
          note,
        });
        return;
      }
    }
  }

  app.view("form.reason", async ({ ack, body }) => {
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    const form = readView(b.view);
    const meta = form.meta;
    if (!viewer || !meta || meta.m !== "reason") return ack();
    const v = form.values;
    const ints: Record<string, number> = {};
    const errors: Record<string, string> = {};
    for (const f of ["sort_order", "follow_up_days", "sla_days"]) {
      const n = Number(str(v[f]));
      if (!Number.isInteger(n) || n < 0 || n > 100000) errors[form.blockOf(f) ?? f] = "0, 1, 2…";
      else ints[f] = n;
    }
    if (Object.keys(errors).length) return ack({ response_action: "errors", errors });
    const priority = (PRIORITIES as readonly string[]).includes(str(v.priority)) ? (str(v.priority) as Priority) : "normal";
    const data = {
      labelFr: str(v.label_fr),
      labelEn: str(v.label_en),
      active: list(v.active).includes("yes"),
      sortOrder: ints.sort_order!,
      followUpDays: ints.follow_up_days!,
      slaDays: ints.sla_days!,
      priority,
      holdsDunning: list(v.holds).includes("yes"),
    };
    try {
      if (meta.code) await updateReason(deps, { code: meta.code, byEmail: viewer.email, patch: data });
      else await createReason(deps, { code: str(v.code), byEmail: viewer.email, ...data });
      await ack();
      await flush();
      if (viewer.slackUserId) h.cards.scheduleHome(viewer.slackUserId);
    } catch (err) {
      if (err instanceof AccordError) return ack({ response_action: "errors", errors: errorsFor(err, form, viewer.locale) });
      await ack({ response_action: "errors", errors: { [form.firstInput ?? "label_fr"]: unexpected(err, viewer.locale, "form.reason") } });
    }
  });

  app.view("form.template", async ({ ack, body }) => {
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    const form = readView(b.view);
    if (!viewer) return ack();
    try {
      await updateSettings(deps, { byEmail: viewer.email, patch: { noticeTemplate: { fr: str(form.values.fr), en: str(form.values.en) } } });
      await ack();
      await flush();
      if (viewer.slackUserId) h.cards.scheduleHome(viewer.slackUserId);
    } catch (err) {
      if (err instanceof AccordError) return ack({ response_action: "errors", errors: errorsFor(err, form, viewer.locale) });
      await ack({ response_action: "errors", errors: { [form.firstInput ?? "fr"]: unexpected(err, viewer.locale, "form.template") } });
    }
  });

  app.view("form.info", async ({ ack }) => {
    await ack();
    await flush();
  });

  // ---- events ----
  app.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== "home") return;
    if (!(await gateway.state.firstSeen(`event:${String((body as AnyBody).event_id)}`, deps.clock()))) return;
    h.cards.homeViewers.add(event.user);
    const viewer = await gateway.personOf(event.user);
    if (!viewer) {
      await gateway.call("views.publish", { user_id: event.user, view: { type: "home", blocks: mrkdwnMessage(bilingual((m) => m.reply.notKnown)).blocks } });
      return;
    }
    await h.cards.publishHome(event.user);
  });

  app.event("message", async ({ event, body }) => {
    const e = event as AnyBody;
    if (e.subtype || e.bot_id || !e.thread_ts || e.thread_ts === e.ts || !e.user || !e.text) return;
    if (!(await gateway.state.firstSeen(`event:${String((body as AnyBody).event_id)}`, deps.clock()))) return;
    const copy = await gateway.state.cards.byMessage(String(e.channel), String(e.thread_ts));
    if (!copy) return;
    const viewer = await gateway.personOf(String(e.user));
    const reply = async (text: string) => {
      await gateway.call("chat.postEphemeral", { channel: e.channel, user: e.user, thread_ts: e.thread_ts, text }).catch((err: unknown) => log.warn({ err }, "ephemeral failed"));
    };
    if (!viewer) return reply(bilingual((m) => m.reply.notKnown));
    try {
      await origin.run({ thread: { channel: String(e.channel), ts: String(e.thread_ts) } }, () =>
        commentDispute(deps, { dispute: copy.disputeId, byEmail: viewer.email, text: toWellFormed(String(e.text).slice(0, 3000)) }),
      );
    } catch (err) {
      await reply(err instanceof AccordError ? words(err, viewer.locale, "thread") : unexpected(err, viewer.locale, "thread"));
    }
  });

  // ---- anything else: a polite answer (old buttons, unknown payloads) ----
  app.action(/^(?!card\.|list\.show$|customer\.pick$|home\.new$|admin\.|form\.preview$|customer$|items$|reason$|pick$)/, async ({ ack, body }) => {
    await ack();
    await flush();
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    await tell(b, b.user.id, textMessage(viewer ? t(viewer.locale).reply.unknownAction : bilingual((m) => m.reply.unknownAction)));
  });
}

function slackOption(o: Option) {
  return { text: { type: "plain_text" as const, text: o.label.length > 75 ? o.label.slice(0, 74) + "…" : o.label }, value: o.value.slice(0, 75) };
}
