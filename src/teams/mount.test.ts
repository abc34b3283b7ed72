import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { messageActivity, postActivity, teamsEnv } from "./testing/activities.ts";
import { startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";
import { sdkLogger } from "./mount.ts";

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

  it("the Teams deliverer paces as TEAMS_PACE_* say, else at Teams' limits", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord({ ...teamsEnv({ connectorUrl: connector.url }), TEAMS_PACE_CONVERSATION_PER_SEC: "3", TEAMS_PACE_CONVERSATION_PER_HOUR: "900", TEAMS_PACE_BOT_PER_SEC: "15" }, { startJobs: false });
    expect(accord.teamsDelivery?.pacing).toEqual({ perSecond: 3, perHour: 900, botPerSecond: 15 });
    await accord.stop();
    accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
    expect(accord.teamsDelivery?.pacing).toEqual({ perSecond: 7, perHour: 1800, botPerSecond: 30 });
  });

  it("TEAMS_DISPUTES_CHANNEL: a dispute opened over REST gets its read-only card in that channel", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord({ ...teamsEnv({ connectorUrl: connector.url }), TEAMS_DISPUTES_CHANNEL: "19:litiges@thread.tacv2" }, { startJobs: false });
    await seedLedger(accord);
    const r = await accord.call("POST", "/api/v1/disputes", { customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Prix non conforme au devis", openedByEmail: "claire@acme.fr" });
    expect(r.status).toBe(201);
    await accord.teamsDelivery?.idle();
    const inChannel = connector.posted().filter((p) => p.conversationId === "19:litiges@thread.tacv2");
    expect(inChannel).toHaveLength(1);
    expect(JSON.stringify(inChannel[0]!.activity)).toContain(r.body.dispute.number);
    expect((await accord.deps.store.teams.cardsOf(r.body.dispute.id)).map((c) => c.kind)).toContain("channel");
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

  it("a body that is not JSON is a 400, one that is no activity is answered by nothing", async () => {
    connector = await startFakeConnector();
    accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
    const bad = await fetch(`${accord.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    const empty = await postActivity(accord.url, {});
    expect(empty.status).toBeLessThan(500);
    const noConversation = await postActivity(accord.url, { type: "message", text: "aide", serviceUrl: connector.url, from: { id: "29:x" } });
    expect(noConversation.status).toBeLessThan(500);
    expect(connector.calls).toEqual([]);
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

describe("the SDK's logs in ours", () => {
  it("keep their level and name; a refused token is a warning, not an error; nothing below our level", () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const sdk = sdkLogger(log);
    sdk.error("Error processing activity:", new Error("boom"));
    sdk.error("JWT validation failed", new Error("invalid signature"));
    sdk.child("jwt-validator").error("JWT verification failed:", { name: "JsonWebTokenError" });
    sdk.child("http").info("listening", { port: 1 });
    sdk.debug("activity/message");
    expect(lines.map((l) => [l.level, l.teams, l.msg])).toEqual([
      [50, "teams", "Error processing activity: boom"],
      [40, "teams", "JWT validation failed invalid signature"],
      [40, "teams/jwt-validator", 'JWT verification failed: {"name":"JsonWebTokenError"}'],
      [30, "teams/http", 'listening {"port":1}'],
    ]);
    expect(sdk.loggerOptions?.level).toBe("info");
  });
});
