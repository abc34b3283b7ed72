import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import yazl from "yazl";

// `npm run teams:package`: the zip to upload to Teams (Developer Portal, Teams admin center, or "Upload a custom
// app"), built from manifests/teams/ with the bot's Microsoft App ID and Accord's public host filled in.
// The archive holds the four files at its root, as Teams requires: manifest.json, fr.json, color.png, outline.png.

export const MANIFEST_DIR = path.resolve(import.meta.dirname, "../../manifests/teams");
export const DEFAULT_OUT = path.resolve(import.meta.dirname, "../../dist/teams/accord-teams.zip");
/** the files of the package, in the archive's order */
export const PACKAGE_FILES = ["manifest.json", "fr.json", "color.png", "outline.png"] as const;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
/** a fixed date for every entry: the same inputs give the same bytes */
const ENTRY_MTIME = new Date("2026-01-01T00:00:00Z");

export interface TeamsPackageSettings {
  /** the bot's Microsoft App ID (Entra app registration client id): the manifest's `id` and `bots[0].botId` */
  botId: string;
  /** Accord's public URL (PUBLIC_URL): its host goes in `validDomains`, the URL in the developer links */
  publicUrl: string;
  /** the manifest's `version` (semver x.y.z); by default the one in manifests/teams/manifest.json */
  version?: string;
  /** where the zip goes (default dist/teams/accord-teams.zip) */
  out: string;
}

export class TeamsPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams package:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * The settings from the command line (`--bot-id`, `--public-url`, `--app-version`, `--out`) over the
 * environment (TEAMS_CLIENT_ID, PUBLIC_URL), every problem reported at once.
 */
export function packageSettings(argv: readonly string[], env: Record<string, string | undefined>, cwd = process.cwd()): TeamsPackageSettings {
  const flags: Record<string, string> = {};
  const problems: string[] = [];
  const known = ["bot-id", "public-url", "app-version", "out"];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !known.includes(m[1]!)) {
      problems.push(`unknown argument ${arg} (known: ${known.map((k) => `--${k}`).join(", ")})`);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value.startsWith("--")) {
      problems.push(`--${m[1]} needs a value`);
      if (value !== undefined) i--;
      continue;
    }
    flags[m[1]!] = value;
  }
  const botId = (flags["bot-id"] ?? env.TEAMS_CLIENT_ID ?? "").trim();
  const publicUrl = (flags["public-url"] ?? env.PUBLIC_URL ?? "").trim();
  const version = flags["app-version"]?.trim();
  if (!botId) problems.push("the bot id is missing: set TEAMS_CLIENT_ID (the Azure Bot's Microsoft App ID) or pass --bot-id");
  else problems.push(...botIdProblems(botId, flags["bot-id"] !== undefined ? "--bot-id" : "TEAMS_CLIENT_ID"));
  if (!publicUrl) problems.push("PUBLIC_URL is missing: set it (or pass --public-url) to Accord's public https address, e.g. https://accord.example.com");
  else problems.push(...publicUrlProblems(publicUrl, flags["public-url"] !== undefined ? "--public-url" : "PUBLIC_URL"));
  if (version !== undefined && !SEMVER.test(version)) problems.push(`--app-version "${version}" is not a version x.y.z (e.g. 1.4.0)`);
  if (problems.length) throw new TeamsPackageError(problems);
  return { botId, publicUrl, ...(version ? { version } : {}), out: flags.out ? path.resolve(cwd, flags.out) : DEFAULT_OUT };
}

function botIdProblems(botId: string, from: string): string[] {
  if (!GUID.test(botId)) return [`${from} "${botId}" is not a GUID: use the Azure Bot's Microsoft App ID, e.g. 2f1c7a3e-8b4d-4e6f-9a0b-1c2d3e4f5a6b`];
  if (botId === PLACEHOLDER_ID) return [`${from} is the manifest's placeholder id: use the Azure Bot's Microsoft App ID`];
  return [];
}

function publicUrlProblems(raw: string, from: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [`${from} "${raw}" is not a URL: use Accord's public https address, e.g. https://accord.example.com`];
  }
  if (url.protocol !== "https:") return [`${from} "${raw}" must start with https:// (Teams only talks to a bot over HTTPS)`];
  return [];
}

/** The manifest with the bot id, app id, valid domain and developer links filled in (the input is not changed). */
export function fillManifest(manifest: Record<string, unknown>, s: Pick<TeamsPackageSettings, "botId" | "publicUrl" | "version">): Record<string, unknown> {
  const problems = [...botIdProblems(s.botId, "the bot id"), ...publicUrlProblems(s.publicUrl, "the public URL")];
  if (s.version !== undefined && !SEMVER.test(s.version)) problems.push(`the version "${s.version}" is not x.y.z`);
  if (problems.length) throw new TeamsPackageError(problems);
  const m = structuredClone(manifest) as Record<string, any>;
  const url = new URL(s.publicUrl);
  const base = url.href.replace(/\/$/, "");
  m.id = s.botId;
  if (!Array.isArray(m.bots) || m.bots.length !== 1) throw new TeamsPackageError(["manifests/teams/manifest.json must declare exactly one bot"]);
  m.bots[0].botId = s.botId;
  m.validDomains = [url.host];
  m.developer = { ...m.developer, websiteUrl: base, privacyUrl: base, termsOfUseUrl: base };
  if (s.version) m.version = s.version;
  return m;
}

/** The package's bytes: the filled manifest and the other files of `manifestDir`, at the archive's root. */
export async function buildTeamsPackage(s: Pick<TeamsPackageSettings, "botId" | "publicUrl" | "version">, manifestDir = MANIFEST_DIR): Promise<Buffer> {
  const manifest = fillManifest(JSON.parse(fs.readFileSync(path.join(manifestDir, "manifest.json"), "utf8")), s);
  const zip = new yazl.ZipFile();
  for (const name of PACKAGE_FILES) {
    const bytes = name === "manifest.json" ? Buffer.from(JSON.stringify(manifest, null, 2) + "\n") : fs.readFileSync(path.join(manifestDir, name));
    zip.addBuffer(bytes, name, { mtime: ENTRY_MTIME, mode: 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Builds the package and writes it to `s.out` (its folder created); returns the bytes written. */
export async function writeTeamsPackage(s: TeamsPackageSettings, manifestDir = MANIFEST_DIR): Promise<Buffer> {
  const bytes = await buildTeamsPackage(s, manifestDir);
  fs.mkdirSync(path.dirname(s.out), { recursive: true });
  const tmp = `${s.out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, s.out);
  return bytes;
}

export async function main(argv: readonly string[], env: Record<string, string | undefined>, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  try {
    const s = packageSettings(argv, env);
    const bytes = await writeTeamsPackage(s);
    out(`Teams package written: ${path.relative(process.cwd(), s.out) || s.out} (${bytes.length} bytes; bot ${s.botId}, domain ${new URL(s.publicUrl).host})`);
    out("Upload it in Teams (Apps → Manage your apps → Upload an app), the Developer Portal, or the Teams admin center.");
    return 0;
  } catch (e) {
    if (e instanceof TeamsPackageError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
