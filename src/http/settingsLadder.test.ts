import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";

// The escalation ladder and the company calendar over REST (issue 11): PATCH /settings runs the same rules as
// App Home (src/app/settings.ts saveSettings): whole numbers from 1 to 50 or null, the manager not before the
// controller, 422 naming the box; and App Home's calendar edits land in the same `calendar` setting.

let a: TestAccord;
beforeAll(async () => {
  a = await startTestAccord({}, { now: "2026-12-03T09:00:00Z" });
  await seedLedger(a);
});
afterAll(async () => a?.stop());

const patch = (body: Record<string, unknown>) => a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", ...body });
const ladder = (over: Record<string, unknown>) => ({
  urgent: { controllerAfter: 1, managerAfter: 2 },
  high: { controllerAfter: 2, managerAfter: 3 },
  normal: { controllerAfter: 2, managerAfter: 4 },
  low: { controllerAfter: 3, managerAfter: null },
  slaBreach: true,
  ...over,
});

describe("the escalation ladder over REST", () => {
  it("refuses the manager before the controller, and a count that is not a whole number from 1, on its field", async () => {
    const order = await patch({ escalation: ladder({ high: { controllerAfter: 4, managerAfter: 2 } }) });
    expect(order.status).toBe(422);
    expect(order.body.error.details.field).toBe("escalation.high.managerAfter");
    expect(order.body.error.message).toBe("High: the manager (after 2) cannot be told before the controller (after 4).");
    const zero = await patch({ escalation: ladder({ urgent: { controllerAfter: 0, managerAfter: 2 } }) });
    expect(zero.status).toBe(422);
    expect(zero.body.error.details.field).toBe("escalation.urgent.controllerAfter");
    const text = await patch({ escalation: ladder({ low: { controllerAfter: "3", managerAfter: null } }) });
    expect(text.status).toBe(422);
    expect(text.body.error.details.field).toBe("escalation.low.controllerAfter");
    expect((await a.call("GET", "/api/v1/settings")).body.settings.escalation.high).toEqual({ controllerAfter: 2, managerAfter: 3 });
  });

  it("saves a ladder with never (null) and the manager at the same time as the controller", async () => {
    const r = await patch({ escalation: ladder({ urgent: { controllerAfter: 1, managerAfter: 1 }, low: { controllerAfter: null, managerAfter: null }, slaBreach: false }) });
    expect(r.status).toBe(200);
    expect(r.body.settings.escalation).toMatchObject({ urgent: { controllerAfter: 1, managerAfter: 1 }, low: { controllerAfter: null, managerAfter: null }, slaBreach: false });
  });
});
