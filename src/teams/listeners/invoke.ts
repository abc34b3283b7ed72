import crypto from "node:crypto";
import type { IActivityContext } from "@microsoft/teams.apps";
import type { Deps } from "../../app/context.ts";
import { identifyTeamsUser, type TeamsMember } from "../../app/identifyTeamsUser.ts";
import type { DisputeDetails } from "../../app/disputeDetails.ts";
import { findPeople } from "../../app/findPeople.ts";
import { AccordError } from "../../domain/errors.ts";
import type { Action } from "../../domain/permissions.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { errorText } from "../../views/errors.ts";
import { onlyRolesText } from "../../views/help.ts";
import { t } from "../../views/i18n.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import { teamsDisputeCard } from "../render.ts";

// What the Teams invoke handlers (card actions, the new-dispute dialog, type-ahead) share: the incoming
// activity as they read it, who is acting, their language, the dispute card as a viewer may see it, and
// errors in words. Plain functions of the activity: the SDK routes (src/teams/listeners/register.ts) only
// pass the activity in and the answer out.

/** The part of an incoming invoke activity the handlers read. */
export interface TeamsInvoke {
  id?: string | undefined;
  name?: string | undefined;
  from: { id: string; aadObjectId?: string | undefined; name?: string | undefined };
  conversation: { id: string; conversationType?: string | undefined };
  /** an Action.Execute on a posted card: the activity id of that card */
  replyToId?: string | undefined;
  /** the client's locale ("fr-FR"), for people Accord does not know */
  locale?: string | undefined;
  value?: unknown;
}

export interface TeamsLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface TeamsHandlerContext {
  deps: Deps;
  log: TeamsLog;
  /**
   * The Bot Connector's member lookup of the activity's sender (email, UPN), asked only when their Teams ids are
   * not pinned yet (src/app/identifyTeamsUser.ts); without it, only pinned people are known.
   */
  memberOf?: ((activity: TeamsInvoke) => Promise<TeamsMember | null>) | undefined;
}

/** The handlers' context for one SDK turn: the member lookup through the turn's API client. */
export function sdkHandlerContext(kit: { deps: Deps; log: TeamsLog }, ctx: IActivityContext): TeamsHandlerContext {
  return {
    deps: kit.deps,
    log: kit.log,
    memberOf: async (a) => {
      try {
        return await ctx.api.conversations.members(a.conversation.id).getById(a.from.id);
      } catch (err) {
        kit.log.warn({ err, conversation: a.conversation.id }, "Teams member lookup failed");
        return null;
      }
    },
  };
}

/** The client's language: French for fr-*, else English. */
export function localeOf(clientLocale: string | undefined | null): Locale {
  return clientLocale?.toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** Who is acting: the person pinned to this Teams user, else matched by the member's email / UPN and pinned. */
export async function identifyViewer(h: TeamsHandlerContext, activity: TeamsInvoke): Promise<Person | null> {
  const from = activity.from;
  if (!from?.id || !activity.conversation?.id) return null;
  const { person } = await identifyTeamsUser(h.deps, { teamsUserId: from.id, aadObjectId: from.aadObjectId ?? null, memberOf: () => (h.memberOf ? h.memberOf(activity) : Promise.resolve(null)) });
  if (!person) return null;
  // where notices go for someone on both platforms: the one last used
  await h.deps.store.teams.setLastPlatform(person.email, "teams");
  return person;
}

/** The people a dispute's card names, and whose Teams clients fetch their own view of it (refresh.userIds). */
export function concernedEmails(x: DisputeDetails): string[] {
  return [
    x.dispute.ownerEmail,
    x.dispute.openedByEmail,
    ...(x.customer.controllerEmail ? [x.customer.controllerEmail] : []),
    ...(x.customer.salesRepEmail ? [x.customer.salesRepEmail] : []),
    ...(x.dispute.closedByEmail ? [x.dispute.closedByEmail] : []),
    ...(x.timeline ?? []).flatMap((e) => [e.byEmail ?? "", typeof e.data?.from === "string" ? e.data.from : "", typeof e.data?.to === "string" ? e.data.to : ""]),
  ].filter(Boolean);
}

export interface CardNotice {
  text: string;
  style: "good" | "attention" | "default";
}

const noticeBlock = (n: CardNotice): AdaptiveJson => ({
  type: "Container",
  style: n.style === "good" ? "good" : n.style === "attention" ? "attention" : "emphasis",
  items: [{ type: "TextBlock", text: n.text, wrap: true, weight: "Bolder", ...(n.style === "attention" ? { color: "Attention" } : {}) }],
});

/** A card with a notice above it (a confirmation, why nothing was saved). */
export function withNotice(card: AdaptiveJson, notice: CardNotice | null | undefined): AdaptiveJson {
  if (!notice) return card;
  return { ...card, body: [noticeBlock(notice), ...((card.body as AdaptiveJson[] | undefined) ?? [])] };
}

/**
 * The dispute card as this viewer may see it: their actions (DESIGN.md's table, through the view model), or
 * read-only (`readOnly`, a viewer Accord does not know, or one who may not see this dispute: the posted copy
 * already shows its facts, nothing more is told). The card refreshes for every concerned person Teams knows.
 */
export async function viewerCard(deps: Deps, x: DisputeDetails, viewer: Person | null, locale: Locale, opts: { readOnly?: boolean; notice?: CardNotice | null } = {}): Promise<AdaptiveJson> {
  const people = await findPeople(deps, { emails: [...concernedEmails(x), ...(viewer ? [viewer.email] : [])] });
  const userIds = people.map((p) => p.teamsUserId).filter((id): id is string => !!id);
  return withNotice(await teamsDisputeCard(deps, x, opts.readOnly ? null : viewer, locale, { userIds }), opts.notice);
}

/** An unexpected failure: logged with a short reference the person is told. */
export function unexpected(h: TeamsHandlerContext, err: unknown, locale: Locale, where: string): string {
  const ref = crypto.randomBytes(4).toString("hex");
  h.log.error({ err, ref, where }, "Teams handler failed");
  return t(locale).reply.error(ref);
}

/** A coded error in the viewer's words; anything else logged with a reference. */
export function words(h: TeamsHandlerContext, err: unknown, locale: Locale, where: string): string {
  if (err instanceof AccordError && err.code === "forbidden") {
    // refused with no dispute to speak of (opening one as a sales rep): say who may
    if (err.key === "forbidden_action") {
      const p = err.params as { action: Action; number?: string };
      return p.number ? t(locale).reply.forbidden : onlyRolesText(p.action, locale);
    }
    return t(locale).reply.forbidden;
  }
  if (err instanceof AccordError) return errorText(err, locale);
  return unexpected(h, err, locale, where);
}

/** A short stable digest of what a person typed (a double click sends the same). */
export const digest = (x: unknown): string => crypto.createHash("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);
