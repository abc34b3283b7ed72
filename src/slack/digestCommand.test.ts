import { describe, expect, it } from "vitest";
import { parseCommand } from "./commandText.ts";
import { parseDigestArgs } from "./digestCommand.ts";

describe("/dispute digest …", () => {
  it.each([
    ["", { action: "list" }],
    ["off", { action: "off" }],
    ["off now", { action: "error", problem: "word", token: "now" }],
    ["here", { action: "here", always: false }],
    ["ici 8h30 hebdo toujours", { action: "here", time: "08:30", cadence: "weekly", always: true }],
    ["here 09:00 daily always reason:PRICE owner:<@U0SID|Sid Sales>", { action: "here", time: "09:00", cadence: "daily", always: true, reason: "price", owner: { slackUserId: "U0SID" } }],
    ["here owner:@Paul Durand weekly", { action: "here", cadence: "weekly", always: false, owner: { name: "Paul Durand" } }],
    ["here owner:paul@acme.fr", { action: "here", always: false, owner: { email: "paul@acme.fr" } }],
    ["here 25:00", { action: "error", problem: "time", token: "25:00" }],
    ["here 9", { action: "error", problem: "time", token: "9" }],
    ["here overdue", { action: "error", problem: "word", token: "overdue" }],
    ["here tomorrow", { action: "error", problem: "word", token: "tomorrow" }],
    ["there", { action: "error", problem: "word", token: "there" }],
  ])("%j", (text, want) => {
    expect(parseDigestArgs(text.split(/\s+/).filter(Boolean))).toEqual(want);
  });

  it("is a sub-command of /dispute, in French too", () => {
    expect(parseCommand("digest here 07:30")).toEqual({ kind: "digest", args: { action: "here", time: "07:30", always: false } });
    expect(parseCommand("synthèse off")).toEqual({ kind: "digest", args: { action: "off" } });
  });
});
