// The daily digest's chart (issue 11): disputed amount by age bucket, stacked by reason, as a PNG a
// manager would rather look at than read. Rendered on the server with no browser and no native build:
// echarts in server-side SVG mode, then resvg-js (prebuilt binaries shipped on
// npm) rasterises the SVG with the bundled DejaVu Sans font and no system fonts, so the labels look the
// same on any machine.
//
// One currency per chart: amounts are never summed across currencies (domain/money.ts). A caller with
// disputes in several currencies makes one chart per currency.
import { createRequire } from "node:module";
import { renderAsync, Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { currencyDigits, displayAmount } from "../domain/money.ts";
import type { Locale } from "../domain/types.ts";
import { outlineTexts, readOutlineFont, type OutlineFont } from "./chartGlyphs.ts";
import { AGE_BUCKETS, DIGEST_CHART_TEXT, type AgeBucket } from "./digestChartText.ts";

// only what the chart draws: every update runs the processors of every registered component (the full bundle
// registers them all), so a chart of its own few costs less to lay out, for the same SVG
echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 450;
export const CHART_FONT_FAMILY = "DejaVu Sans";
export const CHART_BACKGROUND = "#ffffff";

/** The bundled font file (the npm package dejavu-fonts-ttf). */
export const CHART_FONT_FILE = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");

export interface DigestChartCell {
  bucket: AgeBucket;
  /** the reason's label, already in the chart's language (Reason.labelFr / labelEn) */
  reason: string;
  /** disputed amount in minor units of the chart's currency, as the store holds money */
  amount: number;
}

export interface DigestChartInput {
  /** ISO 4217 code; every cell is in this currency */
  currency: string;
  /** one row per (bucket, reason), as a SQL GROUP BY gives it; reasons stack in their order of first appearance */
  cells: readonly DigestChartCell[];
}

// Colour-blind-safe palette (Okabe–Ito), one colour per reason in order.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const axisFormats = new Map<string, Intl.NumberFormat>();

/** Major units with no decimals, for the value axis: « 12 000 € » / "€12,000" (one formatter per locale and currency, made once). */
function axisAmount(major: number, currency: string, locale: Locale): string {
  const key = `${locale}:${currency}`;
  let f = axisFormats.get(key);
  if (!f) axisFormats.set(key, (f = new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB", { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 })));
  return f.format(major);
}

/** The chart as SVG text. Pure: same input, same output. */
export function digestChartSvg(input: DigestChartInput, lang: Locale): string {
  const t = DIGEST_CHART_TEXT[lang];
  const { currency } = input;
  const scale = 10 ** currencyDigits(currency);
  const reasons: string[] = [];
  const sums = new Map<string, number>();
  for (const c of input.cells) {
    if (!Number.isSafeInteger(c.amount)) throw new TypeError(`amount must be an integer in minor units: ${String(c.amount)}`);
    if (!AGE_BUCKETS.includes(c.bucket)) throw new TypeError(`unknown age bucket: ${String(c.bucket)}`);
    if (!reasons.includes(c.reason)) reasons.push(c.reason);
    const key = `${c.bucket}\u0000${c.reason}`;
    sums.set(key, (sums.get(key) ?? 0) + c.amount);
  }
  const totals = AGE_BUCKETS.map((b) => reasons.reduce((s, r) => s + (sums.get(`${b}\u0000${r}`) ?? 0), 0));
  const grand = totals.reduce((a, b) => a + b, 0);
  const categories = AGE_BUCKETS.map((b, i) => `${t.buckets[b]}\n${displayAmount(totals[i]!, currency, lang)}`);

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: CHART_BACKGROUND,
      color: PALETTE,
      textStyle: { fontFamily: CHART_FONT_FAMILY },
      title: {
        text: t.title,
        subtext: reasons.length ? t.subtitle(currency, displayAmount(grand, currency, lang)) : t.empty,
        left: "center",
        textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 18, color: "#222" },
        subtextStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 13, color: "#555" },
      },
      legend: { bottom: 8, textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12 }, data: reasons },
      grid: { left: 100, right: 30, top: 80, bottom: 110 },
      xAxis: {
        type: "category",
        data: categories,
        name: t.xAxis,
        nameLocation: "middle",
        nameGap: 48,
        axisLabel: { fontFamily: CHART_FONT_FAMILY, fontSize: 12, color: "#333" },
        nameTextStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12 },
      },
      yAxis: {
        type: "value",
        name: t.yAxis,
        nameLocation: "middle",
        nameGap: 80,
        axisLabel: { fontFamily: CHART_FONT_FAMILY, fontSize: 11, formatter: (v: number) => axisAmount(v, currency, lang) },
        nameTextStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12 },
      },
      series: reasons.map((r) => ({
        name: r,
        type: "bar",
        stack: "amount",
        barMaxWidth: 90,
        data: AGE_BUCKETS.map((b) => (sums.get(`${b}\u0000${r}`) ?? 0) / scale),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    // Without dispose, echarts keeps timers alive and the process may not exit.
    chart.dispose();
  }
}

/** The chart as a PNG (CHART_WIDTH × CHART_HEIGHT), labels drawn with the bundled font only. */
export function renderChartPng(input: DigestChartInput, lang: Locale): Buffer {
  return rasterise(digestChartSvg(input, lang));
}

/**
 * The same PNG, rasterised on libuv's thread pool (resvg-js `renderAsync`): the event loop keeps serving Slack
 * and Teams while resvg draws; only echarts' layout (the SVG text) and the PNG's encoding run on it.
 */
export async function renderChartPngAsync(input: DigestChartInput, lang: Locale): Promise<Buffer> {
  return rasteriseAsync(digestChartSvg(input, lang));
}

let outlineFont: OutlineFont | null = null;

const RESVG_OPTIONS: ResvgRenderOptions = {
  background: CHART_BACKGROUND,
  font: { loadSystemFonts: false, fontFiles: [CHART_FONT_FILE], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
};

/**
 * SVG text -> PNG bytes with the bundled DejaVu Sans and no system fonts. The labels reach resvg as outlines
 * of that font, read once per process (chartGlyphs.ts: resvg-js would read the font file again for each label);
 * one it cannot outline stays text, drawn by resvg with the same font file.
 */
export function rasterise(svg: string): Buffer {
  outlineFont ??= readOutlineFont(CHART_FONT_FILE);
  return new Resvg(outlineTexts(svg, outlineFont), RESVG_OPTIONS).render().asPng();
}

/** rasterise() with the drawing on libuv's thread pool: the same bytes. */
export async function rasteriseAsync(svg: string): Promise<Buffer> {
  outlineFont ??= readOutlineFont(CHART_FONT_FILE);
  return (await renderAsync(outlineTexts(svg, outlineFont), RESVG_OPTIONS)).asPng();
}
