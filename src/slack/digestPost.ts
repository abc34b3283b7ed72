import type { Deps } from "../app/context.ts";
import { digestViewOf, type DigestPostPayload } from "../app/digests.ts";
import type { Person } from "../domain/types.ts";
import { digestMessage, MAX_CHARTS } from "./blocks/digest.ts";
import type { SlackMessage } from "./blocks/kit.ts";

// A `digest.post` row rendered for Slack at send time (issue 11): the shared view (digestViewOf: facts, what to
// decide, one chart per currency published at PUBLIC_URL/charts/…, the owners' Slack ids for their mentions),
// then the message. Null when the subscription was removed since the row was queued (nothing is posted).

export { DIGEST_OWNER_ROWS } from "../app/digests.ts";

export async function digestSlackMessage(
  deps: Deps,
  p: DigestPostPayload,
  slackIdOf: (person: Pick<Person, "email" | "slackUserId">) => Promise<string | null>,
): Promise<SlackMessage | null> {
  const view = await digestViewOf(deps, p, { maxCharts: MAX_CHARTS, slackIdOf });
  return view ? digestMessage(view) : null;
}
