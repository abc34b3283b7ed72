import http from "node:http";
import type { AddressInfo } from "node:net";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import express from "express";
import { openDispute } from "../app/openDispute.ts";
import { SECRET, startSeededAccord, USERS } from "../slack/testing/harness.ts";

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
    // ACCORD_STORE=prisma npm run bench:slack measures the Prisma store (default: the SQL one)
    const env: Record<string, string> = process.env.ACCORD_STORE ? { ACCORD_STORE: process.env.ACCORD_STORE } : {};
    const { accord } = await startSeededAccord(apiUrl, { items: n, clock: () => new Date(), env });
    const cards: { id: number; channel: string; ts: string }[] = [];
    for (let i = 0; i < n; i++) {
      const { dispute } = await openDispute(accord.deps, {
        customerRef: "C001",
        items: [{ ref: `F-2026-${String(i + 1).padStart(3, "0")}` }],
        reasonCode: "price",
        statement: `Bench dispute ${i}`,
        openedByEmail: USERS.carla.email,
        ownerEmail: USERS.sam.email,
      });
      await accord.slack!.idle();
      const [copy] = await accord.slack!.state.cards.forDispute(dispute.id);
      cards.push({ id: dispute.id, channel: copy!.channel, ts: copy!.ts });
    }
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
