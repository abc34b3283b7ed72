import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { CHART_FONT_FILE, CHART_HEIGHT, CHART_WIDTH, digestChartSvg, renderChartPng, renderChartPngAsync, type DigestChartInput } from "./digestChart.ts";

const input: DigestChartInput = {
  currency: "EUR",
  cells: [
    { bucket: "0-30", reason: "Prix erroné", amount: 123456 },
    { bucket: "0-30", reason: "Quantité livrée", amount: 50000 },
    { bucket: "31-60", reason: "Prix erroné", amount: 700000 },
    { bucket: "90+", reason: "Marchandise abîmée", amount: 99999 },
  ],
};

/** Width and height from the IHDR chunk, which follows the 8-byte signature. */
function ihdr(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Pixels of a PNG that differ from its top-left (background) pixel, decoded by resvg from an <image>. */
function nonBackgroundPixels(png: Buffer): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${CHART_WIDTH}" height="${CHART_HEIGHT}"><image width="${CHART_WIDTH}" height="${CHART_HEIGHT}" xlink:href="data:image/png;base64,${png.toString("base64")}"/></svg>`;
  const px = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [CHART_FONT_FILE] } }).render().pixels;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) n++;
  }
  return n;
}

describe("digest chart", () => {
  it("puts the French title, axis names, bucket labels, reasons and French-formatted totals in the SVG", () => {
    const svg = digestChartSvg(input, "fr");
    for (const s of ["Montant en litige par ancienneté et motif", "Ancienneté du litige", "Montant en litige", "Prix erroné", "Quantité livrée", "Marchandise abîmée"]) {
      expect(svg).toContain(s);
    }
    for (const s of ["0–30\u00a0j", "31–60\u00a0j", "61–90\u00a0j", "&gt; 90\u00a0j"]) expect(svg).toContain(s);
    // 1 234,56 € + 500,00 € in the first bucket: French grouping and decimal comma, € after the number
    expect(svg).toMatch(/1[\u202f\u00a0 ]734,56[\u00a0 ]€/);
    expect(svg).toMatch(/7[\u202f\u00a0 ]000,00[\u00a0 ]€/);
    expect(svg).toMatch(/total\u00a0: 9[\u202f\u00a0 ]734,55[\u00a0 ]€/);
    expect(svg).not.toContain("Disputed amount");
  });

  it("speaks English in EN", () => {
    const svg = digestChartSvg(input, "en");
    for (const s of ["Disputed amount by age and reason", "Age of the dispute", "0–30 d", "&gt; 90 d", "€1,734.56", "€9,734.55"]) expect(svg).toContain(s);
    expect(svg).not.toContain("litige");
  });

  it("renders a PNG of the chart's size that is not blank", () => {
    const png = renderChartPng(input, "fr");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(ihdr(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    // bars, text and grid lines: well over 3% of the picture is not background
    expect(nonBackgroundPixels(png)).toBeGreaterThan(CHART_WIDTH * CHART_HEIGHT * 0.03);
  });

  it("renders the same PNG on libuv's thread pool (renderChartPngAsync) as inline", async () => {
    const [a, b] = await Promise.all([renderChartPngAsync(input, "fr"), renderChartPngAsync({ currency: "EUR", cells: [] }, "en")]);
    expect(a.equals(renderChartPng(input, "fr"))).toBe(true);
    expect(b.equals(renderChartPng({ currency: "EUR", cells: [] }, "en"))).toBe(true);
    expect(a.equals(b)).toBe(false);
  });

  it("draws more ink with bars than without", () => {
    const empty = renderChartPng({ currency: "EUR", cells: [] }, "fr");
    expect(digestChartSvg({ currency: "EUR", cells: [] }, "fr")).toContain("Aucun litige ouvert");
    expect(nonBackgroundPixels(renderChartPng(input, "fr"))).toBeGreaterThan(nonBackgroundPixels(empty) + 10_000);
  });

  it("uses the currency's minor units (JPY has none)", () => {
    const svg = digestChartSvg({ currency: "JPY", cells: [{ bucket: "61-90", reason: "Prix", amount: 120000 }] }, "en");
    expect(svg).toContain("JP¥120,000");
  });

  it("refuses an amount that is not whole minor units", () => {
    expect(() => digestChartSvg({ currency: "EUR", cells: [{ bucket: "0-30", reason: "Prix", amount: 12.5 }] }, "fr")).toThrow(/minor units/);
  });
});
