import { WebClient, type WebAPICallResult } from "@slack/web-api";
import type { Deps } from "../app/context.ts";
import { identifyChatUser } from "../app/identifyChatUser.ts";
import type { Person } from "../domain/types.ts";
import type { SlackState } from "./ports.ts";
import { slackFetch } from "./transport.ts";

// The Web API as Accord uses it: every call through one wrapper that honours 429 Retry-After
// (the client rejects rate-limited calls; we wait and retry a few times), people matched by email
// with caches (users.info, users.lookupByEmail), DM channels cached in SlackState.

export interface GatewayLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly slackError: string,
  ) {
    super(`${method}: ${slackError}`);
  }
}

const PERSON_TTL_MS = 30_000;
const EMAIL_TTL_MS = 10 * 60_000;
const MAX_429_RETRIES = 3;

export class SlackGateway {
  private emails = new Map<string, { email: string | null; at: number }>();
  private ids = new Map<string, { id: string | null; at: number }>();
  private persons = new Map<string, { person: Person | null; at: number }>();

  constructor(
    readonly client: WebClient,
    private readonly deps: Deps,
    readonly state: SlackState,
    private readonly log: GatewayLog,
  ) {}

  /** Calls a Web API method; Slack errors become SlackCallError (with Slack's error code). */
  async call<T extends WebAPICallResult = WebAPICallResult>(method: string, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.client.apiCall(method, args)) as T;
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === "slack_webapi_rate_limited_error" && attempt < MAX_429_RETRIES) {
          const wait = Math.max(1, e.retryAfter ?? 1) * 1000;
          this.log.warn({ method, retryAfterMs: wait }, "Slack rate limit: waiting Retry-After");
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (e.code === "slack_webapi_platform_error") throw new SlackCallError(method, e.data?.error ?? "unknown_error");
        throw err;
      }
    }
  }

  /** The email of a Slack user (users.info), cached. */
  async emailOf(slackUserId: string): Promise<string | null> {
    const hit = this.emails.get(slackUserId);
    if (hit && this.deps.clock().getTime() - hit.at < EMAIL_TTL_MS) return hit.email;
    let email: string | null = null;
    try {
      const r = await this.call<WebAPICallResult & { user?: { profile?: { email?: string } } }>("users.info", { user: slackUserId });
      email = r.user?.profile?.email?.toLowerCase() ?? null;
    } catch (err) {
      if (!(err instanceof SlackCallError)) throw err;
      this.log.warn({ slackUserId, error: err.slackError }, "users.info failed");
    }
    this.emails.set(slackUserId, { email, at: this.deps.clock().getTime() });
    return email;
  }

  /** The Accord person behind a Slack user (matched by email and linked), cached briefly. */
  async personOf(slackUserId: string): Promise<Person | null> {
    const hit = this.persons.get(slackUserId);
    if (hit && this.deps.clock().getTime() - hit.at < PERSON_TTL_MS) return hit.person;
    const person = await identifyChatUser(this.deps, { slackUserId, emailOf: (id) => this.emailOf(id) });
    this.persons.set(slackUserId, { person, at: this.deps.clock().getTime() });
    return person;
  }

  /** The Slack user id of a person: stored on the person, else users.lookupByEmail (cached) and linked. */
  async slackIdOf(person: Pick<Person, "email" | "slackUserId">): Promise<string | null> {
    if (person.slackUserId) return person.slackUserId;
    const hit = this.ids.get(person.email);
    if (hit && this.deps.clock().getTime() - hit.at < EMAIL_TTL_MS) return hit.id;
    let id: string | null = null;
    try {
      const r = await this.call<WebAPICallResult & { user?: { id?: string } }>("users.lookupByEmail", { email: person.email });
      id = r.user?.id ?? null;
    } catch (err) {
      if (!(err instanceof SlackCallError)) throw err;
    }
    this.ids.set(person.email, { id, at: this.deps.clock().getTime() });
    if (id) await identifyChatUser(this.deps, { slackUserId: id, emailOf: async () => person.email });
    return id;
  }

  /** The bot's DM channel with a user (conversations.open), cached in SlackState. */
  async dmChannel(slackUserId: string): Promise<string> {
    const known = await this.state.dmChannels.get(slackUserId);
    if (known) return known;
    const r = await this.call<WebAPICallResult & { channel?: { id?: string } }>("conversations.open", { users: slackUserId });
    const id = r.channel?.id;
    if (!id) throw new SlackCallError("conversations.open", "no_channel");
    await this.state.dmChannels.put(slackUserId, id, this.deps.clock());
    return id;
  }

  /** Forgets what users.lookupByEmail said of an email (a notice retried once the person joined Slack). */
  forgetLookup(email: string): void {
    this.ids.delete(email);
  }

  forgetPerson(slackUserId: string): void {
    this.persons.delete(slackUserId);
  }
}

export function webClient(token: string, apiUrl: string | undefined, logger: import("@slack/logger").Logger): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    // Rate limits are handled by SlackGateway.call (Retry-After); other failures: none in tests
    // (a local fake), a small policy against the real Slack.
    rejectRateLimitedCalls: true,
    retryConfig: apiUrl ? { retries: 0 } : { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 },
    timeout: 10_000,
    fetch: slackFetch,
    logger,
  });
}
