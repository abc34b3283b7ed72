import { findPeople } from "../../app/findPeople.ts";
import { nudgeDispute } from "../../app/nudgeDispute.ts";
import { AccordError } from "../../domain/errors.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { parseAction } from "../../views/actions.ts";
import { t } from "../../views/i18n.ts";
import { NUDGE_TEXT, tooSoonText } from "../../views/nudgeText.ts";
import { teamsActionText } from "../../views/teamsActionText.ts";
import { PAYLOAD_KEY } from "../cards/actions.ts";
import { LIST_SCOPE_KEY } from "../cards/chatCards.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import type { TeamsListScope } from "../chatCommand.ts";
import { teamsListCard } from "../listCard.ts";
import { withNotice, words, type CardNotice, type TeamsHandlerContext } from "./invoke.ts";

// A personal chat list row's « Envoyer un rappel » / "Nudge" (an Action.Execute, verb TEAMS_LIST_NUDGE_VERB): the
// same nudge use case as Slack's list menu and the card's Nudge (src/app/nudgeDispute.ts: who may, at most one per
// dispute per hour). The answer replaces the list the person clicked in with the same list as it is now, a notice
// on top: to whom the nudge went (the owner's deputy when the owner is away), or when the next one is possible, or
// why it was refused, in the person's language. A string answer is a plain message (an invoke Accord cannot read).

const SCOPES: readonly TeamsListScope[] = ["mine", "overdue", "all"];

export async function handleListNudge(h: TeamsHandlerContext, data: unknown, viewer: Person | null, locale: Locale): Promise<AdaptiveJson | string> {
  if (!viewer) return teamsActionText(locale).notKnown;
  const raw = (data && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
  const p = parseAction(typeof raw[PAYLOAD_KEY] === "string" ? (raw[PAYLOAD_KEY] as string) : null);
  if (!p || p.t !== "nudge") return t(locale).reply.unknownAction;
  const scope = SCOPES.find((s) => s === raw[LIST_SCOPE_KEY]) ?? "mine";
  let notice: CardNotice;
  try {
    const r = await nudgeDispute(h.deps, { dispute: p.d, byEmail: viewer.email });
    if (!r.sent) notice = { text: tooSoonText(r.lastAt, r.nextAt, viewer.timezone || (await h.deps.store.settings.get()).timezone, locale), style: "default" };
    else {
      const people = await findPeople(h.deps, { emails: [r.ownerEmail, ...(r.deputyEmail ? [r.deputyEmail] : [])] });
      const nameOf = (email: string) => people.find((x) => x.email === email)?.name ?? email;
      notice = { text: r.deputyEmail ? NUDGE_TEXT[locale].sentToDeputy(nameOf(r.deputyEmail), nameOf(r.ownerEmail)) : NUDGE_TEXT[locale].sent(nameOf(r.ownerEmail)), style: "good" };
    }
  } catch (err) {
    // a dispute that is gone: said plainly; any other refusal (not allowed, no longer open) above the list
    if (!(err instanceof AccordError) || err.code === "not_found") return words(h, err, locale, "list.nudge");
    notice = { text: words(h, err, locale, "list.nudge"), style: "attention" };
  }
  return withNotice(await teamsListCard(h.deps, viewer, locale, scope), notice);
}
