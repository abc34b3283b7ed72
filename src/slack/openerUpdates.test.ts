import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { reassignDispute } from "../app/reassignDispute.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { OPENER_UPDATE, type OpenerUpdatePayload } from "../app/notifyOpener.ts";
import { startHarness, USERS, type Harness, dmOf } from "./testing/harness.ts";

// The opener's notices end to end (issue 11): the controller who opened a dispute gets a DM with the card
// and what happened, by whom, when someone else resolves or reassigns it; nothing once turned off.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({});
});
afterAll(async () => h?.stop());


async function openOne(ref: string) {
  const { dispute } = await openDispute(h.accord.deps, {
    customerRef: "C001", items: [{ ref }], reasonCode: "price", statement: "Prix non conforme au devis",
    ownerEmail: USERS.sid.email, openedByEmail: USERS.carla.email, priority: "normal",
  });
  await h.idle();
  return dispute;
}

describe("the opener's notices through Slack", () => {
  it("resolved by the owner: the opener's DM gets the line with the outcome and the card, in French", async () => {
    const d = await openOne("F-2026-001");
    const before = h.fake.posts(dmOf(USERS.carla)).length;
    await resolveDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.sid.email, version: d.version, outcome: "rejected", note: "Prix conforme au devis signé." });
    await h.idle();
    const posts = h.fake.posts(dmOf(USERS.carla));
    expect(posts).toHaveLength(before + 1);
    const msg = posts.at(-1)!;
    expect(msg.text).toContain(`Le litige ${d.number}, que vous avez ouvert, a été résolu par Sid Sales\u00a0: Rejeté (le client doit payer).`);
    expect(JSON.stringify(msg.blocks)).toContain("Boulangerie Martin"); // the card
  });

  it("reassigned by the manager: from and to; nothing once the opener turned the notices off", async () => {
    const d = await openOne("F-2026-002");
    const before = h.fake.posts(dmOf(USERS.carla)).length;
    const moved = await reassignDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.mona.email, version: d.version, toEmail: USERS.sam.email });
    await h.idle();
    const posts = h.fake.posts(dmOf(USERS.carla));
    expect(posts).toHaveLength(before + 1);
    expect(posts.at(-1)!.text).toContain(`Le litige ${d.number}, que vous avez ouvert, a été réattribué par Mona Manager de Sid Sales à Sam Sales.`);

    await h.accord.deps.store.people.setOpenerUpdates(USERS.carla.email, false);
    await reassignDispute(h.accord.deps, { dispute: d.id, byEmail: USERS.mona.email, version: moved.version, toEmail: USERS.sid.email });
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.carla))).toHaveLength(before + 1);
  });

  it("App Home: the opener turns the notices off with « Ne plus me prévenir » and on again with « Me prévenir »", async () => {
    await h.accord.deps.store.people.setOpenerUpdates(USERS.carla.email, true);
    let m = h.fake.mark;
    await h.sim.event({ type: "app_home_opened", user: USERS.carla.id, channel: "D0CARLA", tab: "home" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.carla.id);
    let home = JSON.stringify(h.fake.homes.get(USERS.carla.id));
    expect(home).toContain("Vous êtes prévenu quand quelqu’un d’autre résout, retire ou réattribue un litige que vous avez ouvert.");
    expect(home).toContain("Ne plus me prévenir");

    m = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "home.opener_updates", value: "off" }, { channel: "D0CARLA", ts: "1.1" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.carla.id);
    home = JSON.stringify(h.fake.homes.get(USERS.carla.id));
    expect(home).toContain("Vous n’êtes pas prévenu");
    expect(home).toContain("Me prévenir");
    expect(home).not.toContain("Ne plus me prévenir");
    expect(await h.accord.deps.store.people.openerUpdates(USERS.carla.email)).toBe(false);

    m = h.fake.mark;
    await h.sim.blockAction(USERS.carla, { action_id: "home.opener_updates", value: "on" }, { channel: "D0CARLA", ts: "1.1" });
    await h.fake.waitFor((c) => c.method === "views.publish" && c.seq > m && c.args.user_id === USERS.carla.id);
    expect(JSON.stringify(h.fake.homes.get(USERS.carla.id))).toContain("Ne plus me prévenir");
    expect(await h.accord.deps.store.people.openerUpdates(USERS.carla.email)).toBe(true);
  });

  it("a notice queued before the opener turned them off is dropped at delivery, not posted", async () => {
    const d = await openOne("F-2026-003");
    await h.accord.deps.store.people.setOpenerUpdates(USERS.carla.email, false);
    const before = h.fake.posts(dmOf(USERS.carla)).length;
    const payload: OpenerUpdatePayload = { what: "withdrawn", disputeId: d.id, number: d.number, email: USERS.carla.email, byEmail: USERS.ada.email, at: new Date().toISOString() };
    await h.accord.deps.store.outbox.add([{ id: "opener-late-1", channel: "slack", type: OPENER_UPDATE, orderKey: d.number, payload: JSON.stringify(payload), createdAt: new Date() }]);
    await h.idle();
    expect(h.fake.posts(dmOf(USERS.carla))).toHaveLength(before);
    const [row] = (await h.accord.deps.store.outbox.list({ type: OPENER_UPDATE })).filter((m) => m.id === "opener-late-1");
    expect(row?.status).toBe("delivered");
    await h.accord.deps.store.people.setOpenerUpdates(USERS.carla.email, true);
  });
});
