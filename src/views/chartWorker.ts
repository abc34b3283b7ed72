import { parentPort } from "node:worker_threads";
import type { Locale } from "../domain/types.ts";
import { renderChartPngAsync, type DigestChartInput } from "./digestChart.ts";

// The chart thread's entry (chartThread.ts): one message a chart, answered with its PNG or the error's message.

parentPort!.on("message", (m: { id: number; input: DigestChartInput; lang: Locale }) => {
  renderChartPngAsync(m.input, m.lang).then(
    (png) => parentPort!.postMessage({ id: m.id, png }),
    (err: unknown) => parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
