import http from "node:http";
import type { AddressInfo } from "node:net";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import express from "express";
import { SECRET, startSeededAccord } from "../slack/testing/harness.ts";
import { openOwnerCards, owners } from "../slack/testing/replicas.ts";

// The server side of `npm run bench:slack`, in its own process (so that the load generator and the
// fake Slack do not share an event loop with the server they measure):
//   tsx src/bench/slackServer.ts accord <fake api url> <disputes>  -> Accord, seeded, one card per dispute
//   tsx src/bench/slackServer.ts bare <fake api url>               -> a bare Bolt app that only acks
// Prints one line `READY <json>` and runs until stdin closes.

async function main(): Promise<void> {
  const [mode, apiUrl, count] = process.argv.slice(2);
  if (!apiUrl) throw new Error("usage: slackServer.ts accord|bare <apiUrl> [disputes]");
  let ready: Record<string, unknown>;
  let stop: () => Promise<void>;
  if (mode === "bare") {
    const app = express();
    const receiver = new ExpressReceiver({ signingSecret: SECRET, endpoints: "/slack/events", processBeforeResponse: false, app, logLevel: LogLevel.ERROR });
    const bolt = new App({ token: "xoxb-bare", receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 } } });
    bolt.action(/.*/, async ({ ack }) => ack());
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    ready = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` };
    stop = () => new Promise<void>((r) => server.close(() => r()));
  } else {
    const n = Number(count ?? 40);
    // bench:slack -- --db postgres hands the child a PostgreSQL database (default: a temporary SQLite file)
    // Accord's pacing as bench:replicas sets it (100 posts/s per channel, 1,000 calls/s per workspace), so the figure
    // measures Accord, not the pacing. Not the harness's 10,000/s: its window (100 slots) would last 10 ms, and a call
    // that leaves more than half a window after its reservation gives the slot back and reserves again: on
    // PostgreSQL under load (a few ms a round trip) rows were deferred again and again, and cards waited seconds.
    const env: Record<string, string> = {
      SLACK_PACE_CHANNEL_PER_SEC: "100",
      SLACK_PACE_WORKSPACE_PER_SEC: "1000",
      SLACK_PACE_UPDATE_PER_MIN: "60000",
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    };
    const { accord } = await startSeededAccord(apiUrl, { items: 1, clock: () => new Date(), env });
    // One owner, one customer and one dispute per card: each action of the bench lands on its own
    // dispute, DM and customer (nothing serialises on a shared customer's row lock).
    const cards = await openOwnerCards(accord, owners(n));
    ready = { url: `${accord.url}/slack/events`, cards };
    stop = () => accord.stop();
  }
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
