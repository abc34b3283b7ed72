import { describe, expect, it } from "vitest";
import { NUDGE_TEXT, timeOfDay, tooSoonText } from "./nudgeText.ts";

describe("nudge words", () => {
  it("says when the next nudge is possible, in the reader's time zone and language", () => {
    const last = new Date("2026-03-10T09:12:00Z");
    const next = new Date("2026-03-10T10:12:00Z");
    expect(tooSoonText(last, next, "Europe/Paris", "fr")).toBe("Rappel déjà envoyé à 10\u00a0h\u00a012\u00a0; prochain possible à 11\u00a0h\u00a012.");
    expect(tooSoonText(last, next, "Europe/London", "en")).toBe("A nudge was already sent at 09:12; the next one is possible at 10:12.");
    expect(timeOfDay(new Date("2026-03-10T23:05:00Z"), "Europe/Paris", "fr")).toBe("0\u00a0h\u00a005");
  });

  it("never says « relance » in French", () => {
    const fr = NUDGE_TEXT.fr;
    const all = [fr.button, fr.sent("Paul"), fr.tooSoon("1", "2"), fr.line("Claire", "D-1"), fr.timeline("Claire", "Paul")].join(" ");
    expect(all).not.toMatch(/relanc/i);
  });
});
