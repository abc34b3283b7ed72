import { afterEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { messageActivity, postActivity, teamsEnv } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";

// Teams mounted on Accord's own HTTP server: POST /api/messages reaches the listeners (here with the local dev
// flag, no token; the JWT checks are in auth.test.ts), and without Teams settings the path does not exist.

describe("Teams mount", () => {
  let accord: TestAccord | undefined;
  let connector: FakeConnector | undefined;
  afterEach(async () => {
    await accord?.stop();
    await connector?.close();
    accord = connector = undefined;
  });

  it("a message activity reaches Accord's listener, whose answer goes to the activity's Bot Connector", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
    expect(accord.teams).toBeDefined();
    await seedLedger(accord);
    connector.addMember({ id: "29:claire", email: "claire@acme.fr" });
    const res = await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: { id: "29:claire" }, text: "aide", locale: "fr-FR" }));
    expect(res.status).toBe(200);
    const [reply] = connector.posted();
    expect(connector.posted()).toHaveLength(1);
    expect(reply!.activity.type).toBe("message");
    expect(reply!.conversationId).toBe("a:personal-29:claire");
    expect(String(reply!.activity.text)).toContain("**liste** [mes | en retard | tous]");
    // the same server still answers its own routes
    expect((await accord.call("GET", "/healthz")).status).toBe(200);
  });

  it("answers in the person's language", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
    await seedLedger(accord);
    connector.addMember({ id: "29:ana", email: "ana@acme.fr" });
    await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: { id: "29:ana" }, text: "help", locale: "fr-FR" }));
    // Ana's Accord language is English
    expect(String(connector.posted()[0]!.activity.text)).toContain("**list** [mine | overdue | all]");
  });

  it("without Teams settings, POST /api/messages is not there (404) and nothing is answered", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord({}, { startJobs: false });
    expect(accord.teams).toBeUndefined();
    const res = await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: { id: "29:claire" }, text: "aide" }));
    expect(res.status).toBe(404);
    expect(connector.calls).toEqual([]);
  });
});
