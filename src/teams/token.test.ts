import { afterEach, describe, expect, it } from "vitest";
import { startFakeConnector, FAKE_ACCESS_TOKEN, type FakeConnector } from "./testing/fakeConnector.ts";
import { clientCredentialsTokens, TokenError } from "./token.ts";

// The bot's tokens: the client-credentials grant of its own tenant, cached until five minutes before expiry,
// one request for concurrent callers, and a failure that names the error code but never the secret.

describe("bot tokens (client credentials)", () => {
  let fc: FakeConnector | undefined;
  afterEach(async () => {
    await fc?.close();
    fc = undefined;
  });

  it("asks the tenant's token endpoint once, then serves the cached token until 5 minutes before expiry", async () => {
    fc = await startFakeConnector();
    let now = 1_000_000;
    const tokens = clientCredentialsTokens({ loginEndpoint: fc.url, clientId: "cid", clientSecret: "sec", tenantId: "tid", now: () => now });
    const [a, b] = await Promise.all([tokens("https://api.botframework.com/.default", "botframework.com"), tokens("https://api.botframework.com/.default")]);
    expect([a, b]).toEqual([FAKE_ACCESS_TOKEN, FAKE_ACCESS_TOKEN]);
    const asked = () => fc!.calls.filter((c) => c.path === "/tid/oauth2/v2.0/token").length;
    expect(asked()).toBe(1);
    now += 54 * 60_000; // the fake's token lasts an hour: 6 minutes left, still cached
    await tokens("https://api.botframework.com/.default");
    expect(asked()).toBe(1);
    now += 2 * 60_000; // 4 minutes left: asked again
    await tokens("https://api.botframework.com/.default");
    expect(asked()).toBe(2);
    // another scope is another token
    await tokens(["https://graph.microsoft.com/.default"]);
    expect(asked()).toBe(3);
    expect(new URLSearchParams(String(fc.calls.at(-1)!.body)).get("scope")).toBe("https://graph.microsoft.com/.default");
  });

  it("a refused request: a TokenError with Entra's error code, without the secret; the next call asks again", async () => {
    let calls = 0;
    const refusing = (async () => {
      calls++;
      return new Response(JSON.stringify({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." }), { status: 401, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const tokens = clientCredentialsTokens({ loginEndpoint: "https://login.example", clientId: "cid", clientSecret: "the-secret", tenantId: "tid", fetch: refusing });
    const err = await tokens("scope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).status).toBe(401);
    expect((err as Error).message).toContain("invalid_client");
    expect((err as Error).message).not.toContain("the-secret");
    await tokens("scope").catch(() => undefined);
    expect(calls).toBe(2);
  });
});
