import type { App } from "@microsoft/teams.apps";
import { getDispute } from "../../app/getDispute.ts";
import { AccordError } from "../../domain/errors.ts";
import { can } from "../../domain/permissions.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { parseAction } from "../../views/actions.ts";
import { onlyRolesText } from "../../views/help.ts";
import { t } from "../../views/i18n.ts";
import { localeOfActivity, teamsChatText } from "../../views/teamsChatText.ts";
import { PAYLOAD_KEY } from "../cards/actions.ts";
import { newDisputeCard } from "../cards/chatCards.ts";
import { parseChatCommand, type TeamsChatCommand } from "../chatCommand.ts";
import type { TeamsKit } from "../mount.ts";
import { isDigestCommand, teamsDigestCommand } from "../digest.ts";
import { teamsDisputeCard } from "../render.ts";
import { teamsListCard } from "../listCard.ts";
import { arrive, cardMessage, failureText, textMessage, turnOf, type Arrival, type Turn } from "./turn.ts";

// Messages written to Accord in Teams. Personal chat: `help`, `new`, `list [mine|overdue|all]`, `show D-…` (French
// words too), and the list's Open buttons (an Action.Submit comes back as a message with a `value`). In a channel
// or group chat (where Accord is mentioned): the channel's help. Every message first stores the conversation
// reference and pins the person (src/teams/listeners/turn.ts); Teams becomes their last-used platform.

/** The help a person sees: `new` only for those who may open disputes. */
export function helpMessage(locale: Locale, viewer: Person | null): string {
  const w = teamsChatText(locale);
  const lines = [w.help.list, w.help.show, w.help.help];
  if (!viewer || can(viewer, "open")) lines.unshift(w.help.new);
  return [w.helpTitle, ...lines].join("\n");
}

interface Call {
  kit: TeamsKit;
  turn: Turn;
  arrival: Arrival;
  viewer: Person;
  locale: Locale;
}

async function show(c: Call, dispute: string | number): Promise<void> {
  const { kit, turn, arrival, viewer, locale } = c;
  const x = await getDispute(kit.deps, { dispute, viewerEmail: viewer.email }).catch((err: unknown) => {
    if (err instanceof AccordError && err.code === "not_found") return null;
    throw err;
  });
  if (!x) return void (await turn.send(textMessage(t(locale).reply.notFound(String(dispute)))));
  const fromId = turn.activity.from?.id;
  const card = await teamsDisputeCard(kit.deps, x, viewer, locale, fromId ? { userIds: [fromId] } : {});
  const sent = await turn.send(cardMessage(card));
  // kept so that every later change updates this copy in place (the deliverer, with the viewer's rights)
  await kit.deps.store.teams.addCard({ disputeId: x.dispute.id, conversationId: arrival.ref.conversationId, activityId: sent.id, kind: "dm", viewerEmail: viewer.email, postedAt: kit.deps.clock() });
}

async function list(c: Call, scope: "mine" | "overdue" | "all"): Promise<void> {
  const { kit, turn, viewer, locale } = c;
  await turn.send(cardMessage(await teamsListCard(kit.deps, viewer, locale, scope)));
}

async function command(c: Call, cmd: TeamsChatCommand): Promise<void> {
  const { turn, viewer, locale } = c;
  const w = teamsChatText(locale);
  switch (cmd.kind) {
    case "help":
      return void (await turn.send(textMessage(helpMessage(locale, viewer))));
    case "new":
      if (!can(viewer, "open")) return void (await turn.send(textMessage(onlyRolesText("open", locale))));
      return void (await turn.send(cardMessage(newDisputeCard(locale))));
    case "list":
      return list(c, cmd.scope);
    case "list_unknown":
      return void (await turn.send(textMessage(w.listWhich(cmd.word))));
    case "show":
      return show(c, cmd.number);
    case "show_which":
      return void (await turn.send(textMessage(w.showWhich)));
    case "unknown":
      return void (await turn.send(textMessage(`${w.unknown(cmd.word)}\n\n${helpMessage(locale, viewer)}`)));
  }
}

/** One message: stored and matched, then answered. Exported for the listeners that share the chat (channel digests). */
export async function onMessage(kit: TeamsKit, turn: Turn): Promise<void> {
  const a = turn.activity;
  let locale = localeOfActivity(a.locale);
  try {
    const arrival = await arrive(kit, turn, { identify: true });
    if (!arrival) return;
    const viewer = arrival.person;
    if (!viewer) return void (await turn.send(textMessage(teamsChatText(locale).notKnown(arrival.lookedFor))));
    locale = viewer.locale;
    await kit.deps.store.teams.setLastPlatform(viewer.email, "teams");
    const w = teamsChatText(locale);
    // `digest here|off` / `digest` (a channel's digest, src/teams/digest.ts), in any conversation
    if (isDigestCommand(a.text)) return void (await turn.send(textMessage(await teamsDigestCommand(kit.deps, { viewer, where: { conversationId: arrival.ref.conversationId, kind: arrival.ref.kind }, text: a.text ?? "" }))));
    if (arrival.ref.kind !== "personal") return void (await turn.send(textMessage(`${helpMessage(locale, viewer)}\n\n${w.helpChannel}`)));
    const c: Call = { kit, turn, arrival, viewer, locale };
    // a card's Action.Submit (the list's Open): its data comes back as the message's value
    if (a.value && typeof a.value === "object") {
      const p = parseAction(String((a.value as Record<string, unknown>)[PAYLOAD_KEY] ?? ""));
      if (p?.t === "show") return show(c, p.d);
      return void (await turn.send(textMessage(w.unknownButton)));
    }
    await command(c, parseChatCommand(a.text));
  } catch (err) {
    await turn.send(textMessage(failureText(kit, err, locale, "teams.message"))).catch(() => undefined);
  }
}

export function registerMessage(sdk: App, kit: TeamsKit): void {
  sdk.on("message", (ctx) => onMessage(kit, turnOf(kit, ctx)));
}
