import { describe, expect, it } from "vitest";
import { en } from "./en.ts";
import { fr } from "./fr.ts";
import type { Messages } from "./i18n.ts";

// Every string of the French catalogue, and every function's output with sample arguments: the glossary
// (DESIGN.md), French typography, no English left, no raw minor units, no doubled or ungendered wording.

/** Functions that take numbers or booleans; every other parameter is a string. */
const ARGS: Record<string, unknown[][]> = {
  "card.more": [[1], [3]],
  "list.title": [[0], [1], [12]],
  "list.more": [[1], [40]],
  "home.more": [[1], [7]],
  "home.summary": [[1, 0, "1 787,58 €", "500,00 €"], [3, 2, "4 217,96 €", "0,00 €"]],
  "home.reasonLine": [[1, "price", "Litige prix", "Price", 5, 30, "Normale", true, true], [2, "other", "Autre", "Other", 3, 15, "Haute", false, false]],
  "reply.exportReady": [[1], [25]],
  "delivery.resumed": [["invalid_auth", "2 déc. 2026 14:05", 0], ["invalid_auth", "2 déc. 2026 14:05", 1], ["token_revoked", "2 déc. 2026 14:05", 12]],
};
/** What a string parameter is, by its name in the English catalogue's source: realistic French values. */
const STRING = ["Sophie Leroy", "1 janv. 2026", "2 930,38 €"];

function walk(fr: unknown, path: string, out: [string, string][]) {
  if (typeof fr === "string") out.push([path, fr]);
  else if (typeof fr === "function") {
    const f = fr as (...a: unknown[]) => unknown;
    for (const args of ARGS[path] ?? STRING.map((s) => Array.from({ length: f.length }, (_, i) => (i === 0 ? s : STRING[(i + 1) % 3])))) {
      const text = f(...args);
      expect(typeof text, path).toBe("string");
      out.push([`${path}(${args.map((a) => JSON.stringify(a)).join(", ")})`, text as string]);
    }
  } else if (fr && typeof fr === "object") for (const [k, v] of Object.entries(fr)) walk(v, path ? `${path}.${k}` : k, out);
}

const TEXTS: [string, string][] = [];
walk(fr, "", TEXTS);

/** Code, commands, paths and Slack emoji stay as they are: left out of the checks. */
const prose = (text: string) =>
  text
    .replace(/`[^`]*`/g, " ")
    .replace(/:[a-z_]+:/g, " ")
    .replace(/\b\d{1,2}:\d{2}\b/g, " ")
    .replace(/\S*\/\S*/g, " ");

/** Keys about dunning: the only ones that may say « relance ». */
const DUNNING = /^(level\.|field\.dunning|card\.notHeld|card\.released|form\.itemsHint|form\.holdsDunning|form\.holdsOption|home\.reasonLine)/;

const ENGLISH_WORDS =
  "the is are not cannot may must has have and or of to by with only already nothing was were this that please select pick say required invalid between dispute disputes item items amount customer reason owner follow-up followup sales rep token scope line lines held hold overdue due open resolved notice none optional reminder";
const ENGLISH = new RegExp(`(?<![\\p{L}\\p{N}_'-])(${ENGLISH_WORDS.split(" ").join("|")})(?![\\p{L}\\p{N}_-])`, "iu");

const checks = {
  relance: (path: string, text: string) => DUNNING.test(path) || !/relanc/i.test(text),
  typography: (text: string) => !/(^|[^\u00a0\u202f])[:;!?»]/.test(prose(text)) && !/«[^\u00a0]/.test(text),
  english: (text: string) => !ENGLISH.test(prose(text)),
  /** the admin's reason line shows both labels on purpose: the English one is left out */
  englishIn: (path: string, text: string) => checks.english(path.startsWith("home.reasonLine") ? text.replace(/ \/ [^(]*\(/, " (") : text),
  minorUnits: (text: string) => !/(?<![\d\-.,\u202f\u00a0])\d{5,}(?![\d,])/.test(prose(text)),
};

describe("the French catalogue", () => {
  it("has every key of the English one (a key missing in French is a compile error too)", () => {
    const keys = (m: Messages) => { const out: [string, string][] = []; walk(m, "", out); return out.map(([p]) => p.replace(/\(.*$/, "")); };
    expect(keys(fr)).toEqual(keys(en));
    expect(TEXTS.length).toBeGreaterThan(200);
  });

  it("the checks catch what the issue reported", () => {
    expect(checks.relance("form.followUp", "Date de relance")).toBe(false);
    expect(checks.typography("Montant en litige : 4 217,96 €")).toBe(false);
    expect(checks.typography("résoudre en « Client a payé » ?")).toBe(false);
    expect(checks.typography("Montant en litige\u00a0: 4 217,96 €")).toBe(true);
    expect(checks.english("Item FA-24051: the disputed amount exceeds its open amount")).toBe(false);
    expect(checks.english("Les mots du client sont obligatoires.")).toBe(true);
    expect(checks.english("niveau notice")).toBe(false);
    expect(checks.minorUnits("le montant en litige (293038)")).toBe(false);
    expect(checks.minorUnits("Litige D-2026-0042 · 2\u202f930,38\u00a0€")).toBe(true);
  });

  it.each(TEXTS)("%s", (path, text) => {
    expect(checks.relance(path, text), `« relance » is dunning: a follow-up is a « suivi », its reminder a « rappel »: ${text}`).toBe(true);
    expect(checks.typography(text), `non-breaking spaces before : ; ! ? » and after «: ${JSON.stringify(text)}`).toBe(true);
    expect(checks.englishIn(path, text), `English left in French: ${text}`).toBe(true);
    expect(checks.minorUnits(text), `raw minor units: ${text}`).toBe(true);
    expect(text, "English quotes").not.toMatch(/["“”]/);
    // the glossary: litige, avoir, chargé de résolution; no synonyms a credit team would trip on
    expect(prose(text)).not.toMatch(/contestation|différend|réclamation|note de crédit|propriétaire|\bdispute\b/i);
    // « chargé » alone (« Message au chargé ») or ungendered (« Sophie Leroy en est chargé »)
    expect(text).not.toMatch(/\bchargée?s?(?![\p{L}])(?! de (résolution|recouvrement))/iu);
    // Slack adds « (facultatif) » itself to an optional field
    expect(text).not.toMatch(/\(facultati(f|ve)\)/i);
    // « 1 autres », « 1 litiges »
    expect(text).not.toMatch(/(?<![\d\u202f])1 (autres|litiges|messages)\b/);
  });

  it("uses the glossary's words for the things DESIGN.md defines", () => {
    expect(fr.field.owner).toBe("Chargé de résolution");
    expect(fr.outcome.credit_note).toBe("Avoir");
    expect(fr.field.disputed).toBe("En litige");
    expect(fr.form.newTitle).toBe("Nouveau litige");
    expect(fr.home.reasons).toBe("Motifs de litige");
    expect(fr.field.followUp).toBe("Prochain suivi");
    expect(fr.timeline.reminded).toMatch(/^Rappel/);
    expect(fr.field.dunning).toBe("Relances");
    expect(fr.level.notice).toBe("prévenance");
    expect(fr.level.none).not.toBe("none");
  });

  it("says who owns a new dispute without guessing their gender, and agrees plurals", () => {
    expect(fr.reply.opened("D-2026-0042", "Sophie Leroy")).toBe("Litige D-2026-0042 ouvert, confié à Sophie Leroy.");
    expect(fr.card.more(1)).toBe("et 1 autre");
    expect(fr.card.more(4)).toBe("et 4 autres");
    expect(fr.list.title(1)).toBe("1 litige");
    expect(fr.list.title(2)).toBe("2 litiges");
    expect(fr.home.summary(2, 1, "4\u202f217,96\u00a0€", "0,00\u00a0€")).toBe("2 litiges ouverts (1 en retard) · en litige\u00a0: 4\u202f217,96\u00a0€ · bloqué\u00a0: 0,00\u00a0€");
  });
});
