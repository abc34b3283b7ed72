import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startAccord } from "./server.ts";

// Composition root: load config, start Accord, stop cleanly on SIGTERM/SIGINT.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (!config.slack) log.info("Slack is not configured (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN): running without Slack");
  if (!config.teams) log.info("Teams is not configured (TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID): running without Teams, POST /api/messages answers 404");
  if (!config.apiTokens.length) log.warn("ACCORD_API_TOKENS is empty: the REST API refuses every request");
  const accord = await startAccord(config, { logger: log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    accord.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`Accord failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
