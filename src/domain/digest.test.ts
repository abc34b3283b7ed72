import { describe, expect, it } from "vitest";
import { digestDueAt, isDigestDay, latestSlot, parseDigestTime, slotOn, worthPosting, type DigestTiming } from "./digest.ts";
import type { CalendarRules } from "./calendar.ts";

const FR: CalendarRules = { calendar: { country: "FR", extraHolidays: [], removedHolidays: [] }, workingHours: { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] } };
const EVERY_DAY: CalendarRules = { ...FR, workingHours: { ...FR.workingHours, days: [1, 2, 3, 4, 5, 6, 7] } };
const at = (iso: string) => new Date(iso);

describe("digest time", () => {
  it.each([
    ["09:00", "09:00"],
    ["9:05", "09:05"],
    ["08h30", "08:30"],
    ["23:59", "23:59"],
    ["24:00", null],
    ["12:60", null],
    ["9", null],
    ["midi", null],
    ["", null],
  ])("%s reads as %s", (text, want) => {
    expect(parseDigestTime(text)).toBe(want);
  });
});

describe("digest days", () => {
  it.each([
    // daily: working days only
    ["2026-12-03", "daily", FR, true], // Thursday
    ["2026-12-05", "daily", FR, false], // Saturday
    ["2026-12-06", "daily", FR, false], // Sunday
    ["2026-12-25", "daily", FR, false], // Christmas, a Friday
    ["2026-12-05", "daily", EVERY_DAY, true], // a company that works on Saturdays
    // weekly: the first working day of the ISO week
    ["2026-12-07", "weekly", FR, true], // Monday
    ["2026-12-08", "weekly", FR, false],
    ["2026-04-06", "weekly", FR, false], // Easter Monday
    ["2026-04-07", "weekly", FR, true], // so the Tuesday
    ["2026-04-08", "weekly", FR, false],
  ] as const)("%s %s → %s", (day, cadence, rules, want) => {
    expect(isDigestDay(day, cadence, rules)).toBe(want);
  });
});

describe("when a digest is due", () => {
  const daily = (over: Partial<DigestTiming> = {}): DigestTiming => ({ time: "09:00", cadence: "daily", createdAt: at("2026-12-01T12:00:00Z"), coveredUntil: null, ...over });
  it.each([
    // Paris in winter is UTC+1: 09:00 there is 08:00Z
    ["before the time: nothing yet today, yesterday's slot", daily({ coveredUntil: at("2026-12-02T08:00:00Z") }), "2026-12-03T07:59:59Z", "Europe/Paris", null],
    ["at the time", daily({ coveredUntil: at("2026-12-02T08:00:00Z") }), "2026-12-03T08:00:00Z", "Europe/Paris", "2026-12-03T08:00:00.000Z"],
    ["later the same day, not covered yet (a late tick)", daily({ coveredUntil: at("2026-12-02T08:00:00Z") }), "2026-12-03T15:00:00Z", "Europe/Paris", "2026-12-03T08:00:00.000Z"],
    ["covered already: not again", daily({ coveredUntil: at("2026-12-03T08:00:00Z") }), "2026-12-03T08:00:30Z", "Europe/Paris", null],
    ["a new subscription: its first slot after it was made", daily({ createdAt: at("2026-12-03T10:00:00Z") }), "2026-12-03T10:00:30Z", "Europe/Paris", null],
    ["a new subscription made before today's time", daily({ createdAt: at("2026-12-03T07:00:00Z") }), "2026-12-03T08:00:00Z", "Europe/Paris", "2026-12-03T08:00:00.000Z"],
    ["Saturday: no digest (Friday's was covered)", daily({ coveredUntil: at("2026-12-04T08:00:00Z") }), "2026-12-05T09:00:00Z", "Europe/Paris", null],
    ["Monday's covers the weekend", daily({ coveredUntil: at("2026-12-04T08:00:00Z") }), "2026-12-07T08:00:00Z", "Europe/Paris", "2026-12-07T08:00:00.000Z"],
    ["down for days: one digest, the latest slot", daily({ coveredUntil: at("2026-11-30T08:00:00Z") }), "2026-12-03T08:30:00Z", "Europe/Paris", "2026-12-03T08:00:00.000Z"],
    ["in the company's time zone: 09:00 in New York is 14:00Z in winter", daily(), "2026-12-03T14:00:00Z", "America/New_York", "2026-12-03T14:00:00.000Z"],
    ["New York, before its 09:00", daily({ coveredUntil: at("2026-12-02T14:00:00Z") }), "2026-12-03T13:59:00Z", "America/New_York", null],
    ["Tokyo's Friday 09:00 is Thursday 24:00Z", daily({ coveredUntil: at("2026-12-03T00:00:00Z") }), "2026-12-04T00:00:00Z", "Asia/Tokyo", "2026-12-04T00:00:00.000Z"],
    ["a weekly digest on Monday", daily({ cadence: "weekly", coveredUntil: at("2026-11-30T08:00:00Z") }), "2026-12-07T08:00:00Z", "Europe/Paris", "2026-12-07T08:00:00.000Z"],
    ["a weekly digest is not due on Thursday (Monday's covered)", daily({ cadence: "weekly", coveredUntil: at("2026-11-30T08:00:00Z") }), "2026-12-03T08:00:00Z", "Europe/Paris", null],
    ["a weekly digest after Easter Monday: Tuesday, at 09:00 summer time (07:00Z)", daily({ cadence: "weekly", createdAt: at("2026-03-01T00:00:00Z"), coveredUntil: at("2026-03-30T07:00:00Z") }), "2026-04-07T07:00:00Z", "Europe/Paris", "2026-04-07T07:00:00.000Z"],
  ] as const)("%s", (_what, s, now, tz, want) => {
    expect(digestDueAt(s, at(now), tz, FR)?.toISOString() ?? null).toBe(want);
  });

  it("across the spring daylight-saving change: 09:00 Paris is 08:00Z on Friday, 07:00Z on Monday", () => {
    const s = daily({ createdAt: at("2026-03-01T00:00:00Z"), coveredUntil: at("2026-03-26T08:00:00Z") });
    expect(digestDueAt(s, at("2026-03-27T08:00:00Z"), "Europe/Paris", FR)?.toISOString()).toBe("2026-03-27T08:00:00.000Z");
    const friday = { ...s, coveredUntil: at("2026-03-27T08:00:00Z") };
    expect(digestDueAt(friday, at("2026-03-30T06:59:59Z"), "Europe/Paris", FR)).toBeNull();
    expect(digestDueAt(friday, at("2026-03-30T07:00:00Z"), "Europe/Paris", FR)?.toISOString()).toBe("2026-03-30T07:00:00.000Z");
  });

  it("across the autumn change, and a local time the spring change skips (02:30 reads as 03:30)", () => {
    expect(slotOn("2026-10-23", "Europe/Paris", "09:00").toISOString()).toBe("2026-10-23T07:00:00.000Z");
    expect(slotOn("2026-10-26", "Europe/Paris", "09:00").toISOString()).toBe("2026-10-26T08:00:00.000Z");
    expect(slotOn("2026-03-29", "Europe/Paris", "02:30").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    // a company working every day: the slot that night comes once
    expect(latestSlot(at("2026-03-29T01:30:00Z"), "Europe/Paris", "02:30", "daily", EVERY_DAY)?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(latestSlot(at("2026-03-29T01:29:59Z"), "Europe/Paris", "02:30", "daily", EVERY_DAY)?.toISOString()).toBe("2026-03-28T01:30:00.000Z");
  });
});

describe("nothing new, nothing to act on", () => {
  const none = { opened: 0, resolved: 0, withdrawn: 0, overdue: 0, slaBreached: 0 };
  it.each([
    ["nothing at all", none, false, false],
    ["nothing, but always", none, true, true],
    ["one opened", { ...none, opened: 1 }, false, true],
    ["one resolved", { ...none, resolved: 1 }, false, true],
    ["one withdrawn", { ...none, withdrawn: 1 }, false, true],
    ["one overdue", { ...none, overdue: 1 }, false, true],
    ["one past its SLA", { ...none, slaBreached: 1 }, false, true],
  ] as const)("%s → %s", (_what, news, always, want) => {
    expect(worthPosting(news, always)).toBe(want);
  });
});
