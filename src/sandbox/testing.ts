import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { loadConfig } from "../config.ts";
import { startAccord, type Accord } from "../server.ts";

// Browser tests of the sandbox: Debian's Chromium (installed by .ci/run, never downloaded by Playwright)
// driven by playwright-core, against an in-process Accord in sandbox mode on a temporary database.

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOTS = path.join(ROOT, "screenshots");

export interface SandboxRun {
  accord: Accord;
  dir: string;
  /** stops Accord; the directory (database, saved conversations) goes too unless `keep` */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

/**
 * Accord with the sandbox forced on (NODE_ENV=test would leave it off), on a random port and a fresh database,
 * or the database of an earlier run (`dir`: a restart); its clock starts from real time, or from `now`; `env`: more settings.
 */
export async function startSandboxAccord(opts: { quiet?: boolean; dir?: string; now?: string; env?: Record<string, string> } = {}): Promise<SandboxRun> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "accord-sandbox-"));
  const config = loadConfig({ NODE_ENV: "test", ACCORD_SANDBOX: "true", PORT: "0", DATABASE_URL: `file:${path.join(dir, "accord.db")}`, LOG_LEVEL: "silent", ...opts.env }, dir);
  // `now`: the real time the sandbox's clock starts from (fixed), for tests that move the clock
  const base = opts.now ? new Date(opts.now) : null;
  const accord = await startAccord(config, { logger: pino({ level: opts.quiet === false ? "info" : "silent" }), ...(base ? { clock: () => new Date(base) } : {}) });
  return {
    accord,
    dir,
    async stop(o = {}) {
      await accord.stop();
      if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** console errors and page errors seen so far */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "accord-chromium-"));
  // launchPersistentContext passes the fresh profile as --user-data-dir
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: "en-GB",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export interface SandboxInBrowser {
  readonly run: SandboxRun;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * The browser tests' set-up: a sandbox Accord (`opts` as for startSandboxAccord) and a headless Chromium page,
 * started before the file's tests (then `ready`, e.g. a first page load) and stopped after them.
 */
export function sandboxInBrowser(opts: Parameters<typeof startSandboxAccord>[0] = {}, ready?: (s: SandboxInBrowser) => Promise<void>): SandboxInBrowser {
  let run: SandboxRun | undefined;
  let browser: Browser | undefined;
  const s: SandboxInBrowser = {
    get run() {
      if (!run) throw new Error("the sandbox is not started yet (use it inside a test)");
      return run;
    },
    get browser() {
      if (!browser) throw new Error("the browser is not open yet (use it inside a test)");
      return browser;
    },
    get page() {
      return s.browser.page;
    },
  };
  beforeAll(async () => {
    run = await startSandboxAccord(opts);
    browser = await openBrowser();
    browser.page.setDefaultTimeout(15_000);
    await ready?.(s);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await run?.stop();
  });
  return s;
}
