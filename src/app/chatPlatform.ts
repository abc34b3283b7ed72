import { actor } from "./actors.ts";
import type { Deps } from "./context.ts";

// The chat platform set in a person's profile (issue 13): with Slack and Teams both on, their notices go there
// (src/domain/chatRouting.ts); null: where they last used Accord. A person sets their own (REST PATCH /preferences).

export async function setChatPlatform(deps: Pick<Deps, "store">, input: { byEmail: string | undefined; platform: "slack" | "teams" | null }): Promise<"slack" | "teams" | null> {
  return deps.store.transaction(async (tx) => {
    const who = await actor(tx, input.byEmail);
    await tx.teams.setChatPlatform(who.email, input.platform);
    return input.platform;
  });
}

/** The platform set in the person's profile (null: none set, or an unknown email). */
export async function chatPlatformOf(deps: Pick<Deps, "store">, email: string): Promise<"slack" | "teams" | null> {
  const [f] = await deps.store.teams.routes([email.trim().toLowerCase()]);
  return f?.chatPlatform ?? null;
}
