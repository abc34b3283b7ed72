import type { App } from "@slack/bolt";
import { setOpenerUpdates } from "../../app/notifyOpener.ts";
import { bilingual } from "../../views/i18n.ts";
import { ACTION_IDS, mrkdwnMessage } from "../blocks.ts";
import type { AnyBody, Kit } from "../listen.ts";

// App Home: the tab (published when opened, kept fresh by the card publisher) and its New dispute button.

export function registerHome(app: App, k: Kit): void {
  const { deps, gateway } = k;

  app.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== "home") return;
    if (!(await gateway.state.firstSeen(`event:${String((body as AnyBody).event_id)}`, deps.clock()))) return;
    k.cards.homeViewers.add(event.user);
    if (await gateway.personOf(event.user)) return k.cards.publishHome(event.user);
    await gateway.call("views.publish", { user_id: event.user, view: { type: "home", blocks: mrkdwnMessage(bilingual((m) => m.reply.notKnown)).blocks } });
  });

  // the opener's notices: the button says which way; the tab is published again with the new state
  app.action(ACTION_IDS.homeOpenerUpdates, k.onAction({ where: "home.opener_updates" }, async ({ body, userId, viewer }) => {
    const value = body.actions?.[0]?.value;
    if (value !== "on" && value !== "off") return;
    await setOpenerUpdates(deps, { byEmail: viewer.email, on: value === "on" });
    await k.cards.publishHome(userId);
  }));
  app.action(ACTION_IDS.homeNew, k.onAction({ where: "home.new" }, ({ body, userId, viewer }) => k.openNewForm(body, userId, viewer, { customer: null, scope: "items" })));
}
