import type { TeamsConversationRef } from "../app/ports.ts";

// Reading an incoming activity (pure): where it came from, as the conversation reference Accord keeps to write
// there later (store.teams.putConversation), and who sent it.

/** The fields of an activity this reads (the SDK's Activity has them all). */
export interface ActivityLike {
  type?: string;
  serviceUrl?: string;
  from?: { id?: string; name?: string; aadObjectId?: string } | null;
  recipient?: { id?: string } | null;
  conversation?: { id?: string; conversationType?: string; tenantId?: string; isGroup?: boolean } | null;
  channelData?: { tenant?: { id?: string }; team?: { id?: string }; channel?: { id?: string } } | null;
}

export type ConversationKind = TeamsConversationRef["kind"];

export function conversationKind(a: ActivityLike): ConversationKind {
  const t = a.conversation?.conversationType;
  if (t === "personal" || t === "channel" || t === "groupChat") return t;
  if (a.channelData?.channel?.id || a.channelData?.team?.id) return "channel";
  return a.conversation?.isGroup ? "groupChat" : "personal";
}

/** A channel thread's conversation id (`19:…@thread.tacv2;messageid=123`) as the channel's own. */
export const baseConversationId = (id: string): string => id.split(";")[0]!;

/**
 * The conversation reference of an activity; null when it lacks what a reference needs (a conversation id and
 * a service URL). In a personal chat it names the user (Teams id, Entra object id); in a channel the team and
 * channel.
 */
export function conversationRefOf(a: ActivityLike, now: Date): TeamsConversationRef | null {
  const id = a.conversation?.id;
  const serviceUrl = a.serviceUrl?.replace(/\/+$/, "");
  if (!id || !serviceUrl) return null;
  const kind = conversationKind(a);
  const personal = kind === "personal";
  return {
    conversationId: kind === "channel" ? baseConversationId(id) : id,
    kind,
    serviceUrl,
    tenantId: a.conversation?.tenantId ?? a.channelData?.tenant?.id ?? null,
    teamsUserId: personal ? (a.from?.id ?? null) : null,
    aadObjectId: personal ? (a.from?.aadObjectId ?? null) : null,
    teamId: kind === "channel" ? (a.channelData?.team?.id ?? null) : null,
    channelId: kind === "channel" ? (a.channelData?.channel?.id ?? baseConversationId(id)) : null,
    updatedAt: now,
  };
}
