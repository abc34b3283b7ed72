import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { outlineTexts, readOutlineFont, textPath } from "./chartGlyphs.ts";
import { CHART_BACKGROUND, CHART_FONT_FAMILY, CHART_FONT_FILE, CHART_HEIGHT, CHART_WIDTH, digestChartSvg, type DigestChartInput } from "./digestChart.ts";

const font = readOutlineFont(CHART_FONT_FILE);

const input: DigestChartInput = {
  currency: "EUR",
  cells: [
    { bucket: "0-30", reason: "Prix erroné", amount: 123456 },
    { bucket: "31-60", reason: "Qualité / défaut", amount: 700000 },
    { bucket: "90+", reason: "Déjà payé", amount: 99999 },
  ],
};

/** RGBA pixels of an SVG as resvg draws it with the bundled font (its own text layout for <text>). */
const pixels = (svg: string) =>
  new Resvg(svg, { background: CHART_BACKGROUND, font: { loadSystemFonts: false, fontFiles: [CHART_FONT_FILE], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY } }).render().pixels;

describe("chart labels as outlines", () => {
  it("reads the bundled font: its metrics, a glyph per letter of the labels, none for a script it lacks", () => {
    expect(font.unitsPerEm).toBe(2048);
    expect(font.ascender).toBeGreaterThan(0);
    expect(font.descender).toBeLessThan(0);
    for (const ch of "Montant en litige é à – € > 0123456789") expect(font.glyphOf(ch.codePointAt(0)!), ch).not.toBe(0);
    expect(font.glyphOf("漢".codePointAt(0)!)).toBe(0);
    // a letter has contours, a space none but an advance; é (a composite glyph: e and an accent) has more than e
    expect(font.contours(font.glyphOf(0x6f)).length).toBe(2);
    expect(font.contours(font.glyphOf(0x20))).toEqual([]);
    expect(font.advance(font.glyphOf(0x20))).toBeGreaterThan(0);
    expect(font.contours(font.glyphOf(0xe9)).length).toBeGreaterThan(font.contours(font.glyphOf(0x65)).length);
  });

  it("turns every label of the chart into a path, and the picture stays the one resvg draws from the text", () => {
    const svg = digestChartSvg(input, "fr");
    const labels = svg.match(/<text/g)!.length;
    const outlined = outlineTexts(svg, font);
    expect(outlined).not.toContain("<text");
    expect(outlined.match(/<path/g)!.length).toBeGreaterThanOrEqual((svg.match(/<path/g)?.length ?? 0) + labels - 1); // a label of spaces only draws nothing
    const [a, b] = [pixels(svg), pixels(outlined)];
    expect(a.length).toBe(CHART_WIDTH * CHART_HEIGHT * 4);
    let differ = 0;
    let ink = 0;
    for (let i = 0; i < a.length; i += 4) {
      if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 96) differ++;
      if (a[i] !== a[0] || a[i + 1] !== a[1] || a[i + 2] !== a[2]) ink++;
    }
    // the same glyphs at the same places, up to anti-aliasing and kerning
    expect(ink).toBeGreaterThan(CHART_WIDTH * CHART_HEIGHT * 0.03);
    expect(differ).toBeLessThan(CHART_WIDTH * CHART_HEIGHT * 0.0025);
  });

  it("anchors at the start, middle or end and centres on the central baseline", () => {
    const box = (d: string) => {
      const n = [...d.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
      const xs = n.filter((_, i) => i % 2 === 0);
      const ys = n.filter((_, i) => i % 2 === 1);
      return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
    };
    const start = box(textPath(font, "HH", 100, 50, 20, "start", "central")!);
    const middle = box(textPath(font, "HH", 100, 50, 20, "middle", "central")!);
    const end = box(textPath(font, "HH", 100, 50, 20, "end", "central")!);
    expect(start.left).toBeGreaterThanOrEqual(100);
    expect(end.right).toBeLessThanOrEqual(100);
    expect(Math.abs((middle.left + middle.right) / 2 - 100)).toBeLessThan(1);
    // capitals sit on the baseline: the alphabetic one at y, the central one lower by half of ascender + descender
    const alpha = box(textPath(font, "HH", 100, 50, 20, "start", "alphabetic")!);
    expect(alpha.bottom).toBeCloseTo(50, 0);
    expect(start.bottom - alpha.bottom).toBeCloseTo(((font.ascender + font.descender) / 2) * (20 / font.unitsPerEm), 1);
  });

  it("leaves as text what it cannot lay out: a glyph the font lacks, another baseline, letter spacing", () => {
    const svg = [
      `<text style="font-size:12px;" x="1" y="2">漢字</text>`,
      `<text dominant-baseline="hanging" style="font-size:12px;" x="1" y="2">Prix</text>`,
      `<text style="font-size:12px;letter-spacing:2px" x="1" y="2">Prix</text>`,
      `<text style="font-size:12px;" x="1" y="2" fill="#333">&gt; 90&#160;j</text>`,
    ].join("");
    const out = outlineTexts(svg, font);
    expect(out.match(/<text/g)!.length).toBe(3);
    // laid out at the origin, moved to (x, y); the entities read as their characters
    expect(out.endsWith(`<path d="${textPath(font, "> 90\u00a0j", 0, 0, 12, "start", "auto")}" transform="translate(1 2)" fill="#333"/>`)).toBe(true);
  });
});
