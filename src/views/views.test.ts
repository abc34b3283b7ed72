import { describe, expect, it } from "vitest";
import { parseCommand } from "../slack/commandText.ts";
import { renderTemplate, usedPlaceholders } from "../domain/template.ts";
import { DEFAULT_NOTICE_TEMPLATE } from "../domain/settings.ts";
import { encodeAction, encodeMeta, parseAction, parseMeta } from "./actions.ts";
import { MESSAGES } from "./i18n.ts";

describe("typed action payloads", () => {
  it("round-trip, and unknown or malformed payloads parse to null", () => {
    const p = { t: "card", a: "resolve", d: 42, v: 3 } as const;
    expect(parseAction(encodeAction(p))).toEqual(p);
    for (const bad of ["", "{", "null", '{"t":"card","a":"delete","d":1,"v":1}', '{"t":"card","a":"resolve","d":-1,"v":1}', '{"t":"zzz"}', "[1]"]) expect(parseAction(bad)).toBeNull();
    expect(parseMeta(encodeMeta({ m: "card", a: "comment", d: 1, v: 2 }))).toEqual({ m: "card", a: "comment", d: 1, v: 2 });
    expect(parseMeta('{"m":"new"}')).toBeNull();
  });
});

describe("/dispute text", () => {
  it("parses sub-commands and filters", () => {
    expect(parseCommand("")).toEqual({ kind: "help" });
    expect(parseCommand("new Boulangerie Martin")).toEqual({ kind: "new", customer: "Boulangerie Martin" });
    expect(parseCommand("list overdue reason:price owner:<@U0SAM|sam>")).toEqual({ kind: "list", filters: { scope: "overdue", reason: "price", owner: { slackUserId: "U0SAM" }, format: "csv" } });
    expect(parseCommand("export xlsx all")).toEqual({ kind: "export", filters: { scope: "all", format: "xlsx" } });
    expect(parseCommand("show D-2026-0042")).toEqual({ kind: "show", number: "D-2026-0042" });
    expect(parseCommand("D-2026-0042")).toEqual({ kind: "show", number: "D-2026-0042" });
    expect(parseCommand("customer Acme Corp")).toEqual({ kind: "customer", query: "Acme Corp" });
    expect(parseCommand("list whatever")).toEqual({ kind: "bad_filter", token: "whatever" });
    expect(parseCommand("frobnicate")).toEqual({ kind: "unknown", word: "frobnicate" });
  });
});

describe("notice template", () => {
  it("replaces every placeholder once, values are not re-scanned", () => {
    const values = {
      "#customer_name": "ACME #reason",
      "#items_list_selected": "F-1",
      "#reason": "Prix",
      "#comment": "trop cher",
      "#follow_up_date": "15 mars",
      "#total_disputed": "10 €",
      "#dispute_link": "https://x/D-1",
    };
    const out = renderTemplate(DEFAULT_NOTICE_TEMPLATE.fr, values);
    expect(out).toContain("ACME #reason (Prix)");
    expect(out).not.toMatch(/#(customer_name|items_list_selected|comment|follow_up_date|total_disputed|dispute_link)/);
    expect(usedPlaceholders(DEFAULT_NOTICE_TEMPLATE.en)).toHaveLength(7);
  });
});

describe("message catalogue", () => {
  it("has the same keys in French and English", () => {
    const keys = (o: object, p = ""): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    expect(keys(MESSAGES.fr).sort()).toEqual(keys(MESSAGES.en).sort());
  });
});
