import { z } from "zod";
import { OUTBOX_CHANNELS } from "../app/ports.ts";
import { isPageCursor } from "../app/listDisputes.ts";
import { readPreviewCursor } from "../app/dunning.ts";
import { isIsoDate } from "../domain/dates.ts";
import { LIMITS, REASON_DAYS } from "../domain/limits.ts";
import { LOCALES, OUTCOMES, PRIORITIES, DISPUTE_STATUSES, SCOPES } from "../domain/types.ts";

// Request schemas of the REST API. The same objects parse requests and generate /api/v1/openapi.json.

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine(isIsoDate, "not a calendar date")
  .meta({ format: "date" });
export const decimal = z.string().regex(/^-?\d{1,15}(\.\d{1,3})?$/, 'expected a decimal string such as "1234.56"');
const email = z.email().max(LIMITS.email).transform((s) => s.toLowerCase());
/** Reads on behalf of a person: the same visibility as in chat (sales reps: their customers' and their own disputes). */
const viewerEmail = email.optional().meta({ description: "the person reading: sales reps see their customers' and their own disputes (required for a token with only the disputes scope)" });
const version = z.number().int().positive().optional().meta({ description: "the version you last read; stale -> 409" });

export const openDisputeBody = z
  .object({
    customerRef: z.string().min(1).max(LIMITS.ref),
    scope: z.enum(SCOPES).optional().meta({ description: '"customer" flags the whole customer (no items); "items" (the default when items are given) disputes items' }),
    items: z
      .array(z.object({ ref: z.string().min(1).max(LIMITS.ref), amount: decimal.optional().meta({ description: "disputed part; default: the undisputed remainder" }) }))
      .min(1, 'select at least one item (scope "customer" flags the whole customer)')
      .max(500)
      .optional()
      .meta({ description: 'items of the customer\'s statement (at least one); leave out with scope "customer" to flag the whole customer' }),
    reasonCode: z.string().min(1).max(LIMITS.reasonCode),
    statement: z.string().min(1, "the customer's own words are required").max(LIMITS.statement),
    ownerEmail: email.optional(),
    openedByEmail: email,
    followUpOn: isoDate.optional(),
    priority: z.enum(PRIORITIES).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.scope === "customer" && b.items) ctx.addIssue({ code: "custom", path: ["items"], message: 'a customer-level dispute (scope "customer") has no items' });
    if (b.scope !== "customer" && !b.items) ctx.addIssue({ code: "custom", path: ["items"], message: 'give the disputed items, or scope "customer" to flag the whole customer' });
  });

export const editDisputeBody = z
  .object({
    byEmail: email,
    version,
    reasonCode: z.string().min(1).max(LIMITS.reasonCode).optional(),
    priority: z.enum(PRIORITIES).optional(),
    statement: z.string().min(1).max(LIMITS.statement).optional(),
    items: z.array(z.object({ ref: z.string().min(1).max(LIMITS.ref), amount: decimal.optional() })).min(1).max(500).optional(),
    note: z.string().max(LIMITS.note).optional(),
  })
  .strict();

export const commentBody = z.object({ byEmail: email, text: z.string().min(1).max(LIMITS.note), version }).strict();
export const reassignBody = z.object({ byEmail: email, toEmail: email, note: z.string().max(LIMITS.note).optional(), version }).strict();
export const followUpBody = z.object({ byEmail: email, on: isoDate, note: z.string().max(LIMITS.note).optional(), version }).strict();
/** Nudge (issue 11): who nudges */
export const nudgeBody = z.object({ byEmail: email }).strict();
export const noteBody = z.object({ byEmail: email, note: z.string().min(1, "say why").max(LIMITS.note), version }).strict();
export const resolveBody = z
  .object({
    byEmail: email,
    outcome: z.enum(OUTCOMES),
    note: z.string().min(1, "say how it was resolved").max(LIMITS.note),
    creditNoteRef: z.string().min(1).max(LIMITS.ref).optional(),
    concededAmount: decimal.optional(),
    rootCause: z.string().max(LIMITS.rootCause).optional(),
    version,
  })
  .strict();

export const listDisputesQuery = z.object({
  status: z.enum(DISPUTE_STATUSES).optional(),
  reason: z.string().max(LIMITS.reasonCode).optional(),
  owner: z.string().max(LIMITS.email).optional(),
  customer: z.string().max(LIMITS.ref).optional(),
  overdue: z.enum(["true", "false"]).optional(),
  viewerEmail,
  /** page size, 1..500 (default 100); exports ignore it and hold every match */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** `next` of the previous page */
  cursor: z.string().max(200).refine(isPageCursor, "not a cursor this API gave: pass the `next` of the previous page as it came").optional(),
});
/** exports: the list's filters and the file's language (default: the viewer's, else English) */
export const exportQuery = listDisputesQuery.extend({ locale: z.enum(LOCALES).optional() });
export const viewerQuery = z.object({ viewerEmail });

const reasonFields = {
  labelFr: z.string().min(1).max(LIMITS.reasonLabel),
  labelEn: z.string().min(1).max(LIMITS.reasonLabel),
  active: z.boolean(),
  sortOrder: z.number().int(),
  // the range is the use case's (REASON_DAYS, one rule for every adapter), documented here
  followUpDays: z.number().int().meta({ minimum: REASON_DAYS.followUpDays.min, maximum: REASON_DAYS.followUpDays.max }),
  slaDays: z.number().int().meta({ minimum: REASON_DAYS.slaDays.min, maximum: REASON_DAYS.slaDays.max }),
  priority: z.enum(PRIORITIES),
  holdsDunning: z.boolean(),
};
const optionalReasonFields = {
  labelFr: reasonFields.labelFr.optional(),
  labelEn: reasonFields.labelEn.optional(),
  active: reasonFields.active.optional(),
  sortOrder: reasonFields.sortOrder.optional(),
  followUpDays: reasonFields.followUpDays.optional(),
  slaDays: reasonFields.slaDays.optional(),
  priority: reasonFields.priority.optional(),
  holdsDunning: reasonFields.holdsDunning.optional(),
};
export const createReasonBody = z
  .object({ byEmail: email, code: z.string().min(2).max(LIMITS.reasonCode), ...optionalReasonFields, labelFr: reasonFields.labelFr, labelEn: reasonFields.labelEn })
  .strict();
export const patchReasonBody = z.object({ byEmail: email, ...optionalReasonFields }).strict();
export const patchSettingsBody = z.object({ byEmail: email }).catchall(z.unknown());
/** A person's own preferences (issue 11): `byEmail` is the person whose preference changes. */
export const patchPreferencesBody = z
  .object({
    byEmail: email,
    notifyOpenerUpdates: z.boolean().optional(),
    // issue 13: where their notices go when Slack and Teams are both on (null: where they last used Accord)
    chatPlatform: z.enum(["slack", "teams"]).nullable().optional(),
  })
  .strict()
  .refine((b) => b.notifyOpenerUpdates !== undefined || b.chatPlatform !== undefined, { message: "give notifyOpenerUpdates, chatPlatform or both", path: ["notifyOpenerUpdates"] });

export const previewQuery = z.object({
  on: isoDate.optional(),
  mode: z.enum(["item", "account"]).optional(),
  /** one customer's preview (no further page) */
  customer: z.string().max(LIMITS.ref).optional(),
  /** customers per page, 1..500 (default 100): the customers with open items, by id */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** `next` of the previous page */
  cursor: z.string().max(200).refine((c) => readPreviewCursor(c) !== null, "not a cursor this API gave: pass the `next` of the previous page as it came").optional(),
});
export const runBody = z
  .object({
    on: isoDate.optional().meta({ description: "the run's date (default today): within the last year, not after today; it becomes the items' last-reminder date" }),
    mode: z.enum(["item", "account"]).optional(),
    customerRefs: z.array(z.string().min(1).max(LIMITS.ref)).max(10_000).optional(),
    byEmail: email.meta({ description: "the controller or admin executing the run (recorded with it)" }),
  })
  .strict();
export const agedBalanceQuery = z.object({ on: isoDate.optional() });

export const peopleBody = z.array(z.record(z.string(), z.unknown())).min(1).max(100_000);
export const outboxQuery = z.object({ status: z.enum(["pending", "delivered", "failed", "dead"]).optional(), channel: z.enum(OUTBOX_CHANNELS).optional() });

// absences and deputies (issue 11)
export const absenceBody = z
  .object({
    byEmail: email.meta({ description: "who sets it: the person themself, their manager or an admin" }),
    fromOn: isoDate.meta({ description: "first day away (inclusive)" }),
    untilOn: isoDate.meta({ description: "last day away (inclusive), on or after fromOn" }),
    deputyEmail: email.nullable().optional().meta({ description: "the deputy (« suppléant ») who gets the reminders meanwhile: a known person, not the absent one" }),
  })
  .strict();
export const absenceDeleteQuery = z.object({ byEmail: email.optional() });

// channels' digests (issue 11), in Slack or (issue 13) in a Teams channel
const SLACK_CHANNEL = /^[A-Za-z0-9_-]{1,50}$/;
const digestChannel = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_:@.=-]+$/)
  .meta({ description: "the chat channel id (Slack: C…, G… or D…; Teams: the channel's conversation id, 19:…@thread.tacv2)" });
const digestPlatform = z.enum(["slack", "teams"]).optional().meta({ description: "slack (default) or teams" });
/** A Slack channel id is Slack's shape; a Teams conversation id may hold `:`, `@` and `.`. */
const slackShaped = (v: { platform?: "slack" | "teams" | undefined; channelId?: string | undefined }, ctx: z.RefinementCtx) => {
  if ((v.platform ?? "slack") === "slack" && v.channelId !== undefined && !SLACK_CHANNEL.test(v.channelId))
    ctx.addIssue({ code: "custom", path: ["channelId"], message: "a Slack channel id (C…, G… or D…)" });
};
export const digestBody = z
  .object({
    byEmail: email.meta({ description: "who subscribes it: a controller, manager or admin" }),
    platform: digestPlatform,
    channelId: digestChannel,
    time: z.string().max(10).optional().meta({ description: "HH:MM in the company's time zone (default 09:00)" }),
    cadence: z.enum(["daily", "weekly"]).optional().meta({ description: "daily: every working day (default); weekly: the week's first working day" }),
    always: z.boolean().optional().meta({ description: "posted even when nothing is new and nothing is to act on" }),
    reasonCode: z.string().min(1).max(50).optional(),
    ownerEmail: email.optional(),
    locale: z.enum(LOCALES).optional().meta({ description: "the digest's language (default: byEmail's)" }),
  })
  .strict()
  .superRefine(slackShaped);
export const digestQuery = z.object({ platform: digestPlatform, channelId: digestChannel.optional() }).superRefine(slackShaped);
export const digestDeleteQuery = z.object({ byEmail: email, platform: digestPlatform, channelId: digestChannel }).superRefine(slackShaped);
