import crypto from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";

// A local stand-in for the Bot Framework's token signer: an OpenID configuration and its key set (JWKS) served
// over HTTP, and tokens signed with the key pair (RS256, node:crypto) the way Teams signs the activities it
// posts to a bot. Point the SDK's cloud at it (TEAMS_OPENID_METADATA_URL, TEAMS_TOKEN_ISSUER) and its own
// JWT validation checks what `sign` issues. `otherKey` signs with a key the key set does not hold.

export const TEST_ISSUER = "https://api.botframework.test";

export interface TokenClaims {
  /** the bot's app id (the audience); default: the identity's `audience` */
  aud?: string;
  iss?: string;
  /** the Bot Connector's URL the activity comes from (must equal the activity's serviceUrl) */
  serviceurl?: string;
  /** seconds since the epoch; default: an hour from now */
  exp?: number;
  nbf?: number;
  /** any other claim */
  [claim: string]: unknown;
}

export interface TestIdentity {
  /** `http://127.0.0.1:<port>/v1/.well-known/openidconfiguration` */
  readonly openIdMetadataUrl: string;
  /** the issuer its tokens carry */
  readonly issuer: string;
  /** how many times the key set was fetched */
  readonly keyFetches: () => number;
  /** a token for `audience` (the bot's client id) signed with the published key */
  sign(claims?: TokenClaims, opts?: { key?: "published" | "other"; kid?: string }): string;
  close(): Promise<void>;
}

function keyPair() {
  return crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
}

export async function startTestIdentity(audience: string, opts: { issuer?: string } = {}): Promise<TestIdentity> {
  const issuer = opts.issuer ?? TEST_ISSUER;
  const published = keyPair();
  const other = keyPair();
  const kid = "accord-test-key-1";
  const jwk = { ...(published.publicKey.export({ format: "jwk" }) as Record<string, unknown>), kid, use: "sig", alg: "RS256", endorsements: ["msteams"] };
  let fetches = 0;
  let base = "";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/v1/.well-known/openidconfiguration") {
      return json(200, { issuer, authorization_endpoint: `${base}/v1/authorize`, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ["RS256"], token_endpoint_auth_methods_supported: ["private_key_jwt"] });
    }
    if (path === "/v1/.well-known/keys") {
      fetches++;
      return json(200, { keys: [jwk] });
    }
    return json(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    issuer,
    keyFetches: () => fetches,
    sign(claims = {}, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { aud: audience, iss: issuer, nbf: now - 60, exp: now + 3600, ...claims };
      const key = o.key === "other" ? other.privateKey : published.privateKey;
      return jwt.sign(payload, key, { algorithm: "RS256", keyid: o.kid ?? kid });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
