import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DIGEST_CHANNEL } from "./channels.ts";
import { sandboxUserId } from "./standin.ts";
import { sandboxInBrowser, screenshot, type SandboxRun } from "./testing.ts";

// The sandbox's clock in headless Chromium, through the page only, as the manager (French): the header shows the
// sandbox's time (Tuesday 8 December 2026, 16:00 in Paris); « Avancer à demain 9 h 00 » moves it to Wednesday 09:00;
// the morning's digest appears in #litiges-direction in the side bar, and the sales rep whose dispute's follow-up was
// due that morning finds the reminder in their DM (in English, their language).

const START = "2026-12-08T15:00:00.000Z";
/** no periodic tick during the test: only the clock's buttons run the jobs (what they ran is then theirs alone) */
const QUIET_SCHEDULER = { ACCORD_TICK_SECONDS: "3600" };
let run: SandboxRun;
let page: Page;

sandboxInBrowser({ env: QUIET_SCHEDULER, now: START }, async (s) => {
  ({ run, page } = s);
  await run.accord.slack!.delivery.idle(30_000);
});

describe("the sandbox's clock, in a browser", () => {
  it("shows the sandbox's time and the two buttons in the person's language", async () => {
    await page.goto(`${run.accord.url}/?as=marc.petit@demo.accord.fr`);
    await page.waitForSelector("body[data-ready]");
    await page.locator("#clock-date[data-now]").waitFor();
    expect(await page.locator("#clock-label").innerText()).toBe("Heure du bac à sable");
    expect(await page.locator("#clock-date").innerText()).toMatch(/^mar\. 8 déc\. 2026,? 16:00$/);
    expect(await page.locator("#clock-tomorrow").innerText()).toBe("Avancer à demain 9 h 00");
    expect(await page.locator("#clock-week").innerText()).toBe("+1 semaine");
    const channel = page.locator(`.side-item[data-channel="${DIGEST_CHANNEL.id}"]`);
    expect(await channel.innerText()).toMatch(/litiges-direction/);
    await channel.click();
    await page.locator(".intro", { hasText: "#litiges-direction" }).waitFor();
    // a channel has no Home tab
    await page.locator("#tab-home").waitFor({ state: "hidden" });
    expect(await page.locator("#composer-input").getAttribute("placeholder")).toMatch(/litiges-direction/);
    await screenshot(page, "clock-01-before");
  });

  it("« Avancer à demain 9 h 00 »: the clock says Wednesday 09:00, the digest is in #litiges-direction", async () => {
    await page.locator("#clock-tomorrow").click();
    // the answer's toast (the page's own refresh may show the new time before the jobs' answer is back)
    await page.locator("#toast:not([hidden])").waitFor({ timeout: 30_000 });
    await page.locator('#clock-date[data-now="2026-12-09T08:00:00.000Z"]').waitFor();
    expect(await page.locator("#clock-date").innerText()).toMatch(/^mer\. 9 déc\. 2026,? 09:00$/);
    await expect(page.locator("#toast").innerText()).resolves.toMatch(/^Horloge avancée au mer\. 9 déc\. 2026,? 09:00\u00a0: [1-9]\d* rappels? ou escalades?, 1 synthèse publiée\.$/);
    const digest = page.locator("article.msg", { hasText: "Synthèse des litiges" });
    await digest.waitFor();
    expect(await page.locator("[data-unknown-block], [data-unknown-element]").count()).toBe(0);
    await screenshot(page, "clock-02-digest");
    // back in the DM, and the channel's post is not new any more
    await page.locator("#side-accord").click();
    await page.locator("#tab-home").waitFor({ state: "visible" });
    expect(await page.locator(`.side-item[data-channel="${DIGEST_CHANNEL.id}"] .badge`).count()).toBe(0);
  });

  it("the sales rep whose follow-up was due this morning has the reminder in their DM", async () => {
    // the quality dispute of the demo, opened today with its follow-up tomorrow: Thomas Moreau's (English)
    await page.selectOption("#persona", sandboxUserId("thomas.moreau@demo.accord.fr"));
    await page.waitForFunction(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === "en");
    const reminder = page.locator("article.msg", { hasText: /Reminder: the follow-up of dispute D-2026-\d{4} was due on 9 Dec/ }).first();
    await reminder.waitFor();
    expect(await reminder.locator('[data-action-id^="snooze."]').count()).toBeGreaterThan(0);
    await screenshot(page, "clock-03-reminder");
  });
});
