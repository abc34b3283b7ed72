import { describe, expect, it } from "vitest";
import { ladderProblems, rungOfText } from "./ladder.ts";
import { DEFAULT_ESCALATION } from "./settings.ts";

// The escalation ladder as admins edit it (issue 11): whole numbers from 1 to 50 or null (never), the manager
// told at the same time as the controller or later; each problem on its field.

const problems = (v: unknown) => ladderProblems(v).map((p) => `${p.field}:${p.key}`);

describe("ladderProblems", () => {
  it("the default ladder, an empty patch, and nulls (never) are fine", () => {
    expect(problems(DEFAULT_ESCALATION)).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems({ low: { controllerAfter: null, managerAfter: null }, normal: { controllerAfter: null, managerAfter: 3 } })).toEqual([]);
    expect(problems({ high: { controllerAfter: 2, managerAfter: 2 }, urgent: { controllerAfter: 1, managerAfter: 50 } })).toEqual([]);
  });

  it.each([
    ["zero", { urgent: { controllerAfter: 0, managerAfter: 2 } }, ["escalation.urgent.controllerAfter:escalation_count_invalid"]],
    ["negative", { high: { controllerAfter: 1, managerAfter: -2 } }, ["escalation.high.managerAfter:escalation_count_invalid"]],
    ["a fraction", { normal: { controllerAfter: 1.5, managerAfter: 2 } }, ["escalation.normal.controllerAfter:escalation_count_invalid"]],
    ["beyond 50", { low: { controllerAfter: 51, managerAfter: null } }, ["escalation.low.controllerAfter:escalation_count_invalid"]],
    ["a word", { low: { controllerAfter: "deux", managerAfter: null } }, ["escalation.low.controllerAfter:escalation_count_invalid"]],
    ["the manager before the controller", { high: { controllerAfter: 3, managerAfter: 2 } }, ["escalation.high.managerAfter:escalation_order"]],
    [
      "several priorities at once",
      { urgent: { controllerAfter: 0, managerAfter: 0 }, normal: { controllerAfter: 4, managerAfter: 1 } },
      // the most urgent first, as the form shows them
      ["escalation.urgent.controllerAfter:escalation_count_invalid", "escalation.urgent.managerAfter:escalation_count_invalid", "escalation.normal.managerAfter:escalation_order"],
    ],
  ])("%s", (_, ladder, expected) => {
    expect(problems(ladder)).toEqual(expected);
  });

  it("names the priority, the rung and the value typed", () => {
    expect(ladderProblems({ urgent: { controllerAfter: 1, managerAfter: "x" } })[0]).toEqual({
      field: "escalation.urgent.managerAfter",
      key: "escalation_count_invalid",
      params: { priority: "urgent", rung: "managerAfter", value: "x", max: 50 },
    });
  });
});

describe("rungOfText: a form's box", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["3", 3],
    [" 12 ", 12],
    ["0", 0],
    ["2.5", "2.5"],
    ["deux", "deux"],
    ["-1", "-1"],
  ] as const)("%j -> %j", (text, expected) => {
    expect(rungOfText(text)).toEqual(expected);
  });
});
