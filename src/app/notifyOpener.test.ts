import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";
import { OPENER_UPDATE, type OpenerUpdatePayload } from "./notifyOpener.ts";
import { reassignDispute } from "./reassignDispute.ts";
import { resolveDispute } from "./resolveDispute.ts";
import { withdrawDispute } from "./withdrawDispute.ts";

// The opener (claire, controller) is told when someone else resolves, withdraws or reassigns the dispute.

describe.each(["sqlite", "postgres"] as TestDatabase[])("the opener's notices on %s", (database) => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { database, now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  const deps = () => ({ ...a.deps, chatQueue: ["slack"] as const });
  const notices = async () => (await a.deps.store.outbox.list({ channel: "slack", type: OPENER_UPDATE })).map((m) => JSON.parse(m.payload) as OpenerUpdatePayload);

  async function openOne(): Promise<{ id: number; number: string; version: number }> {
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C001", items: [{ ref: "F-1001" }], reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis.",
      openedByEmail: "claire@acme.fr", ownerEmail: "paul@acme.fr",
    });
    expect(r.status).toBe(201);
    return r.body.dispute;
  }

  it("resolved by the owner: the opener gets one notice with the outcome and who did it", async () => {
    const d = await openOne();
    await resolveDispute(deps(), { dispute: d.id, byEmail: "paul@acme.fr", version: d.version, outcome: "rejected", note: "Prix conforme au devis signé." });
    expect(await notices()).toEqual([
      { what: "resolved", outcome: "rejected", disputeId: d.id, number: d.number, email: "claire@acme.fr", byEmail: "paul@acme.fr", at: "2026-03-10T09:00:00.000Z" },
    ]);
  });

  it("withdrawn by an admin and reassigned by the manager: one notice each, with the old and the new owner", async () => {
    const d = await openOne();
    const moved = await reassignDispute(deps(), { dispute: d.id, byEmail: "marc@acme.fr", version: d.version, toEmail: "sophie@acme.fr" });
    await withdrawDispute(deps(), { dispute: d.id, byEmail: "ana@acme.fr", version: moved.version, note: "Saisi en double." });
    expect((await notices()).map((n) => [n.what, n.byEmail, n.email, "fromEmail" in n ? `${n.fromEmail}>${n.toEmail}` : ""])).toEqual([
      ["reassigned", "marc@acme.fr", "claire@acme.fr", "paul@acme.fr>sophie@acme.fr"],
      ["withdrawn", "ana@acme.fr", "claire@acme.fr", ""],
    ]);
  });

  it("not sent when the opener does it themself", async () => {
    const d = await openOne();
    const moved = await reassignDispute(deps(), { dispute: d.id, byEmail: "claire@acme.fr", version: d.version, toEmail: "sophie@acme.fr" });
    await withdrawDispute(deps(), { dispute: d.id, byEmail: "claire@acme.fr", version: moved.version, note: "Saisi en double." });
    expect(await notices()).toEqual([]);
  });

  it("not sent when the opener turned the notices off; sent again once turned back on", async () => {
    const d = await openOne();
    expect(await a.deps.store.people.setOpenerUpdates("claire@acme.fr", false)).toBe(true);
    const moved = await reassignDispute(deps(), { dispute: d.id, byEmail: "marc@acme.fr", version: d.version, toEmail: "sophie@acme.fr" });
    expect(await notices()).toEqual([]);
    await a.deps.store.people.setOpenerUpdates("claire@acme.fr", true);
    await resolveDispute(deps(), { dispute: d.id, byEmail: "sophie@acme.fr", version: moved.version, outcome: "rejected", note: "Prix conforme." });
    expect((await notices()).map((n) => `${n.what} by ${n.byEmail}`)).toEqual(["resolved by sophie@acme.fr"]);
  });

  it("a change refused leaves no notice behind", async () => {
    const d = await openOne();
    await expect(withdrawDispute(deps(), { dispute: d.id, byEmail: "ana@acme.fr", version: d.version, note: "  " })).rejects.toThrow();
    await expect(resolveDispute(deps(), { dispute: d.id, byEmail: "paul@acme.fr", version: d.version + 5, outcome: "rejected", note: "Prix." })).rejects.toThrow();
    expect(await notices()).toEqual([]);
  });

  it("REST: PATCH /preferences turns a person's own notices off and on; a bad body or an unknown person is refused", async () => {
    const off = await a.call("PATCH", "/api/v1/preferences", { byEmail: "Claire@acme.fr", notifyOpenerUpdates: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ preferences: { email: "claire@acme.fr", notifyOpenerUpdates: false, chatPlatform: null } });
    expect(await a.deps.store.people.openerUpdates("claire@acme.fr")).toBe(false);
    const bad = await a.call("PATCH", "/api/v1/preferences", { byEmail: "claire@acme.fr", notifyOpenerUpdates: "no" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("notifyOpenerUpdates");
    expect((await a.call("PATCH", "/api/v1/preferences", { byEmail: "claire@acme.fr", notifyOpenerUpdates: true, other: 1 })).status).toBe(400);
    expect((await a.call("PATCH", "/api/v1/preferences", { byEmail: "nobody@acme.fr", notifyOpenerUpdates: true })).status).toBe(403);
    expect(await a.deps.store.people.openerUpdates("claire@acme.fr")).toBe(false);
    const on = await a.call("PATCH", "/api/v1/preferences", { byEmail: "claire@acme.fr", notifyOpenerUpdates: true });
    expect(on.body.preferences.notifyOpenerUpdates).toBe(true);
    expect(await a.deps.store.people.openerUpdates("claire@acme.fr")).toBe(true);
  });
});
