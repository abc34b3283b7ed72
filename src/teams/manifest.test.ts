import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../slack/commandText.ts";
import { parseChatCommand } from "./chatCommand.ts";

// The Teams app manifest (manifests/teams): valid against Microsoft's v1.20 schema, its French strings in the
// shape of Teams localization files, its commands understood by the command parser in both languages, and
// its icons the sizes and colours Teams asks for (colour 192×192; outline 32×32, white on transparent).

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "manifests/teams");
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
const manifest = read("manifest.json");
const fr = read("fr.json");

/** Microsoft's schema is draft-04 and Ajv 8 reads draft-07: the keywords it uses mean the same in both. */
function teamsSchema() {
  const file = path.resolve(root, "../shared/schemas/teams-manifest-v1.20.schema.json");
  const schema = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(schema.$schema).toBe("http://json-schema.org/draft-04/schema#");
  delete schema.$schema;
  return schema;
}

type Command = { title: string; description: string };
const fr_ = (i: number): string => fr[`bots[0].commandLists[0].commands[${i}].description`];

describe("Teams manifest", () => {
  it("is valid against the Teams manifest schema v1.20", () => {
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(teamsSchema());
    expect(validate(manifest), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(manifest.manifestVersion).toBe("1.20");
  });

  it("the schema check catches a broken manifest", () => {
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(teamsSchema());
    const broken = structuredClone(manifest);
    broken.bots[0].botId = "not-a-guid";
    broken.bots[0].commandLists[0].commands[0].title = "x".repeat(33);
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(["/bots/0/botId", "/bots/0/commandLists/0/commands/0/title"]));
  });

  it("a bot in personal chat, teams and group chats, with the personal commands", () => {
    const [bot] = manifest.bots;
    expect(manifest.bots).toHaveLength(1);
    expect([...bot.scopes].sort()).toEqual(["groupChat", "personal", "team"]);
    expect(bot.commandLists).toHaveLength(1);
    expect(bot.commandLists[0].scopes).toEqual(["personal"]);
    expect(bot.commandLists[0].commands.map((c: Command) => c.title)).toEqual(["new", "list", "show", "help"]);
    expect(manifest.composeExtensions).toBeUndefined();
  });

  it("the French file has the strings Teams localizes, for every command", () => {
    const commands: Command[] = manifest.bots[0].commandLists[0].commands;
    const key = /^bots\[0\]\.commandLists\[([0-2])\]\.commands\[([0-9])\]\.(title|description)$/;
    const limits: Record<string, number> = { "name.short": 30, "name.full": 100, "description.short": 80, "description.full": 4000, title: 32, description: 128 };
    for (const k of ["name.short", "name.full", "description.short", "description.full"]) expect(fr[k], k).toEqual(expect.any(String));
    const localized = Object.keys(fr).filter((k) => k !== "$schema");
    for (const k of localized) {
      const m = key.exec(k);
      expect(m !== null || k in limits, `${k} is not a key Teams localizes`).toBe(true);
      if (m) expect(manifest.bots[0].commandLists[Number(m[1])]?.commands[Number(m[2])], `${k} names no command of the manifest`).toBeDefined();
      expect(fr[k].length, k).toBeLessThanOrEqual(limits[m ? m[3]! : k]!);
    }
    commands.forEach((_, i) => {
      for (const f of ["title", "description"]) expect(fr[`bots[0].commandLists[0].commands[${i}].${f}`], `command ${i} ${f}`).toEqual(expect.any(String));
    });
    expect(manifest.localizationInfo.additionalLanguages).toEqual([{ languageTag: "fr", file: "fr.json" }]);
  });

  it("every command title, in English and in French, is a command Accord understands", () => {
    const commands: Command[] = manifest.bots[0].commandLists[0].commands;
    const expected = ["new", "list", "show", "help"];
    commands.forEach((c, i) => {
      const frTitle: string = fr[`bots[0].commandLists[0].commands[${i}].title`];
      for (const title of [c.title, frTitle]) {
        // picking a command from the menu puts its title in the compose box; `show` needs its dispute number
        const text = expected[i] === "show" ? `${title} D-2026-0042` : title;
        expect(parseCommand(text).kind, text).toBe(expected[i]);
        // and the Teams personal chat's own parser (src/teams/chatCommand.ts)
        expect(parseChatCommand(text).kind, text).toBe(expected[i]);
      }
    });
  });

  it("the list command's words, as its descriptions give them, are the ones the Teams chat understands", () => {
    const [en, fr] = [manifest.bots[0].commandLists[0].commands[1].description as string, fr_(1)];
    for (const [desc, words] of [[en, ["list mine", "list overdue", "list all"]], [fr, ["liste mes", "liste en retard", "liste tous"]]] as const) {
      for (const w of words) {
        expect(desc, w).toContain(w);
        expect(parseChatCommand(w).kind, w).toBe("list");
      }
    }
  });
});

describe("Teams icons", () => {
  const png = (name: string) => fs.readFileSync(path.join(dir, manifest.icons[name]));
  /** width, height, bit depth and colour type from the PNG header */
  const header = (buf: Buffer) => ({ signature: buf.subarray(0, 8).toString("hex"), width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), depth: buf[24], colorType: buf[25] });
  const rendered = (name: string) => new Resvg(fs.readFileSync(path.join(dir, `${name}.svg`), "utf8"), { shapeRendering: 2 }).render();

  it("are the committed SVGs rendered", () => {
    for (const name of ["color", "outline"]) expect(Buffer.compare(png(name), Buffer.from(rendered(name).asPng())), `${name}.png is not ${name}.svg rendered: regenerate it`).toBe(0);
  });

  it("colour: a 192×192 RGBA PNG", () => {
    expect(header(png("color"))).toEqual({ signature: "89504e470d0a1a0a", width: 192, height: 192, depth: 8, colorType: 6 });
  });

  it("outline: a 32×32 PNG, white on transparent", () => {
    expect(header(png("outline"))).toEqual({ signature: "89504e470d0a1a0a", width: 32, height: 32, depth: 8, colorType: 6 });
    const img = rendered("outline");
    const px = img.pixels;
    let transparent = 0;
    let drawn = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] === 0) transparent++;
      else {
        drawn++;
        // resvg's pixels are premultiplied: white at alpha a is (a, a, a, a)
        expect([px[i], px[i + 1], px[i + 2]], `pixel ${i / 4} is not white`).toEqual([px[i + 3], px[i + 3], px[i + 3]]);
      }
    }
    expect(transparent).toBeGreaterThan(0);
    expect(drawn).toBeGreaterThan(0);
    expect(transparent + drawn).toBe(32 * 32);
  });
});
