import type { Person } from "../domain/types.ts";
import type { Deps } from "./context.ts";

export interface IdentifyChatUserInput {
  slackUserId: string;
  /** asks the chat platform for the user's email (Slack users.info), only when the id is not linked yet */
  emailOf: (slackUserId: string) => Promise<string | null>;
}

/**
 * The Accord person behind a Slack user: by the stored Slack id, else matched by email and linked
 * (the Slack id is stored on the person). Null when nobody with that email is known.
 */
export async function identifyChatUser(deps: Deps, input: IdentifyChatUserInput): Promise<Person | null> {
  const tx = deps.store;
  const linked = await tx.people.bySlackId(input.slackUserId);
  if (linked) return linked;
  const email = (await input.emailOf(input.slackUserId))?.trim().toLowerCase();
  if (!email) return null;
  const p = await tx.people.byEmail(email);
  if (!p) return null;
  const [saved] = await tx.people.upsertMany([{ email: p.email, name: p.name, role: p.role, slackUserId: input.slackUserId }]);
  return saved ?? { ...p, slackUserId: input.slackUserId };
}
