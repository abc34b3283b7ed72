import { CHAT_CHANGE, OWNER_NOTICE, type ChatChangePayload, type OwnerNoticePayload } from "./chatQueue.ts";
import { DIGEST_POST, type DigestPostPayload } from "./digests.ts";
import { OPENER_UPDATE, type OpenerUpdatePayload } from "./notifyOpener.ts";
import type { OutboxMessage } from "./ports.ts";
import { REMINDER, type ReminderPayload } from "./remindFollowUps.ts";

// A chat row of the delivery queue (src/app/chatQueue.ts and the use cases that queue chat messages), its payload
// read once by its type: what both chat platforms' deliverers dispatch on (src/slack/delivery.ts, src/teams/delivery.ts).

export type ChatRow =
  | { type: typeof CHAT_CHANGE; payload: ChatChangePayload }
  | { type: typeof OWNER_NOTICE; payload: OwnerNoticePayload }
  | { type: typeof REMINDER; payload: ReminderPayload }
  | { type: typeof OPENER_UPDATE; payload: OpenerUpdatePayload }
  | { type: typeof DIGEST_POST; payload: DigestPostPayload };

const CHAT_TYPES: ReadonlySet<string> = new Set([CHAT_CHANGE, OWNER_NOTICE, REMINDER, OPENER_UPDATE, DIGEST_POST]);

/** The row's payload by its type; null for a type no chat deliverer knows (given up with its type as the reason). */
export function chatRow(m: Pick<OutboxMessage, "type" | "payload">): ChatRow | null {
  if (!CHAT_TYPES.has(m.type)) return null;
  return { type: m.type, payload: JSON.parse(m.payload) } as ChatRow;
}
