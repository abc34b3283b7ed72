import { describe, expect, it } from "vitest";
import { DIGEST_TEXT } from "./digestText.ts";

// The digest's French words: « suivi » / « rappel » for follow-ups, « relance » only for dunning; a no-break space
// before « : ; ! ? » outside code spans.

const s = { time: "9\u00a0h\u00a000", cadence: "weekly" as const, always: true, reason: "Prix", owner: "Paul Durand", timezone: "Europe/Paris" };
const fr = DIGEST_TEXT.fr;
const all = [
  fr.title("jeudi 3 déc."), fr.scopeReason("Prix"), fr.scopeOwner("Paul"), fr.headline(2, "1 234,56 €", "100,00 €"), fr.sinceLast("2 déc."),
  fr.sinceLine("Depuis le début", 1, 2, "4,5 j", 1), fr.lateTitle(3), fr.lateNone, fr.ownerLine(3, 2, 1, "10,00 €", "D-1"), fr.moreOwners(12),
  fr.reasonLine("Prix", 2, "1,00 €"), fr.moreReasons(2), fr.fallback(1, 2, 3), fr.subscribed(fr.schedule(s)), fr.updated(fr.schedule({ ...s, cadence: "daily", always: false })),
  fr.listTitle, fr.listLine("x", "français", "Marc"), fr.listEmpty, fr.off(2), fr.offNone, fr.notInChannel, fr.notAChannel, fr.badTime("25:00"), fr.badWord("demain"),
  fr.unknownReason("nope", "`price`"), fr.unknownOwner("@Zoé"),
];

describe("digest words", () => {
  it("French typography outside code spans, and « relance » only as dunning", () => {
    for (const text of all) {
      const prose = text.replace(/`[^`]*`/g, "").replace(/«\u00a0[^»]*\u00a0»/g, "Q");
      expect(prose, text).not.toMatch(/(^|[^\u00a0\u202f])[:;!?»]/);
      expect(text.replace(/suspendus des relances/g, ""), text).not.toMatch(/relanc/i);
    }
  });

  it("weekly digests say on which day", () => {
    expect(fr.schedule(s)).toBe("chaque semaine, le premier jour ouvré (le lundi), à 9\u00a0h\u00a000 (Europe/Paris) pour le motif «\u00a0Prix\u00a0» pour les litiges de Paul Durand même sans nouveauté");
    expect(DIGEST_TEXT.en.schedule({ ...s, time: "09:00" })).toBe("every week, on its first working day (Monday), at 09:00 (Europe/Paris) for reason Prix for Paul Durand's disputes even when nothing is new");
  });
});
