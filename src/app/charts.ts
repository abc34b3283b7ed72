import crypto from "node:crypto";
import type { Deps } from "./context.ts";

// Charts served by URL (issue 11, the digest's PNG): each behind an unguessable token (32 random bytes,
// base64url) at PUBLIC_URL/charts/{token}.png, until it expires (30 days unless told). Anyone with the URL
// can fetch the picture (Slack's and Teams' image proxies fetch it without credentials): the token is the
// only secret, so it is never logged and never derived from the content.

export const CHART_TTL_DAYS = 30;
const DAY_MS = 86_400_000;

/** A chart token: 32 random bytes, base64url (43 characters). */
export const CHART_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Stores a PNG and gives the URL to serve it from. */
export async function publishChart(
  deps: Pick<Deps, "store" | "clock" | "publicUrl">,
  png: Buffer,
  opts: { ttlDays?: number } = {},
): Promise<{ token: string; url: string; expiresAt: Date }> {
  const now = deps.clock();
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + (opts.ttlDays ?? CHART_TTL_DAYS) * DAY_MS);
  await deps.store.charts.put({ token, png, createdAt: now, expiresAt });
  return { token, url: `${deps.publicUrl}/charts/${token}.png`, expiresAt };
}

/** The PNG of `GET /charts/{file}` with its remaining lifetime in seconds; null (404) for a malformed, unknown or expired token. */
export async function chartFile(deps: Pick<Deps, "store" | "clock">, file: string): Promise<{ png: Buffer; maxAgeSeconds: number } | null> {
  const m = /^(.+)\.png$/.exec(file);
  if (!m || !CHART_TOKEN.test(m[1]!)) return null;
  const now = deps.clock();
  const chart = await deps.store.charts.get(m[1]!, now);
  if (!chart) return null;
  return { png: chart.png, maxAgeSeconds: Math.max(0, Math.floor((chart.expiresAt.getTime() - now.getTime()) / 1000)) };
}

/** The cleanup job's work: deletes the charts expired at `now`. */
export async function deleteExpiredCharts(deps: Pick<Deps, "store">, now: Date): Promise<number> {
  return deps.store.charts.deleteExpired(now);
}
