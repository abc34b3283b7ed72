import { describe, it, expect } from "vitest";
import { FOLLOWUP_TEXT, overdueLine } from "./followupText.ts";

describe("follow-up words", () => {
  it.each([
    ["fr", 2, "en retard depuis le 3 déc., 2 rappels sans réponse"],
    ["fr", 1, "en retard depuis le 3 déc., 1 rappel sans réponse"],
    ["en", 2, "overdue since 3 Dec, 2 reminders unanswered"],
    ["en", 0, "overdue since 3 Dec"],
  ] as const)("%s, %d unanswered: %s", (locale, n, line) => {
    expect(overdueLine("2026-12-03", n, locale)).toBe(line);
  });

  it("French never says « relance » for a follow-up and puts a no-break space before « : ; ! ? »", () => {
    const all = JSON.stringify(Object.values(FOLLOWUP_TEXT.fr).map((v) => (typeof v === "function" ? (v as (x: never) => string)(2 as never) : v)));
    expect(all.toLowerCase()).not.toContain("relance");
    expect(all).not.toMatch(/ [:;!?]/);
    expect(FOLLOWUP_TEXT.fr.slaOver(4)).toBe("SLA dépassé de 4\u00a0j");
  });
});

describe("French dates at the end of a sentence", () => {
  it("one full stop after an abbreviated month, one after a full one", () => {
    expect(FOLLOWUP_TEXT.fr.reminderDue("D-2026-0042", "8 déc.")).toBe("Rappel\u00a0: le suivi du litige D-2026-0042 était prévu le 8 déc.");
    expect(FOLLOWUP_TEXT.fr.snoozed("12 mai")).toBe("Suivi reporté au 12 mai.");
    expect(FOLLOWUP_TEXT.fr.nextReminder("3 févr.")).toBe("Sans action de votre part, prochain rappel le 3 févr.");
  });
});
