import fs from "node:fs";
import { DateTime } from "luxon";

// The sandbox's business clock: real time plus an offset the sandbox controls, so a newcomer can jump to
// "tomorrow 09:00" or "+1 week" and watch reminders, escalations and digests arrive. Sandbox only: production
// runs on real time. The offset is kept in a small JSON file beside the conversations file (so it survives a
// restart of the sandbox) and is removed with the demo data.
//
// "Tomorrow 09:00" is the next calendar day at 09:00 in the company time zone, weekends and holidays
// included: a Friday's "tomorrow" is Saturday, and the newcomer sees a weekend pass quietly (no reminders
// outside working days). The clock only moves forward: an advance never takes it back in time.

export interface SandboxClockFile {
  version: 1;
  /** milliseconds added to real time */
  offsetMs: number;
}

/** The file that keeps the clock's offset, beside the sandbox's conversations file. */
export function clockFile(conversationsFile: string): string {
  return conversationsFile.replace(/\.sandbox-slack\.json$/, "") + ".sandbox-clock.json";
}

/** The saved offset (0 when there is no file yet); a file that cannot be read says why. */
export function readClockOffset(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  const v = JSON.parse(text) as Partial<SandboxClockFile>;
  if (v.version !== 1 || typeof v.offsetMs !== "number" || !Number.isFinite(v.offsetMs) || v.offsetMs < 0) {
    throw new Error(`${file}: not a sandbox clock file (version 1, offsetMs ≥ 0)`);
  }
  return v.offsetMs;
}

/** Writes the offset at once (a crash leaves the previous value or this one). */
export function writeClockOffset(file: string, offsetMs: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, offsetMs } satisfies SandboxClockFile));
  fs.renameSync(tmp, file);
}

/** Back to real time (the demo data is reset). */
export function resetClockOffset(file: string): void {
  fs.rmSync(file, { force: true });
}

/** The next calendar day at 09:00 in the time zone (weekends included). */
export function tomorrowAt(now: Date, tz: string, hhmm = "09:00"): Date {
  const [hour, minute] = hhmm.split(":").map(Number);
  return DateTime.fromJSDate(now, { zone: tz }).plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

/** One week later, same local time in the time zone (across a daylight-saving change too). */
export function oneWeekLater(now: Date, tz: string): Date {
  return DateTime.fromJSDate(now, { zone: tz }).plus({ weeks: 1 }).toJSDate();
}

export type Advance = "tomorrow-0900" | "plus-1-week";

/** A clock that reads real time plus a persisted offset; `advance` moves it forward and saves the offset. */
export class SandboxClock {
  private offsetMs: number;
  constructor(
    private readonly file: string,
    private readonly realNow: () => number = Date.now,
  ) {
    this.offsetMs = readClockOffset(file);
  }

  /** The sandbox's business time. */
  now = (): Date => new Date(this.realNow() + this.offsetMs);

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock to the advance's instant (company time zone) and saves the offset; returns the new time. */
  advance(to: Advance, tz: string): Date {
    const current = this.now();
    const target = to === "tomorrow-0900" ? tomorrowAt(current, tz) : oneWeekLater(current, tz);
    this.offsetMs = Math.max(this.offsetMs, target.getTime() - this.realNow());
    writeClockOffset(this.file, this.offsetMs);
    return this.now();
  }

  /** Real time again, and the file removed (with the demo data). */
  reset(): void {
    this.offsetMs = 0;
    resetClockOffset(this.file);
  }
}
