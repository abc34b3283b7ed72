import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";

// The TEAMS_* settings (src/config.ts): all three credentials or none, the dev flag never in production nor
// with credentials, the cloud by name, every option the SDK needs made explicit.

const ID = "00000000-0000-4000-8000-00000000b07a";
const creds = { TEAMS_CLIENT_ID: ID, TEAMS_CLIENT_SECRET: "secret-value", TEAMS_TENANT_ID: "11111111-2222-3333-4444-555555555555" };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ NODE_ENV: "test", ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("Teams settings", () => {
  it("none: Teams is off", () => {
    expect(loadConfig({ NODE_ENV: "test" }).teams).toBeUndefined();
  });

  it("all three: Teams on with token checks, Microsoft's public cloud and service URL", () => {
    expect(loadConfig({ NODE_ENV: "production", ...creds }).teams).toEqual({
      credentials: { clientId: ID, clientSecret: "secret-value", tenantId: creds.TEAMS_TENANT_ID },
      devUnauthenticated: false,
      cloud: "Public",
      endpoints: {},
      serviceUrl: "https://smba.trafficmanager.net/teams",
      pacing: { perSecond: 7, perHour: 1800, botPerSecond: 30 },
    });
  });

  it("one or two of the three: a start-up error naming each missing one", () => {
    expect(problems({ TEAMS_CLIENT_ID: ID })).toEqual([
      "TEAMS_CLIENT_SECRET: missing: Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID together (TEAMS_CLIENT_ID is set)",
      "TEAMS_TENANT_ID: missing: Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID together (TEAMS_CLIENT_ID is set)",
    ]);
    expect(problems({ TEAMS_CLIENT_ID: ID, TEAMS_TENANT_ID: creds.TEAMS_TENANT_ID })).toEqual([
      "TEAMS_CLIENT_SECRET: missing: Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID together (TEAMS_CLIENT_ID, TEAMS_TENANT_ID are set)",
    ]);
    expect(problems({ TEAMS_CLIENT_SECRET: "s", TEAMS_TENANT_ID: "t" })).toEqual([expect.stringMatching(/^TEAMS_CLIENT_ID: missing/)]);
    // an empty value counts as unset
    expect(problems({ ...creds, TEAMS_CLIENT_SECRET: "  " })).toEqual([expect.stringMatching(/^TEAMS_CLIENT_SECRET: missing/)]);
  });

  it("the client id is the bot's Microsoft App ID, a GUID", () => {
    expect(problems({ ...creds, TEAMS_CLIENT_ID: "accord-bot" })).toEqual([expect.stringMatching(/^TEAMS_CLIENT_ID: the bot's Microsoft App ID, a GUID/)]);
  });

  it("the dev flag: local Agents Playground only, without credentials, refused in production", () => {
    expect(loadConfig({ NODE_ENV: "development", TEAMS_DEV_UNAUTHENTICATED: "true" }).teams).toMatchObject({ credentials: null, devUnauthenticated: true });
    expect(problems({ NODE_ENV: "production", TEAMS_DEV_UNAUTHENTICATED: "true" })).toEqual([expect.stringMatching(/^TEAMS_DEV_UNAUTHENTICATED: refused when NODE_ENV=production/)]);
    expect(problems({ ...creds, TEAMS_DEV_UNAUTHENTICATED: "true" })).toEqual([expect.stringMatching(/^TEAMS_DEV_UNAUTHENTICATED: is for the local Agents Playground, without credentials/)]);
    expect(loadConfig({ NODE_ENV: "production", TEAMS_DEV_UNAUTHENTICATED: "false" }).teams).toBeUndefined();
    // no token checked: this machine only
    expect(problems({ TEAMS_DEV_UNAUTHENTICATED: "true", HOST: "0.0.0.0" })).toEqual(["TEAMS_DEV_UNAUTHENTICATED: accepts activities from anyone who reaches the port: listen on this machine only (HOST=127.0.0.1, not 0.0.0.0)"]);
    expect(problems({ TEAMS_DEV_UNAUTHENTICATED: "true", HOST: "localhost" })).toEqual([]);
  });

  it("the cloud by name (any case), endpoint overrides, the service URL; https only in production", () => {
    const t = loadConfig({
      NODE_ENV: "test",
      ...creds,
      TEAMS_CLOUD: "usgov",
      TEAMS_LOGIN_ENDPOINT: "http://127.0.0.1:9/",
      TEAMS_OPENID_METADATA_URL: "http://127.0.0.1:9/v1/.well-known/openidconfiguration",
      TEAMS_TOKEN_ISSUER: "https://api.botframework.test",
      TEAMS_SERVICE_URL: "http://127.0.0.1:9/",
    }).teams!;
    expect(t.cloud).toBe("USGov");
    expect(t.endpoints).toEqual({ loginEndpoint: "http://127.0.0.1:9", openIdMetadataUrl: "http://127.0.0.1:9/v1/.well-known/openidconfiguration", tokenIssuer: "https://api.botframework.test" });
    expect(t.serviceUrl).toBe("http://127.0.0.1:9");
    expect(problems({ ...creds, TEAMS_CLOUD: "Mars" })).toEqual(['TEAMS_CLOUD: unknown cloud "Mars" (known: Public, USGov, USGovDoD, China)']);
    expect(problems({ NODE_ENV: "production", ...creds, TEAMS_OPENID_METADATA_URL: "http://127.0.0.1:9/x", TEAMS_LOGIN_ENDPOINT: "http://127.0.0.1:9" })).toEqual([
      "TEAMS_LOGIN_ENDPOINT: must be an https:// URL in production",
      "TEAMS_OPENID_METADATA_URL: must be an https:// URL in production",
    ]);
  });

  it("Teams settings turn the automatic sandbox off", () => {
    expect(loadConfig({ NODE_ENV: "development", ...creds }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: "development", TEAMS_DEV_UNAUTHENTICATED: "true" }).sandbox).toBe(false);
  });

  it("the disputes channel: a team channel's conversation id, with Teams on", () => {
    expect(loadConfig({ NODE_ENV: "test", ...creds, TEAMS_DISPUTES_CHANNEL: "19:abc123@thread.tacv2" }).teams?.disputesChannel).toBe("19:abc123@thread.tacv2");
    expect(loadConfig({ NODE_ENV: "test", ...creds }).teams).not.toHaveProperty("disputesChannel");
    // a Slack channel id, a thread's link, a team's name: refused, naming the setting
    for (const wrong of ["C0123ABCD", "19:abc123@thread.tacv2;messageid=1699", "Litiges"]) expect(problems({ ...creds, TEAMS_DISPUTES_CHANNEL: wrong })).toEqual([expect.stringMatching(/^TEAMS_DISPUTES_CHANNEL: a team channel's conversation id, 19:…@thread.tacv2/)]);
    expect(problems({ TEAMS_DISPUTES_CHANNEL: "19:abc123@thread.tacv2" })).toEqual([expect.stringMatching(/^TEAMS_DISPUTES_CHANNEL: Teams is off/)]);
  });

  it("the pacing: Teams' limits by default, settings like Slack's, each checked at start naming the setting", () => {
    expect(loadConfig({ NODE_ENV: "test", ...creds, TEAMS_PACE_CONVERSATION_PER_SEC: "3", TEAMS_PACE_CONVERSATION_PER_HOUR: "600", TEAMS_PACE_BOT_PER_SEC: "12" }).teams?.pacing).toEqual({ perSecond: 3, perHour: 600, botPerSecond: 12 });
    expect(problems({ ...creds, TEAMS_PACE_CONVERSATION_PER_SEC: "0" })).toEqual([expect.stringMatching(/^TEAMS_PACE_CONVERSATION_PER_SEC: /)]);
    expect(problems({ ...creds, TEAMS_PACE_CONVERSATION_PER_SEC: "2.5" })).toEqual(["TEAMS_PACE_CONVERSATION_PER_SEC: a whole number of messages"]);
    expect(problems({ ...creds, TEAMS_PACE_CONVERSATION_PER_HOUR: "lots" })).toEqual([expect.stringMatching(/^TEAMS_PACE_CONVERSATION_PER_HOUR: /)]);
    expect(problems({ ...creds, TEAMS_PACE_BOT_PER_SEC: "-1" })).toEqual([expect.stringMatching(/^TEAMS_PACE_BOT_PER_SEC: /)]);
    expect(problems({ ...creds, TEAMS_PACE_CONVERSATION_PER_SEC: "10", TEAMS_PACE_CONVERSATION_PER_HOUR: "5" })).toEqual(["TEAMS_PACE_CONVERSATION_PER_HOUR: at least TEAMS_PACE_CONVERSATION_PER_SEC (10): an hour holds more than a second"]);
  });
});
