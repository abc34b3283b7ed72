import { afterAll, describe, expect, it } from "vitest";
import { renderChartPngOffThread, stopChartThread } from "./chartThread.ts";
import { renderChartPng, type DigestChartInput } from "./digestChart.ts";

const input: DigestChartInput = {
  currency: "EUR",
  cells: [
    { bucket: "0-30", reason: "Prix erroné", amount: 123456 },
    { bucket: "90+", reason: "Marchandise abîmée", amount: 99999 },
  ],
};

afterAll(() => stopChartThread());

describe("the chart thread", () => {
  it("draws the same PNG as inline, several at once, and says why a chart cannot be drawn", async () => {
    const [fr, en] = await Promise.all([renderChartPngOffThread(input, "fr"), renderChartPngOffThread({ currency: "USD", cells: [] }, "en")]);
    expect(fr.equals(renderChartPng(input, "fr"))).toBe(true);
    expect(en.equals(renderChartPng({ currency: "USD", cells: [] }, "en"))).toBe(true);
    await expect(renderChartPngOffThread({ currency: "EUR", cells: [{ bucket: "0-30", reason: "Prix", amount: 12.5 }] }, "fr")).rejects.toThrow(/minor units/);
    // the thread is still there for the next one, and a stopped thread is started again
    expect((await renderChartPngOffThread(input, "fr")).equals(fr)).toBe(true);
    await stopChartThread();
    expect((await renderChartPngOffThread(input, "fr")).equals(fr)).toBe(true);
  });
});
