import crypto from "node:crypto";
import type { IActivityContext } from "@microsoft/teams.apps";
import { identifyTeamsUser, type TeamsMember } from "../../app/identifyTeamsUser.ts";
import type { TeamsConversationRef } from "../../app/ports.ts";
import { AccordError } from "../../domain/errors.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { errorText } from "../../views/errors.ts";
import { onlyRolesText } from "../../views/help.ts";
import { t } from "../../views/i18n.ts";
import { teamsChatText } from "../../views/teamsChatText.ts";
import { baseConversationId, conversationRefOf, type ActivityLike } from "../conversation.ts";
import type { TeamsKit } from "../mount.ts";

// What every Teams listener does first with an incoming activity (install, message): keep the conversation
// reference, find the person (pinning their Teams ids), and tell the hooks (the deliverer sends what waited for
// them). Also the answers' plumbing: send, and errors in the person's words.

/** A message Accord sends in answer (text, or an Adaptive Card as an attachment). */
export interface OutgoingMessage {
  type: "message";
  text?: string;
  textFormat?: "markdown" | "plain" | "xml";
  attachments?: { contentType: string; content: unknown }[];
}

/** One incoming activity and how to answer it: the SDK's context, or a test's stand-in. */
export interface Turn {
  activity: ActivityLike & { text?: string; value?: unknown; locale?: string; action?: string; membersAdded?: { id?: string }[] };
  /** sends into the activity's conversation; the posted activity's id */
  send(message: OutgoingMessage): Promise<{ id: string }>;
  /** the Bot Connector's member lookup of the sender (email, UPN); null when it fails */
  memberOf(): Promise<TeamsMember | null>;
}

export const ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive";
export const cardMessage = (content: unknown): OutgoingMessage => ({ type: "message", attachments: [{ contentType: ADAPTIVE_CARD, content }] });
export const textMessage = (text: string): OutgoingMessage => ({ type: "message", text, textFormat: "markdown" });

/** The SDK's context as a Turn. */
export function turnOf(kit: TeamsKit, ctx: IActivityContext): Turn {
  const a = ctx.activity as unknown as Turn["activity"];
  return {
    activity: a,
    send: async (m) => {
      const sent = await ctx.send(m as never);
      return { id: sent.id };
    },
    memberOf: async () => {
      // a channel thread's id (…;messageid=…) names no conversation the member lookup knows: the channel's own
      const conversationId = a.conversation?.id ? baseConversationId(a.conversation.id) : undefined;
      const userId = a.from?.id;
      if (!conversationId || !userId) return null;
      try {
        return await ctx.api.conversations.members(conversationId).getById(userId);
      } catch (err) {
        kit.log.warn({ err, conversation: conversationId }, "Teams member lookup failed");
        return null;
      }
    },
  };
}

export interface Arrival {
  ref: TeamsConversationRef;
  person: Person | null;
  /** the email / UPN Teams gave for a person Accord does not know */
  lookedFor: string | null;
}

/**
 * Stores the activity's conversation reference, finds the sender (`identify`: personal chats and messages) and
 * calls the kit's conversation hooks. Null when the activity names no conversation (nothing to answer).
 */
export async function arrive(kit: TeamsKit, turn: Turn, opts: { identify: boolean }): Promise<Arrival | null> {
  const { deps } = kit;
  const ref = conversationRefOf(turn.activity, deps.clock());
  if (!ref) return null;
  await deps.store.teams.putConversation(ref);
  const fromId = turn.activity.from?.id;
  const found = opts.identify && fromId ? await identifyTeamsUser(deps, { teamsUserId: fromId, aadObjectId: turn.activity.from?.aadObjectId, memberOf: () => turn.memberOf() }) : { person: null, lookedFor: null };
  const arrival: Arrival = { ref, ...found };
  for (const hook of kit.onConversation) {
    try {
      await hook(arrival);
    } catch (err) {
      kit.log.error({ err, conversation: ref.conversationId }, "Teams conversation hook failed");
    }
  }
  return arrival;
}

/** Any failure in the person's words: a coded error's sentence (a refusal politely), else a logged reference. */
export function failureText(kit: TeamsKit, err: unknown, locale: Locale, where: string): string {
  if (err instanceof AccordError && err.code === "forbidden") {
    return err.is("forbidden_action") && !err.params.number ? onlyRolesText(err.params.action, locale) : t(locale).reply.forbidden;
  }
  if (err instanceof AccordError) return errorText(err, locale);
  const ref = crypto.randomBytes(4).toString("hex");
  kit.log.error({ err, ref, where }, "Teams listener failed");
  return teamsChatText(locale).error(ref);
}
