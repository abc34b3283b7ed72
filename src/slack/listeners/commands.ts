import { unreachableOwners } from "../../app/teamsReach.ts";
import type { App } from "@slack/bolt";
import { findCustomer } from "../../app/findCustomer.ts";
import { getDispute } from "../../app/getDispute.ts";
import { listChatDisputes } from "../../app/listChatDisputes.ts";
import { lookupCustomerFlag } from "../../app/lookupCustomerFlag.ts";
import { exportFormat } from "../../app/reports.ts";
import { AccordError } from "../../domain/errors.ts";
import { LIMITS } from "../../domain/limits.ts";
import { toWellFormed } from "../../domain/text.ts";
import type { Person } from "../../domain/types.ts";
import { disputesCsv, disputesXlsx } from "../../views/export.ts";
import { helpText } from "../../views/help.ts";
import { bilingual, t } from "../../views/i18n.ts";
import { buildCustomerChoice, buildDisputeList } from "../../views/lists.ts";
import { ACTION_IDS, listMessage, mrkdwnMessage, SHORTCUT_ID, textMessage, type SlackMessage } from "../blocks.ts";
import { parseCommand, type ListFilters } from "../commandText.ts";
import { flush, type AnyBody, type Kit, type Respond } from "../listen.ts";
import { digestCommand } from "./digest.ts";
import { peopleIndex, today } from "../render.ts";

// `/dispute …` and the message shortcut. One small function per sub-command.

const MAX_LIST = 20;

type Command = ReturnType<typeof parseCommand>;

interface Call<K extends Command["kind"]> {
  body: AnyBody;
  userId: string;
  viewer: Person;
  cmd: Extract<Command, { kind: K }>;
  respond: Respond;
  say: (msg: SlackMessage) => Promise<unknown>;
}
type SubCommands = { [K in Exclude<Command["kind"], "help" | "unknown">]: (c: Call<K>) => Promise<unknown> };

export function registerCommands(app: App, k: Kit): void {
  const { deps, gateway } = k;

  /** The list's filters, the owner mentioned as a Slack user read as the Accord person's email. */
  async function listInput(f: ListFilters, viewer: Person) {
    const o = f.owner;
    const ownerEmail = !o || "name" in o ? undefined : "email" in o ? o.email : ((await gateway.personOf(o.slackUserId))?.email ?? `unknown:${o.slackUserId}`);
    return listChatDisputes(deps, { viewerEmail: viewer.email, scope: f.scope, status: f.status, reasonCode: f.reason, ownerEmail, ownerName: o && "name" in o ? o.name : undefined });
  }

  /** `customer <ref or name>`: the flag's card, a choice among several customers, or the form to flag it. */
  async function customerFlow(body: AnyBody, userId: string, viewer: Person, query: string, respond?: Respond): Promise<void> {
    const found = await lookupCustomerFlag(deps, { query, viewerEmail: viewer.email });
    if (found.kind === "none") return k.tell(body, userId, textMessage(t(viewer.locale).reply.customerNotFound(query)), respond);
    if (found.kind === "ambiguous") return k.tell(body, userId, listMessage(buildCustomerChoice(found.candidates, viewer.locale), ACTION_IDS.customerPick), respond);
    if (found.flag) return k.showCard(body, userId, viewer, found.flag, respond);
    await k.openNewForm(body, userId, viewer, { customer: found.customer, scope: "customer", channel: body.channel_id ?? body.channel?.id });
  }

  const sub: SubCommands = {
    bad_filter: ({ cmd, viewer, say }) => say(mrkdwnMessage(`${cmd.token}?\n\n${helpText(viewer, t(viewer.locale))}`)),
    new: async ({ body, userId, viewer, cmd }) => {
      const match = cmd.customer ? await findCustomer(deps, { query: cmd.customer, viewerEmail: viewer.email }) : null;
      await k.openNewForm(body, userId, viewer, { customer: match?.kind === "found" ? match.customer : null, scope: "items", channel: body.channel_id });
    },
    customer: ({ body, userId, viewer, cmd, respond }) => customerFlow(body, userId, viewer, cmd.query, respond),
    show: async ({ body, userId, viewer, cmd, respond, say }) => {
      const x = await getDispute(deps, { dispute: cmd.number, viewerEmail: viewer.email }).catch((err: unknown) => {
        if (err instanceof AccordError && err.code === "not_found") return null;
        throw err;
      });
      return x ? k.showCard(body, userId, viewer, x, respond) : say(textMessage(t(viewer.locale).reply.notFound(cmd.number)));
    },
    list: async ({ viewer, cmd, say }) => {
      const found = await listInput(cmd.filters, viewer);
      const people = await peopleIndex(deps, found.slice(0, MAX_LIST).flatMap((d) => [d.dispute.ownerEmail, d.dispute.openedByEmail]));
      const unreachable = new Set((await unreachableOwners(deps, viewer.email, { disputes: found.slice(0, MAX_LIST) })).map((u) => u.email));
      return say(listMessage(buildDisputeList(found, viewer, viewer.locale, { today: await today(deps), max: MAX_LIST, people: people.refs, unreachable })));
    },
    digest: ({ body, viewer, cmd, say }) => digestCommand(k, { body, viewer, args: cmd.args, say }),
    export: async ({ userId, viewer, cmd, say }) => {
      const m = t(viewer.locale);
      const found = await listInput(cmd.filters, viewer);
      if (!found.length) return say(textMessage(m.reply.exportEmpty));
      const now = deps.clock();
      // in the viewer's language, dated in the company's time zone: the file GET /api/v1/disputes/export.* gives them
      const format = { now, ...(await exportFormat(deps, { locale: viewer.locale })) };
      const file = cmd.filters.format === "xlsx" ? await disputesXlsx(found, format) : Buffer.from(disputesCsv(found, format), "utf8");
      const filename = `disputes-${now.toISOString().slice(0, 10)}.${cmd.filters.format}`;
      await gateway.client.filesUploadV2({ channel_id: await gateway.dmChannel(userId), file, filename, title: filename, initial_comment: m.reply.exportReady(found.length) });
      return say(textMessage(m.reply.exportReady(found.length)));
    },
  };

  app.command("/dispute", async ({ ack, body, respond }) => {
    await ack();
    await flush();
    const say = (msg: SlackMessage) => respond({ response_type: "ephemeral", ...msg });
    let viewer: Person | null = null;
    try {
      viewer = await gateway.personOf(body.user_id);
      const cmd = parseCommand(toWellFormed(String(body.text ?? "")));
      if (cmd.kind === "help" || cmd.kind === "unknown") return void (await say(mrkdwnMessage(viewer ? helpText(viewer, t(viewer.locale)) : bilingual((x) => helpText(null, x)))));
      if (!viewer) return void (await say(mrkdwnMessage(bilingual((x) => x.reply.notKnown))));
      const run = sub[cmd.kind] as (c: Call<typeof cmd.kind>) => Promise<unknown>;
      await run({ body, userId: body.user_id, viewer, cmd, respond, say });
    } catch (err) {
      const text = err instanceof AccordError && viewer ? k.words(err, viewer.locale, "command") : k.unexpected(err, viewer?.locale ?? null, "command");
      await say(textMessage(text)).catch(() => undefined);
    }
  });

  // a dispute from a message: the same form, the message as the customer's words (answered in the channel)
  const fromMessage = k.onAction({ where: "shortcut" }, ({ body, userId, viewer }) =>
    k.openNewForm(body, userId, viewer, { customer: null, scope: "items", statement: toWellFormed(String(body.message?.text ?? "").slice(0, LIMITS.statement)), channel: body.channel?.id }),
  );
  app.shortcut(SHORTCUT_ID, ({ ack, body }) => fromMessage({ ack, body }));

  app.action(ACTION_IDS.customerPick, k.onAction({ expects: "customer", where: "customer.pick" }, ({ body, userId, viewer, p, respond }) => customerFlow(body, userId, viewer, p.c, respond)));
}
