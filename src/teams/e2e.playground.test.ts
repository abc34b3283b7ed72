import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../app/seedDemo.ts";
import { startTestAccord, type TestAccord } from "../test/harness.ts";
import { PLAYGROUND_DEMO_USER, startPlayground, type Playground } from "./testing/playground.ts";

// End to end in the Microsoft 365 Agents Playground (0.2.28): a whole Accord (HTTP server, SQLite file, the
// French demo data) with Teams in its local dev mode (TEAMS_DEV_UNAUTHENTICATED=true: the Playground sends no
// token), and the Playground started by the test, pointed at Accord's POST /api/messages. The person in the
// Playground is Claire Martin, a controller of the demo (matched by her email, as Accord matches Teams users).
// The Playground must start: if it cannot, the test fails with its log (it is never skipped).

let accord: TestAccord;
let pg: Playground;

beforeAll(async () => {
  accord = await startTestAccord({ TEAMS_DEV_UNAUTHENTICATED: "true" });
  await seedDemo(accord.deps);
  pg = await startPlayground({ botEndpoint: `${accord.url}/api/messages`, currentUser: PLAYGROUND_DEMO_USER });
  await pg.install();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  await accord?.stop();
});

describe("Accord in the Agents Playground", () => {
  it("help: the commands of personal chat", async () => {
    await pg.sendMessage("help");
    const reply = await pg.nextBotMessage("Accord's answer to help", (m) => String(m.text).includes("**list**"));
    expect(reply.from.id).toBe(pg.bot.id);
    expect(reply.text).toContain("**Accord**: disputes on customer invoices. Write to me:");
    for (const command of ["**new**", "**list** [mine | overdue | all]", "**show** D-2026-0042", "**help**"]) expect(reply.text).toContain(command);
  });
});
