import crypto from "node:crypto";
import type { App } from "@microsoft/teams.apps";
import { localeOfActivity, teamsChatText } from "../../views/teamsChatText.ts";
import type { Locale } from "../../domain/types.ts";
import { parseChatCommand } from "../chatCommand.ts";
import type { TeamsKit } from "../mount.ts";

// Messages written to Accord in Teams (personal chat; a channel or group chat when Accord is mentioned):
// parse, answer. Listeners stay short: no business rule here.

/** The message activity fields Accord reads. */
export interface TeamsMessage {
  text?: string;
  locale?: string;
}

type Send = (activity: { type: "message"; text: string; textFormat?: "markdown" | "plain" }) => Promise<unknown>;

export function helpMessage(locale: Locale): string {
  const w = teamsChatText(locale);
  return [w.helpTitle, w.help.new, w.help.list, w.help.show, w.help.help].join("\n");
}

export async function answerMessage(kit: TeamsKit, activity: TeamsMessage, send: Send): Promise<void> {
  const locale = localeOfActivity(activity.locale);
  const w = teamsChatText(locale);
  try {
    const cmd = parseChatCommand(activity.text);
    const text = cmd.kind === "help" ? helpMessage(locale) : `${w.unknown(cmd.kind === "unknown" ? cmd.word : String(activity.text ?? "").slice(0, 50))}\n\n${helpMessage(locale)}`;
    await send({ type: "message", text, textFormat: "markdown" });
  } catch (err) {
    const ref = crypto.randomBytes(4).toString("hex");
    kit.log.error({ err, ref, where: "teams.message" }, "Teams message failed");
    await send({ type: "message", text: w.error(ref) }).catch(() => undefined);
  }
}

export function registerMessage(sdk: App, kit: TeamsKit): void {
  sdk.on("message", async (ctx) => {
    await answerMessage(kit, ctx.activity, (a) => ctx.send(a));
  });
}
