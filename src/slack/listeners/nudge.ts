import type { App } from "@slack/bolt";
import { findPeople } from "../../app/findPeople.ts";
import { getDispute } from "../../app/getDispute.ts";
import { nudgeDispute } from "../../app/nudgeDispute.ts";
import { parseAction } from "../../views/actions.ts";
import { t } from "../../views/i18n.ts";
import { NUDGE_TEXT, tooSoonText } from "../../views/nudgeText.ts";
import { ACTION_IDS } from "../blocks/kit.ts";
import type { Kit } from "../listen.ts";
import type { Person } from "../../domain/types.ts";

// The card's Nudge (issue 11): a controller, manager or admin sends the owner a reminder now; the clicker is
// answered privately where they clicked ("Rappel envoyé à Paul Durand", or when the next nudge is possible).
// An owner away today: the nudge went to their deputy, and the answer says so ("… à Bob Martin, suppléant de …").
// Who may, and the once-an-hour rule, are the use case's (src/app/nudgeDispute.ts); its refusals are rendered
// in the clicker's language like every other error. A /dispute list row offers the same Nudge in its menu.

export function registerNudge(app: App, k: Kit): void {
  const { deps } = k;
  async function nudge(dispute: number, viewer: Person, reply: (text: string) => Promise<unknown>): Promise<void> {
    const r = await nudgeDispute(deps, { dispute, byEmail: viewer.email });
    if (!r.sent) return void (await reply(tooSoonText(r.lastAt, r.nextAt, viewer.timezone || (await deps.store.settings.get()).timezone, viewer.locale)));
    const people = await findPeople(deps, { emails: [r.ownerEmail, ...(r.deputyEmail ? [r.deputyEmail] : [])] });
    const nameOf = (email: string) => people.find((x) => x.email === email)?.name ?? email;
    await reply(r.deputyEmail ? NUDGE_TEXT[viewer.locale].sentToDeputy(nameOf(r.deputyEmail), nameOf(r.ownerEmail)) : NUDGE_TEXT[viewer.locale].sent(nameOf(r.ownerEmail)));
  }
  app.action(ACTION_IDS.nudge, k.onAction({ where: "nudge", localized: true }, async ({ body, viewer, reply }) => {
    const action = body.actions?.[0] ?? {};
    const p = parseAction(typeof action.value === "string" ? action.value : null);
    if (!p || p.t !== "nudge") return reply(t(viewer.locale).reply.unknownAction);
    await nudge(p.d, viewer, reply);
  }));
  // A /dispute list row's menu (Open, Nudge): Open shows the card as the row's button does, Nudge is the card's Nudge.
  app.action(ACTION_IDS.listMenu, k.onAction({ where: "list.menu", localized: true }, async ({ body, userId, viewer, reply, respond }) => {
    const action = body.actions?.[0] ?? {};
    const p = parseAction(typeof action.selected_option?.value === "string" ? action.selected_option.value : null);
    if (p?.t === "nudge") return nudge(p.d, viewer, reply);
    if (p?.t === "show") return k.showCard(body, userId, viewer, await getDispute(deps, { dispute: p.d, viewerEmail: viewer.email }), respond);
    return reply(t(viewer.locale).reply.unknownAction);
  }));
}
