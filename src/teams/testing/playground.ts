import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { connectWebSocket, type WsClient } from "./wsClient.ts";

// A driver of the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground, pinned 0.2.28) for
// end-to-end tests: it starts the Playground as a child process pointed at a bot's /api/messages, talks to it
// the way its web page does (HTTP for the user's side, the conversation WebSocket for what the bot sends),
// and stops it. Checked against the Playground's dist/index.js:
// - `cli.js start -e <endpoint> -p 0 -c msteams --conversation-id <id> --disable-telemetry` listens on a free
//   port and prints `Listening on <port>` (stdout, when it is not a terminal); GET /_debug/ping answers `pong`
//   once its routes are mounted. TEAMSAPPTESTER_BROWSER=none keeps it from opening a browser;
//   M365_AGENTS_PLAYGROUND_LOGFILE takes its console (we read it for failure messages);
//   M365_AGENTS_PLAYGROUND_CONFIG_PATH names its YAML config (tenant, bot, current user, chats: written here,
//   as JSON, which is YAML); telemetry is off (--disable-telemetry, APPLICATION_INSIGHTS_NO_STATSBEAT=true,
//   and an Application Insights connection string pointing at 127.0.0.1:9, so nothing leaves the machine).
// - POST /_debug/conversation/{id}/installation: the app is installed (installationUpdate + conversationUpdate
//   membersAdded sent to the bot after the 200).
// - POST /_conversation/v1/conversations/{id}/messages {from:{id}, text, textFormat}: the user writes (the bot
//   gets the message activity after the 200).
// - POST /_conversation/v1/invoke {name:"adaptiveCard/action", value, from, conversation, replyToId}: a card
//   button; the bot's invoke response ({type, value}) is the HTTP answer (the Playground also puts the returned
//   card in place of the message's card, which its page shows: no WebSocket event for it).
// - POST /_conversation/v1/submit {conversation, from, replyToId, value}: an Action.Submit button; the bot gets a
//   message activity whose `value` is the button's data (and the inputs).
// - ws://…/_ws_conversation/v1/conversations/stream: what the bot posts (createMessage) and updates
//   (updateMessage) through the Playground's Bot Connector (serviceUrl http://localhost:<port>/_connector),
//   buffered by the Playground until a client connects.
// The Playground sends no token to the bot (run the bot unauthenticated) and has no dialogs (task modules).

export const PLAYGROUND_VERSION = "0.2.28";

export interface PlaygroundUser {
  id: string;
  name: string;
  email: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
}

export interface PlaygroundMessage {
  messageId: string;
  timestamp: number;
  from: { id: string };
  text?: string;
  textFormat?: string;
  attachments: Array<{ contentType: string; content: any }>;
  attachmentLayout?: string;
  mentions?: unknown[];
  [k: string]: unknown;
}

/** What the Playground's conversation WebSocket says (ActionType: createMessage, updateMessage, typing). */
export interface PlaygroundEvent {
  action: "createMessage" | "updateMessage" | "typing";
  actionConversationId: string;
  message?: PlaygroundMessage;
}

export interface InvokeResult {
  status: number;
  /** the bot's invoke response: for adaptiveCard/action, `type` (a card or a message) and `value` */
  body: { type?: string; value?: any; [k: string]: unknown };
}

export interface StartPlaygroundOptions {
  /** the bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** the personal chat's conversation id (default: a fresh one) */
  conversationId?: string;
  /** the person writing to the bot (default: the Playground's Alex Wilber, alexw@example.com) */
  currentUser?: Partial<PlaygroundUser>;
  /** how long to wait for the Playground to listen and answer its ping (default 60 s: it loads a 5 MB bundle) */
  startTimeoutMs?: number;
  /** the Playground's cli.js (default: the installed @microsoft/m365agentsplayground's); tests of the driver pass another */
  cliPath?: string;
}

export interface Playground {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly conversationId: string;
  readonly user: PlaygroundUser;
  readonly bot: { id: string; name: string };
  /** every event received on the conversation WebSocket, in order */
  readonly events: readonly PlaygroundEvent[];
  /** installs the app in the personal chat (the bot gets installationUpdate and conversationUpdate) */
  install(): Promise<void>;
  /** the user writes `text` in the personal chat */
  sendMessage(text: string): Promise<void>;
  /** the user presses an Action.Execute button of the message `replyToId` (inputs go in `data`, as Teams does) */
  invokeCardAction(replyToId: string, action: { verb: string; data?: Record<string, unknown>; id?: string }): Promise<InvokeResult>;
  /** the user presses an Action.Submit button of the message `replyToId`: the bot gets a message whose `value` is `data` */
  submitCard(replyToId: string, data: Record<string, unknown>): Promise<void>;
  /**
   * The first event not yet taken that matches, waiting for it if needed; fails with what was awaited, the
   * events seen and the Playground's log when it does not come within `timeoutMs` (default 20 s).
   */
  next(what: string, match: (e: PlaygroundEvent) => boolean, timeoutMs?: number): Promise<PlaygroundEvent>;
  /** next bot message posted (createMessage from the bot) matching, if given */
  nextBotMessage(what: string, match?: (m: PlaygroundMessage) => boolean, timeoutMs?: number): Promise<PlaygroundMessage>;
  /** next update (updateMessage) of a bot message matching */
  nextBotUpdate(what: string, match?: (m: PlaygroundMessage) => boolean, timeoutMs?: number): Promise<PlaygroundMessage>;
  /** the Playground's log file and its own stdout/stderr, for failure messages */
  logs(): string;
  /** stops the Playground (SIGTERM, then SIGKILL) and removes its temporary files */
  stop(): Promise<void>;
}

const DEFAULT_USER: PlaygroundUser = {
  id: "user-id-0",
  name: "Alex Wilber",
  userPrincipleName: "alexw@example.com",
  aadObjectId: "00000000-0000-0000-0000-0000000000020",
  givenName: "Alex",
  surname: "Wilber",
  email: "alexw@example.com",
};
/**
 * Claire Martin, a controller of the French demo data (src/app/seedDemo.ts), as the Playground's current user: Accord
 * matches her by her email. The e2e test and the local config (manifests/teams/playground.yml) use her.
 */
export const PLAYGROUND_DEMO_USER: PlaygroundUser = {
  id: "user-id-claire",
  name: "Claire Martin",
  userPrincipleName: "claire.martin@demo.accord.fr",
  aadObjectId: "6d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  givenName: "Claire",
  surname: "Martin",
  email: "claire.martin@demo.accord.fr",
};
/** the personal chat's id in the local config */
export const PLAYGROUND_LOCAL_CHAT_ID = "accord-local-personal-chat";
const BOT = { id: "00000000-0000-0000-0000-00000000000011", name: "Accord" };
const OTHER_USERS = ["Megan Bowen", "Adele Vance", "Isaiah Langer", "Patti Fernandez", "Lynne Robbins"].map((name, i) => {
  const [givenName, surname] = name.split(" ") as [string, string];
  const email = `${givenName.toLowerCase()}${surname[0]!.toLowerCase()}@example.com`;
  return { id: `user-id-${i + 1}`, name, userPrincipleName: email, aadObjectId: `00000000-0000-0000-0000-00000000000${21 + i}`, givenName, surname, email };
});

/**
 * The Playground's config file (its schema 0.1.1; JSON is YAML): tenant, bot, the current user, exactly five other
 * users, the personal chat (its id), a group chat and a team with one channel besides General.
 */
export function playgroundConfig(user: PlaygroundUser, conversationId: string) {
  const users: PlaygroundUser[] = OTHER_USERS.filter((u) => u.id !== user.id && u.email !== user.email);
  // the config wants exactly five other users
  while (users.length < 5) users.push({ ...OTHER_USERS[0]!, id: `user-id-extra-${users.length}`, email: `extra${users.length}@example.com` });
  return {
    version: "0.1.1",
    tenantId: "00000000-0000-0000-0000-0000000000001",
    bot: BOT,
    currentUser: user,
    users,
    personalChat: { id: conversationId },
    groupChat: { id: `group-${conversationId}`, name: "Group Chat" },
    team: { id: `team-${conversationId}`, name: "My Team", aadGroupId: "00000000-0000-0000-0000-000000000031", channels: [{ id: `channel-${conversationId}`, name: "Announcements" }] },
  };
}

/** the Playground's own CLI, resolved from this project's node_modules */
export function playgroundCli(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@microsoft/m365agentsplayground/package.json");
  const version = JSON.parse(fs.readFileSync(pkg, "utf8")).version;
  if (version !== PLAYGROUND_VERSION) throw new Error(`@microsoft/m365agentsplayground ${version} is installed; this driver is checked against ${PLAYGROUND_VERSION}`);
  return path.join(path.dirname(pkg), "cli.js");
}

/** The environment of the child: ours minus anything that would change the Playground's behaviour, plus its settings. */
function childEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = /^(M365_AGENTS_PLAYGROUND_|TEAMSAPPTESTER_|TEAMS_APP_TEST_TOOL_|APPLICATIONINSIGHTS_|APPINSIGHTS_|APPSETTING_APPINSIGHTS|APPLICATION_INSIGHTS_|HTTPS?_PROXY$|https?_proxy$|NODE_OPTIONS$)/;
  for (const [k, v] of Object.entries(process.env)) if (!drop.test(k)) env[k] = v;
  return {
    ...env,
    TEAMSAPPTESTER_BROWSER: "none",
    APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
    APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/",
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, "playground.log"),
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(dir, "playground.yml"),
    NO_PROXY: "127.0.0.1,localhost,::1",
    no_proxy: "127.0.0.1,localhost,::1",
  };
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
/** a test process that ends without stopping its Playground (a crash, a timeout) still kills it */
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of running) c.kill("SIGKILL");
  });
}

export class PlaygroundError extends Error {}

/** Starts the Playground; fails (never skips) with its log when it cannot start. */
export async function startPlayground(options: StartPlaygroundOptions): Promise<Playground> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-playground-"));
  const conversationId = options.conversationId ?? `personal-${process.pid}-${Date.now().toString(36)}`;
  const user: PlaygroundUser = { ...DEFAULT_USER, ...options.currentUser };
  const config = playgroundConfig(user, conversationId);
  fs.writeFileSync(path.join(dir, "playground.yml"), JSON.stringify(config, null, 2));

  const output: string[] = [];
  const child = spawn(process.execPath, [options.cliPath ?? playgroundCli(), "start", "-e", options.botEndpoint, "-p", "0", "-c", "msteams", "--conversation-id", conversationId, "--disable-telemetry"], {
    cwd: dir,
    env: childEnv(dir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  const logs = () => {
    let file = "";
    try {
      file = fs.readFileSync(path.join(dir, "playground.log"), "utf8");
    } catch {
      file = "(no log file)";
    }
    return `--- Playground stdout/stderr ---\n${output.join("").slice(-8000)}\n--- Playground log (${path.join(dir, "playground.log")}) ---\n${file.slice(-12000)}`;
  };
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const stopChild = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(force);
    }
  };
  const cleanup = async () => {
    await stopChild();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let ws: WsClient | undefined;
  let url: string;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PlaygroundError(`the Agents Playground did not print "Listening on <port>" within ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
      let stdout = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        output.push(chunk.toString());
        stdout += chunk.toString();
        const m = /Listening on (\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(new PlaygroundError(`the Agents Playground could not be started: ${e.message}`));
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new PlaygroundError(`the Agents Playground exited before listening (code ${exited?.code}, signal ${exited?.signal})`));
      });
    });
    url = `http://127.0.0.1:${port}`;
    await waitForPing(url, () => exited, options.startTimeoutMs ?? 60_000);
    ws = await connectWebSocket(`ws://127.0.0.1:${port}/_ws_conversation/v1/conversations/stream`);
  } catch (e) {
    const message = `${(e as Error).message}\n${logs()}`;
    await cleanup();
    throw new PlaygroundError(message);
  }

  const events: PlaygroundEvent[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  const deaths = new Set<() => void>();
  let closed = false;
  const gone = () => {
    for (const d of [...deaths]) d();
  };
  void exit.then(gone);
  void ws.closed.then(() => {
    closed = true;
    gone();
  });
  ws.onMessage((m) => {
    if (m.type !== "text") return;
    try {
      events.push(JSON.parse(m.data) as PlaygroundEvent);
    } catch {
      output.push(`(a WebSocket message that is not JSON: ${m.data.slice(0, 200)})\n`);
      return;
    }
    for (const w of [...waiters]) w();
  });
  for (const m of ws.received) if (m.type === "text") events.push(JSON.parse(m.data) as PlaygroundEvent);

  const post = async (route: string, body: unknown): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
  const ok = async (what: string, route: string, body: unknown) => {
    const res = await post(route, body);
    if (res.status !== 200) throw new PlaygroundError(`${what}: the Playground answered HTTP ${res.status} ${res.text}\n${logs()}`);
    return res;
  };

  const next = (what: string, match: (e: PlaygroundEvent) => boolean, timeoutMs = 20_000) =>
    new Promise<PlaygroundEvent>((resolve, reject) => {
      const look = () => {
        const i = events.findIndex((e, i) => !taken.has(i) && match(e));
        if (i < 0) return false;
        taken.add(i);
        finish();
        resolve(events[i]!);
        return true;
      };
      const fail = (why: string) => {
        finish();
        const seen = events.map((e, i) => `${taken.has(i) ? "  (taken) " : "  "}${e.action} ${e.message ? `${e.message.messageId} from ${e.message.from?.id}: ${e.message.text ?? ""}${e.message.attachments?.length ? ` [${e.message.attachments.map((a) => a.contentType).join(", ")}]` : ""}` : ""}`.slice(0, 300));
        reject(new PlaygroundError(`${why} ${what}; the Playground's WebSocket said:\n${seen.join("\n") || "  (nothing)"}\n${logs()}`));
      };
      const timer = setTimeout(() => fail(`waited ${timeoutMs} ms for`), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
        deaths.delete(died);
      };
      const waiter = () => void look();
      // the Playground gone (it crashed, or its WebSocket closed): no use waiting
      const died = () => fail("the Playground stopped while waiting for");
      if (look()) return;
      if (exited || closed) return died();
      waiters.add(waiter);
      deaths.add(died);
    });
  const fromBot = (m: PlaygroundMessage | undefined) => m !== undefined && m.from?.id !== user.id;

  let stopped = false;
  return {
    url,
    conversationId,
    user,
    bot: BOT,
    events,
    async install() {
      await ok("installing the app", `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
    },
    async sendMessage(text) {
      await ok(`sending "${text}"`, `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { from: { id: user.id }, text, textFormat: "plain" });
    },
    async invokeCardAction(replyToId, action) {
      const res = await post("/_conversation/v1/invoke", {
        name: "adaptiveCard/action",
        value: { action: { type: "Action.Execute", ...(action.id ? { id: action.id } : {}), verb: action.verb, data: action.data ?? {} }, trigger: "manual" },
        from: { id: user.id },
        conversation: { id: conversationId },
        replyToId,
      });
      let body: InvokeResult["body"] = {};
      try {
        body = res.text ? JSON.parse(res.text) : {};
      } catch {
        body = { raw: res.text };
      }
      return { status: res.status, body };
    },
    async submitCard(replyToId, data) {
      await ok("pressing an Action.Submit button", "/_conversation/v1/submit", { conversation: { id: conversationId }, from: { id: user.id }, replyToId, value: data });
    },
    next,
    async nextBotMessage(what, match = () => true, timeoutMs) {
      return (await next(what, (e) => e.action === "createMessage" && fromBot(e.message) && match(e.message!), timeoutMs)).message!;
    },
    async nextBotUpdate(what, match = () => true, timeoutMs) {
      return (await next(what, (e) => e.action === "updateMessage" && fromBot(e.message) && match(e.message!), timeoutMs)).message!;
    },
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await ws?.close().catch(() => undefined);
      await cleanup();
    },
  };
}

async function waitForPing(url: string, exited: () => unknown, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (exited()) throw new PlaygroundError("the Agents Playground exited while starting");
    try {
      const res = await fetch(`${url}/_debug/ping`);
      const text = await res.text();
      if (res.status === 200 && text === "pong") return;
      last = `HTTP ${res.status} ${text.slice(0, 100)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new PlaygroundError(`the Agents Playground did not answer GET /_debug/ping within ${timeoutMs} ms (last: ${last})`);
}
