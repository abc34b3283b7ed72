// Text must be well-formed UTF-16: a lone surrogate ("\ud800") cannot be encoded as UTF-8, comes back as
// "\ufffd" from the database and breaks whatever percent-encodes it (Slack's Web API client: URIError).

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Lone surrogates replaced by U+FFFD (what String.prototype.toWellFormed does). */
export const toWellFormed = (s: string): string => (LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, "\uFFFD") : s);

/** The path (`items.0.ref`, zod style) of the first string key or value of a JSON value that is not well-formed; null if none. */
export function illFormedPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (!isWellFormed(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? `${path}.${i}` : String(i)]);
    } else if (v && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        const p = path ? `${path}.${k}` : k;
        if (!isWellFormed(k)) return p;
        stack.push([x, p]);
      }
    }
  }
  return null;
}

/** Whether a JSON value nests objects or lists more than `max` levels deep (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}
