import type { App } from "@microsoft/teams.apps";
import { teamsChatText } from "../../views/teamsChatText.ts";
import type { TeamsKit } from "../mount.ts";
import { helpMessage } from "./message.ts";
import { conversationKind } from "../conversation.ts";
import { arrive, textMessage, turnOf, type Turn } from "./turn.ts";

// The app installed: in a personal chat (by the person, or pre-installed by an admin), in a team or a group chat.
// The conversation reference is stored so Accord can write there first (notices, reminders, digests), and in a
// personal chat the person is matched and pinned (their Teams ids), so notices for them find this chat. A person
// Accord knows is welcomed with the help; nobody else is written to unasked (an admin may pre-install the app
// for people who are not Accord users).

/** installationUpdate (add, add-upgrade, remove): the reference kept on add; a removal changes nothing stored. */
export async function onInstallation(kit: TeamsKit, turn: Turn): Promise<void> {
  const action = String(turn.activity.action ?? "add");
  if (action.startsWith("remove")) {
    // the reference stays: a later send fails and the deliverer marks the person unreachable
    kit.log.info({ conversation: turn.activity.conversation?.id, action }, "Teams app removed from a conversation");
    return;
  }
  const arrival = await arrive(kit, turn, { identify: conversationKind(turn.activity) === "personal" });
  if (!arrival || arrival.ref.kind !== "personal" || !arrival.person || action !== "add") return;
  const locale = arrival.person.locale;
  await turn.send(textMessage(`${teamsChatText(locale).welcome}\n\n${helpMessage(locale, arrival.person)}`)).catch((err: unknown) => kit.log.warn({ err }, "Teams welcome message failed"));
}

/** conversationUpdate: the bot added to a conversation (membersAdded holds the bot) stores its reference. */
export async function onConversationUpdate(kit: TeamsKit, turn: Turn): Promise<void> {
  const botId = turn.activity.recipient?.id;
  const added = (turn.activity.membersAdded ?? []).some((m) => m.id && m.id === botId);
  if (!added) return;
  await arrive(kit, turn, { identify: conversationKind(turn.activity) === "personal" });
}

export function registerInstall(sdk: App, kit: TeamsKit): void {
  sdk.on("installationUpdate", async (ctx) => {
    try {
      await onInstallation(kit, turnOf(kit, ctx));
    } catch (err) {
      kit.log.error({ err }, "Teams installation update failed");
    }
  });
  sdk.on("conversationUpdate", async (ctx) => {
    try {
      await onConversationUpdate(kit, turnOf(kit, ctx));
    } catch (err) {
      kit.log.error({ err }, "Teams conversation update failed");
    }
  });
}
