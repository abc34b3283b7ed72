import type { App } from "@slack/bolt";
import { listenerKit, type HandlerContext } from "./listen.ts";
import { registerAdmin } from "./listeners/admin.ts";
import { registerCardButtons } from "./listeners/cardButtons.ts";
import { registerCardForms } from "./listeners/cardForms.ts";
import { registerCommands } from "./listeners/commands.ts";
import { registerEvents } from "./listeners/events.ts";
import { registerHome } from "./listeners/home.ts";
import { registerHomeSections } from "./listeners/homeSections.ts";
import { registerNewDispute } from "./listeners/newDispute.ts";
import { registerSnooze } from "./listeners/snooze.ts";
import { registerNudge } from "./listeners/nudge.ts";

// Bolt listeners, by surface (src/slack/listeners/): ack first, then parse -> use case -> render. No business
// rules here: permissions, validation and state changes are the use cases'; these files only translate
// Slack <-> Accord. The preamble every listener shares is in listen.ts (onAction, onView).

export type { HandlerContext };

export function registerHandlers(app: App, h: HandlerContext): void {
  const k = listenerKit(h);
  registerCommands(app, k);
  registerCardButtons(app, k);
  registerCardForms(app, k);
  registerNewDispute(app, k);
  registerAdmin(app, k);
  registerHome(app, k);
  registerSnooze(app, k);
  registerNudge(app, k);
  registerHomeSections(app, k);
  // last: its catch-all answers the actions no other listener took
  registerEvents(app, k);
}
