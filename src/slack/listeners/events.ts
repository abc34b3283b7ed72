import type { App } from "@slack/bolt";
import { commentDispute } from "../../app/commentDispute.ts";
import { toWellFormed } from "../../domain/text.ts";
import { bilingual, t } from "../../views/i18n.ts";
import { textMessage } from "../blocks.ts";
import { flush, type AnyBody, type Kit } from "../listen.ts";

// Messages in a card's thread become comments; informational modals close; anything else (old buttons,
// unknown payloads) gets a polite answer.

export function registerEvents(app: App, k: Kit): void {
  const { deps, gateway, log } = k;

  app.event("message", async ({ event, body }) => {
    const e = event as AnyBody;
    if (e.subtype || e.bot_id || !e.thread_ts || e.thread_ts === e.ts || !e.user || !e.text) return;
    if (!(await gateway.state.firstSeen(`event:${String((body as AnyBody).event_id)}`, deps.clock()))) return;
    const copy = await gateway.state.cards.byMessage(String(e.channel), String(e.thread_ts));
    if (!copy) return;
    const viewer = await gateway.personOf(String(e.user));
    const reply = (text: string) => gateway.call("chat.postEphemeral", { channel: e.channel, user: e.user, thread_ts: e.thread_ts, text }).catch((err: unknown) => log.warn({ err }, "ephemeral failed"));
    if (!viewer) return void (await reply(bilingual((m) => m.reply.notKnown)));
    const thread = { channel: String(e.channel), ts: String(e.thread_ts) };
    await commentDispute(deps, { dispute: copy.disputeId, byEmail: viewer.email, text: toWellFormed(String(e.text)), origin: { thread } }).catch((err: unknown) => reply(k.words(err, viewer.locale, "thread")));
  });

  app.view("form.info", async ({ ack }) => {
    await ack();
    await flush();
  });

  app.action(/^(?!card\.|list\.show$|customer\.pick$|home\.new$|home\.absence_|home\.calendar_|home\.escalation$|admin\.|form\.preview$|customer$|items$|reason$|pick$)/, async ({ ack, body }) => {
    await ack();
    await flush();
    const b = body as AnyBody;
    const viewer = await gateway.personOf(b.user.id);
    await k.tell(b, b.user.id, textMessage(viewer ? t(viewer.locale).reply.unknownAction : bilingual((m) => m.reply.unknownAction)));
  });
}
