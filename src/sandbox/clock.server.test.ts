import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../slack/standin/fakeSlack.ts";
import { DIGEST_CHANNEL } from "./channels.ts";
import { sandboxUserId } from "./standin.ts";
import { startSandboxAccord, type SandboxRun } from "./testing.ts";

// The sandbox's clock over its page API (no browser): it starts on Tuesday 8 December 2026 at 16:00 in Paris; the
// buttons move it forward only; after "tomorrow 09:00" the jobs have run at the new time and the delivery queue has
// delivered: reminders in the owners' DMs and the daily digest in #litiges-direction, as the page then shows them.

const START = "2026-12-08T15:00:00.000Z";
/** no periodic tick during the test: only the clock's buttons run the jobs (what they ran is then theirs alone) */
const QUIET_SCHEDULER = { ACCORD_TICK_SECONDS: "3600" };
let run: SandboxRun;
const claire = sandboxUserId("claire.martin@demo.accord.fr");
const ana = sandboxUserId("ana.lopez@demo.accord.fr");
const marc = sandboxUserId("marc.petit@demo.accord.fr");

interface Clock {
  now: string;
  today: string;
  timezone: string;
  offsetMs: number;
}
const post = async (body: unknown) => {
  const r = await fetch(`${run.accord.url}/sandbox/api/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { clock?: Clock; ran?: Record<string, { done: number }>; error?: { message: string; details: { field: string } } } };
};
const get = async <T>(p: string) => (await (await fetch(`${run.accord.url}/sandbox/api${p}`)).json()) as T;
/** the bot's top-level posts in people's DMs whose text matches */
const dmPosts = (re: RegExp): StoredMessage[] =>
  [...fake().messages.entries()].filter(([c]) => c.startsWith("D")).flatMap(([, ms]) => ms).filter((m) => !m.threadTs && !m.user && re.test(m.text));
const fake = () => run.accord.sandbox!.standin.fake;

beforeAll(async () => {
  run = await startSandboxAccord({ env: QUIET_SCHEDULER, now: START });
  // what the demo queued at start (the cards of its disputes, a reminder due today) is delivered first
  await run.accord.slack!.delivery.idle(30_000);
}, 90_000);
afterAll(async () => run?.stop());

describe("the sandbox's clock", () => {
  it("starts at the given time, with no offset; the page's state shows it and the managers' channel", async () => {
    const { clock } = await get<{ clock: Clock }>("/clock");
    expect(clock).toEqual({ now: START, today: "2026-12-08", timezone: "Europe/Paris", offsetMs: 0 });
    const st = await get<{ clock: Clock; channels: { id: string; name: string }[] }>(`/state?user=${marc}`);
    expect(st.clock.now).toBe(START);
    expect(st.channels).toEqual([{ id: DIGEST_CHANNEL.id, name: "litiges-direction", posts: 0 }]);
    expect(fake().botChannels.has(DIGEST_CHANNEL.id)).toBe(true);
  });

  it("refuses anything but the two forward moves, naming the field, in the language of the person who clicked", async () => {
    for (const body of [{}, { advance: "back" }, { advance: "2026-01-01T00:00:00Z" }, { advance: -86_400_000 }, { user: claire, advance: "yesterday" }]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.body.error!.details.field).toBe("advance");
    }
    expect((await post({ user: ana, advance: "back" })).body.error!.message).toBe('advance: the clock moves forward only, to "tomorrow-0900" or "plus-1-week"');
    expect((await post({ user: claire, advance: "back" })).body.error!.message).toBe("advance\u00a0: l’horloge ne fait qu’avancer, à \"tomorrow-0900\" ou \"plus-1-week\"");
    const extra = await post({ user: claire, advance: "tomorrow-0900", offsetMs: -5 });
    expect(extra.status).toBe(400);
    expect(extra.body.error!.details.field).toBe("offsetMs");
    const nobody = await post({ user: "UNOBODY00", advance: "tomorrow-0900" });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error!.details.field).toBe("user");
    // nothing moved
    expect((await get<{ clock: Clock }>("/clock")).clock.offsetMs).toBe(0);
  });

  it("after “tomorrow 09:00”: reminders in the owners' DMs and the daily digest in #litiges-direction, delivered before the answer", async () => {
    const remindersBefore = dmPosts(/^(Rappel|Reminder)/).length;
    expect(fake().posts(DIGEST_CHANNEL.id)).toHaveLength(0);
    const r = await post({ user: marc, advance: "tomorrow-0900" });
    expect(r.status).toBe(200);
    expect(r.body.clock).toMatchObject({ now: "2026-12-09T08:00:00.000Z", today: "2026-12-09" });
    expect(r.body.ran!["followups.remind"]!.done).toBeGreaterThanOrEqual(1);
    expect(r.body.ran!["digests.post"]!.done).toBe(1);
    // the reminder of the dispute due on Wednesday, in its owner's DM
    expect(dmPosts(/^(Rappel|Reminder)/).length).toBeGreaterThan(remindersBefore);
    const digest = fake().posts(DIGEST_CHANNEL.id);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.text).toMatch(/^Synthèse des litiges\u00a0: \d+ ouverts, [1-9]\d* en retard, [1-9]\d* SLA dépassé/);
    // the page's view of the channel: the digest, as any person of the workspace sees it
    const st = await get<{ channel: string; channels: { posts: number }[]; timeline: { text: string; user: string | null }[] }>(`/state?user=${marc}&channel=${DIGEST_CHANNEL.id}`);
    expect(st.channel).toBe(DIGEST_CHANNEL.id);
    expect(st.channels[0]!.posts).toBe(1);
    expect(st.timeline.map((e) => e.text)).toEqual([digest[0]!.text]);
    // an unknown channel is refused
    expect((await fetch(`${run.accord.url}/sandbox/api/state?user=${marc}&channel=CNOPE`)).status).toBe(400);
  });

  it("moves forward only and keeps its offset in a file beside the database; “+1 week” brings the escalation", async () => {
    const escalationsBefore = dmPosts(/^(Escalade|Escalation)/).length;
    const r = await post({ advance: "plus-1-week" });
    expect(r.status).toBe(200);
    expect(r.body.clock!.now).toBe("2026-12-16T08:00:00.000Z");
    expect(r.body.clock!.offsetMs).toBe(Date.parse("2026-12-16T08:00:00Z") - Date.parse(START));
    expect(JSON.parse(fs.readFileSync(path.join(run.dir, "accord.db.sandbox-clock.json"), "utf8"))).toEqual({ version: 1, offsetMs: r.body.clock!.offsetMs });
    expect(dmPosts(/^(Escalade|Escalation)/).length).toBeGreaterThan(escalationsBefore);
    // every `now` of the process reads it: a dispute opened now is dated on the sandbox's day
    expect(run.accord.deps.clock().toISOString()).toBe("2026-12-16T08:00:00.000Z");
  });
});

describe("the sandbox's clock across a restart, and commands in its channel", () => {
  it("a command typed in #litiges-direction runs there: its private answer is in the channel, not the DM", async () => {
    const r = await fetch(`${run.accord.url}/sandbox/api/command`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: marc, text: "/dispute digest", channel: DIGEST_CHANNEL.id }) });
    expect(r.status).toBe(200);
    type State = { timeline: { ephemeral: boolean; text: string; blocks: unknown[] }[] };
    let answer: State["timeline"][number] | undefined;
    for (let i = 0; i < 100 && !answer; i++) {
      answer = (await get<State>(`/state?user=${marc}&channel=${DIGEST_CHANNEL.id}`)).timeline.find((e) => e.ephemeral);
      if (!answer) await new Promise((res) => setTimeout(res, 50));
    }
    // the channel's subscription, as the demo made it
    expect(answer!.text).toMatch(/^Synthèses de ce canal\s:\n• chaque jour ouvré à 9\sh\s00\s\(Europe\/Paris\).*\(par Marc Petit\)$/);
    expect((await get<State>(`/state?user=${marc}`)).timeline.some((e) => e.text.includes("Synthèses de ce canal"))).toBe(false);
    // a channel that is not the sandbox's is refused, naming the field
    const bad = await fetch(`${run.accord.url}/sandbox/api/command`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: marc, text: "/dispute digest", channel: "CNOPE" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string } } }).error.details.field).toBe("channel");
  });

  it("a restart keeps the time it was moved to; the demo is not loaded again", async () => {
    const { clock: before } = await get<{ clock: Clock }>("/clock");
    expect(before.offsetMs).toBeGreaterThan(0);
    const disputes = (await run.accord.deps.store.disputes.list({})).length;
    await run.stop({ keep: true });
    run = await startSandboxAccord({ env: QUIET_SCHEDULER, now: START, dir: run.dir });
    expect((await get<{ clock: Clock }>("/clock")).clock).toEqual(before);
    expect(await run.accord.deps.store.disputes.list({})).toHaveLength(disputes);
  }, 60_000);
});
