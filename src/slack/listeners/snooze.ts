import type { App } from "@slack/bolt";
import { snoozeFollowUp } from "../../app/snoozeFollowUp.ts";
import { AccordError } from "../../domain/errors.ts";
import { parseAction } from "../../views/actions.ts";
import { FOLLOWUP_TEXT, shortDate } from "../../views/followupText.ts";
import { t } from "../../views/i18n.ts";
import type { Kit } from "../listen.ts";

// A reminder's Snooze (buttons: tomorrow, in 3 days, next Monday; a date picker): the owner's move of the
// follow-up date, answered privately where it was clicked. Others are refused politely.

export function registerSnooze(app: App, k: Kit): void {
  const { deps } = k;
  app.action(/^snooze\./, k.onAction({ where: "snooze", localized: true }, async ({ body, viewer, reply }) => {
    const action = body.actions?.[0] ?? {};
    // a button carries its payload; the date picker has none: its block id says which dispute
    const p = parseAction(typeof action.value === "string" ? action.value : action.block_id);
    if (!p || p.t !== "snooze") return reply(t(viewer.locale).reply.unknownAction);
    const date = p.c === "date" ? (typeof action.selected_date === "string" ? action.selected_date : undefined) : undefined;
    if (p.c === "date" && !date) return;
    const w = FOLLOWUP_TEXT[viewer.locale];
    try {
      // once per reminder message and choice: a double click (or a second replica) moves the date once
      const where = body.container ?? {};
      const once = typeof where.message_ts === "string" ? `snooze:${String(where.channel_id)}:${where.message_ts}:${p.d}:${p.c}:${date ?? ""}` : undefined;
      const d = await snoozeFollowUp(deps, { dispute: p.d, byEmail: viewer.email, choice: p.c, date, once });
      await reply(w.snoozed(shortDate(d.followUpOn!, viewer.locale)));
    } catch (err) {
      if (err instanceof AccordError && err.code === "forbidden") return reply(w.snoozeOwnerOnly);
      throw err;
    }
  }));
}
