import { parseDigestTime } from "../domain/digest.ts";
import { parseFilters, type ListFilters } from "./commandText.ts";

// Parsing `/dispute digest …` (pure): `digest` lists the channel's subscriptions, `digest off` stops them,
// `digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:@user]` subscribes the channel (French words
// too: `ici`, `quotidien`, `hebdo`, `toujours`, `arret`). Reason and owner read as `/dispute list` reads them.

export type DigestArgs =
  | { action: "list" }
  | { action: "off" }
  | { action: "here"; time?: string; cadence?: "daily" | "weekly"; always: boolean; reason?: string; owner?: ListFilters["owner"] }
  | { action: "error"; problem: "time" | "word"; token: string };

const CADENCE: Record<string, "daily" | "weekly"> = { daily: "daily", quotidien: "daily", weekly: "weekly", hebdo: "weekly", hebdomadaire: "weekly" };
/** list keywords parseFilters would take that mean nothing to a digest */
const LIST_ONLY = /^(mine|overdue|all|csv|xlsx|status:)/i;

export function parseDigestArgs(tokens: readonly string[]): DigestArgs {
  const [head, ...rest] = tokens;
  if (!head) return { action: "list" };
  const h = head.toLowerCase();
  if (h === "off" || h === "stop" || h === "arret" || h === "arrêt") return rest.length ? { action: "error", problem: "word", token: rest[0]! } : { action: "off" };
  if (h !== "here" && h !== "ici") return { action: "error", problem: "word", token: head };
  const out: Extract<DigestArgs, { action: "here" }> = { action: "here", always: false };
  const filters: string[] = [];
  for (const tok of rest) {
    const low = tok.toLowerCase();
    if (/^\d/.test(tok)) {
      const t = parseDigestTime(tok);
      if (!t) return { action: "error", problem: "time", token: tok };
      out.time = t;
    } else if (CADENCE[low]) out.cadence = CADENCE[low];
    else if ((low === "always" || low === "toujours")) out.always = true;
    else if (LIST_ONLY.test(low)) return { action: "error", problem: "word", token: tok };
    else filters.push(tok);
  }
  if (filters.length) {
    const f = parseFilters(filters);
    if ("error" in f) return { action: "error", problem: "word", token: f.error };
    if (f.reason) out.reason = f.reason;
    if (f.owner) out.owner = f.owner;
  }
  return out;
}
