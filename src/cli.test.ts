import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The command line as a person runs it: a child process, its output and exit code.

const ROOT = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const exec = promisify(execFile);
async function cli(args: string[], db: string): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await exec("npx", ["tsx", "src/cli.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${db}`, LOG_LEVEL: "warn" } });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, out: x.stdout ?? "", err: x.stderr ?? "" };
  }
}

describe("accord seed --demo", () => {
  it("loads the demo into an empty database; a second time, one clear line and exit code 1, nothing changed", async () => {
    const db = path.join(dir, "demo.db");
    const first = await cli(["seed", "--demo"], db);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/demo loaded: 7 people, 50 customers, \d+ items, \d+ disputes/);
    const again = await cli(["seed", "--demo"], db);
    expect(again.code).toBe(1);
    expect(again.out).toBe("");
    const lines = again.err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/already holds customers, nothing loaded: the demo loads only into an empty database/);
    expect(again.err).not.toMatch(/\bat .*\.ts:\d+/);
    expect(again.err).toContain("seed --demo --reset reloads it");

    // --reset reloads a database that holds only the demo, and puts the sandbox's moved clock back to real time
    const clock = `${db}.sandbox-clock.json`;
    fs.writeFileSync(clock, JSON.stringify({ version: 1, offsetMs: 86_400_000 }));
    const reset = await cli(["seed", "--demo", "--reset"], db);
    expect(fs.existsSync(clock)).toBe(false);
    expect(reset.err).toBe("");
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/every table emptied and the demo reloaded: 7 people, 50 customers, \d+ items, 12 disputes/);
    // the same counts as the first load: nothing doubled
    expect(reset.out.match(/(\d+) items/)![1]).toBe(first.out.match(/(\d+) items/)![1]);
  }, 180_000);

  it("--reset leaves a database with data of its own alone unless told to discard it", async () => {
    const db = path.join(dir, "mine.db");
    expect((await cli(["seed", "--demo"], db)).code).toBe(0);
    const people = path.join(dir, "people.csv");
    fs.writeFileSync(people, "email;name;role\nalice@acme.fr;Alice Real;controller\n");
    expect((await cli(["import", people, "--kind", "people"], db)).code).toBe(0);
    const refused = await cli(["seed", "--demo", "--reset"], db);
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split("\n")).toHaveLength(1);
    expect(refused.err).toMatch(/holds data the demo did not load, 1 people \(alice@acme\.fr\); nothing changed\. To delete everything and reload the demo: seed --demo --reset --discard-data/);
    const forced = await cli(["seed", "--demo", "--reset", "--discard-data"], db);
    expect(forced.code).toBe(0);
    // alice went with the rest: a plain --reset is accepted again
    expect((await cli(["seed", "--demo", "--reset"], db)).code).toBe(0);
  }, 240_000);

  it("wrong usage: exit code 2 with the usage line", async () => {
    const r = await cli(["seed"], path.join(dir, "other.db"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("usage: npm run accord -- seed --demo");
  }, 60_000);
});
