import type { Deps } from "../app/context.ts";
import { digestViewOf, listDigests, subscribeDigest, unsubscribeDigest, type DigestPostPayload } from "../app/digests.ts";
import type { DigestSubscription } from "../app/ports.ts";
import { AccordError } from "../domain/errors.ts";
import { assertCan } from "../domain/permissions.ts";
import type { Locale, Person } from "../domain/types.ts";
import { parseDigestArgs } from "../slack/digestCommand.ts";
import { timeWords } from "../slack/listeners/digest.ts";
import { DIGEST_TEXT } from "../views/digestText.ts";
import { errorText } from "../views/errors.ts";
import { teamsDeliveryText } from "../views/teamsDeliveryText.ts";
import { MAX_TEAMS_CHARTS, renderDigestAdaptiveCard } from "./digestCard.ts";
import type { AdaptiveJson } from "./cards/disputeCard.ts";

// The digest in Teams (issue 13): a `digest.post` row of a Teams channel rendered at send time (the same facts and
// view as Slack's, the charts published at PUBLIC_URL/charts/<unguessable token>.png until they expire: a base64
// picture would break the 28 KB card limit), and `digest here|off` / `digest` typed in a Teams channel (the
// message listener dispatches to teamsDigestCommand), with the same use cases and words as Slack's
// `/dispute digest`.

/** The digest card of a row; null when the subscription was removed since (nothing is posted). */
export async function teamsDigestCard(deps: Deps, p: DigestPostPayload): Promise<{ card: AdaptiveJson; text: string } | null> {
  const view = await digestViewOf(deps, p, { maxCharts: MAX_TEAMS_CHARTS });
  if (!view) return null;
  // the commands the view names are Slack's; in Teams they are typed without "/dispute"
  const teamsView = { ...view, moreOwners: (n: number) => forTeams(view.moreOwners(n)) };
  return { card: renderDigestAdaptiveCard(teamsView, p.locale), text: view.text };
}

/** Slack's command words as Teams users type them: `/dispute digest here` → `digest here`. */
const forTeams = (s: string) => s.replaceAll("/dispute ", "");

/** Whether a message is a `digest …` command (the bot's mention, if left, skipped). */
export const isDigestCommand = (text: string | undefined): boolean => /^(?:\s*<at>[^<]*<\/at>)*\s*(digest|synth[eè]se)(\s|$)/i.test(text ?? "");

/** Where `digest …` was typed: the conversation (a team's channel, a group chat, a personal chat). */
export interface TeamsDigestWhere {
  conversationId: string;
  kind: "personal" | "channel" | "groupChat";
}

async function scheduleOf(deps: Pick<Deps, "store">, s: DigestSubscription, locale: Locale): Promise<string> {
  const settings = await deps.store.settings.get();
  const reason = s.reasonCode ? await deps.store.reasons.byCode(s.reasonCode) : null;
  const owner = s.ownerEmail ? await deps.store.people.byEmail(s.ownerEmail) : null;
  return DIGEST_TEXT[locale].schedule({
    time: timeWords(s.time, locale), cadence: s.cadence, always: s.always,
    reason: reason ? (locale === "fr" ? reason.labelFr : reason.labelEn) : s.reasonCode,
    owner: owner ? owner.name : s.ownerEmail, timezone: settings.timezone,
  });
}

/**
 * `digest`, `digest off`, `digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:<email>|@Name]` typed in
 * a Teams channel (the bot's @mention already taken out, or left: `<at>…</at>` is skipped). Answers in the person's
 * language, as markdown text for the reply. Subscribing needs a team's channel (where the bot is, since it got the
 * message) and a role that may subscribe (controllers, managers, admins).
 */
export async function teamsDigestCommand(deps: Deps, input: { viewer: Person; where: TeamsDigestWhere; text: string }): Promise<string> {
  const { viewer, where } = input;
  const locale = viewer.locale;
  const w = DIGEST_TEXT[locale];
  const tokens = input.text.replace(/<at>[^<]*<\/at>/g, " ").trim().split(/\s+/).filter(Boolean);
  const head = tokens[0]?.toLowerCase();
  const rest = head === "digest" || head === "synthese" || head === "synthèse" ? tokens.slice(1) : tokens;
  const args = parseDigestArgs(rest);
  const reply = (s: string) => forTeams(s);
  if (args.action === "error") return reply(`${args.problem === "time" ? w.badTime(args.token) : w.badWord(args.token)}\n\n${teamsDeliveryText(locale).usage}`);
  if (where.kind !== "channel") return reply(teamsDeliveryText(locale).notAChannel);
  const scope = { byEmail: viewer.email, platform: "teams" as const, channelId: where.conversationId };
  try {
    if (args.action === "list") {
      const subs = await listDigests(deps, scope);
      if (!subs.length) return reply(w.listEmpty);
      const people = new Map((await deps.store.people.byEmails([...new Set(subs.map((s) => s.createdByEmail))])).map((p) => [p.email, p.name]));
      const lines = await Promise.all(subs.map(async (s) => w.listLine(await scheduleOf(deps, s, locale), w.languages[s.locale], people.get(s.createdByEmail) ?? s.createdByEmail)));
      return reply([w.listTitle, ...lines].join("\n\n"));
    }
    if (args.action === "off") {
      const n = await unsubscribeDigest(deps, scope);
      return reply(n ? w.off(n) : w.offNone);
    }
    assertCan(viewer, "subscribe_digest");
    let ownerEmail: string | undefined;
    const o = args.owner;
    if (o) {
      const found =
        "email" in o
          ? await deps.store.people.byEmail(o.email)
          : "name" in o
            ? ((await deps.store.people.list()).find((p) => p.name.toLowerCase() === o.name.toLowerCase()) ?? null)
            : await deps.store.people.bySlackId(o.slackUserId);
      if (!found) return reply(w.unknownOwner("email" in o ? o.email : "name" in o ? `@${o.name}` : o.slackUserId));
      ownerEmail = found.email;
    }
    const { subscription, created } = await subscribeDigest(deps, { ...scope, time: args.time, cadence: args.cadence, always: args.always, reasonCode: args.reason, ownerEmail });
    const schedule = await scheduleOf(deps, subscription, locale);
    return reply(created ? w.subscribed(schedule) : w.updated(schedule));
  } catch (err) {
    if (err instanceof AccordError && err.is("reason_not_found")) {
      const codes = (await deps.store.reasons.list({ activeOnly: true })).map((r) => `\`${r.code}\``).join(", ");
      return reply(w.unknownReason(args.action === "here" ? (args.reason ?? "") : "", codes));
    }
    if (err instanceof AccordError) return errorText(err, locale);
    throw err;
  }
}
