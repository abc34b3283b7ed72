import type { App } from "@slack/bolt";
import { getDispute } from "../../app/getDispute.ts";
import { prepareDisputeAction } from "../../app/prepareDisputeAction.ts";
import { listReasons } from "../../app/reasons.ts";
import { cardActionForm } from "../../views/forms.ts";
import { ACTION_IDS } from "../blocks.ts";
import type { Kit } from "../listen.ts";
import { cardFor } from "../render.ts";

// The buttons of a dispute card (and of lists): open the action's form, or the card itself.

export function registerCardButtons(app: App, k: Kit): void {
  const { deps } = k;

  app.action(/^card\./, k.onAction({ expects: "card", where: "card action", localized: true }, async ({ body, userId, viewer, p }) => {
    const x = await prepareDisputeAction(deps, { dispute: p.d, action: p.a, viewerEmail: viewer.email });
    const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
    const reasons = p.a === "edit" ? await listReasons(deps) : [];
    const channel: string | undefined = body.channel?.id ?? body.container?.channel_id;
    const ephemeral = body.container?.is_ephemeral === true && typeof body.response_url === "string" && /^https?:\/\//.test(body.response_url);
    const from = { channel, responseUrl: ephemeral ? String(body.response_url) : undefined };
    await k.openModal(body.trigger_id, cardActionForm(p.a, x, card, viewer.locale, reasons, from), body, userId, viewer.locale, people.slackIdOf);
  }));

  app.action(ACTION_IDS.listShow, k.onAction({ expects: "show", where: "list.show" }, async ({ body, userId, viewer, p, respond }) => {
    await k.showCard(body, userId, viewer, await getDispute(deps, { dispute: p.d, viewerEmail: viewer.email }), respond);
  }));
}
