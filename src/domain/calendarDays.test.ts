import { describe, expect, it } from "vitest";
import { isWorkingDay } from "./calendar.ts";
import { closeDay, nonWorkingDays, reopenDay } from "./calendarDays.ts";
import { DEFAULT_SETTINGS, type CompanyCalendar } from "./settings.ts";

// The company calendar as admins edit it (issue 11): the year's non-working days (French public holidays by
// default, with their names), closing a day, working on a day off; what is refused.

const FR: CompanyCalendar = { country: "FR", extraHolidays: [], removedHolidays: [] };
const WEEK = [1, 2, 3, 4, 5];
const TODAY = "2026-12-03";
const rules = (calendar: CompanyCalendar) => ({ calendar, workingHours: DEFAULT_SETTINGS.workingHours });

describe("nonWorkingDays", () => {
  it("French public holidays of 2026 by default, named in the viewer's language", () => {
    const fr = nonWorkingDays(FR, 2026, "fr");
    expect(fr.map((d) => d.on)).toEqual(["2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25", "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"]);
    expect(fr.find((d) => d.on === "2026-05-14")?.name).toBe("Ascension");
    expect(fr.find((d) => d.on === "2026-12-25")?.name).toBe("Noël");
    expect(nonWorkingDays(FR, 2026, "en").find((d) => d.on === "2026-12-25")?.name).toBe("Christmas Day");
    expect(fr.every((d) => d.kind === "public" && !d.worked)).toBe(true);
  });

  it("with the company's closed days of that year (not later ones) and the holidays it works on", () => {
    const days = nonWorkingDays({ country: "FR", extraHolidays: ["2026-12-24", "2027-01-02"], removedHolidays: ["2026-05-08"] }, 2026, "fr");
    expect(days.find((d) => d.on === "2026-12-24")).toEqual({ on: "2026-12-24", name: null, kind: "closed", worked: false });
    expect(days.find((d) => d.on === "2026-05-08")).toMatchObject({ kind: "public", worked: true });
    expect(days.some((d) => d.on === "2027-01-02")).toBe(false);
    expect(days.map((d) => d.on)).toEqual([...days.map((d) => d.on)].sort());
  });
});

describe("closeDay and reopenDay", () => {
  it("a bridge day is closed, then worked again; the calendar says so", () => {
    const closed = closeDay(FR, "2026-12-24", TODAY, WEEK);
    if (!("calendar" in closed)) throw new Error("refused");
    expect(closed.calendar.extraHolidays).toEqual(["2026-12-24"]);
    expect(isWorkingDay("2026-12-24", rules(closed.calendar))).toBe(false);
    const reopened = reopenDay(closed.calendar, "2026-12-24", TODAY);
    if (!("calendar" in reopened)) throw new Error("refused");
    expect(reopened.calendar).toEqual(FR);
    expect(isWorkingDay("2026-12-24", rules(reopened.calendar))).toBe(true);
  });

  it("a public holiday is worked, then off again", () => {
    const worked = reopenDay(FR, "2026-12-25", TODAY);
    if (!("calendar" in worked)) throw new Error("refused");
    expect(worked.calendar.removedHolidays).toEqual(["2026-12-25"]);
    expect(isWorkingDay("2026-12-25", rules(worked.calendar))).toBe(true);
    const off = closeDay(worked.calendar, "2026-12-25", TODAY, WEEK);
    if (!("calendar" in off)) throw new Error("refused");
    expect(off.calendar).toEqual(FR);
  });

  it("a closed day that is a public holiday too is worked when reopened", () => {
    const both = reopenDay({ ...FR, extraHolidays: ["2026-12-25"] }, "2026-12-25", TODAY);
    if (!("calendar" in both)) throw new Error("refused");
    expect(isWorkingDay("2026-12-25", rules(both.calendar))).toBe(true);
  });

  it.each([
    ["close a past day", () => closeDay(FR, "2026-12-02", TODAY, WEEK), "calendar_day_past"],
    ["close a public holiday", () => closeDay(FR, "2026-12-25", TODAY, WEEK), "calendar_day_off"],
    ["close a closed day", () => closeDay({ ...FR, extraHolidays: ["2026-12-24"] }, "2026-12-24", TODAY, WEEK), "calendar_day_off"],
    ["close a Saturday", () => closeDay(FR, "2026-12-05", TODAY, WEEK), "calendar_day_off"],
    ["reopen a past day", () => reopenDay(FR, "2026-11-11", TODAY), "calendar_day_past"],
    ["reopen a working day", () => reopenDay(FR, "2026-12-07", TODAY), "calendar_day_not_off"],
    ["reopen a worked holiday", () => reopenDay({ ...FR, removedHolidays: ["2026-12-25"] }, "2026-12-25", TODAY), "calendar_day_not_off"],
  ])("%s: refused", (_, edit, key) => {
    const r = edit();
    expect("problem" in r && r.problem.key).toBe(key);
  });

  it("today may change", () => {
    expect("calendar" in closeDay(FR, TODAY, TODAY, WEEK)).toBe(true);
  });
});
