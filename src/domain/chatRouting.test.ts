import { describe, expect, it } from "vitest";
import { routeNotice, type ChatPlatform, type RouteFacts } from "./chatRouting.ts";

// Which platform gets a notice meant for one person: once, on the profile's platform, else the one last used, else
// where Accord knows them; Teams gives way to Slack while it cannot reach them.

const person = (over: Partial<RouteFacts> = {}): RouteFacts => ({ slackUserId: null, teams: false, lastPlatform: null, chatPlatform: null, teamsUnreachable: false, ...over });
const BOTH: ChatPlatform[] = ["slack", "teams"];

describe("routeNotice", () => {
  it.each<[string, RouteFacts | null, ChatPlatform[], ChatPlatform | null]>([
    ["no chat platform on", person({ slackUserId: "U1" }), [], null],
    ["Slack alone: always Slack", person({ teams: true, lastPlatform: "teams" }), ["slack"], "slack"],
    ["Teams alone: always Teams, even unreachable (kept)", person({ slackUserId: "U1", teamsUnreachable: true }), ["teams"], "teams"],
    ["unknown person: the first platform on", null, BOTH, "slack"],
    ["both ids, last used Teams", person({ slackUserId: "U1", teams: true, lastPlatform: "teams" }), BOTH, "teams"],
    ["both ids, last used Slack", person({ slackUserId: "U1", teams: true, lastPlatform: "slack" }), BOTH, "slack"],
    ["the profile wins over the last used", person({ slackUserId: "U1", teams: true, lastPlatform: "slack", chatPlatform: "teams" }), BOTH, "teams"],
    ["profile Slack over last used Teams", person({ slackUserId: "U1", teams: true, lastPlatform: "teams", chatPlatform: "slack" }), BOTH, "slack"],
    ["wants Teams, unreachable there, known in Slack: Slack", person({ slackUserId: "U1", teams: true, chatPlatform: "teams", teamsUnreachable: true }), BOTH, "slack"],
    ["wants Teams, unreachable, unknown in Slack: Teams (kept until reachable)", person({ teams: true, lastPlatform: "teams", teamsUnreachable: true }), BOTH, "teams"],
    ["wants Teams with no Teams id: Slack", person({ chatPlatform: "teams" }), BOTH, "slack"],
    ["no choice: Slack when known there", person({ slackUserId: "U1", teams: true }), BOTH, "slack"],
    ["no choice, only a Teams id: Teams", person({ teams: true }), BOTH, "teams"],
    ["nothing known: Slack (looked up by email)", person(), BOTH, "slack"],
    ["Teams listed first changes nothing of the choice", person({ slackUserId: "U1", teams: true, lastPlatform: "slack" }), ["teams", "slack"], "slack"],
  ])("%s", (_what, facts, enabled, expected) => {
    expect(routeNotice(facts, enabled)).toBe(expected);
  });

  it("is one platform for every person, never both nor none while a platform is on", () => {
    const bools = [false, true];
    const plats: (ChatPlatform | null)[] = [null, "slack", "teams"];
    for (const slack of bools)
      for (const teams of bools)
        for (const lastPlatform of plats)
          for (const chatPlatform of plats)
            for (const teamsUnreachable of bools) {
              const to = routeNotice(person({ slackUserId: slack ? "U1" : null, teams, lastPlatform, chatPlatform, teamsUnreachable }), BOTH);
              expect(["slack", "teams"]).toContain(to);
              // reachable on Teams only when Teams can reach them, or nothing else can
              if (to === "teams") expect(teams).toBe(true);
            }
  });
});
