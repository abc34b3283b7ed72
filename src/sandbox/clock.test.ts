import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { clockFile, oneWeekLater, readClockOffset, SandboxClock, tomorrowAt } from "./clock.ts";

const dirs: string[] = [];
function tmpFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-clock-"));
  dirs.push(dir);
  return path.join(dir, "accord.db.sandbox-clock.json");
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("tomorrowAt", () => {
  it.each([
    // [now (UTC), tz, expected (UTC)]
    ["2026-12-03T10:12:00Z", "Europe/Paris", "2026-12-04T08:00:00.000Z"], // Thursday → Friday 09:00 Paris (UTC+1)
    ["2026-12-04T16:00:00Z", "Europe/Paris", "2026-12-05T08:00:00.000Z"], // Friday → Saturday: weekends are not skipped
    ["2026-12-03T23:30:00Z", "Europe/Paris", "2026-12-05T08:00:00.000Z"], // already Friday 00:30 in Paris → Saturday
    ["2026-03-28T12:00:00Z", "Europe/Paris", "2026-03-29T07:00:00.000Z"], // into summer time (UTC+2)
    ["2026-12-03T10:12:00Z", "America/New_York", "2026-12-04T14:00:00.000Z"],
  ])("%s in %s → %s", (now, tz, expected) => {
    expect(tomorrowAt(new Date(now), tz).toISOString()).toBe(expected);
  });
});

describe("oneWeekLater", () => {
  it("keeps the local time across a daylight-saving change", () => {
    expect(oneWeekLater(new Date("2026-03-25T08:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-04-01T07:00:00.000Z");
  });
  it("is seven days on an ordinary week", () => {
    expect(oneWeekLater(new Date("2026-12-03T10:12:00Z"), "Europe/Paris").toISOString()).toBe("2026-12-10T10:12:00.000Z");
  });
});

describe("SandboxClock", () => {
  const real = Date.parse("2026-12-03T10:12:00Z");

  it("reads real time until advanced", () => {
    const clock = new SandboxClock(tmpFile(), () => real);
    expect(clock.now().toISOString()).toBe("2026-12-03T10:12:00.000Z");
    expect(clock.offset).toBe(0);
  });

  it("advances to tomorrow 09:00, then a week, and keeps running with real time", () => {
    let t = real;
    const clock = new SandboxClock(tmpFile(), () => t);
    expect(clock.advance("tomorrow-0900", "Europe/Paris").toISOString()).toBe("2026-12-04T08:00:00.000Z");
    expect(clock.advance("plus-1-week", "Europe/Paris").toISOString()).toBe("2026-12-11T08:00:00.000Z");
    t += 60_000;
    expect(clock.now().toISOString()).toBe("2026-12-11T08:01:00.000Z");
  });

  it("keeps the offset across a restart (a new clock on the same file)", () => {
    const file = tmpFile();
    new SandboxClock(file, () => real).advance("plus-1-week", "Europe/Paris");
    const again = new SandboxClock(file, () => real + 5_000);
    expect(again.now().toISOString()).toBe("2026-12-10T10:12:05.000Z");
  });

  it("reset goes back to real time and removes the file", () => {
    const file = tmpFile();
    const clock = new SandboxClock(file, () => real);
    clock.advance("tomorrow-0900", "Europe/Paris");
    expect(fs.existsSync(file)).toBe(true);
    clock.reset();
    expect(clock.now().getTime()).toBe(real);
    expect(fs.existsSync(file)).toBe(false);
    expect(new SandboxClock(file, () => real).offset).toBe(0);
  });

  it("refuses a damaged file rather than guessing", () => {
    const file = tmpFile();
    fs.writeFileSync(file, JSON.stringify({ version: 1, offsetMs: -5 }));
    expect(() => readClockOffset(file)).toThrow(/not a sandbox clock file/);
  });
});

describe("clockFile", () => {
  it("sits beside the conversations file", () => {
    expect(clockFile("/data/accord.db.sandbox-slack.json")).toBe("/data/accord.db.sandbox-clock.json");
  });
});
