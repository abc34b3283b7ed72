import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { blockKitSurfaces, type Surface } from "../slack/testing/surfaces.ts";
import { ROOT, sandboxInBrowser } from "./testing.ts";

// The sandbox page draws every Block Kit surface Accord renders: each surface of the renderer's snapshot
// suite (and the variants it checks against Slack's limits) is fed to the page's own renderer in Chromium;
// any block or element it cannot draw is marked `data-unknown-*` and fails the test.

let page: Page;

sandboxInBrowser({}, async (s) => {
  page = s.page;
  await page.goto(`${s.run.accord.url}/`);
  await page.waitForSelector("body[data-ready]");
});

/** The little of the DOM the page-side callbacks use (the project compiles without the DOM library). */
interface El {
  id: string;
  innerText: string;
  innerHTML: string;
  querySelectorAll(selector: string): El[];
  getAttribute(name: string): string | null;
  append(...nodes: unknown[]): void;
  replaceChildren(...nodes: unknown[]): void;
  remove(): void;
}
interface PageGlobals {
  document: { createElement(tag: string): El; body: El };
  accordSandbox: { blockkit: { renderSurface(s: unknown, ctx: unknown): El }; mrkdwn: { mrkdwn(s: string, ctx: object): unknown } };
}

interface Drawn {
  name: string;
  blocks: number;
  drawn: number;
  unknown: string[];
  text: string;
  controls: number;
  inputs: number;
}

/** Renders each surface with the page's renderer (the module the page itself uses) and reports what came out. */
function draw(surfaces: Pick<Surface, "name" | "kind" | "payload">[]): Promise<Drawn[]> {
  return page.evaluate((list) => {
    const g = globalThis as unknown as PageGlobals;
    const bk = g.accordSandbox.blockkit;
    const host = g.document.createElement("div");
    host.id = "coverage";
    g.document.body.append(host);
    const out = list.map((s) => {
      const node = bk.renderSurface(s, { t: {}, userName: (id: string) => (id === "U0SAM" ? "Sam Sales" : null), users: [{ id: "U0SAM", name: "Sam Sales" }] });
      host.replaceChildren(node);
      const blocks = s.payload.blocks as { type: string }[];
      return {
        name: s.name,
        blocks: blocks.length,
        drawn: node.querySelectorAll("[data-block-type]").length,
        unknown: Array.from(node.querySelectorAll("[data-unknown-block], [data-unknown-element]")).map((e) => e.getAttribute("data-unknown-block") ?? e.getAttribute("data-unknown-element") ?? "?"),
        text: node.innerText,
        controls: node.querySelectorAll("[data-block-type=input] input, [data-block-type=input] select, [data-block-type=input] textarea").length,
        inputs: blocks.filter((b) => b.type === "input").length,
      };
    });
    host.remove();
    return out;
  }, surfaces);
}

/** Every `type` in a JSON value (blocks, elements, text objects, surfaces). */
function typesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => typesIn(v, into));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.type === "string") into.add(o.type);
    Object.values(o).forEach((v) => typesIn(v, into));
  }
  return into;
}

describe("the sandbox page renders every Block Kit surface Accord renders", () => {
  const surfaces = blockKitSurfaces();

  it("covers every block, element and text type of the Block Kit snapshot suite", () => {
    const snap = fs.readFileSync(path.join(ROOT, "src/slack/__snapshots__/blocks.test.ts.snap"), "utf8");
    const inSnapshots = new Set([...snap.matchAll(/"type": "([a-z_]+)"/g)].map((m) => m[1]!));
    expect(inSnapshots.size).toBeGreaterThan(5);
    const fed = typesIn(surfaces.map((s) => s.payload));
    expect([...inSnapshots].filter((t) => !fed.has(t))).toEqual([]);
    for (const name of ["snapshot: the owner's card with the notice", "snapshot: a controller's card in French, resolved", "snapshot: the new-dispute modal", "snapshot: a small home"]) {
      expect(surfaces.map((s) => s.name)).toContain(name);
    }
  });

  it("draws every block and element of every surface, and nothing unknown", async () => {
    const drawn = await draw(surfaces);
    expect(drawn).toHaveLength(surfaces.length);
    const problems = drawn.filter((d) => d.unknown.length || d.drawn !== d.blocks || d.controls < d.inputs).map((d) => `${d.name}: ${d.drawn}/${d.blocks} blocks, ${d.controls}/${d.inputs} inputs, unknown [${d.unknown.join(", ")}]`);
    expect(problems).toEqual([]);
  });

  it("draws mrkdwn as Slack does: entities decoded, mentions named, quotes, bold and emoji", async () => {
    const [card] = await draw(surfaces.filter((s) => s.name === "snapshot: the owner's card with the notice"));
    expect(card!.text).toContain("Boulangerie Martin & Fils <Lyon>");
    expect(card!.text).not.toMatch(/&amp;|&lt;|\*Reason\*/);
    expect(card!.text).toContain("@Sam Sales");
    const [help] = await draw(surfaces.filter((s) => s.name === "reply: help (mrkdwn)"));
    expect(help!.text).toContain("the docs");
    expect(help!.text).not.toContain(":warning:");
    const html = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const { mrkdwn } = g.accordSandbox.mrkdwn;
      const div = g.document.createElement("div");
      div.append(mrkdwn("*bold* _it_ ~no~ `co_de` <https://x.test/a_b|link> <javascript:alert(1)|bad> &lt;b&gt; see https://y.test/p?q=1.\n>quote", {}));
      return div.innerHTML;
    });
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>it</em>");
    expect(html).toContain("<s>no</s>");
    expect(html).toContain("<code>co_de</code>");
    expect(html).toContain('href="https://x.test/a_b"');
    expect(html).toContain('<a href="https://y.test/p?q=1" target="_blank" rel="noopener noreferrer">https://y.test/p?q=1</a>.');
    expect(html).not.toContain("javascript:");
    expect(html).toContain(" bad ");
    expect(html).toContain("&lt;b&gt;");
    expect(html).toContain('<blockquote class="bk-quote">quote</blockquote>');
  });

  it("marks what it cannot draw, visibly", async () => {
    const [d] = await draw([
      { name: "unknown", kind: "message", payload: { blocks: [{ type: "rich_text", elements: [] }, { type: "section", text: { type: "mrkdwn", text: "x" }, accessory: { type: "workflow_button" } }] } },
    ]);
    expect(d!.unknown.sort()).toEqual(["rich_text", "workflow_button"]);
  });
});
