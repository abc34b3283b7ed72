// Which chat platform gets a notice meant for one person (issue 13), when Accord runs on Slack and Teams at once:
// each notice goes once, on the platform set in the person's profile, else the one they last used; a platform the
// person cannot be reached on (no Teams id, marked unreachable in Teams) gives way to the other when they have one
// there. Pure: decided in the transaction that queues the notice, so the two deliverers never both take it (nor
// neither).

export type ChatPlatform = "slack" | "teams";

export interface RouteFacts {
  /** a Slack user id is known */
  slackUserId: string | null;
  /** a Teams id or Entra object id is known (pinned when they used Teams) */
  teams: boolean;
  lastPlatform: ChatPlatform | null;
  /** the profile's choice */
  chatPlatform: ChatPlatform | null;
  teamsUnreachable: boolean;
}

/**
 * The platform of a notice to this person, of the `enabled` ones (in the order Accord runs them); null when none is.
 * An unknown person (null) goes to the first enabled platform, which records why it cannot reach them.
 */
export function routeNotice(f: RouteFacts | null, enabled: readonly ChatPlatform[]): ChatPlatform | null {
  const on = (p: ChatPlatform) => enabled.includes(p);
  if (!enabled.length) return null;
  if (enabled.length === 1 || !f) return enabled[0]!;
  const teamsOk = f.teams && !f.teamsUnreachable;
  const wanted = f.chatPlatform ?? f.lastPlatform;
  if (wanted === "teams" && on("teams") && teamsOk) return "teams";
  if (wanted === "slack" && on("slack")) return "slack";
  // no choice, or Teams cannot reach them now: Slack when they are known there, else Teams when they are known
  // there (kept until they can be reached), else Slack (which looks people up by email)
  if (f.slackUserId && on("slack")) return "slack";
  if (f.teams && on("teams")) return "teams";
  return on("slack") ? "slack" : "teams";
}
