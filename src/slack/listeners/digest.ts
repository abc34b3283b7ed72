import { listDigests, subscribeDigest, unsubscribeDigest } from "../../app/digests.ts";
import type { DigestSubscription } from "../../app/ports.ts";
import { AccordError } from "../../domain/errors.ts";
import { assertCan } from "../../domain/permissions.ts";
import type { Locale, Person } from "../../domain/types.ts";
import { DIGEST_TEXT } from "../../views/digestText.ts";
import { mrkdwnMessage, type SlackMessage } from "../blocks.ts";
import type { DigestArgs } from "../digestCommand.ts";
import type { AnyBody, Kit } from "../listen.ts";

// `/dispute digest …` (issue 11): list, stop or subscribe the channel the command was typed in. Subscribing needs
// Accord in the channel (conversations.info: a member, or the app's own DM with the person); when it is not, the
// answer says how to add it. Answers are private, in the person's language.

const NBSP = "\u00a0";

/** 09:00 → « 9 h 00 » / "09:00" */
export function timeWords(time: string, locale: Locale): string {
  const [h, m] = time.split(":");
  return locale === "fr" ? `${Number(h)}${NBSP}h${NBSP}${m}` : time;
}

async function scheduleOf(k: Kit, s: DigestSubscription, locale: Locale, timezone?: string): Promise<string> {
  const { store } = k.deps;
  const zone = timezone ?? (await store.settings.get()).timezone;
  const reason = s.reasonCode ? await store.reasons.byCode(s.reasonCode) : null;
  const owner = s.ownerEmail ? await store.people.byEmail(s.ownerEmail) : null;
  return DIGEST_TEXT[locale].schedule({
    time: timeWords(s.time, locale),
    cadence: s.cadence,
    always: s.always,
    reason: reason ? (locale === "fr" ? reason.labelFr : reason.labelEn) : s.reasonCode,
    owner: owner ? owner.name : s.ownerEmail,
    timezone: zone,
  });
}

/** Whether Accord may post in the channel: a member of it, or the app's DM. */
async function botIsIn(k: Kit, channel: string): Promise<boolean> {
  try {
    const r = (await k.gateway.call("conversations.info", { channel })) as { channel?: { is_member?: boolean; is_im?: boolean } };
    return Boolean(r.channel?.is_member || r.channel?.is_im);
  } catch (err) {
    const code = (err as { slackError?: string; code?: string }).slackError;
    if (code === "channel_not_found" || code === "not_in_channel" || code === "missing_scope") return false;
    throw err;
  }
}

export async function digestCommand(k: Kit, c: { body: AnyBody; viewer: Person; args: DigestArgs; say: (msg: SlackMessage) => Promise<unknown> }): Promise<unknown> {
  const { viewer, args, say, body } = c;
  const locale = viewer.locale;
  const w = DIGEST_TEXT[locale];
  const channelId = String(body.channel_id ?? "");
  const reply = (text: string) => say(mrkdwnMessage(text));
  if (args.action === "error") return reply(args.problem === "time" ? w.badTime(args.token) : w.badWord(args.token));
  if (!channelId) return reply(w.notAChannel);
  const where = { byEmail: viewer.email, platform: "slack" as const, channelId };
  if (args.action === "list") {
    const subs = await listDigests(k.deps, where);
    if (!subs.length) return reply(w.listEmpty);
    const people = new Map((await k.deps.store.people.byEmails([...new Set(subs.map((s) => s.createdByEmail))])).map((p) => [p.email, p.name]));
    const { timezone } = await k.deps.store.settings.get();
    const lines = await Promise.all(subs.map(async (s) => w.listLine(await scheduleOf(k, s, locale, timezone), w.languages[s.locale], people.get(s.createdByEmail) ?? s.createdByEmail)));
    return reply([w.listTitle, ...lines].join("\n"));
  }
  if (args.action === "off") {
    const n = await unsubscribeDigest(k.deps, where);
    return reply(n ? w.off(n) : w.offNone);
  }
  assertCan(viewer, "subscribe_digest");
  // the owner: a picked mention, an email, or a name typed as Accord knows it
  let ownerEmail: string | undefined;
  const o = args.owner;
  if (o) {
    const found =
      "slackUserId" in o
        ? await k.gateway.personOf(o.slackUserId)
        : "email" in o
          ? await k.deps.store.people.byEmail(o.email)
          : ((await k.deps.store.people.list()).find((p) => p.name.toLowerCase() === o.name.toLowerCase()) ?? null);
    if (!found) return reply(w.unknownOwner("slackUserId" in o ? `<@${o.slackUserId}>` : "email" in o ? o.email : `@${o.name}`));
    ownerEmail = found.email;
  }
  if (!(await botIsIn(k, channelId))) return reply(w.notInChannel);
  try {
    const { subscription, created } = await subscribeDigest(k.deps, { ...where, time: args.time, cadence: args.cadence, always: args.always, reasonCode: args.reason, ownerEmail });
    const schedule = await scheduleOf(k, subscription, locale);
    return reply(created ? w.subscribed(schedule) : w.updated(schedule));
  } catch (err) {
    if (err instanceof AccordError && err.is("reason_not_found")) {
      const codes = (await k.deps.store.reasons.list({ activeOnly: true })).map((r) => `\`${r.code}\``).join(", ");
      return reply(w.unknownReason(args.reason ?? "", codes));
    }
    throw err;
  }
}
