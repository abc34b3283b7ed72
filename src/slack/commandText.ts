// Parsing the text of `/dispute ...` (pure). Slack escapes mentions as <@U123|name> (should_escape).
import { parseDigestArgs, type DigestArgs } from "./digestCommand.ts";

export type ListScope = "mine" | "overdue" | "all";

export type ListStatus = "open" | "resolved" | "withdrawn" | "all";

export interface ListFilters {
  scope: ListScope;
  status?: ListStatus;
  reason?: string;
  /** a Slack user id (from a picked mention), an email or a name as typed (`owner:@Paul Durand`) */
  owner?: { slackUserId: string } | { email: string } | { name: string };
  format: "csv" | "xlsx";
}

export type DisputeCommand =
  | { kind: "help" }
  | { kind: "new"; customer: string }
  | { kind: "list"; filters: ListFilters }
  | { kind: "show"; number: string }
  | { kind: "customer"; query: string }
  | { kind: "export"; filters: ListFilters }
  | { kind: "unknown"; word: string }
  | { kind: "digest"; args: DigestArgs };

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

const STATUSES: readonly string[] = ["open", "resolved", "withdrawn", "all"];
const isKeyword = (low: string) => ["mine", "overdue", "all", "csv", "xlsx"].includes(low) || /^(reason|owner|status):/.test(low);

export function parseFilters(tokens: string[]): ListFilters | { error: string } {
  const f: ListFilters = { scope: "mine", format: "csv" };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const low = tok.toLowerCase();
    if (low === "mine" || low === "overdue" || low === "all") f.scope = low;
    else if (low === "csv" || low === "xlsx") f.format = low;
    else if (low.startsWith("reason:") && tok.length > 7) f.reason = tok.slice(7).toLowerCase();
    else if (low.startsWith("status:") && STATUSES.includes(low.slice(7))) f.status = low.slice(7) as ListStatus;
    else if (low.startsWith("owner:") && tok.length > 6) {
      let v = tok.slice(6);
      // a picked mention whose name holds spaces: <@U123|Paul Durand>
      while (v.startsWith("<@") && !v.endsWith(">") && i + 1 < tokens.length) v += ` ${tokens[++i]!}`;
      const m = MENTION.exec(v);
      if (m) f.owner = { slackUserId: m[1]! };
      else if (v.includes("@") && !v.startsWith("@")) f.owner = { email: v.toLowerCase() };
      else if (v.startsWith("@") && v.length > 1) {
        // a typed name runs until the next filter: owner:@Paul Durand status:all
        const words = [v.slice(1)];
        while (i + 1 < tokens.length && !isKeyword(tokens[i + 1]!.toLowerCase())) words.push(tokens[++i]!);
        f.owner = { name: words.join(" ") };
      } else return { error: tok };
    } else return { error: tok };
  }
  return f;
}

export function parseCommand(text: string): DisputeCommand | { kind: "bad_filter"; token: string } {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const [head, ...rest] = tokens;
  if (!head) return { kind: "help" };
  switch (head.toLowerCase()) {
    case "help":
    case "aide":
      return { kind: "help" };
    case "new":
    case "nouveau":
      return { kind: "new", customer: rest.join(" ") };
    case "show":
    case "voir":
      return rest[0] ? { kind: "show", number: rest[0] } : { kind: "help" };
    case "customer":
    case "client":
      return rest.length ? { kind: "customer", query: rest.join(" ") } : { kind: "help" };
    case "list":
    case "liste":
    case "export": {
      const f = parseFilters(rest);
      if ("error" in f) return { kind: "bad_filter", token: f.error };
      return head.toLowerCase() === "export" ? { kind: "export", filters: f } : { kind: "list", filters: f };
    }
    case "digest":
    case "synthese":
    case "synthèse":
      return { kind: "digest", args: parseDigestArgs(rest) };
    default:
      return /^D-\d{4}-\d+$/i.test(head) ? { kind: "show", number: head } : { kind: "unknown", word: head };
  }
}
