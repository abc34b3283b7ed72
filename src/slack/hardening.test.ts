import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, USERS, type Harness } from "./testing/harness.ts";

// Requests Slack never sends: timestamps out of the clock-skew window or not plain digits, and signed
// payloads of the wrong shape. They are refused (401 / 400), never answered with a 500.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const sign = (ts: string, body: string) => "v0=" + crypto.createHmac("sha256", h.sim.secret).update(`v0:${ts}:${body}`).digest("hex");
const now = () => Math.floor(Date.now() / 1000);
const FORM = "application/x-www-form-urlencoded";
const command = (text = "help") => h.sim.formBody({ command: "/dispute", text, user_id: USERS.carla.id, team_id: "T0ACCORD", channel_id: "C0GENERAL", response_url: "https://hooks.invalid/none", trigger_id: "trig.x" });
/**
 * A request with this timestamp header, signed the way a verifier that reads the header with Number()
 * checks it ("1e20" -> "100000000000000000000"): what an attacker holding one signed body could forge.
 */
const sendAt = (ts: string, body: string, contentType = FORM) =>
  h.sim.send(body, contentType, { signature: sign(ts === "" || Number.isNaN(Number(ts)) ? ts : String(Number(ts)), body), headers: { "x-slack-request-timestamp": ts } });

describe("request timestamps", () => {
  it("accepts up to 5 minutes of clock skew either way", async () => {
    expect((await sendAt(String(now() - 240), command())).status).toBe(200);
    expect((await sendAt(String(now() + 240), command())).status).toBe(200);
  });

  it.each([
    ["10 minutes in the future", () => String(now() + 600)],
    ["far in the future (1e20)", () => "1e20"],
    ["hexadecimal", () => "0x" + now().toString(16)],
    ["with a plus sign", () => "+" + now()],
    ["with a fraction", () => `${now()}.5`],
    ["empty", () => ""],
  ])("refuses a correctly signed request whose timestamp is %s (401)", async (_what, ts) => {
    const res = await sendAt(ts(), command());
    expect(res.status).toBe(401);
  });
});

describe("malformed signed payloads", () => {
  const ts = () => String(now());
  it.each([
    ["payload=null", () => ["payload=null", FORM]],
    ["payload=[]", () => ["payload=%5B%5D", FORM]],
    ["payload that is not JSON", () => ["payload=%7Bnope", FORM]],
    ["a JSON body of null", () => ["null", "application/json"]],
    ["a JSON body that is not JSON", () => ["{nope", "application/json"]],
    ["event: null", () => [JSON.stringify({ type: "event_callback", team_id: "T0ACCORD", event_id: "Ev1", event: null }), "application/json"]],
    ["event without a type", () => [JSON.stringify({ type: "event_callback", team_id: "T0ACCORD", event_id: "Ev2", event: { user: "U0CARLA" } }), "application/json"]],
    ["user: null in a button click", () => [h.sim.formBody({ payload: JSON.stringify({ type: "block_actions", user: null, team: { id: "T0ACCORD" }, actions: [{ action_id: "x.y", block_id: "b", type: "button", value: "1" }] }) }), FORM]],
    ["user: null in a view submission", () => [h.sim.formBody({ payload: JSON.stringify({ type: "view_submission", user: null, team: { id: "T0ACCORD" }, view: { id: "V1", callback_id: "form.card", private_metadata: "", state: { values: {} } } }) }), FORM]],
    ["actions: [null]", () => [h.sim.formBody({ payload: JSON.stringify({ type: "block_actions", user: { id: USERS.carla.id }, team: { id: "T0ACCORD" }, actions: [null] }) }), FORM]],
    ["a view whose state values are null", () => [h.sim.formBody({ payload: JSON.stringify({ type: "view_submission", user: { id: USERS.carla.id }, team: { id: "T0ACCORD" }, view: { id: "V1", callback_id: "form.card", state: { values: { b1: null } } } }) }), FORM]],
    ["a slash command sent twice in one body", () => [`${command()}&user_id=U0OTHER`, FORM]],
    ["a view id that is a list nested 5,000 deep", () => [h.sim.formBody({ payload: `{"type":"view_submission","user":{"id":"${USERS.carla.id}"},"team":{"id":"T0ACCORD"},"view":{"id":${"[".repeat(5000)}${"]".repeat(5000)},"callback_id":"form.card","state":{"values":{}}}}` }), FORM]],
    ["a view whose blocks are not a list", () => [h.sim.formBody({ payload: JSON.stringify({ type: "view_submission", user: { id: USERS.carla.id }, team: { id: "T0ACCORD" }, view: { id: "V1", callback_id: "form.card", blocks: { a: 1 }, state: { values: {} } } }) }), FORM]],
    ["a trigger id of 10,000 characters", () => [h.sim.formBody({ payload: JSON.stringify({ type: "block_actions", trigger_id: "t".repeat(10_000), user: { id: USERS.carla.id }, team: { id: "T0ACCORD" }, actions: [{ action_id: "card.comment", block_id: "b", type: "button", value: "1" }] }) }), FORM]],
  ])("answers 400 to %s, never 500", async (_what, make) => {
    const [body, type] = make() as [string, string];
    const res = await sendAt(ts(), body, type);
    expect(res.status).toBe(400);
  });

  it("still refuses such a payload unsigned with 401 (nothing is parsed before the signature is checked)", async () => {
    const res = await h.sim.send("payload=null", FORM, { signature: "v0=deadbeef" });
    expect(res.status).toBe(401);
  });
});

describe("ill-formed text from Slack", () => {
  it("a lone surrogate in a thread reply is stored as U+FFFD and the card still updates", async () => {
    const { openDispute } = await import("../app/openDispute.ts");
    const m0 = h.fake.mark;
    const { dispute } = await openDispute(h.accord.deps, { customerRef: "C001", items: [{ ref: "F-2026-001" }], reasonCode: "price", statement: "Prix", openedByEmail: USERS.carla.email, ownerEmail: USERS.sam.email });
    const post = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.seq > m0 && !c.args.thread_ts && String(c.args.channel).startsWith("D0SAM"));
    await h.idle();
    const channel = String(post.args.channel);
    const card = h.fake.posts(channel).at(-1)!;
    const m1 = h.fake.mark;
    const res = await h.sim.event({ type: "message", channel, channel_type: "im", user: USERS.sam.id, text: "Le client \ud800 confirme", ts: "1800009999.000200", thread_ts: card.ts }, { eventId: "EvLONE1" });
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "chat.update" && c.seq > m1 && c.args.ts === card.ts);
    await h.idle();
    const tl = await h.accord.deps.store.disputes.timeline(dispute.id);
    expect(tl.at(-1)).toMatchObject({ type: "commented", text: "Le client \ufffd confirme" });
  });
});
