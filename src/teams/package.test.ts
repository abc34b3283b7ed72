import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_OUT, MANIFEST_DIR, buildTeamsPackage, main, packageSettings, TeamsPackageError } from "./package.ts";

// `npm run teams:package`: the zip Teams accepts (four files at the root), read back with a small reader of our
// own (central directory → local entries → inflateRaw, CRC checked), its manifest valid against Microsoft's
// v1.20 schema with the bot id, the app id and the domain filled in from the settings.

const root = path.resolve(import.meta.dirname, "../..");
const BOT = "2f1c7a3e-8b4d-4e6f-9a0b-1c2d3e4f5a6b";

interface Entry {
  name: string;
  method: number;
  data: Buffer;
}

/** Reads a zip: the end-of-central-directory record, every central entry, then its local header and data. */
function readZip(zip: Buffer): Entry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  expect(eocd, "no end of central directory record").toBeGreaterThanOrEqual(0);
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    expect(zip.readUInt32LE(p), "central directory entry signature").toBe(0x02014b50);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString("utf8");
    p += 46 + nameLength + extraLength + commentLength;

    expect(zip.readUInt32LE(localOffset), `${name}: local header signature`).toBe(0x04034b50);
    const localName = zip.subarray(localOffset + 30, localOffset + 30 + zip.readUInt16LE(localOffset + 26)).toString("utf8");
    expect(localName).toBe(name);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    expect([0, 8], `${name}: compression method`).toContain(method);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    expect(data.length, `${name}: size`).toBe(size);
    expect(zlib.crc32(data), `${name}: CRC-32`).toBe(crc);
    entries.push({ name, method, data });
  }
  return entries;
}

function teamsSchema() {
  const schema = JSON.parse(fs.readFileSync(path.resolve(root, "../shared/schemas/teams-manifest-v1.20.schema.json"), "utf8"));
  delete schema.$schema; // draft-04; the keywords it uses mean the same to Ajv 8
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

const tmpDirs: string[] = [];
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "accord-teams-pkg-"));
  tmpDirs.push(d);
  return d;
};

describe("npm run teams:package", () => {
  it("writes a zip with the four files at its root, the manifest valid and filled from the settings", async () => {
    const out = path.join(tmp(), "out/accord-teams.zip");
    const lines: string[] = [];
    const code = await main(["--out", out], { TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "https://accord.acme.fr/" }, (l) => lines.push(l), (l) => lines.push(l));
    expect(code, lines.join("\n")).toBe(0);
    expect(lines[0]).toContain("accord-teams.zip");

    const entries = readZip(fs.readFileSync(out));
    expect(entries.map((e) => e.name)).toEqual(["manifest.json", "fr.json", "color.png", "outline.png"]);
    const manifest = JSON.parse(entries[0]!.data.toString("utf8"));
    const validate = teamsSchema();
    expect(validate(manifest), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(manifest.id).toBe(BOT);
    expect(manifest.bots.map((b: { botId: string }) => b.botId)).toEqual([BOT]);
    expect(manifest.validDomains).toEqual(["accord.acme.fr"]);
    expect(manifest.developer).toMatchObject({ websiteUrl: "https://accord.acme.fr", privacyUrl: "https://accord.acme.fr", termsOfUseUrl: "https://accord.acme.fr" });
    // the rest of the manifest is the committed one
    const committed = JSON.parse(fs.readFileSync(path.join(MANIFEST_DIR, "manifest.json"), "utf8"));
    expect(manifest.bots[0].commandLists).toEqual(committed.bots[0].commandLists);
    expect(manifest.version).toBe(committed.version);
    expect(JSON.stringify(manifest)).not.toContain("00000000-0000-0000-0000-000000000000");
    // the other files are the committed bytes
    for (const e of entries.slice(1)) expect(Buffer.compare(e.data, fs.readFileSync(path.join(MANIFEST_DIR, e.name))), e.name).toBe(0);
  });

  it("--bot-id wins over TEAMS_CLIENT_ID, --app-version sets the version, and the same inputs give the same bytes", async () => {
    const s = packageSettings(["--bot-id", BOT.toUpperCase(), "--app-version=1.4.0"], { TEAMS_CLIENT_ID: "c0ffee00-0000-4000-8000-000000000001", PUBLIC_URL: "https://teams.acme.fr:8443/accord" });
    expect(s).toEqual({ botId: BOT.toUpperCase(), publicUrl: "https://teams.acme.fr:8443/accord", version: "1.4.0", out: DEFAULT_OUT });
    const a = await buildTeamsPackage(s);
    const manifest = JSON.parse(readZip(a)[0]!.data.toString("utf8"));
    expect([manifest.id, manifest.bots[0].botId, manifest.version]).toEqual([BOT.toUpperCase(), BOT.toUpperCase(), "1.4.0"]);
    expect(manifest.validDomains).toEqual(["teams.acme.fr:8443"]);
    expect(manifest.developer.websiteUrl).toBe("https://teams.acme.fr:8443/accord");
    expect(teamsSchema()(manifest)).toBe(true);
    expect(Buffer.compare(a, await buildTeamsPackage(s))).toBe(0);
  });

  it("is the npm script: `npm run teams:package` writes the zip, or exits 2 with the problems", () => {
    const out = path.join(tmp(), "pkg.zip");
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: "false" };
    const ok = spawnSync("npm", ["run", "-s", "teams:package", "--", "--out", out], { cwd: root, env: { ...env, TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "https://accord.acme.fr" }, encoding: "utf8", timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Teams package written");
    expect(readZip(fs.readFileSync(out)).map((e) => e.name)).toEqual(["manifest.json", "fr.json", "color.png", "outline.png"]);
    const bad = spawnSync("npm", ["run", "-s", "teams:package", "--", "--out", path.join(tmp(), "no.zip")], { cwd: root, env: { ...env, TEAMS_CLIENT_ID: "not-a-guid" }, encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('TEAMS_CLIENT_ID "not-a-guid" is not a GUID');
    expect(bad.stderr).toContain("PUBLIC_URL is missing");
  });

  it("the default output is dist/teams/accord-teams.zip, which git ignores", () => {
    expect(path.relative(root, DEFAULT_OUT)).toBe(path.join("dist", "teams", "accord-teams.zip"));
    expect(fs.readFileSync(path.join(root, ".gitignore"), "utf8").split("\n")).toContain("dist/");
  });

  it.each([
    [{}, [], ["the bot id is missing: set TEAMS_CLIENT_ID", "PUBLIC_URL is missing"]],
    [{ TEAMS_CLIENT_ID: "accord-bot", PUBLIC_URL: "https://a.fr" }, [], ['TEAMS_CLIENT_ID "accord-bot" is not a GUID']],
    [{ PUBLIC_URL: "https://a.fr" }, ["--bot-id", "2f1c7a3e8b4d4e6f9a0b1c2d3e4f5a6b"], ['--bot-id "2f1c7a3e8b4d4e6f9a0b1c2d3e4f5a6b" is not a GUID']],
    [{ TEAMS_CLIENT_ID: "00000000-0000-0000-0000-000000000000", PUBLIC_URL: "https://a.fr" }, [], ["TEAMS_CLIENT_ID is the manifest's placeholder id"]],
    [{ TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "accord.acme.fr" }, [], ['PUBLIC_URL "accord.acme.fr" is not a URL']],
    [{ TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "http://accord.acme.fr" }, [], ['PUBLIC_URL "http://accord.acme.fr" must start with https://']],
    [{ TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "https://a.fr" }, ["--app-version", "2"], ['--app-version "2" is not a version x.y.z']],
    [{ TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "https://a.fr" }, ["--botid", BOT], ["unknown argument --botid", "--out"]],
    [{ TEAMS_CLIENT_ID: BOT, PUBLIC_URL: "https://a.fr" }, ["--out"], ["--out needs a value"]],
  ] as const)("refuses %j %j with a clear message and writes nothing", async (env, argv, messages) => {
    const out = path.join(tmp(), "accord-teams.zip");
    expect(() => packageSettings([...argv, "--out", out], env)).toThrow(TeamsPackageError);
    const errors: string[] = [];
    const code = await main([...argv, "--out", out], env, () => {}, (l) => errors.push(l));
    expect(code).toBe(2);
    for (const m of messages) expect(errors.join("\n")).toContain(m);
    expect(fs.existsSync(out)).toBe(false);
  });
});
