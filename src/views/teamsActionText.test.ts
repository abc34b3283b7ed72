import { describe, expect, it } from "vitest";
import { TEAMS_ACTION_TEXT } from "./teamsActionText.ts";

const all = (l: "fr" | "en") => Object.values(TEAMS_ACTION_TEXT[l]).map((v) => (typeof v === "function" ? (v as (x: string) => string)("D-2026-0001") : v)).join("\n");

describe("Teams card action and dialog words", () => {
  it("has every sentence in French and English", () => {
    expect(Object.keys(TEAMS_ACTION_TEXT.fr).sort()).toEqual(Object.keys(TEAMS_ACTION_TEXT.en).sort());
    for (const k of Object.keys(TEAMS_ACTION_TEXT.fr) as (keyof typeof TEAMS_ACTION_TEXT.fr)[]) expect(TEAMS_ACTION_TEXT.fr[k]).not.toEqual(TEAMS_ACTION_TEXT.en[k]);
  });

  it("writes French as a credit professional does: « suivi », never « relance », a no-break space before : ; « »", () => {
    const fr = all("fr");
    expect(fr).not.toMatch(/relanc/i);
    expect(fr).toMatch(/suivi/);
    expect(fr).not.toMatch(/ [:;!?»]/);
    expect(fr).not.toMatch(/« /);
  });
});
