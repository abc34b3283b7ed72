import crypto from "node:crypto";
import type { Deps } from "../app/context.ts";
import type { DisputeDetails } from "../app/disputeDetails.ts";
import { proposeDisputeDefaults } from "../app/proposeDisputeDefaults.ts";
import { listReasons } from "../app/reasons.ts";
import type { ItemChoice } from "../app/searchItems.ts";
import { AccordError } from "../domain/errors.ts";
import type { Customer, Locale, Person } from "../domain/types.ts";
import { parseAction, type ActionPayload, type FormMeta } from "../views/actions.ts";
import { errorText } from "../views/errors.ts";
import { newDisputeForm, type FormView, type NewDisputeState, type Option } from "../views/forms.ts";
import { onlyRolesText } from "../views/help.ts";
import { bilingual, t } from "../views/i18n.ts";
import { cardMessage, formModal, mrkdwnMessage, textMessage, type SlackMessage } from "./blocks.ts";
import type { CardPublisher } from "./cards.ts";
import { errorsFor, readView, type SubmittedForm } from "./forms.ts";
import { SlackCallError, type GatewayLog, type SlackGateway } from "./gateway.ts";
import { cardFor, peopleIndex } from "./render.ts";

// What every Slack listener shares: the answers (private replies, modals), the wrappers that run the
// preamble once (ack, find the person, parse the payload, turn errors into words), and the new-dispute
// form. Listeners live by surface in src/slack/listeners/ and stay short: ack, parse, call, render.

export interface HandlerContext {
  deps: Deps;
  gateway: SlackGateway;
  cards: CardPublisher;
  log: GatewayLog;
}

export type AnyBody = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Respond = (m: object) => Promise<unknown>;
type Ack = (response?: any) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Bolt types each ack by listener kind

/** After an early ack: let the event loop flush the HTTP response before the work (queries run in microtasks). */
export const flush = () => new Promise<void>((r) => setImmediate(r));

export function slackOption(o: Option) {
  return { text: { type: "plain_text" as const, text: o.label.length > 75 ? o.label.slice(0, 74) + "…" : o.label }, value: o.value.slice(0, 75) };
}

/** What a button listener is given once the ack is out and the clicker is known. */
export interface Click<K extends ActionPayload["t"]> {
  body: AnyBody;
  userId: string;
  viewer: Person;
  /** the button's payload, of the kind the listener expects */
  p: Extract<ActionPayload, { t: K }>;
  respond?: Respond | undefined;
  /** a private answer in plain text */
  reply: (text: string) => Promise<void>;
}

/** What a view-submission listener is given: the submitter, the form read back, its metadata. */
export interface Submission<M extends FormMeta["m"]> {
  body: AnyBody;
  userId: string;
  viewer: Person;
  form: SubmittedForm;
  meta: Extract<FormMeta, { m: M }>;
  /**
   * The submission's key (the view id), for use cases that apply a form once: recorded in the transaction of
   * the change, so a double submission (double click, a retry after a restart, another replica) changes nothing.
   */
  once: string;
  /** where an error on `items[i]` goes (the new-dispute form's amount fields) */
  itemFieldOf?: (index: number) => string | null;
}

/** A view submission's answer: the ack's body (none = close the modal), and work to do once the ack is out. */
export interface Answer {
  response?: object;
  after?: () => Promise<void>;
}

export type Kit = ReturnType<typeof listenerKit>;

export function listenerKit(h: HandlerContext) {
  const { deps, gateway, log } = h;
  const refId = () => crypto.randomBytes(4).toString("hex");

  /** An unexpected failure: logged with a reference the person is told (in their language, else in both). */
  const unexpected = (err: unknown, locale: Locale | null, where: string): string => {
    const ref = refId();
    log.error({ err, ref, where }, "Slack handler failed");
    return locale ? t(locale).reply.error(ref) : bilingual((m) => m.reply.error(ref));
  };
  /** Any failure in the viewer's words: a coded error's sentence (a refusal politely), else a reference. */
  const words = (err: unknown, locale: Locale, where: string): string => {
    if (err instanceof AccordError && err.code === "forbidden") {
      // refused with no dispute to speak of (`/dispute new` as a sales rep): say who may
      return err.is("forbidden_action") && !err.params.number ? onlyRolesText(err.params.action, locale) : t(locale).reply.forbidden;
    }
    if (err instanceof AccordError) return errorText(err, locale);
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

  /** The new-dispute form with the defaults the use case proposes (refused to those who may not open disputes). */
  async function newForm(opts: { customer: Customer | null; scope: "items" | "customer"; statement?: string | undefined; channel?: string | undefined; reasonCode?: string | undefined; selected?: ItemChoice[]; chosen?: NewDisputeState["chosen"] }, viewer: Person): Promise<{ form: FormView; slackIds: (e: string) => string | null }> {
    const defaults = await proposeDisputeDefaults(deps, { viewerEmail: viewer.email, customerRef: opts.customer?.ref, reasonCode: opts.reasonCode });
    const reasons = await listReasons(deps, { activeOnly: true });
    const people = await peopleIndex(deps, defaults.ownerEmail ? [defaults.ownerEmail] : []);
    const form = newDisputeForm(
      { scope: opts.scope, customer: opts.customer, selected: opts.selected ?? [], reasons, defaults, statement: opts.statement, channel: opts.channel, chosen: opts.chosen },
      viewer.locale,
    );
    return { form, slackIds: people.slackIdOf };
  }

  async function openNewForm(body: AnyBody, userId: string, viewer: Person, opts: Parameters<typeof newForm>[0]): Promise<void> {
    const { form, slackIds } = await newForm(opts, viewer);
    await openModal(body.trigger_id, form, body, userId, viewer.locale, slackIds);
  }

  async function showCard(body: AnyBody, userId: string, viewer: Person, x: DisputeDetails, respond?: Respond): Promise<void> {
    const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
    await tell(body, userId, cardMessage(card, people.options), respond);
  }

  /**
   * A button listener: ack, let the ack go out, find the clicker (unknown: told so), parse the payload of the
   * `expects` kind (else "unknown action"), run. A coded error is told in the viewer's words (a refusal
   * politely); an unexpected one is logged with a reference the person is told (in their language when
   * `localized`, else in both).
   */
  function onAction<K extends ActionPayload["t"] = never>(spec: { expects?: K; where: string; localized?: boolean }, run: (c: Click<K>) => Promise<void>) {
    return async ({ ack, body, respond }: { ack: () => Promise<void>; body: unknown; respond?: Respond }): Promise<void> => {
      await ack();
      await flush();
      const b = body as AnyBody;
      const userId: string = b.user.id;
      let viewer: Person | null = null;
      try {
        viewer = await gateway.personOf(userId);
        if (!viewer) return tell(b, userId, mrkdwnMessage(bilingual((m) => m.reply.notKnown)), respond);
        const reply = (text: string) => tell(b, userId, textMessage(text), respond);
        const action = b.actions?.[0];
        const p = spec.expects ? parseAction(action?.selected_option?.value ?? action?.value) : null;
        if (spec.expects && (!p || p.t !== spec.expects)) return reply(t(viewer.locale).reply.unknownAction);
        await run({ body: b, userId, viewer, p: p as Extract<ActionPayload, { t: K }>, respond, reply });
      } catch (err) {
        const text = err instanceof AccordError && viewer ? words(err, viewer.locale, spec.where) : unexpected(err, spec.localized ? (viewer?.locale ?? null) : null, spec.where);
        await tell(b, userId, textMessage(text), respond);
      }
    };
  }

  /**
   * A view-submission listener: find the submitter and read the form with its metadata of the `expects` kind
   * (else the person is told on the form), run, then ack with the answer and do its follow-up work. A coded
   * error goes back on its field (a refusal politely) unless `refused` answers it; an unexpected one is logged
   * with a reference.
   */
  function onView<M extends FormMeta["m"]>(
    spec: { expects: M; where: string; refused?: (err: AccordError, s: Submission<M>) => Promise<object | null> },
    run: (s: Submission<M>) => Promise<Answer | void>,
  ) {
    return async ({ ack, body }: { ack: Ack; body: unknown }): Promise<void> => {
      const b = body as AnyBody;
      const userId: string = b.user.id;
      const viewer = await gateway.personOf(userId);
      const form = readView(b.view);
      const meta = form.meta;
      const first = form.firstInput ?? "text";
      if (!viewer || !meta || meta.m !== spec.expects) return ack({ response_action: "errors", errors: { [first]: bilingual((m) => m.reply.notKnown).slice(0, 2000) } });
      const s: Submission<M> = { body: b, userId, viewer, form, meta: meta as Extract<FormMeta, { m: M }>, once: `slack:view:${String(b.view.id)}` };
      let answer: Answer | void;
      try {
        answer = await run(s);
      } catch (err) {
        if (!(err instanceof AccordError)) return ack({ response_action: "errors", errors: { [first]: unexpected(err, viewer.locale, spec.where) } });
        const special = spec.refused ? await spec.refused(err, s) : null;
        if (special) return ack(special);
        return ack({ response_action: "errors", errors: err.code === "forbidden" ? { [first]: t(viewer.locale).reply.forbidden } : errorsFor(err, form, viewer.locale, s.itemFieldOf) });
      }
      await ack(answer?.response);
      if (!answer?.after) return;
      await flush();
      await answer.after().catch((err: unknown) => log.warn({ err, where: spec.where }, "after the submission"));
    };
  }

  /**
   * A block action inside an open modal (a select that refreshes the form, a form button): ack, let it go
   * out, find the person and read the modal; nobody known or no modal: nothing to do. Failures go to Bolt's
   * error handler (logged): the modal stays as it is.
   */
  function inModal(run: (m: { body: AnyBody; viewer: Person; form: SubmittedForm }) => Promise<void>) {
    return async ({ ack, body }: { ack: Ack; body: unknown }): Promise<void> => {
      await ack();
      await flush();
      const b = body as AnyBody;
      const viewer = await gateway.personOf(b.user.id);
      if (viewer && b.view) await run({ body: b, viewer, form: readView(b.view) });
    };
  }

  /** A type-ahead (options load): the person typing and their text; nobody known or a failure: no options. */
  function onOptions(run: (o: { body: AnyBody; viewer: Person; q: string }) => Promise<Option[]>) {
    return async ({ ack, body }: { ack: Ack; body: unknown }): Promise<void> => {
      const b = body as AnyBody;
      const viewer = await gateway.personOf(b.user.id).catch(() => null);
      const options = viewer ? await run({ body: b, viewer, q: String(b.value ?? "") }).catch(() => []) : [];
      await ack({ options: options.map(slackOption) });
    };
  }

  return { ...h, unexpected, words, tell, openModal, updateModal, newForm, openNewForm, showCard, onAction, onView, inModal, onOptions };
}
