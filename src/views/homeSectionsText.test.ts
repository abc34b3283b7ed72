import { describe, expect, it } from "vitest";
import { HOME_SECTIONS_TEXT } from "./homeSectionsText.ts";

// The words of « Mes absences », « Calendrier », « Escalade » and the card's absent-owner line: both languages say
// the same things; French never says « relance » (dunning) for a follow-up, writes ’ and puts no-break spaces.

/** Every string of a words object, functions called with sample arguments. */
function texts(words: Record<string, unknown>): [string, string][] {
  return Object.entries(words).map(([k, v]) => [k, typeof v === "function" ? (v as (...a: unknown[]) => string)(k === "reminders" ? 2 : k === "rungLabel" ? "Urgente" : "12 déc.", k === "rungLabel" ? "managerAfter" : "Marie Dupont", "Paul") : String(v)]);
}

describe("App Home sections' words", () => {
  it("English and French have the same keys", () => {
    expect(Object.keys(HOME_SECTIONS_TEXT.fr).sort()).toEqual(Object.keys(HOME_SECTIONS_TEXT.en).sort());
  });

  it.each(texts(HOME_SECTIONS_TEXT.fr))("fr %s: « rappel », not « relance »; typographic apostrophes; no-break spaces before « : ; ! ? »", (_, text) => {
    expect(text).not.toMatch(/relanc/i);
    expect(text).not.toContain("'");
    expect(text).not.toMatch(/ [:;!?]/);
  });

  it("the card's line reads as the spec writes it", () => {
    expect(HOME_SECTIONS_TEXT.fr.awayWithDeputy("12 déc.") + "@Marie").toBe("Absent jusqu’au 12 déc. — suppléant\u00a0: @Marie");
    expect(HOME_SECTIONS_TEXT.en.awayWithDeputy("12 Dec") + "@Marie").toBe("Away until 12 Dec — deputy: @Marie");
  });
});
