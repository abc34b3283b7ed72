import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DatabaseTarget } from "../db/connect.ts";
import type { StoredMessage } from "../slack/standin/fakeSlack.ts";

// The sandbox's Slack conversations across restarts: what the stand-in shows (every message as posted, with
// its ts, blocks, thread and metadata; the people's own messages; files; the last Home tab of each person)
// kept in a JSON file beside the SQLite database, rewritten (atomically) each time it changes, before
// Accord gets the answer that makes it record a card's ts. Kept as they were rather than rebuilt from the
// database: threads, notices and exports stay as they were posted, and the delivery queue still finds its
// posts by their metadata. Like Slack, private answers ("only visible to you") and open modals do not survive.

export interface SavedFile {
  channel: string;
  filename: string;
  title: string;
  ts: string;
  /** base64 */
  content: string;
}

export interface SavedConversations {
  version: 1;
  messages: StoredMessage[];
  files: SavedFile[];
  homes: Record<string, Record<string, unknown>>;
  /** when each message was first shown (ms since the epoch), by ts */
  seen: Record<string, number>;
}

/** The file that keeps the sandbox's conversations: beside a SQLite database; for PostgreSQL, one per database URL in the working directory. */
export function conversationsFile(target: DatabaseTarget, cwd = process.cwd()): string {
  if (target.kind === "sqlite") return `${target.file}.sandbox-slack.json`;
  const id = crypto.createHash("sha256").update(target.url).digest("hex").slice(0, 12);
  return path.join(cwd, `accord-${id}.sandbox-slack.json`);
}

/** The saved conversations, or null (no file yet); a file that cannot be read says why. */
export function readConversations(file: string): SavedConversations | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const v = JSON.parse(text) as Partial<SavedConversations>;
  if (v.version !== 1 || !Array.isArray(v.messages) || !Array.isArray(v.files)) throw new Error(`${file}: not a sandbox conversations file (version 1)`);
  return { version: 1, messages: v.messages, files: v.files, homes: v.homes ?? {}, seen: v.seen ?? {} };
}

/** Writes the whole file at once: a crash leaves the previous version or this one, never half of it. */
export function writeConversations(file: string, saved: SavedConversations): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(saved));
  fs.renameSync(tmp, file);
}

/** The largest ts among these (Slack ts compare as numbers). */
export function latestTs(list: Iterable<string>): string | null {
  let best: string | null = null;
  for (const ts of list) if (best === null || Number(ts) > Number(best)) best = ts;
  return best;
}
