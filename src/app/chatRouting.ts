import { routeNotice, type ChatPlatform } from "../domain/chatRouting.ts";
import type { OutboxChannel, Repos } from "./ports.ts";

// The delivery-queue channels of notices meant for one person (issue 13): with Slack and Teams both on, each notice
// is queued for the one platform routeNotice (src/domain/chatRouting.ts) picks, in the transaction that queues it,
// so both deliverers agree on who takes it. With one chat platform on, every notice goes to it (no read).

/** The lastError prefix of a Teams row kept for a person Accord cannot reach yet (sent again once they can be reached). */
export const TEAMS_UNREACHABLE = "teams_unreachable";

const CHAT: readonly OutboxChannel[] = ["slack", "teams"];

/** For each email, the channels of `channels` its notice is queued on (one chat platform; non-chat channels kept). */
export async function noticeChannels(tx: Pick<Repos, "teams">, channels: readonly OutboxChannel[] | undefined, emails: readonly string[]): Promise<Map<string, OutboxChannel[]>> {
  const all = [...(channels ?? [])];
  const chat = all.filter((c): c is ChatPlatform => CHAT.includes(c));
  const out = new Map<string, OutboxChannel[]>();
  if (chat.length < 2) {
    for (const e of emails) out.set(e, all);
    return out;
  }
  const facts = new Map((await tx.teams.routes([...new Set(emails)])).map((f) => [f.email, f]));
  for (const e of emails) {
    const to = routeNotice(facts.get(e) ?? null, chat);
    out.set(e, all.filter((c) => !CHAT.includes(c) || c === to));
  }
  return out;
}

/** The one chat platform of a notice to `email` (null when no chat platform is on). */
export async function noticePlatform(tx: Pick<Repos, "teams">, channels: readonly OutboxChannel[] | undefined, email: string): Promise<ChatPlatform | null> {
  const chat = (channels ?? []).filter((c): c is ChatPlatform => CHAT.includes(c));
  if (chat.length < 2) return chat[0] ?? null;
  const [facts] = await tx.teams.routes([email]);
  return routeNotice(facts ?? null, chat);
}
