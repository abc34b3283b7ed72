import { describe, expect, it } from "vitest";

// The sandbox page's own words (src/sandbox/public/i18n.js): French agreement and typography, as the page shows them.

interface Words {
  [key: string]: unknown;
  customerCounts(holds: number, disputes: number): string;
}
const mod = (await import(new URL("./public/i18n.js", import.meta.url).href)) as { MESSAGES: { fr: Words; en: Words } };
const { fr, en } = mod.MESSAGES;

/** Sample arguments for each function of the catalogue: a function without any is a test failure (new words get checked too). */
const SAMPLES: Record<string, unknown[][]> = {
  replies: [[1], [2]],
  unknownCommand: [["/nope"]],
  runTitle: [["2 déc. 2026"]],
  runSummary: [[1, "10,00 €"], [3, "10,00 € + 5,00 $US"]],
  notSent: [[1], [2]],
  whyNotSent: ["not_yet_due", "min_gap", "fully_held", "non_positive_total", "last_level", "credit_other_level"].map((reason) => [
    { reason, nextLevel: "reminder1", letterLevel: "reminder1", level: "formal", until: "2026-12-09", heldBy: ["D-2026-0001"], letterTotal: "-5.00" },
    { level: (l: string) => l, date: (d: string) => d, amount: (a: string) => `${a} €` },
  ]),
  imported: [[{ inserted: 1, creditNotesMatched: 2 }]],
  customerCounts: [[2, 1], [1, 2], [0, 3], [4, 0]],
  advanced: [["mer. 9 déc. 2026, 09:00", 1, 1], ["mer. 9 déc. 2026, 09:00", 3, 0], ["mer. 9 déc. 2026, 09:00", 0, 2]],
  channelComposer: [["litiges-direction"]],
  emptyChannel: [["litiges-direction"]],
};

/** Every text of the French catalogue, each function called with its samples. */
function texts(value: unknown, key = ""): { key: string; text: string }[] {
  if (typeof value === "string") return [{ key, text: value }];
  if (typeof value === "function") {
    const name = key.split(".").pop()!;
    const samples = SAMPLES[name];
    if (!samples) throw new Error(`no sample arguments for ${key}: add them to SAMPLES`);
    return samples.flatMap((args) => texts((value as (...a: unknown[]) => unknown)(...args), `${key}(${JSON.stringify(args[0])})`));
  }
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => texts(v, key ? `${key}.${k}` : k));
  return [];
}

describe("the sandbox page's French words", () => {
  it("the customer picker counts agree in number with what they count: held items (pièces, feminine) and open disputes", () => {
    expect(fr.customerCounts(2, 1)).toBe("2 pièces suspendues, 1 litige ouvert");
    expect(fr.customerCounts(1, 2)).toBe("1 pièce suspendue, 2 litiges ouverts");
    expect(fr.customerCounts(0, 1)).toBe("1 litige ouvert");
    expect(fr.customerCounts(3, 0)).toBe("3 pièces suspendues");
    expect(fr.customerCounts(0, 0)).toBe("");
    expect(en.customerCounts(2, 1)).toBe("2 items held, 1 open dispute");
    expect(en.customerCounts(1, 2)).toBe("1 item held, 2 open disputes");
  });

  it("every French text has a non-breaking space before « : », a narrow one before ; ! ?, and none plain inside « »", () => {
    const all = texts(fr);
    expect(all.length).toBeGreaterThan(80);
    const bad = all.filter(({ text }) => / [:;!?]/.test(text) || /(^|[^\u00a0\u202f])[:;!?](\s|$)/.test(text.replace(/https?:\/\/\S+/g, "")) || /«(?!\u00a0)|(?<!\u00a0)»/.test(text));
    expect(bad).toEqual([]);
    expect(fr.tryThese).toBe("Essayez\u00a0:");
    expect((fr.notSent as (n: number) => string)(2)).toBe("Hors campagne (2 pièces)\u00a0:");
  });

  it("the clock's summary after an advance agrees in number", () => {
    const w = fr as unknown as { advanced(when: string, n: number, d: number): string };
    expect(w.advanced("mer. 9 déc., 09:00", 1, 1)).toBe("Horloge avancée au mer. 9 déc., 09:00\u00a0: 1 rappel ou escalade, 1 synthèse publiée.");
    expect(w.advanced("mer. 9 déc., 09:00", 3, 0)).toBe("Horloge avancée au mer. 9 déc., 09:00\u00a0: 3 rappels ou escalades, aucune synthèse.");
    expect((en as unknown as typeof w).advanced("Wed 9 Dec, 09:00", 2, 1)).toBe("Clock moved to Wed 9 Dec, 09:00: 2 reminders or escalations, 1 digest posted.");
  });

  it("plurals agree: one and none take the singular, more the plural", () => {
    const w = fr as unknown as { replies(n: number): string; notSent(n: number): string; runSummary(n: number, t: string): string };
    expect(w.replies(1)).toBe("1 réponse");
    expect(w.replies(2)).toBe("2 réponses");
    expect(w.notSent(1)).toBe("Hors campagne (1 pièce)\u00a0:");
    expect(w.runSummary(1, "10,00 €")).toMatch(/^1 lettre · /);
    expect(w.runSummary(2, "10,00 €")).toMatch(/^2 lettres · /);
  });
});
