import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type express from "express";
import type { Deps, Listener } from "../app/context.ts";
import type { Config } from "../config.ts";
import { CardPublisher } from "./cards.ts";
import { SlackDelivery } from "./delivery.ts";
import { SlackGateway, webClient, type GatewayLog } from "./gateway.ts";
import { slackRequestGuard } from "./guard.ts";
import { registerHandlers } from "./handlers.ts";
import { slackState, type SlackState } from "./ports.ts";
import { slackFetch } from "./transport.ts";

// Mounts Slack on Accord's express app: Bolt's single endpoint POST /slack/events (events, slash
// commands, interactivity, options), or Socket Mode when SLACK_APP_TOKEN is set. Returns the
// listener that keeps cards in step with disputes.

export const SLACK_EVENTS_PATH = "/slack/events";

type PinoLike = GatewayLog & { debug(obj: object, msg: string): void; child?(b: object): unknown; level?: string };

export interface MountedSlack {
  onChange: Listener;
  /** resolves when the queued card updates and Home refreshes are done (tests, bench) */
  idle(): Promise<void>;
  state: SlackState;
  gateway: SlackGateway;
  cards: CardPublisher;
  delivery: SlackDelivery;
  stop(): Promise<void>;
}

function boltLogger(log: PinoLike): BoltLogger {
  let level = LogLevel.INFO;
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(" ");
  return {
    debug: (...m: unknown[]) => log.debug({ slack: true }, fmt(m)),
    info: (...m: unknown[]) => log.info({ slack: true }, fmt(m)),
    warn: (...m: unknown[]) => log.warn({ slack: true }, fmt(m)),
    error: (...m: unknown[]) => log.error({ slack: true }, fmt(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface MountSlackInput {
  app: express.Express;
  deps: Deps;
  config: Config;
  log: PinoLike;
  /** tests: another state (default: the store's Slack rows) */
  state?: SlackState;
  homeDebounceMs?: number;
  /** false: the delivery loop is not started (tests that drive it by hand) */
  startDelivery?: boolean;
}

export async function mountSlack(input: MountSlackInput): Promise<MountedSlack> {
  const { app, deps, config, log } = input;
  const slack = config.slack;
  if (!slack) throw new Error("mountSlack: Slack is not configured");
  const logger = boltLogger(log);
  const state = input.state ?? slackState(deps.store.slack);
  const client = webClient(slack.botToken, slack.apiUrl, logger);
  const gateway = new SlackGateway(client, deps, state, log);
  let cards: CardPublisher | null = null;
  const delivery = new SlackDelivery({
    deps,
    gateway,
    disputesChannel: slack.disputesChannel,
    log,
    pacing: config.slackDelivery.pacing,
    probeMs: config.slackDelivery.probeMs,
    leaseMs: config.collections.leaseMs,
    pollMs: config.collections.pollMs,
    onDelivered: (emails) => cards?.homesOf(emails),
  });
  cards = new CardPublisher({ deps, gateway, delivery, log, homeDebounceMs: input.homeDebounceMs ?? 200 });
  const clientOptions = { ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}), fetch: slackFetch, retryConfig: slack.apiUrl ? { retries: 0 } : { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 } };

  let bolt: App;
  let receiver: ExpressReceiver | null = null;
  if (slack.appToken) {
    bolt = new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true, logger, clientOptions });
  } else {
    // Before Bolt: timestamps within 5 minutes either way (digits only), malformed signed payloads -> 400.
    app.post(SLACK_EVENTS_PATH, slackRequestGuard({ signingSecret: slack.signingSecret, log }));
    receiver = new ExpressReceiver({
      signingSecret: slack.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: false,
      app,
      logger,
      // Unhandled requests are answered politely by handlers.ts; this only logs what still slips through.
      unhandledRequestTimeoutMillis: 3001,
    });
    bolt = new App({ token: slack.botToken, receiver, logger, clientOptions });
  }
  bolt.error(async (err) => {
    log.error({ err: err.original ?? err, code: err.code }, "Slack listener error");
  });
  registerHandlers(bolt, { deps, gateway, cards, log });
  if (slack.appToken) await bolt.start();
  if (input.startDelivery !== false) delivery.start();

  const prune = setInterval(() => {
    state.prune(new Date(deps.clock().getTime() - 24 * 3600_000)).catch((err: unknown) => log.warn({ err }, "pruning Slack deliveries failed"));
  }, 3600_000);
  prune.unref();

  log.info({ mode: slack.appToken ? "socket" : "http", path: slack.appToken ? undefined : SLACK_EVENTS_PATH, channel: slack.disputesChannel ?? null }, "Slack is on");
  let stopped: Promise<void> | null = null;
  return {
    onChange: cards.onChange,
    idle: () => cards.idle(),
    state,
    gateway,
    cards,
    delivery,
    stop() {
      stopped ??= (async () => {
        clearInterval(prune);
        await delivery.stop();
        cards.stop();
        if (slack.appToken) await bolt.stop().catch(() => undefined);
      })();
      return stopped;
    },
  };
}
