import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHART_TOKEN, publishChart } from "../app/charts.ts";
import { startTestAccord, type TestAccord } from "../test/harness.ts";
import { renderChartPng } from "../views/digestChart.ts";

// GET /charts/{token}.png over real HTTP: the digest's chart served by its unguessable token, until it expires.

describe("GET /charts/{token}.png", () => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({ PUBLIC_URL: "https://accord.example.com/" }, { startJobs: false, now: "2026-12-04T09:00:00Z" });
  });
  afterEach(async () => {
    await a.stop();
  });

  const png = renderChartPng({ currency: "EUR", cells: [{ bucket: "0-30", reason: "Prix", amount: 123456 }] }, "fr");
  const local = (url: string) => url.replace("https://accord.example.com", a.url);

  it("serves the PNG at an unguessable URL under PUBLIC_URL, without a token, with a Cache-Control", async () => {
    const first = await publishChart(a.deps, png);
    const second = await publishChart(a.deps, png);
    expect(first.url).toMatch(/^https:\/\/accord\.example\.com\/charts\/[A-Za-z0-9_-]{43}\.png$/);
    expect(CHART_TOKEN.test(first.token)).toBe(true);
    expect(second.token).not.toBe(first.token);
    expect(first.expiresAt).toEqual(new Date("2027-01-03T09:00:00Z"));

    const res = await fetch(local(first.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it("answers 404 for an unknown or malformed token", async () => {
    await publishChart(a.deps, png);
    for (const p of [`/charts/${"A".repeat(43)}.png`, "/charts/abc.png", "/charts/..%2Fetc.png", `/charts/${"A".repeat(43)}`]) {
      const res = await fetch(`${a.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get("cache-control"), p).toBe("no-store");
      expect(res.headers.get("content-type"), p).not.toMatch(/image/);
    }
  });

  it("caches no longer than the chart lives, answers 404 once it has expired, and the cleanup job deletes it", async () => {
    const short = await publishChart(a.deps, png, { ttlDays: 0.5 / 24 }); // 30 minutes
    const long = await publishChart(a.deps, png);
    expect((await fetch(local(short.url))).headers.get("cache-control")).toBe("public, max-age=1800, immutable");

    a.clock.set("2026-12-04T09:30:00Z");
    expect((await fetch(local(short.url))).status).toBe(404);
    expect((await fetch(local(long.url))).status).toBe(200);
    const cleanup = a.jobs.find((j) => j.name === "charts.cleanup")!;
    expect(await cleanup.run(a.clock.fn())).toEqual({ done: 1, failed: 0 });

    a.clock.set("2027-01-03T09:00:00Z");
    expect((await fetch(local(long.url))).status).toBe(404);
    expect(await cleanup.run(a.clock.fn())).toEqual({ done: 1, failed: 0 });
    expect(await cleanup.run(a.clock.fn())).toEqual({ done: 0, failed: 0 });
  });
});
