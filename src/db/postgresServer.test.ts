import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeStaleDataDirs } from "./postgresServer.ts";

// Parallel test runs on one machine each start an embedded server in the temporary directory; each one's clean-up
// of stale data directories must never delete a directory another live run is initialising or using.
describe("stale embedded PostgreSQL data directories", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
  });
  const root = () => {
    const r = fs.mkdtempSync(path.join(os.tmpdir(), "pgclean-"));
    roots.push(r);
    return r;
  };
  const deadPid = () => {
    // a pid no process has: above the kernel's default pid_max
    return 4_194_304 + 17;
  };
  const old = (p: string) => fs.utimesSync(p, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

  it("keeps a live run's directory whatever state it is in, removes a dead run's with its owner file", () => {
    const tmp = root();
    const live = path.join(tmp, "accord-pg-live");
    fs.mkdirSync(live);
    fs.writeFileSync(`${live}.owner`, String(process.pid));
    fs.writeFileSync(path.join(live, "postmaster.pid"), ""); // being written
    old(live);
    const dead = path.join(tmp, "accord-pg-dead");
    fs.mkdirSync(dead);
    fs.writeFileSync(`${dead}.owner`, String(deadPid()));
    fs.writeFileSync(path.join(dead, "PG_VERSION"), "17");
    const orphanOwner = path.join(tmp, "accord-pg-gone.owner");
    fs.writeFileSync(orphanOwner, String(deadPid()));
    const other = path.join(tmp, "someone-else");
    fs.mkdirSync(other);
    old(other);

    removeStaleDataDirs(tmp);

    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(`${live}.owner`)).toBe(true);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(`${dead}.owner`)).toBe(false);
    expect(fs.existsSync(orphanOwner)).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });

  it("an older run's directory without an owner file: kept while young or its server lives, removed when old and dead", () => {
    const tmp = root();
    const young = path.join(tmp, "accord-pg-young");
    fs.mkdirSync(young);
    fs.writeFileSync(path.join(young, "postmaster.pid"), ""); // half-written: no pid yet
    const serving = path.join(tmp, "accord-pg-serving");
    fs.mkdirSync(serving);
    fs.writeFileSync(path.join(serving, "postmaster.pid"), `${process.pid}\n/data\n`);
    old(serving);
    const abandoned = path.join(tmp, "accord-pg-abandoned");
    fs.mkdirSync(abandoned);
    old(abandoned);
    const crashed = path.join(tmp, "accord-pg-crashed");
    fs.mkdirSync(crashed);
    fs.writeFileSync(path.join(crashed, "postmaster.pid"), `${deadPid()}\n`);

    removeStaleDataDirs(tmp);

    expect(fs.existsSync(young)).toBe(true);
    expect(fs.existsSync(serving)).toBe(true);
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(crashed)).toBe(false);
  });
});
