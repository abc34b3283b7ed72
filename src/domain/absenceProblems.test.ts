import { describe, expect, it } from "vitest";
import { absenceProblems, awayOn, type AbsenceSpan } from "./absence.ts";

// Declaring an absence (issue 11, App Home and REST): what is refused, on which field; and how a card shows an
// away owner (until when, which deputy).

const away = (personEmail: string, fromOn: string, untilOn: string, deputyEmail: string | null = null): AbsenceSpan => ({ personEmail, fromOn, untilOn, deputyEmail });
const TODAY = "2026-12-03";
const check = (fromOn: string, untilOn: string, deputyEmail: string | null, deputyAbsences: AbsenceSpan[] = []) =>
  absenceProblems({ personEmail: "ann@x", fromOn, untilOn, deputyEmail, today: TODAY, deputyAbsences }).map((p) => `${p.field}:${p.key}`);

describe("absenceProblems", () => {
  it.each([
    ["today to next week with a deputy at work", "2026-12-03", "2026-12-10", "bob@x", [], []],
    ["one day, no deputy", "2026-12-24", "2026-12-24", null, [], []],
    ["the deputy away before and after, not on those dates", "2026-12-10", "2026-12-12", "bob@x", [away("bob@x", "2026-12-01", "2026-12-09"), away("bob@x", "2026-12-13", "2026-12-20")], []],
    ["someone else away on those dates", "2026-12-10", "2026-12-12", "bob@x", [away("cid@x", "2026-12-10", "2026-12-12")], []],
    ["end before start", "2026-12-12", "2026-12-10", null, [], ["untilOn:date_out_of_range"]],
    ["start yesterday", "2026-12-02", "2026-12-10", null, [], ["fromOn:absence_in_past"]],
    ["all in the past, end before start too", "2026-11-20", "2026-11-10", null, [], ["fromOn:absence_in_past", "untilOn:date_out_of_range"]],
    ["oneself as deputy", "2026-12-10", "2026-12-12", "ann@x", [], ["deputyEmail:deputy_is_self"]],
    ["the deputy away on the first day (inclusive ends)", "2026-12-10", "2026-12-12", "bob@x", [away("bob@x", "2026-12-05", "2026-12-10")], ["deputyEmail:deputy_absent"]],
    ["the deputy away on the last day", "2026-12-10", "2026-12-12", "bob@x", [away("bob@x", "2026-12-12", "2026-12-31")], ["deputyEmail:deputy_absent"]],
    ["the deputy away within", "2026-12-01", "2026-12-31", "bob@x", [away("bob@x", "2026-12-15", "2026-12-16")], ["fromOn:absence_in_past", "deputyEmail:deputy_absent"]],
  ] as const)("%s", (_, fromOn, untilOn, deputy, deputyAbsences, expected) => {
    expect(check(fromOn, untilOn, deputy, [...deputyAbsences])).toEqual(expected);
  });

  it("says which absence of the deputy is in the way", () => {
    const [p] = absenceProblems({ personEmail: "ann@x", fromOn: "2026-12-10", untilOn: "2026-12-12", deputyEmail: "bob@x", today: TODAY, deputyAbsences: [away("bob@x", "2026-12-11", "2026-12-18")] });
    expect(p).toEqual({ field: "deputyEmail", key: "deputy_absent", params: { email: "bob@x", fromOn: "2026-12-11", untilOn: "2026-12-18" } });
  });
});

describe("awayOn: the card's absent owner", () => {
  it.each([
    ["at work", "2026-12-09", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], null],
    ["someone else away", "2026-12-10", [away("cid@x", "2026-12-10", "2026-12-12", "bob@x")], null],
    ["first day", "2026-12-10", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { untilOn: "2026-12-12", deputyEmail: "bob@x" }],
    ["last day", "2026-12-12", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { untilOn: "2026-12-12", deputyEmail: "bob@x" }],
    ["back the day after", "2026-12-13", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], null],
    ["no deputy", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12")], { untilOn: "2026-12-12", deputyEmail: null }],
    ["absences that follow on run together", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-13", "2026-12-20", "cid@x"), away("ann@x", "2026-12-21", "2026-12-23")], { untilOn: "2026-12-23", deputyEmail: "bob@x" }],
    ["a gap ends the run", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-14", "2026-12-20")], { untilOn: "2026-12-12", deputyEmail: "bob@x" }],
    ["overlapping: the one ending last names the deputy", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-11", "2026-12-20", "cid@x")], { untilOn: "2026-12-20", deputyEmail: "cid@x" }],
    ["overlapping, the later one without deputy: the other's", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-11", "2026-12-20")], { untilOn: "2026-12-20", deputyEmail: "bob@x" }],
    ["oneself as deputy is no deputy", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "ann@x")], { untilOn: "2026-12-12", deputyEmail: null }],
  ] as const)("%s", (_, today, absences, expected) => {
    expect(awayOn("ann@x", today, [...absences])).toEqual(expected);
  });
});
