import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Locale } from "../domain/types.ts";
import type { DigestChartInput } from "./digestChart.ts";

// The digest's charts drawn on a thread of their own (issue 11: a digest never makes a Slack ack wait): echarts'
// layout (about 20 ms a chart) and resvg's raster and PNG encoding run there, the event loop only posts the cells
// and gets the bytes back. One thread per process, started with the first chart (its modules take about a second
// to load, off the loop) and kept for the next until a minute idle; it keeps the process alive only while a chart is
// under way, and `stopChartThread` ends it.
// A chart whose thread crashed is drawn again by a new one.

const require = createRequire(import.meta.url);

/** ESM files of echarts the chart uses, loaded natively before tsx's hooks (through them: a round trip per file). */
function preloads(): string[] {
  const dir = path.dirname(require.resolve("echarts/package.json"));
  return ["core.js", "charts.js", "components.js", "renderers.js"].map((f) => pathToFileURL(path.join(dir, f)).href).filter((u) => fs.existsSync(new URL(u)));
}

/** The thread's code: preload echarts, register tsx's ESM hooks inside the worker, then import chartWorker.ts (as ledger.ts does). */
function bootstrapCode(): string {
  const pkgFile = require.resolve("tsx/package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { exports: Record<string, { import?: { default?: string } }> };
  const api = pkg.exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
  const apiUrl = pathToFileURL(path.join(path.dirname(pkgFile), api)).href;
  const entryUrl = new URL("./chartWorker.ts", import.meta.url).href;
  return `Promise.all(${JSON.stringify(preloads())}.map((u) => import(u))).catch(() => undefined)
    .then(() => import(${JSON.stringify(apiUrl)})).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); });`;
}

type Reply = { id: number; png: Uint8Array } | { id: number; error: string };

/** How long an idle chart thread is kept (a digest's charts come together; the next digest is hours away). */
const IDLE_MS = 60_000;

let thread: { worker: Worker; pending: Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>; idle: NodeJS.Timeout | undefined } | null = null;
let nextId = 0;

function start(): NonNullable<typeof thread> {
  const worker = new Worker(bootstrapCode(), { eval: true });
  const t: NonNullable<typeof thread> = { worker, pending: new Map(), idle: undefined };
  const fail = (e: Error) => {
    if (thread === t) thread = null;
    for (const p of t.pending.values()) p.reject(e);
    t.pending.clear();
  };
  worker.on("message", (r: Reply) => {
    const p = t.pending.get(r.id);
    if (!p) return;
    t.pending.delete(r.id);
    if ("png" in r) p.resolve(Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength));
    else p.reject(new Error(r.error));
    if (!t.pending.size) {
      worker.unref();
      // idle: the thread (echarts and resvg loaded, some 100 MB) goes after a while; the next chart starts another
      clearTimeout(t.idle);
      t.idle = setTimeout(() => {
        if (thread === t && !t.pending.size) void stopChartThread();
      }, IDLE_MS).unref();
    }
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`chart thread exited with code ${code}`)));
  worker.unref();
  return t;
}

/** The chart's PNG (the same bytes as renderChartPng), drawn on the chart thread. */
export function renderChartPngOffThread(input: DigestChartInput, lang: Locale): Promise<Buffer> {
  thread ??= start();
  const t = thread;
  const id = ++nextId;
  return new Promise<Buffer>((resolve, reject) => {
    clearTimeout(t.idle);
    t.pending.set(id, { resolve, reject });
    t.worker.ref(); // a chart under way keeps the process until it is drawn
    t.worker.postMessage({ id, input, lang });
  });
}

/** Ends the chart thread (a new one starts with the next chart). */
export async function stopChartThread(): Promise<void> {
  const t = thread;
  thread = null;
  if (t) await t.worker.terminate();
}
