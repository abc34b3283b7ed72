import type { Deps } from "../../app/context.ts";
import { findPeople } from "../../app/findPeople.ts";
import { getDispute } from "../../app/getDispute.ts";
import { formText as str, runDisputeAction } from "../../app/runDisputeAction.ts";
import { nudgeDispute } from "../../app/nudgeDispute.ts";
import { snoozeFollowUp } from "../../app/snoozeFollowUp.ts";
import { AccordError } from "../../domain/errors.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { encodeAction, parseAction, type CardAction } from "../../views/actions.ts";
import { FOLLOWUP_TEXT, shortDate } from "../../views/followupText.ts";
import { t } from "../../views/i18n.ts";
import { NUDGE_TEXT, tooSoonText } from "../../views/nudgeText.ts";
import { teamsActionText } from "../../views/teamsActionText.ts";
import { ACTION_INPUTS, inputId, PAYLOAD_KEY, parseTeamsAction, parseTeamsRefresh, SNOOZE_DATE_INPUT, TEAMS_NUDGE_VERB, TEAMS_VERB_PREFIX, TEAMS_REFRESH_VERB, TEAMS_SNOOZE_VERB, teamsVerb } from "../cards/actions.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import { digest, identifyViewer, localeOf, unexpected, viewerCard, withNotice, words, type CardNotice, sdkHandlerContext, type TeamsHandlerContext, type TeamsInvoke } from "./invoke.ts";
import type { App } from "@microsoft/teams.apps";
import type { TeamsKit } from "../mount.ts";
import { TEAMS_LIST_NUDGE_VERB } from "../cards/chatCards.ts";
import { handleListNudge } from "./listNudge.ts";

// The dispute card's Action.Execute (invoke `adaptiveCard/action`): the same use cases as Slack's card forms
// (src/slack/listeners/cardForms.ts), the clicking person found by their Teams ids. The invoke's answer is the
// card that replaces the clicked one for that person: their own view after a change, the refresh of a
// user-specific view (refresh.userIds, trigger "automatic"), the action's inputs again with the field errors,
// or the card as it is now when it was out of date. The other posted copies are updated by the Teams deliverer
// from the delivery-queue row the use case wrote in its transaction: nothing is sent to Teams from here.

export type CardActionResponse =
  | { statusCode: 200; type: "application/vnd.microsoft.card.adaptive"; value: AdaptiveJson }
  | { statusCode: 200; type: "application/vnd.microsoft.activity.message"; value: string };

const card = (value: AdaptiveJson): CardActionResponse => ({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value });
const message = (value: string): CardActionResponse => ({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value });

interface ActionValue {
  action?: { verb?: unknown; data?: unknown };
  trigger?: unknown;
}

/** The use cases' field names -> the card's input field ids (ACTION_INPUTS). */
const FIELD_OF: Record<string, string> = {
  text: "text",
  toEmail: "to",
  note: "note",
  on: "on",
  outcome: "outcome",
  creditNoteRef: "credit_note_ref",
  concededAmount: "conceded",
  rootCause: "root_cause",
  reasonCode: "reason",
  priority: "priority",
  statement: "statement",
};

/** The dispute a card payload names (whatever its kind), to show it again. */
function disputeOf(data: unknown): number | null {
  if (!data || typeof data !== "object") return null;
  const p = parseAction(typeof (data as Record<string, unknown>)[PAYLOAD_KEY] === "string" ? ((data as Record<string, unknown>)[PAYLOAD_KEY] as string) : null);
  return p && "d" in p ? p.d : null;
}

/** The card for this viewer, or read-only when they may not see the dispute (the posted copy shows no more). */
async function freshCard(h: TeamsHandlerContext, disputeId: number, viewer: Person | null, locale: Locale, notice?: CardNotice | null): Promise<AdaptiveJson> {
  if (viewer) {
    try {
      return await viewerCard(h.deps, await getDispute(h.deps, { dispute: disputeId, viewerEmail: viewer.email }), viewer, locale, { notice });
    } catch (err) {
      if (!(err instanceof AccordError && err.code === "not_found")) throw err;
    }
  }
  return viewerCard(h.deps, await getDispute(h.deps, { dispute: disputeId }), null, locale, { readOnly: true, notice });
}

/**
 * The card with one action's inputs open: what the person typed, each field's error under it, Save and
 * "Back to the card". Built from the viewer's own card (the same inputs the Action.ShowCard holds); null when
 * the viewer may no longer take this action.
 */
async function formCard(
  h: TeamsHandlerContext,
  disputeId: number,
  viewer: Person,
  locale: Locale,
  action: CardAction,
  typed: Record<string, string>,
  errors: Record<string, string>,
  general: string | null,
): Promise<AdaptiveJson | null> {
  const full = await freshCard(h, disputeId, viewer, locale);
  const show = ((full.actions as AdaptiveJson[] | undefined) ?? []).find(
    (a) => a.type === "Action.ShowCard" && ((a.card as AdaptiveJson).actions as AdaptiveJson[])[0]?.verb === teamsVerb(action),
  );
  if (!show) return null;
  const inner = show.card as AdaptiveJson;
  const body: AdaptiveJson[] = [];
  for (const el of inner.body as AdaptiveJson[]) {
    const id = el.id as string;
    const value = typed[id];
    const filled: AdaptiveJson = value !== undefined && value !== "" ? { ...el, value } : { ...el };
    // a picked person is shown by name (the dynamic choices are fetched only as one types)
    if (action === "reassign" && id === inputId("reassign", "to") && value) {
      const p = (await findPeople(h.deps, { emails: [value] }))[0];
      filled.choices = [{ title: p ? p.name : value, value }];
    }
    body.push(filled);
    if (errors[id]) body.push({ type: "TextBlock", text: errors[id], wrap: true, color: "Attention", size: "Small", spacing: "None" });
  }
  const w = teamsActionText(locale);
  const head: CardNotice = { text: general ? `${w.fixFields} ${general}` : w.fixFields, style: "attention" };
  const { refresh: _refresh, actions: _actions, ...rest } = full;
  return withNotice(
    {
      ...rest,
      body: [...((rest.body as AdaptiveJson[]) ?? []), { type: "Container", separator: true, spacing: "Medium", items: [{ type: "TextBlock", text: show.title, weight: "Bolder", wrap: true }, ...body] }],
      actions: [
        ...((inner.actions as AdaptiveJson[]) ?? []),
        { type: "Action.Execute", title: w.back, verb: TEAMS_REFRESH_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "show", d: disputeId }) }, associatedInputs: "none" },
      ],
    },
    head,
  );
}

/** The typed values of an action's inputs, keyed by input id (for showing them again). */
function typedOf(action: CardAction, data: unknown): Record<string, string> {
  const raw = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of ACTION_INPUTS[action]) {
    const v = raw[inputId(action, f.id)];
    if (typeof v === "string" || typeof v === "number") out[inputId(action, f.id)] = String(v);
  }
  return out;
}

/** The invoke `adaptiveCard/action`. */
export async function handleCardAction(h: TeamsHandlerContext, activity: TeamsInvoke): Promise<CardActionResponse> {
  const value = (activity.value ?? {}) as ActionValue;
  const verb = typeof value.action?.verb === "string" ? value.action.verb : null;
  const data = value.action?.data;
  let locale = localeOf(activity.locale);
  try {
    const viewer = await identifyViewer(h, activity);
    if (viewer) locale = viewer.locale;

    // a user-specific view (refresh.userIds, trigger "automatic"), or "Back to the card"
    const refreshed = parseTeamsRefresh(verb, data);
    if (refreshed !== null) return card(await freshCard(h, refreshed, viewer, locale));

    // a personal chat list row's Nudge: the list again, a notice on top (src/teams/listeners/listNudge.ts)
    if (verb === TEAMS_LIST_NUDGE_VERB) {
      const r = await handleListNudge(h, data, viewer, locale);
      return typeof r === "string" ? message(r) : card(r);
    }

    const about = disputeOf(data);
    if (!viewer) return about ? card(await freshCard(h, about, null, locale, { text: teamsActionText(locale).notKnown, style: "attention" })) : message(teamsActionText(locale).notKnown);

    if (verb === TEAMS_NUDGE_VERB) return await nudge(h, data, viewer, locale);
    if (verb === TEAMS_SNOOZE_VERB) return await snooze(h, activity, data, viewer, locale);

    const parsed = parseTeamsAction(verb, data, locale);
    if (!parsed) return about ? card(await freshCard(h, about, viewer, locale, { text: t(locale).reply.unknownAction, style: "attention" })) : message(t(locale).reply.unknownAction);
    const action = (verb as string).slice(TEAMS_VERB_PREFIX.length) as CardAction;
    if (!parsed.ok) return card((await formCard(h, about!, viewer, locale, action, typedOf(action, data), parsed.errors, null)) ?? (await freshCard(h, about!, viewer, locale)));

    const { meta, values } = parsed;
    const to = action === "reassign" ? await personPicked(h, values.to) : null;
    // a double click sends the same values from the same card: applied once
    const once = `teams:${activity.conversation.id}:${activity.replyToId ?? ""}:${action}:${meta.d}:${meta.v}:${digest(values)}`;
    try {
      await runDisputeAction(h.deps, action, { base: { dispute: meta.d, byEmail: viewer.email, version: meta.v, once }, values, to });
    } catch (err) {
      if (!(err instanceof AccordError)) throw err;
      // the dispute changed meanwhile: the card as it is now
      if (err.code === "stale_version") return card(await freshCard(h, meta.d, viewer, locale, { text: teamsActionText(locale).staleCard, style: "attention" }));
      // its status no longer allows this (withdrawing a withdrawn dispute): why, as Slack says it, above the card as it is now
      if (err.code === "illegal_transition") return card(await freshCard(h, meta.d, viewer, locale, { text: words(h, err, locale, "card.action"), style: "attention" }));
      if (err.code === "not_found" && err.key === "dispute_not_found") return message(words(h, err, locale, "card.action"));
      if (err.code === "forbidden") return card(await freshCard(h, meta.d, viewer, locale, { text: words(h, err, locale, "card.action"), style: "attention" }));
      // a field the person can correct: the inputs again, the error under the field (else above them)
      const field = err.field !== undefined ? FIELD_OF[err.field] : undefined;
      const onInput = field && ACTION_INPUTS[action].some((f) => f.id === field) ? inputId(action, field) : null;
      const text = words(h, err, locale, "card.action");
      const form = await formCard(h, meta.d, viewer, locale, action, typedOf(action, data), onInput ? { [onInput]: text } : {}, onInput ? null : text);
      return card(form ?? (await freshCard(h, meta.d, viewer, locale, { text, style: "attention" })));
    }
    const x = await getDispute(h.deps, { dispute: meta.d });
    let done = teamsActionText(locale).saved(x.dispute.number);
    if (action === "reassign") {
      const owner = (await findPeople(h.deps, { emails: [x.dispute.ownerEmail] }))[0];
      done = t(locale).reply.reassigned(x.dispute.number, owner?.name ?? x.dispute.ownerEmail);
    }
    return card(await freshCard(h, meta.d, viewer, locale, { text: done, style: "good" }));
  } catch (err) {
    return message(err instanceof AccordError ? words(h, err, locale, "card.action") : unexpected(h, err, locale, "card.action"));
  }
}

/** Reassign's pick: an email (Accord's people search), or an Entra object id matched to a pinned person. */
async function personPicked(h: TeamsHandlerContext, picked: string | undefined): Promise<string | null> {
  const v = str(picked);
  if (!v) return null;
  if (v.includes("@")) return (await h.deps.store.people.byEmail(v.toLowerCase()))?.email ?? null;
  return h.deps.store.teams.matchPerson({ aadObjectId: v });
}

/** Nudge: the owner is reminded now; the clicker sees to whom it went, or when the next one is possible. */
async function nudge(h: TeamsHandlerContext, data: unknown, viewer: Person, locale: Locale): Promise<CardActionResponse> {
  const raw = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const p = parseAction(typeof raw[PAYLOAD_KEY] === "string" ? (raw[PAYLOAD_KEY] as string) : null);
  if (!p || p.t !== "nudge") return message(t(locale).reply.unknownAction);
  try {
    const r = await nudgeDispute(h.deps, { dispute: p.d, byEmail: viewer.email });
    let text: string;
    if (!r.sent) text = tooSoonText(r.lastAt, r.nextAt, viewer.timezone || (await h.deps.store.settings.get()).timezone, locale);
    else {
      const people = await findPeople(h.deps, { emails: [r.ownerEmail, ...(r.deputyEmail ? [r.deputyEmail] : [])] });
      const nameOf = (email: string) => people.find((x) => x.email === email)?.name ?? email;
      text = r.deputyEmail ? NUDGE_TEXT[locale].sentToDeputy(nameOf(r.deputyEmail), nameOf(r.ownerEmail)) : NUDGE_TEXT[locale].sent(nameOf(r.ownerEmail));
    }
    return card(await freshCard(h, p.d, viewer, locale, { text, style: r.sent ? "good" : "default" }));
  } catch (err) {
    if (err instanceof AccordError && err.code !== "not_found") return card(await freshCard(h, p.d, viewer, locale, { text: words(h, err, locale, "nudge"), style: "attention" }));
    throw err;
  }
}

/** A reminder's Snooze (tomorrow, in 3 days, next Monday, a picked date): the owner's move of the follow-up. */
async function snooze(h: TeamsHandlerContext, activity: TeamsInvoke, data: unknown, viewer: Person, locale: Locale): Promise<CardActionResponse> {
  const raw = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  const p = parseAction(typeof raw[PAYLOAD_KEY] === "string" ? (raw[PAYLOAD_KEY] as string) : null);
  if (!p || p.t !== "snooze") return message(t(locale).reply.unknownAction);
  const date = p.c === "date" ? (typeof raw[SNOOZE_DATE_INPUT] === "string" && raw[SNOOZE_DATE_INPUT] ? (raw[SNOOZE_DATE_INPUT] as string) : undefined) : undefined;
  const w = FOLLOWUP_TEXT[locale];
  if (p.c === "date" && !date) return card(await freshCard(h, p.d, viewer, locale, { text: t(locale).reply.dateInvalid, style: "attention" }));
  try {
    // once per reminder card and choice: a double click moves the date once
    const d = await snoozeFollowUp(h.deps, { dispute: p.d, byEmail: viewer.email, choice: p.c, date, once: `teams-snooze:${activity.conversation.id}:${activity.replyToId ?? ""}:${p.d}:${p.c}:${date ?? ""}` });
    return card(await freshCard(h, p.d, viewer, locale, { text: w.snoozed(shortDate(d.followUpOn!, locale)), style: "good" }));
  } catch (err) {
    if (err instanceof AccordError && err.code === "forbidden") return card(await freshCard(h, p.d, viewer, locale, { text: w.snoozeOwnerOnly, style: "attention" }));
    if (err instanceof AccordError && err.code !== "not_found") return card(await freshCard(h, p.d, viewer, locale, { text: words(h, err, locale, "snooze"), style: "attention" }));
    throw err;
  }
}

/** The SDK's route of `adaptiveCard/action` (every verb: Accord's are read above; others get the polite answer). */
export function registerCardActions(sdk: App, kit: TeamsKit): void {
  sdk.on("card.action", async (ctx) => (await handleCardAction(sdkHandlerContext(kit, ctx), ctx.activity as unknown as TeamsInvoke)) as never);
}
