import { LIMITS } from "./limits.ts";
import { z } from "zod";

// Company settings live in the database (admins edit them in App Home and over REST).
// This schema gives every setting its default, so a fresh database works as is.

export const scenarioSchema = z
  .object({
    /** Days relative to the due date when the pre-due notice goes (negative = before); null = no notice. */
    noticeOffsetDays: z.number().int().min(-90).max(0).nullable().default(-5),
    /** Days after the due date when R1..R5 become due (increasing). */
    offsets: z
      .tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number().int()])
      .default([5, 15, 30, 45, 60]),
    /** Minimum calendar days between two reminders of the same item. */
    minGapDays: z.number().int().min(0).max(365).default(7),
  })
  .refine((s) => s.offsets.every((o, i) => i === 0 || o > s.offsets[i - 1]!), {
    message: "offsets must be strictly increasing (R1 < R2 < ... < R5)",
    path: ["offsets"],
  })
  .refine((s) => s.offsets[0] >= 0, { message: "R1 cannot be before the due date", path: ["offsets"] });
export type Scenario = z.infer<typeof scenarioSchema>;

export const workingHoursSchema = z.object({
  start: z.string().regex(/^\d{2}:\d{2}$/).default("09:00"),
  end: z.string().regex(/^\d{2}:\d{2}$/).default("18:00"),
  days: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
});

/** When a dispute's open questions go up the ladder, counted in unanswered reminders (null = never). */
const rungSchema = z.object({
  controllerAfter: z.number().int().min(1).max(50).nullable(),
  managerAfter: z.number().int().min(1).max(50).nullable(),
});
export const DEFAULT_ESCALATION = {
  urgent: { controllerAfter: 1, managerAfter: 2 },
  high: { controllerAfter: 2, managerAfter: 3 },
  normal: { controllerAfter: 2, managerAfter: 4 },
  low: { controllerAfter: 3, managerAfter: null },
  /** An SLA breach tells the controller and the manager at once, whatever the count. */
  slaBreach: true,
};
export const escalationSchema = z.preprocess(
  // Before follow-ups (20261203), `escalation` was a list of { afterDaysOverdue, notify } steps that nothing read:
  // a stored list becomes the default ladder.
  (v) => (Array.isArray(v) ? undefined : v),
  z
    .object({
      urgent: rungSchema.default(DEFAULT_ESCALATION.urgent),
      high: rungSchema.default(DEFAULT_ESCALATION.high),
      normal: rungSchema.default(DEFAULT_ESCALATION.normal),
      low: rungSchema.default(DEFAULT_ESCALATION.low),
      slaBreach: z.boolean().default(true),
    })
    .default(DEFAULT_ESCALATION),
);
export type EscalationLadder = z.infer<typeof escalationSchema>;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** The company's calendar: a country's public holidays (date-holidays), plus days added or removed by admins. */
export const calendarSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/).default("FR"),
  extraHolidays: z.array(isoDay).max(366).default([]),
  removedHolidays: z.array(isoDay).max(366).default([]),
});
export type CompanyCalendar = z.infer<typeof calendarSchema>;

/**
 * Manager view (issue 11): an open dispute whose disputed amount reaches the threshold of its currency is a
 * litigation candidate (major units, e.g. { EUR: 50000 } = 50,000.00 €; a currency not listed has no threshold).
 */
export const DEFAULT_LITIGATION_THRESHOLD: Readonly<Record<string, number>> = { EUR: 50000 };
export const litigationThresholdSchema = z
  .record(z.string().regex(/^[A-Z]{3}$/), z.number().positive().max(1e12))
  .default(() => ({ ...DEFAULT_LITIGATION_THRESHOLD }));

export const DEFAULT_NOTICE_TEMPLATE = {
  fr: "Bonjour, un litige a été ouvert pour #customer_name (#reason).\nPièces : #items_list_selected\nMontant en litige : #total_disputed\nLe client dit : « #comment »\nMerci de revenir vers nous avant le #follow_up_date. #dispute_link",
  en: "Hello, a dispute was opened for #customer_name (#reason).\nItems: #items_list_selected\nDisputed amount: #total_disputed\nThe customer says: “#comment”\nPlease get back to us by #follow_up_date. #dispute_link",
};

export const settingsSchema = z.object({
  timezone: z.string().default("Europe/Paris"),
  /** Customer-level disputes: `flag` = shown with (L) and still dunned; `hold` = all open items held. */
  customerPolicy: z.enum(["flag", "hold"]).default("flag"),
  /** Dunning grouping: per item (one letter per level) or per account statement (one letter, highest level). */
  dunningMode: z.enum(["item", "account"]).default("item"),
  scenario: scenarioSchema.default({ noticeOffsetDays: -5, offsets: [5, 15, 30, 45, 60], minGapDays: 7 }),
  workingHours: workingHoursSchema.default({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }),
  escalation: escalationSchema,
  calendar: calendarSchema.default({ country: "FR", extraHolidays: [], removedHolidays: [] }),
  noticeTemplate: z
    .object({ fr: z.string().min(1).max(LIMITS.template), en: z.string().min(1).max(LIMITS.template) })
    .default(DEFAULT_NOTICE_TEMPLATE),
  litigationThreshold: litigationThresholdSchema,
});
export type Settings = z.infer<typeof settingsSchema>;
export type WorkingHours = Settings["workingHours"];
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
