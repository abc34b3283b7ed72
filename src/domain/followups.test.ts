import { describe, it, expect } from "vitest";
import { inWorkingHours, isWorkingDay, nextWorkingInstant, publicHolidays } from "./calendar.ts";
import { afterOwnerAction, afterReminder, nextFollowUp, reminderDueAt, rulesOf, slaDaysOver, snoozeTarget, unansweredAt, whatIsDue, type FollowUpState } from "./followups.ts";
import { DEFAULT_ESCALATION, DEFAULT_SETTINGS, settingsSchema } from "./settings.ts";

const RULES = rulesOf(DEFAULT_SETTINGS);
const PARIS = "Europe/Paris";
const at = (iso: string) => new Date(iso);

describe("company calendar (French public holidays by default)", () => {
  it("knows the eleven French public holidays of 2026, moving feasts included", () => {
    expect([...publicHolidays("FR", 2026)].sort()).toEqual([
      "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
      "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
    ]);
  });

  it.each([
    ["2026-12-03", true, "a Thursday"],
    ["2026-12-05", false, "a Saturday"],
    ["2026-12-06", false, "a Sunday"],
    ["2026-12-25", false, "Christmas"],
    ["2026-04-06", false, "Easter Monday"],
    ["2026-05-14", false, "Ascension"],
    ["2026-05-25", false, "Whit Monday"],
  ])("%s is a working day: %s (%s)", (day, working) => {
    expect(isWorkingDay(day, RULES)).toBe(working);
  });

  it("admins add and remove days", () => {
    const s = settingsSchema.parse({ calendar: { extraHolidays: ["2026-12-24"], removedHolidays: ["2026-05-25"] } });
    expect(isWorkingDay("2026-12-24", rulesOf(s))).toBe(false);
    expect(isWorkingDay("2026-05-25", rulesOf(s))).toBe(true);
  });
});

describe("working hours in the person's time zone", () => {
  it.each([
    // instant, zone, in working hours, next working instant
    ["2026-12-03T08:00:00Z", PARIS, true, "2026-12-03T08:00:00.000Z"], // 09:00 Paris (winter, UTC+1)
    ["2026-12-03T07:59:00Z", PARIS, false, "2026-12-03T08:00:00.000Z"], // 08:59: waits a minute
    ["2026-12-03T17:00:00Z", PARIS, false, "2026-12-04T08:00:00.000Z"], // 18:00: the next morning
    ["2026-12-04T22:00:00Z", PARIS, false, "2026-12-07T08:00:00.000Z"], // Friday night: Monday morning
    ["2026-12-24T18:00:00Z", PARIS, false, "2026-12-28T08:00:00.000Z"], // Christmas Eve night: past Christmas and the weekend
    ["2026-12-03T14:00:00Z", "America/New_York", true, "2026-12-03T14:00:00.000Z"], // 09:00 in New York
    ["2026-12-03T08:00:00Z", "America/New_York", false, "2026-12-03T14:00:00.000Z"], // 03:00 in New York
  ])("%s in %s: working %s, next %s", (instant, tz, working, next) => {
    expect(inWorkingHours(at(instant), tz, RULES)).toBe(working);
    expect(nextWorkingInstant(at(instant), tz, RULES).toISOString()).toBe(next);
  });

  it("09:00 stays 09:00 across the daylight-saving change (Paris, 29 March 2026)", () => {
    expect(reminderDueAt("2026-03-27", PARIS, RULES).toISOString()).toBe("2026-03-27T08:00:00.000Z"); // UTC+1
    expect(reminderDueAt("2026-03-28", PARIS, RULES).toISOString()).toBe("2026-03-30T07:00:00.000Z"); // Saturday -> Monday, UTC+2
    expect(reminderDueAt("2026-10-26", PARIS, RULES).toISOString()).toBe("2026-10-26T08:00:00.000Z"); // back to UTC+1
  });
});

describe("reminder due instant, next follow-up, snooze targets", () => {
  it.each([
    ["2026-12-03", "2026-12-03T08:00:00.000Z"], // a Thursday: 09:00
    ["2026-12-05", "2026-12-07T08:00:00.000Z"], // a Saturday: Monday 09:00
    ["2026-12-25", "2026-12-28T08:00:00.000Z"], // Christmas (Friday): Monday 28
    ["2026-05-13", "2026-05-13T07:00:00.000Z"], // the eve of Ascension, summer time
  ])("a follow-up on %s is reminded at %s", (day, due) => {
    expect(reminderDueAt(day, PARIS, RULES).toISOString()).toBe(due);
  });

  it.each([
    ["2026-12-03", 7, "2026-12-10"],
    ["2026-12-03", 2, "2026-12-07"], // Saturday 5 -> Monday 7
    ["2026-12-18", 7, "2026-12-28"], // Friday 25 (Christmas) -> Monday 28
    ["2026-12-03", 0, "2026-12-04"], // at least one day later
  ])("unanswered on %s, %d follow-up days: next follow-up %s", (day, days, next) => {
    expect(nextFollowUp(day, days, RULES)).toBe(next);
  });

  it.each([
    ["tomorrow", "2026-12-03", "2026-12-04"],
    ["tomorrow", "2026-12-04", "2026-12-07"], // Friday: Monday
    ["in3days", "2026-12-03", "2026-12-07"], // Sunday 6 -> Monday 7
    ["in3days", "2026-12-01", "2026-12-04"],
    ["nextMonday", "2026-12-03", "2026-12-07"],
    ["nextMonday", "2026-12-07", "2026-12-14"], // on a Monday: the one after
    ["nextMonday", "2026-04-01", "2026-04-07"], // Easter Monday 6 April: Tuesday
  ] as const)("snooze %s from %s: %s", (choice, today, target) => {
    expect(snoozeTarget(choice, today, RULES)).toBe(target);
  });

  it("a picked date is kept as picked", () => {
    expect(snoozeTarget("date", "2026-12-03", RULES, "2026-12-19")).toBe("2026-12-19");
  });
});

const state = (p: Partial<FollowUpState> = {}): FollowUpState => ({
  disputeId: 1, priority: "normal", followUpOn: "2026-12-03", slaDueOn: null, ownerTz: PARIS,
  firstMissedOn: null, unanswered: 0, lastReminderAt: null, ...p,
});
const due = (now: string, states: FollowUpState[], rules = RULES) =>
  whatIsDue(at(now), states, rules).map((n) => `${n.disputeId}:${n.kind}@${n.dueAt.toISOString()}`);

describe("whatIsDue", () => {
  it.each([
    ["2026-12-03T07:00:00Z", []], // 08:00 Paris: before working hours
    ["2026-12-03T08:00:00Z", ["1:reminder@2026-12-03T08:00:00.000Z"]],
    ["2026-12-03T16:59:00Z", ["1:reminder@2026-12-03T08:00:00.000Z"]], // later the same day: the same key
    ["2026-12-03T20:00:00Z", []], // at night it waits...
    ["2026-12-04T08:00:00Z", ["1:reminder@2026-12-03T08:00:00.000Z"]], // ...for the morning, same key
  ] as const)("at %s: %j", (now, expected) => {
    expect(due(now, [state()])).toEqual(expected);
  });

  it("a follow-up in the future, or none, is not due", () => {
    expect(due("2026-12-03T10:00:00Z", [state({ followUpOn: "2026-12-04" }), state({ disputeId: 2, followUpOn: null })])).toEqual([]);
  });

  it("an owner in New York is reminded at 09:00 their time, not Paris's", () => {
    const ny = state({ ownerTz: "America/New_York" });
    expect(due("2026-12-03T08:00:00Z", [ny])).toEqual([]);
    expect(due("2026-12-03T14:00:00Z", [ny])).toEqual(["1:reminder@2026-12-03T14:00:00.000Z"]);
  });

  it.each([
    // priority, unanswered, escalations (default ladder)
    ["urgent", 1, ["escalation.controller"]],
    ["urgent", 2, ["escalation.controller", "escalation.manager"]],
    ["high", 1, []],
    ["high", 2, ["escalation.controller"]],
    ["high", 3, ["escalation.controller", "escalation.manager"]],
    ["normal", 2, ["escalation.controller"]],
    ["normal", 3, ["escalation.controller"]],
    ["normal", 4, ["escalation.controller", "escalation.manager"]],
    ["low", 3, ["escalation.controller"]],
    ["low", 9, ["escalation.controller"]], // never the manager
  ] as const)("%s with %d unanswered: %j", (priority, unanswered, kinds) => {
    const s = state({ priority, unanswered, firstMissedOn: "2026-12-03", followUpOn: "2026-12-10" });
    const notices = whatIsDue(at("2026-12-08T09:00:00Z"), [s], RULES);
    expect(notices.map((n) => n.kind)).toEqual(kinds);
    // keyed on the episode: its first missed follow-up's due instant
    for (const n of notices) expect(n.dueAt.toISOString()).toBe("2026-12-03T08:00:00.000Z");
  });

  it("the last reminder counts as unanswered only once the follow-up date it moved to is reached", () => {
    // urgent (controller after 1): reminded on 3 Dec, follow-up moved to 10 Dec
    const s = state({ priority: "urgent", unanswered: 1, firstMissedOn: "2026-12-03", followUpOn: "2026-12-10", lastReminderAt: at("2026-12-03T08:00:00Z") });
    expect(due("2026-12-03T08:00:30Z", [s])).toEqual([]);
    expect(due("2026-12-09T16:00:00Z", [s])).toEqual([]);
    expect(unansweredAt(s, at("2026-12-09T16:00:00Z"), RULES)).toBe(0);
    expect(due("2026-12-10T08:00:00Z", [s])).toEqual(["1:reminder@2026-12-10T08:00:00.000Z", "1:escalation.controller@2026-12-03T08:00:00.000Z"]);
    expect(unansweredAt(s, at("2026-12-10T08:00:00Z"), RULES)).toBe(1);
  });

  it("an SLA breach is due the working morning after the SLA date, whatever the count", () => {
    const s = state({ followUpOn: null, slaDueOn: "2026-12-04" }); // Friday
    expect(due("2026-12-04T16:00:00Z", [s])).toEqual([]);
    expect(due("2026-12-07T08:00:00Z", [s])).toEqual(["1:sla_breach@2026-12-07T08:00:00.000Z"]);
    const off = rulesOf(settingsSchema.parse({ escalation: { ...DEFAULT_ESCALATION, slaBreach: false } }));
    expect(due("2026-12-07T08:00:00Z", [s], off)).toEqual([]);
    expect(slaDaysOver("2026-12-04", "2026-12-08")).toBe(4);
  });

  it("reminders first, then escalations, then breaches, across disputes", () => {
    const s1 = state({ disputeId: 1, slaDueOn: "2026-12-01" });
    const s2 = state({ disputeId: 2, priority: "urgent", unanswered: 1, firstMissedOn: "2026-12-01", followUpOn: "2026-12-09" });
    expect(due("2026-12-03T09:00:00Z", [s1, s2]).map((k) => k.split("@")[0])).toEqual(["1:reminder", "2:escalation.controller", "1:sla_breach"]);
  });
});

describe("after a reminder, after the owner acts", () => {
  it("an unanswered reminder moves the follow-up on and keeps the first missed date", () => {
    const s1 = afterReminder(state(), at("2026-12-03T08:00:30Z"), 7, RULES);
    expect(s1).toMatchObject({ firstMissedOn: "2026-12-03", unanswered: 1, followUpOn: "2026-12-10" });
    const s2 = afterReminder(s1, at("2026-12-10T08:00:30Z"), 7, RULES);
    expect(s2).toMatchObject({ firstMissedOn: "2026-12-03", unanswered: 2, followUpOn: "2026-12-17" });
    // the reminder of the moved date is a new key; the next tick of the same day finds nothing more
    expect(due("2026-12-10T09:00:00Z", [s2]).filter((k) => k.includes("reminder"))).toEqual([]);
    const reset = afterOwnerAction(s2, "2026-12-20");
    expect(reset).toMatchObject({ firstMissedOn: null, unanswered: 0, followUpOn: "2026-12-20" });
    expect(due("2026-12-10T09:00:00Z", [reset])).toEqual([]);
  });
});

describe("escalation setting", () => {
  it("defaults to the ladder per priority", () => {
    expect(DEFAULT_SETTINGS.escalation).toEqual(DEFAULT_ESCALATION);
  });

  it("a stored list of the old shape becomes the default ladder", () => {
    const s = settingsSchema.parse({ escalation: [{ afterDaysOverdue: 0, notify: "owner" }, { afterDaysOverdue: 3, notify: "manager" }] });
    expect(s.escalation).toEqual(DEFAULT_ESCALATION);
  });

  it("a partial ladder keeps the other priorities' defaults; a rung of 0 is refused", () => {
    const s = settingsSchema.parse({ escalation: { urgent: { controllerAfter: 1, managerAfter: 1 } } });
    expect(s.escalation.urgent).toEqual({ controllerAfter: 1, managerAfter: 1 });
    expect(s.escalation.low).toEqual(DEFAULT_ESCALATION.low);
    expect(settingsSchema.safeParse({ escalation: { high: { controllerAfter: 0, managerAfter: 3 } } }).success).toBe(false);
  });
});
