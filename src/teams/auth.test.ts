import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestAccord, type TestAccord } from "../test/harness.ts";
import { messageActivity, postActivity, postSignedActivity, TEST_BOT_ID, TEST_TENANT, teamsEnv } from "./testing/activities.ts";
import { FAKE_ACCESS_TOKEN, startFakeConnector, type FakeConnector } from "./testing/fakeConnector.ts";
import { startTestIdentity, type TestIdentity } from "./testing/identity.ts";

// The JWT check of incoming activities, over HTTP: the SDK's own validation (not ours) pointed at a local OpenID
// configuration and key set (TEAMS_OPENID_METADATA_URL, TEAMS_TOKEN_ISSUER). A token it refuses gets 401 and no
// listener runs: nothing is answered, nothing is stored.

describe("Teams: incoming activities must carry Microsoft's token", () => {
  let identity: TestIdentity;
  let connector: FakeConnector;
  let accord: TestAccord;
  const SAVED = { ...process.env };

  beforeAll(async () => {
    identity = await startTestIdentity(TEST_BOT_ID);
    connector = await startFakeConnector();
    // the SDK's own switch, set in the environment, changes nothing: only our settings decide
    process.env.DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS = "true";
    process.env.CLIENT_ID = "00000000-0000-4000-8000-0000000000ee";
    accord = await startTestAccord(teamsEnv({ identity, connectorUrl: connector.url }), { startJobs: false });
  });
  afterAll(async () => {
    for (const k of ["DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", "CLIENT_ID"]) {
      if (SAVED[k] === undefined) delete process.env[k];
      else process.env[k] = SAVED[k];
    }
    await accord?.stop();
    await connector?.close();
    await identity?.close();
  });
  beforeEach(() => {
    connector.calls.length = 0;
  });

  const activity = (text = "help", conversationId = `a:auth-${Math.random().toString(36).slice(2)}`) =>
    messageActivity({ serviceUrl: connector.url, from: { id: "29:claire", aadObjectId: "aad-claire" }, text, locale: "en-US", conversationId });
  const now = () => Math.floor(Date.now() / 1000);

  /** posts with this token (or none) and says whether any listener ran: an answer posted, the conversation stored */
  async function post(token: string | undefined) {
    const a = activity();
    const res = await postActivity(accord.url, a, token ? { token } : {});
    const convId = (a.conversation as { id: string }).id;
    return { status: res.status, answered: connector.posted().filter((p) => p.conversationId === convId).length, stored: (await accord.deps.store.teams.conversation(convId)) !== null };
  }

  it("a valid token: the listener runs, and answers with the bot's own token from the tenant's token endpoint", async () => {
    const r = await post(identity.sign({ serviceurl: connector.url }));
    expect(r).toEqual({ status: 200, answered: 1, stored: true });
    const tokenCall = connector.calls.find((c) => c.path.endsWith("/oauth2/v2.0/token"))!;
    expect(tokenCall.path).toBe(`/${TEST_TENANT}/oauth2/v2.0/token`);
    const form = new URLSearchParams(String(tokenCall.body));
    expect(Object.fromEntries(form)).toEqual({ grant_type: "client_credentials", client_id: TEST_BOT_ID, client_secret: "test-teams-secret", scope: "https://api.botframework.com/.default" });
    // the member lookup and the answer, both with the bot's token
    expect(connector.bearerTokens().length).toBeGreaterThanOrEqual(2);
    expect(new Set(connector.bearerTokens())).toEqual(new Set([FAKE_ACCESS_TOKEN]));
  });

  it("postSignedActivity signs as Teams does (the test helper others reuse)", async () => {
    const a = activity();
    expect((await postSignedActivity(accord.url, a, identity)).status).toBe(200);
  });

  it("the other audiences Teams uses for a bot (api://botid-<id>) are accepted too", async () => {
    expect((await post(identity.sign({ serviceurl: connector.url, aud: `api://botid-${TEST_BOT_ID}` }))).status).toBe(200);
  });

  it("no Authorization header: 401, no listener runs", async () => {
    expect(await post(undefined)).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("an expired token (beyond the 5 minutes of clock skew allowed): 401", async () => {
    expect(await post(identity.sign({ serviceurl: connector.url, exp: now() - 3600, nbf: now() - 7200 }))).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("a token for another bot (wrong audience): 401", async () => {
    expect(await post(identity.sign({ serviceurl: connector.url, aud: "00000000-0000-4000-8000-000000000bad" }))).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("a token signed with a key the key set does not hold: 401", async () => {
    expect(await post(identity.sign({ serviceurl: connector.url }, { key: "other" }))).toEqual({ status: 401, answered: 0, stored: false });
    // the same key id, another key: the signature does not verify
    expect(await post(identity.sign({ serviceurl: connector.url }, { key: "other", kid: "unknown-kid" }))).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("a token whose serviceurl claim is not the activity's serviceUrl: 401", async () => {
    expect(await post(identity.sign({ serviceurl: "https://smba.attacker.example/teams" }))).toEqual({ status: 401, answered: 0, stored: false });
    expect(await post(identity.sign({}))).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("a token from another issuer: 401", async () => {
    expect(await post(identity.sign({ serviceurl: connector.url, iss: "https://api.botframework.com.attacker.example" }))).toEqual({ status: 401, answered: 0, stored: false });
  });

  it("garbage instead of a token: 401", async () => {
    expect(await post("not-a-jwt")).toEqual({ status: 401, answered: 0, stored: false });
  });
});

describe("Teams with TEAMS_DEV_UNAUTHENTICATED=true (local Agents Playground)", () => {
  it("accepts an activity without any token", async () => {
    const connector = await startFakeConnector();
    const accord = await startTestAccord(teamsEnv({ connectorUrl: connector.url }), { startJobs: false });
    try {
      const res = await postActivity(accord.url, messageActivity({ serviceUrl: connector.url, from: { id: "29:dev" }, text: "help", locale: "en-US" }));
      expect(res.status).toBe(200);
      expect(connector.posted()).toHaveLength(1);
      // no token asked anywhere: the dev set-up has no credentials
      expect(connector.calls.filter((c) => c.path.endsWith("/token"))).toEqual([]);
    } finally {
      await accord.stop();
      await connector.close();
    }
  });
});
