import { describe, expect, it } from "vitest";
import { parseChatCommand, plainText } from "./chatCommand.ts";

// What a person writes in the Teams chat, read as a command (pure), French and English words.

describe("Teams chat commands", () => {
  it.each([
    ["", { kind: "help" }],
    ["help", { kind: "help" }],
    ["Aide", { kind: "help" }],
    ["new", { kind: "new" }],
    ["nouveau", { kind: "new" }],
    ["new Dupont", { kind: "new" }],
    ["list", { kind: "list", scope: "mine" }],
    ["liste", { kind: "list", scope: "mine" }],
    ["list mine", { kind: "list", scope: "mine" }],
    ["liste mes", { kind: "list", scope: "mine" }],
    ["list overdue", { kind: "list", scope: "overdue" }],
    ["liste en retard", { kind: "list", scope: "overdue" }],
    ["liste   En   Retard", { kind: "list", scope: "overdue" }],
    ["list all", { kind: "list", scope: "all" }],
    ["liste tous", { kind: "list", scope: "all" }],
    ["liste toutes", { kind: "list", scope: "all" }],
    ["liste hier", { kind: "list_unknown", word: "hier" }],
    ["show D-2026-0042", { kind: "show", number: "D-2026-0042" }],
    ["voir d-2026-0042", { kind: "show", number: "d-2026-0042" }],
    ["voir", { kind: "show_which" }],
    ["D-2026-0007", { kind: "show", number: "D-2026-0007" }],
    ["bonjour Accord", { kind: "unknown", word: "bonjour" }],
  ])("%j", (text, expected) => {
    expect(parseChatCommand(text)).toEqual(expected);
  });

  it("reads through what Teams adds: the bot's mention, HTML, entities, no-break spaces", () => {
    expect(plainText("<at>Accord</at>&nbsp;liste\u00a0tous")).toBe("liste tous");
    expect(parseChatCommand("<p><at>Accord</at> voir D-2026-0042</p>")).toEqual({ kind: "show", number: "D-2026-0042" });
    expect(parseChatCommand("<at>Accord</at>")).toEqual({ kind: "help" });
  });
});
