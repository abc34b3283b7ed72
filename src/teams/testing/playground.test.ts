import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { Client } from "@microsoft/teams.api";
import { App, ExpressAdapter } from "@microsoft/teams.apps";
import type { ILogger } from "@microsoft/teams.common";
import { afterEach, describe, expect, it, onTestFailed } from "vitest";
import { DEMO_PEOPLE } from "../../app/seedDemo.ts";
import { PLAYGROUND_DEMO_USER, PLAYGROUND_LOCAL_CHAT_ID, PlaygroundError, playgroundConfig, startPlayground, type Playground } from "./playground.ts";

// The Playground driver proven against a minimal bot before Accord's wiring uses it: an express app with the
// Teams SDK App mounted unauthenticated (the Playground sends no token), answering "ping" with "pong", posting
// a card whose button the test presses, and updating that card later, outside any turn, through the Bot
// Connector URL of the conversation (the proactive path). The Playground really runs: a failure to start fails.

/** the SDK's logs, kept for a failure message instead of the test output */
function memoryLogger(lines: string[], name = "bot"): ILogger {
  const log = (level: string) => (...msg: unknown[]) => void lines.push(`${level} ${name} ${msg.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")}`);
  return { error: log("error"), warn: log("warn"), info: log("info"), debug: () => {}, trace: () => {}, log: (level, ...msg) => log(level)(...msg), child: (n) => memoryLogger(lines, `${name}/${n}`) };
}

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const unsignedJwt = () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ aud: "https://api.botframework.com", exp: Math.floor(Date.now() / 1000) + 3600 })}.`;

const card = (text: string, withButton: boolean) => ({
  type: "AdaptiveCard",
  version: "1.5",
  body: [{ type: "TextBlock", text }],
  ...(withButton ? { actions: [{ type: "Action.Execute", title: "Done", verb: "done", data: { n: 1 } }, { type: "Action.Submit", title: "Open", data: { open: 7 } }] } : {}),
});

interface MinimalBot {
  endpoint: string;
  logs: string[];
  /** what the bot saw */
  seen: string[];
  /** the conversation reference of the last card posted */
  lastCard?: { serviceUrl: string; conversationId: string; activityId: string };
  close(): Promise<void>;
}

async function startMinimalBot(): Promise<MinimalBot> {
  const logs: string[] = [];
  const web = express();
  const app = new App({
    httpServerAdapter: new ExpressAdapter(web),
    dangerouslyAllowUnauthenticatedRequests: true,
    // every option explicit, so no CLIENT_ID / SERVICE_URL / CLOUD of the environment decides
    clientId: "00000000-0000-0000-0000-00000000000011",
    // the Playground checks no token, but the SDK reads the one it sends as a JWT: an unsigned one
    token: async () => unsignedJwt(),
    serviceUrl: "http://127.0.0.1:9/unused",
    logger: memoryLogger(logs),
  });
  const bot: MinimalBot = { endpoint: "", logs, seen: [], close: async () => {} };
  app.on("install.add", async ({ send }) => {
    bot.seen.push("install.add");
    await send("Welcome");
  });
  app.on("message", async ({ activity, send }) => {
    bot.seen.push(`message ${activity.text ?? ""}`);
    if (activity.value) await send(`submitted ${JSON.stringify(activity.value)} on ${activity.replyToId}`);
    else if (activity.text === "ping") await send("pong");
    else if (activity.text === "card") {
      const sent = await send({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: card("Open", true) }] });
      bot.lastCard = { serviceUrl: activity.serviceUrl!, conversationId: activity.conversation.id, activityId: sent.id };
    }
  });
  app.on("card.action", async ({ activity }) => {
    const action = activity.value.action;
    bot.seen.push(`card.action ${action.verb} ${JSON.stringify(action.data)}`);
    return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card(`Done by ${activity.from.id}: ${String((action.data as Record<string, unknown>).comment ?? "")}`, false) } as never;
  });
  await app.initialize();
  const server = http.createServer(web);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  bot.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  bot.close = () => new Promise<void>((r) => server.close(() => r()));
  return bot;
}

let pg: Playground | undefined;
let bot: MinimalBot | undefined;
afterEach(async () => {
  await pg?.stop();
  await bot?.close();
  pg = undefined;
  bot = undefined;
});

describe("Agents Playground driver (against a minimal bot)", () => {
  it("installs, sends a message, presses a card button and sees a proactive update over the WebSocket", { timeout: 120_000 }, async () => {
    const b = (bot = await startMinimalBot());
    onTestFailed(() => console.error(`bot saw: ${b.seen.join(" | ")}\nbot log:\n${b.logs.join("\n")}`));
    pg = await startPlayground({ botEndpoint: bot.endpoint });

    await pg.install();
    expect((await pg.nextBotMessage("the welcome message")).text).toBe("Welcome");

    await pg.sendMessage("ping");
    const pong = await pg.nextBotMessage("pong", (m) => m.text === "pong");
    expect(pong.from.id).toBe(pg.bot.id);

    await pg.sendMessage("card");
    const posted = await pg.nextBotMessage("the card", (m) => m.attachments.length > 0);
    expect(posted.attachments[0]).toMatchObject({ contentType: "application/vnd.microsoft.card.adaptive", content: { body: [{ text: "Open" }] } });

    const answer = await pg.invokeCardAction(posted.messageId, { verb: "done", data: { n: 1, comment: "ok" } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ type: "application/vnd.microsoft.card.adaptive", value: { body: [{ text: `Done by ${pg.user.id}: ok` }] } });
    expect(bot.seen).toContain('card.action done {"n":1,"comment":"ok"}');

    // an Action.Submit comes back as a message carrying the button's data
    await pg.submitCard(posted.messageId, { open: 7 });
    expect((await pg.nextBotMessage("the answer to the submit", (m) => String(m.text).startsWith("submitted"))).text).toBe(`submitted {"open":7} on ${posted.messageId}`);

    // proactive: outside any turn, the bot updates its card through the conversation's Bot Connector URL
    const ref = bot.lastCard!;
    expect(ref.serviceUrl).toMatch(/^http:\/\/localhost:\d+\/_connector\/?$/);
    await new Client(ref.serviceUrl).conversations.updateActivity(ref.conversationId, ref.activityId, {
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: card("Updated later", false) }],
    } as never);
    const updated = await pg.nextBotUpdate("the card updated", (m) => m.messageId === posted.messageId);
    expect(updated.attachments[0]!.content.body[0].text).toBe("Updated later");
    expect(bot.seen.slice(0, 3)).toEqual(["install.add", "message ping", "message card"]);
    expect(bot.seen).toHaveLength(5);
  });

  it("a wait fails at once, with what was awaited, when the Playground stops meanwhile", { timeout: 60_000 }, async () => {
    const p = (pg = await startPlayground({ botEndpoint: "http://127.0.0.1:9/api/messages" }));
    const waiting = p.nextBotMessage("a message that never comes", () => false, 50_000);
    const failed = expect(waiting).rejects.toThrow(/the Playground stopped while waiting for a message that never comes/);
    await p.stop();
    await failed;
    // and a wait started after the stop fails too
    await expect(p.nextBotMessage("another one")).rejects.toThrow(/stopped while waiting for another one/);
  });

  it("fails, with what the Playground printed, when it exits before listening", { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-pg-broken-"));
    const cli = path.join(dir, "cli.js");
    fs.writeFileSync(cli, 'console.error("cannot load the bundle: " + process.argv.slice(2).join(" ")); process.exit(3);\n');
    try {
      const failure = await startPlayground({ botEndpoint: "http://127.0.0.1:9/api/messages", cliPath: cli }).then(
        () => null,
        (e: Error) => e,
      );
      expect(failure).toBeInstanceOf(PlaygroundError);
      expect(failure!.message).toContain("exited before listening (code 3");
      expect(failure!.message).toContain("cannot load the bundle: start -e http://127.0.0.1:9/api/messages -p 0 -c msteams --conversation-id");
      expect(failure!.message).toContain("--disable-telemetry");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails when the Playground does not answer in time, and kills it", { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-pg-silent-"));
    const cli = path.join(dir, "cli.js");
    const pidFile = path.join(dir, "pid");
    fs.writeFileSync(cli, `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);\n`);
    try {
      await expect(startPlayground({ botEndpoint: "http://127.0.0.1:9/api/messages", cliPath: cli, startTimeoutMs: 3_000 })).rejects.toThrow(/did not print "Listening on <port>"/);
      const pid = Number(fs.readFileSync(pidFile, "utf8"));
      expect(() => process.kill(pid, 0)).toThrow(); // the child is gone
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the committed local config (manifests/teams/playground.yml) is the driver's, its user a controller of the demo", () => {
    const file = fs.readFileSync(path.resolve(import.meta.dirname, "../../../manifests/teams/playground.yml"), "utf8");
    // YAML comments, then JSON (which is YAML)
    const json = file.split("\n").filter((l) => !l.startsWith("#")).join("\n");
    expect(JSON.parse(json)).toEqual(playgroundConfig(PLAYGROUND_DEMO_USER, PLAYGROUND_LOCAL_CHAT_ID));
    expect(DEMO_PEOPLE.find((p) => p.email === PLAYGROUND_DEMO_USER.email)).toMatchObject({ name: PLAYGROUND_DEMO_USER.name, role: "controller" });
  });
});
