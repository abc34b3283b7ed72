import { z } from "zod";
import { SNOOZE_CHOICES } from "../domain/followups.ts";

// Typed payloads of card buttons and form metadata: a zod discriminated union, encoded into the
// button value / the form's hidden metadata and parsed back. Anything unknown or malformed parses
// to null and gets a polite answer. Platform-neutral: Slack and Teams carry the same strings.

export const CARD_ACTIONS = ["comment", "reassign", "follow_up", "resolve", "edit", "withdraw", "reopen", "release_holds"] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

const id = z.number().int().positive();

export const actionPayload = z.discriminatedUnion("t", [
  /** a card button: open the form of this action on this dispute, as of this version */
  z.object({ t: z.literal("card"), a: z.enum(CARD_ACTIONS), d: id, v: id }),
  /** open a dispute's card (lists, home) */
  z.object({ t: z.literal("show"), d: id }),
  /** a customer chosen among several matches (`customer <name>`) */
  z.object({ t: z.literal("customer"), c: z.string().min(1).max(100) }),
  /** start a new dispute (home button) */
  z.object({ t: z.literal("new") }),
  /** preview the owner notice of the form being filled */
  z.object({ t: z.literal("preview") }),
  /** a reminder's Snooze: move the follow-up of this dispute (a picked date comes with the date picker's answer) */
  z.object({ t: z.literal("snooze"), d: id, c: z.enum(SNOOZE_CHOICES) }),
  /** Nudge the owner of this dispute at once (controllers, managers, admins; cards, lists, manager home, digest) */
  z.object({ t: z.literal("nudge"), d: id }),
  /** admin section */
  z.object({ t: z.literal("admin"), a: z.enum(["add_reason", "edit_reason", "edit_template"]) }),
  /** App Home sections (issue 11): open the form of « Mes absences » (anyone), of the calendar and the escalation ladder (admins) */
  z.object({ t: z.literal("section"), a: z.enum(["absence", "close_day", "reopen_day", "escalation"]) }),
  /** App Home « Mes absences »: delete this absence of this person */
  z.object({ t: z.literal("absence_remove"), id, p: z.string().min(1).max(254) }),
]);
export type ActionPayload = z.infer<typeof actionPayload>;

export function encodeAction(p: ActionPayload): string {
  return JSON.stringify(actionPayload.parse(p));
}

export function parseAction(value: string | undefined | null): ActionPayload | null {
  if (!value) return null;
  try {
    const r = actionPayload.safeParse(JSON.parse(value));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export const formMeta = z.discriminatedUnion("m", [
  /** new dispute: customer chosen so far, customer-level mode, where to answer */
  z.object({
    m: z.literal("new"),
    c: z.string().max(100).optional(),
    scope: z.enum(["items", "customer"]),
    /** the selected items (ids) whose partial amounts the form shows */
    i: z.array(id).max(20).optional(),
    ch: z.string().max(50).optional(),
    /** the priority and follow-up date the form proposed (the reason's defaults), to tell a person's choice from them */
    p: z.string().max(10).optional(),
    f: z.string().max(10).optional(),
    /** the fields the person chose themselves: a new reason's defaults leave them as they are */
    t: z.array(z.enum(["priority", "follow_up"])).max(2).optional(),
  }),
  /** a card action's form on a dispute as of a version */
  z.object({
    m: z.literal("card"),
    a: z.enum(CARD_ACTIONS),
    d: id,
    v: id,
    /** where the card's button was clicked: the confirmation goes there */
    ch: z.string().max(50).optional(),
    /** the response_url of a click on an ephemeral copy (`/dispute show`): that copy is replaced by the card as it is now */
    ru: z.string().max(500).optional(),
  }),
  z.object({ m: z.literal("reason"), code: z.string().max(40).optional() }),
  z.object({ m: z.literal("template") }),
  /** App Home (issue 11): declare an absence; close or reopen a calendar day; the escalation ladder */
  z.object({ m: z.literal("absence") }),
  z.object({ m: z.literal("calendar"), a: z.enum(["close", "reopen"]) }),
  z.object({ m: z.literal("escalation") }),
  /** read-only views (notice preview, stale dispute) */
  z.object({ m: z.literal("info") }),
]);
export type FormMeta = z.infer<typeof formMeta>;

export function encodeMeta(m: FormMeta): string {
  return JSON.stringify(formMeta.parse(m));
}

export function parseMeta(value: string | undefined | null): FormMeta | null {
  if (!value) return null;
  try {
    const r = formMeta.safeParse(JSON.parse(value));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
