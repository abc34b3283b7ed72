import { describe, expect, it } from "vitest";
import { countsAsUnanswered, noticesWhileAway, reminderCover, type AbsenceSpan, type ReminderCover } from "./absence.ts";

const away = (personEmail: string, fromOn: string, untilOn: string, deputyEmail: string | null = null): AbsenceSpan => ({ personEmail, fromOn, untilOn, deputyEmail });

describe("reminderCover: who gets the owner's reminder on their local date", () => {
  const cases: [string, string, AbsenceSpan[], ReminderCover][] = [
    ["no absence: the owner", "2026-12-10", [], { kind: "owner" }],
    ["someone else's absence: the owner", "2026-12-10", [away("bob@x", "2026-12-01", "2026-12-31", "ann@x")], { kind: "owner" }],
    ["the day before the absence: the owner", "2026-12-09", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { kind: "owner" }],
    ["first day (inclusive): the deputy", "2026-12-10", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-12" }],
    ["last day (inclusive): the deputy", "2026-12-12", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-12" }],
    ["the day after: the owner again", "2026-12-13", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x")], { kind: "owner" }],
    ["no deputy: held until the day after", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12")], { kind: "held", backOn: "2026-12-13" }],
    ["deputy away too: held", "2026-12-11", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("bob@x", "2026-12-11", "2026-12-11")], { kind: "held", backOn: "2026-12-13" }],
    ["deputy away on another day: the deputy", "2026-12-10", [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("bob@x", "2026-12-11", "2026-12-11")], { kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-12" }],
    ["deputy is the owner: held", "2026-12-10", [away("ann@x", "2026-12-10", "2026-12-12", "ann@x")], { kind: "held", backOn: "2026-12-13" }],
    [
      "overlapping absences: the one ending last decides, held until the latest end",
      "2026-12-11",
      [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-11", "2026-12-20", "cid@x")],
      { kind: "deputy", deputyEmail: "cid@x", untilOn: "2026-12-20" },
    ],
    [
      "overlapping, the later one without deputy: the other's deputy",
      "2026-12-11",
      [away("ann@x", "2026-12-10", "2026-12-12", "bob@x"), away("ann@x", "2026-12-11", "2026-12-20")],
      { kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-20" },
    ],
    ["across the year end", "2027-01-02", [away("ann@x", "2026-12-28", "2027-01-03")], { kind: "held", backOn: "2027-01-04" }],
  ];
  it.each(cases)("%s", (_name, today, absences, expected) => {
    expect(reminderCover("ann@x", today, absences)).toEqual(expected);
  });

  it("only a reminder to the owner at work counts as unanswered", () => {
    expect(countsAsUnanswered({ kind: "owner" })).toBe(true);
    expect(countsAsUnanswered({ kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-12" })).toBe(false);
    expect(countsAsUnanswered({ kind: "held", backOn: "2026-12-13" })).toBe(false);
  });
});

describe("noticesWhileAway: what goes while the owner is away", () => {
  const due = [{ kind: "reminder" }, { kind: "escalation.controller" }, { kind: "escalation.manager" }, { kind: "sla_breach" }];
  const cases: [string, ReminderCover, string[]][] = [
    ["at work: everything", { kind: "owner" }, ["reminder", "escalation.controller", "escalation.manager", "sla_breach"]],
    ["away with a deputy: the reminder (to the deputy) and the SLA breach, no escalation", { kind: "deputy", deputyEmail: "bob@x", untilOn: "2026-12-12" }, ["reminder", "sla_breach"]],
    ["away, held: only the SLA breach", { kind: "held", backOn: "2026-12-13" }, ["sla_breach"]],
  ];
  it.each(cases)("%s", (_name, cover, kinds) => {
    expect(noticesWhileAway(cover, due).map((n) => n.kind)).toEqual(kinds);
  });
});
