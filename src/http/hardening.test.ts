import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { seedLedger, startTestAccord, TOKEN, type TestAccord, type TestDatabase } from "../test/harness.ts";

// The hardening issue, as an integrator sees it over real HTTP: impossible dates, empty item lists,
// over-claimed items, ill-formed text, token scopes and admins in ledger sync, who may own and resolve,
// viewer-scoped reads, and bodies read only after the token is checked. On SQLite, then PostgreSQL.

const ERP = "erp-token-0123456789abcdef"; // ledger
const PORTAL = "portal-token-0123456789abc"; // disputes
const OPS = "ops-token-0123456789abcdef"; // admin
const ERP_ADMIN = "erpadmin-token-0123456789a"; // ledger + admin
const TOKENS = `test:${TOKEN},erp:${ERP}:ledger,portal:${PORTAL}:disputes,ops:${OPS}:admin,erpadmin:${ERP_ADMIN}:ledger+admin`;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe("ACCORD_API_TOKENS scopes", () => {
  it("reads name:token:scope+scope, keeps every scope for name:token, refuses unknown scopes", () => {
    const c = loadConfig({ NODE_ENV: "test", ACCORD_API_TOKENS: TOKENS });
    expect(c.apiTokens.map((t) => [t.name, t.token, t.scopes])).toEqual([
      ["test", TOKEN, ["ledger", "disputes", "admin"]],
      ["erp", ERP, ["ledger"]],
      ["portal", PORTAL, ["disputes"]],
      ["ops", OPS, ["admin"]],
      ["erpadmin", ERP_ADMIN, ["ledger", "admin"]],
    ]);
    expect(() => loadConfig({ NODE_ENV: "test", ACCORD_API_TOKENS: `x:${ERP}:ledger+root` })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", ACCORD_API_TOKENS: `x:${ERP}:ledger+root` })).toThrow(/unknown scope "root"/);
  });
});

describe.each(["sqlite", "postgres"] as TestDatabase[])("REST hardening on %s", (database) => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({ ACCORD_API_TOKENS: TOKENS }, { database });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  const base = { customerRef: "C001", reasonCode: "price", statement: "Le prix facturé ne correspond pas au devis.", openedByEmail: "claire@acme.fr" };
  const open = (body: Record<string, unknown> = {}, headers?: Record<string, string>) => a.call("POST", "/api/v1/disputes", { ...base, items: [{ ref: "F-1001" }], ...body }, headers);
  const count = async () => (await a.call("GET", "/api/v1/disputes")).body.disputes.length as number;
  const statementItem = async (ref: string) => (await a.call("GET", "/api/v1/customers/C001/statement")).body.items.find((i: any) => i.ref === ref);

  describe("1. dates are real calendar dates within sane bounds", () => {
    it("refuses an impossible dunning-run date (400 on the field) and dunns nothing", async () => {
      const res = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-99-99", customerRefs: ["C001"], byEmail: "claire@acme.fr" });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "validation", details: { field: "on" } });
      expect(await statementItem("F-1001")).toMatchObject({ level: "none", lastDunnedOn: null });
    });

    it.each([
      ["after today", "2026-03-11"],
      ["more than a year ago", "2025-03-01"],
    ])("refuses a run date %s (422 on the field)", async (_what, on) => {
      const res = await a.call("POST", "/api/v1/dunning/runs", { on, byEmail: "claire@acme.fr" });
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("on");
      expect(await statementItem("F-1001")).toMatchObject({ lastDunnedOn: null });
    });

    it("a run needs a controller or admin as byEmail, recorded with the run", async () => {
      const none = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10" });
      expect(none.status).toBe(400);
      expect(none.body.error.details.field).toBe("byEmail");
      const sales = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "paul@acme.fr" });
      expect(sales.status).toBe(403);
      const manager = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "marc@acme.fr" });
      expect(manager.status).toBe(403);
      expect(await statementItem("F-1001")).toMatchObject({ lastDunnedOn: null });
      const ok = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "ana@acme.fr" });
      expect(ok.status).toBe(201);
      expect(ok.body.byEmail).toBe("ana@acme.fr");
      expect((await a.deps.store.runs.list(10)).map((r) => [r.id, r.byEmail])).toEqual([[ok.body.runId, "ana@acme.fr"]]);
    });

    it("refuses impossible and out-of-range follow-up dates on opening, storing nothing", async () => {
      const bad = await open({ followUpOn: "2026-13-45" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.field).toBe("followUpOn");
      const far = await open({ followUpOn: "2028-03-11" });
      expect(far.status).toBe(422);
      expect(far.body.error.details.field).toBe("followUpOn");
      expect(await count()).toBe(0);
      const ok = await open({ followUpOn: "2028-03-09" });
      expect(ok.status).toBe(201);
    });

    it("refuses impossible and out-of-range follow-up dates on a dispute", async () => {
      const { number } = (await open()).body.dispute;
      const feb31 = await a.call("POST", `/api/v1/disputes/${number}/follow-up`, { byEmail: "claire@acme.fr", on: "2027-02-31" });
      expect(feb31.status).toBe(400);
      expect(feb31.body.error.details.field).toBe("on");
      const far = await a.call("POST", `/api/v1/disputes/${number}/follow-up`, { byEmail: "claire@acme.fr", on: "2029-01-01" });
      expect(far.status).toBe(422);
      expect(far.body.error.details.field).toBe("on");
      expect((await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute.followUpOn).toBe("2026-03-15");
    });

    it("checks report dates: previews and the aged balance", async () => {
      expect((await a.call("GET", "/api/v1/dunning/preview?on=2026-02-30")).status).toBe(400);
      expect((await a.call("GET", "/api/v1/dunning/preview?on=2030-01-01")).status).toBe(422);
      expect((await a.call("GET", "/api/v1/aged-balance?on=2026-02-30")).body.error.details.field).toBe("on");
      expect((await a.call("GET", "/api/v1/aged-balance?on=2010-01-01")).status).toBe(422);
      expect((await a.call("GET", "/api/v1/aged-balance?on=2026-03-10")).status).toBe(200);
    });

    it("refuses a last-reminder date after today in ledger sync, writing nothing", async () => {
      const res = await a.call("POST", "/api/v1/items", [
        { ref: "F-1004", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-03-31", amount: "100.00", openAmount: "100.00" },
        { ref: "F-1005", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-03-31", amount: "100.00", openAmount: "100.00", lastDunnedOn: "2026-03-11" },
      ]);
      expect(res.status).toBe(422);
      expect(res.body.error.details.errors).toEqual([expect.objectContaining({ line: 2, field: "lastDunnedOn" })]);
      expect(await statementItem("F-1004")).toBeUndefined();
    });
  });

  describe("2. every field has a type and a length limit, the same in REST, chat and import", () => {
    const item = { ref: "F-1004", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-03-31", amount: "100.00", openAmount: "100.00" };

    it("refuses a 10 MB item ref in ledger sync (422 on the field, the value not echoed back), writing nothing", async () => {
      const res = await a.call("POST", "/api/v1/items", [{ ...item, ref: "F".repeat(10_000_000) }]);
      expect(res.status).toBe(422);
      expect(res.body.error.details.errors).toEqual([expect.objectContaining({ line: 1, field: "ref", message: "is 10000000 characters long: at most 64" })]);
      expect(JSON.stringify(res.body).length).toBeLessThan(2000);
      const ok = await a.call("POST", "/api/v1/items", [{ ...item, ref: "F".repeat(64) }]);
      expect(ok.status).toBe(200);
      expect(await statementItem("F".repeat(64))).toBeDefined();
    });

    it.each([
      ["true", true, "a boolean"],
      ["{}", {}, "an object"],
      ["[1,2,3]", [1, 2, 3], "a list"],
    ])("refuses a customer name %s instead of storing it as a string", async (_what, name, type) => {
      const res = await a.call("POST", "/api/v1/customers", [{ ref: "C900", name }]);
      expect(res.status).toBe(422);
      expect(res.body.error.details.errors).toEqual([{ line: 1, field: "name", message: `must be text or a number, not ${type}` }]);
      expect((await a.call("GET", "/api/v1/customers/C900/statement")).status).toBe(404);
    });

    it("refuses names over 200 characters, emails over 254 and a dunning level of -1", async () => {
      const people = await a.call("POST", "/api/v1/people", [{ email: "long@acme.fr", name: "N".repeat(201), role: "sales" }]);
      expect(people.status).toBe(422);
      expect(people.body.error.details.errors).toEqual([expect.objectContaining({ line: 1, field: "name" })]);
      const email = await a.call("POST", "/api/v1/people", [{ email: `${"x".repeat(250)}@acme.fr`, name: "X", role: "sales" }]);
      expect(email.status).toBe(422);
      expect(email.body.error.details.errors).toEqual([expect.objectContaining({ field: "email" })]);
      const level = await a.call("POST", "/api/v1/items", [{ ...item, dunningLevel: "-1" }]);
      expect(level.status).toBe(422);
      expect(level.body.error.details.errors).toEqual([expect.objectContaining({ field: "dunningLevel", message: expect.stringContaining('"-1" is not a dunning level') })]);
      expect(await statementItem("F-1004")).toBeUndefined();
    });

    it("answers 400, never 500, to a value nested 5,000 deep", async () => {
      const deep = "[".repeat(5000) + "]".repeat(5000);
      const res = await a.call("POST", "/api/v1/people", `[{"email":"deep@acme.fr","name":${deep},"role":"sales"}]`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const dispute = await a.call("POST", "/api/v1/disputes", `{"customerRef":"C001","items":[{"ref":"F-1001"}],"reasonCode":"price","statement":${deep},"openedByEmail":"claire@acme.fr"}`);
      expect(dispute.status).toBe(400);
      expect(dispute.body.error).toMatchObject({ code: "validation", message: expect.stringContaining("nested deeper than") });
      expect(await count()).toBe(0);
    });

    it("limits statements to 3,000 characters and notes and comments to 2,000, naming the field", async () => {
      const long = await open({ statement: "x".repeat(3001) });
      expect(long.status).toBe(400);
      expect(long.body.error.details.field).toBe("statement");
      expect(await count()).toBe(0);
      const ok = await open({ statement: "x".repeat(3000) });
      expect(ok.status).toBe(201);
      const n = ok.body.dispute.number;
      const comment = await a.call("POST", `/api/v1/disputes/${n}/comments`, { byEmail: "claire@acme.fr", text: "y".repeat(2001) });
      expect(comment.status).toBe(400);
      expect(comment.body.error.details.field).toBe("text");
      const ref = await a.call("POST", `/api/v1/disputes/${n}/resolve`, { byEmail: "claire@acme.fr", outcome: "credit_note", note: "Avoir émis", creditNoteRef: "A".repeat(65) });
      expect(ref.status).toBe(400);
      expect(ref.body.error.details.field).toBe("creditNoteRef");
      const timeline = (await a.call("GET", `/api/v1/disputes/${n}`)).body.dispute;
      expect(timeline.status).toBe("open");
    });
  });

  describe("10. a chat form is applied once, recorded in the transaction of its change", () => {
    it("a replay changes nothing, also from another process; a refused submission can be corrected and sent", async () => {
      const { commentDispute } = await import("../app/commentDispute.ts");
      const { openDeps } = await import("../server.ts");
      const { createLogger } = await import("../logger.ts");
      const opened = await open();
      const n = opened.body.dispute.number as string;
      const id = opened.body.dispute.id as number;
      const form = { dispute: n, byEmail: "claire@acme.fr", once: "slack:view:V0FORM1" };
      const comments = async () => (await a.deps.store.disputes.timeline(id)).filter((e) => e.type === "commented").map((e) => e.text);
      // refused with a field error: rolled back, the view id is not kept
      await expect(commentDispute(a.deps, { ...form, text: "  " })).rejects.toMatchObject({ code: "validation", field: "text" });
      await commentDispute(a.deps, { ...form, text: "Relancé par téléphone" });
      await commentDispute(a.deps, { ...form, text: "Relancé par téléphone" });
      expect(await comments()).toEqual(["Relancé par téléphone"]);
      // another process on the same database (a restart, a second replica)
      const other = await openDeps(a.config, { log: createLogger("silent") });
      try {
        const d = await commentDispute(other, { ...form, text: "Relancé par téléphone" });
        expect(d.number).toBe(n);
      } finally {
        await other.store.close();
      }
      expect(await comments()).toEqual(["Relancé par téléphone"]);
      await commentDispute(a.deps, { ...form, once: "slack:view:V0FORM2", text: "Avoir demandé" });
      expect(await comments()).toEqual(["Relancé par téléphone", "Avoir demandé"]);
    });
  });

  describe("3. a customer-level dispute is asked for with scope customer", () => {
    it.each([
      ["an empty item list", { items: [] }],
      ["neither items nor scope", { items: undefined }],
      ["scope customer with items", { scope: "customer" }],
      ["scope items without items", { scope: "items", items: undefined }],
    ])("refuses %s with 400 on items, flagging nothing", async (_what, body) => {
      const res = await open(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe("items");
      expect(await count()).toBe(0);
      expect((await a.call("GET", "/api/v1/customers/C001/statement")).body.flaggedBy).toBeNull();
    });

    it("flags the customer with scope customer; items without scope are item-level", async () => {
      const flag = await open({ scope: "customer", items: undefined });
      expect(flag.status).toBe(201);
      expect(flag.body.dispute.scope).toBe("customer");
      const items = await open({ items: [{ ref: "F-1002" }] });
      expect(items.status).toBe(201);
      expect(items.body.dispute.scope).toBe("items");
    });
  });

  describe("4. over-claimed items", () => {
    it("claiming the remainder of a fully disputed invoice, or an explicit amount, is a 409 naming the disputes that hold it", async () => {
      const first = await open({ items: [{ ref: "F-1002" }] });
      expect(first.status).toBe(201);
      for (const item of [{ ref: "F-1002" }, { ref: "F-1002", amount: "10.00" }]) {
        const res = await open({ items: [item] });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("conflict");
        expect(res.body.error.details).toMatchObject({
          itemRef: "F-1002",
          currency: "EUR",
          openAmount: "500.00",
          undisputed: "0.00",
          disputes: ["D-2026-0001"],
          claims: [{ dispute: "D-2026-0001", amount: "500.00" }],
        });
      }
      expect(await count()).toBe(1);
    });

    it("an amount above the open amount with no other dispute is a 422 with the open amount in the item's currency", async () => {
      const res = await open({ items: [{ ref: "F-1002", amount: "500.01" }] });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: "unprocessable", details: { field: "items[0].amount", openAmount: "500.00", currency: "EUR", requested: "500.01" } });
      expect(res.body.error.message).toContain("500.00 EUR");
      // the REST message is the English rendering of the error's key, amounts as decimal strings (hardening item 13)
      expect(res.body.error.message).toBe("Item F-1002: the disputed amount 500.01 EUR exceeds its open amount 500.00 EUR.");
    });
  });

  describe("5. text is well-formed UTF-16", () => {
    it("refuses a lone surrogate in a statement or a comment with 400 naming the field; a real emoji passes", async () => {
      const bad = await open({ statement: "Le prix \ud800 est faux" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.field).toBe("statement");
      expect(await count()).toBe(0);
      const ok = await open({ statement: "Le prix est faux 😀" });
      expect(ok.status).toBe(201);
      expect(ok.body.dispute.statement).toBe("Le prix est faux 😀");
      const comment = await a.call("POST", `/api/v1/disputes/${ok.body.dispute.number}/comments`, { byEmail: "claire@acme.fr", text: "\udc00?" });
      expect(comment.status).toBe(400);
      expect(comment.body.error.details.field).toBe("text");
      const people = await a.call("POST", "/api/v1/people", [{ email: "x@acme.fr", name: "X \ud83d", role: "sales" }]);
      expect(people.status).toBe(400);
      expect(people.body.error.details.field).toBe("0.name");
    });
  });

  describe("6. token scopes; admins are not made by ledger sync", () => {
    it("refuses creating, promoting or demoting an admin with a ledger token (403 naming the row), writing nothing of the batch", async () => {
      const create = await a.call("POST", "/api/v1/people", [{ email: "ok@acme.fr", name: "Fine", role: "sales" }, { email: "m@evil.test", name: "Mallory", role: "admin" }], as(ERP));
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe("forbidden");
      expect(create.body.error.details.errors).toEqual([expect.objectContaining({ line: 2, field: "role" })]);
      expect(await a.deps.store.people.byEmail("m@evil.test")).toBeNull();
      expect(await a.deps.store.people.byEmail("ok@acme.fr")).toBeNull();

      const promote = await a.call("POST", "/api/v1/people", [{ email: "claire@acme.fr", name: "Claire Martin", role: "administrateur" }], as(ERP));
      expect(promote.status).toBe(403);
      const demote = await a.call("POST", "/api/v1/people", [{ email: "ana@acme.fr", name: "Ana Admin", role: "sales" }], as(ERP));
      expect(demote.status).toBe(403);
      const rebind = await a.call("POST", "/api/v1/people", [{ email: "ana@acme.fr", name: "Ana Admin", role: "admin", slackUserId: "U0MALLORY" }], as(ERP));
      expect(rebind.status).toBe(403);
      expect((await a.deps.store.people.byEmail("ana@acme.fr"))!).toMatchObject({ role: "admin", slackUserId: null });
      expect((await a.deps.store.people.byEmail("claire@acme.fr"))!.role).toBe("controller");

      // unchanged admins in a full sync are fine, and so are other roles
      const sync = await a.call("POST", "/api/v1/people", [{ email: "ana@acme.fr", name: "Ana Admin", role: "admin" }, { email: "ok@acme.fr", name: "Fine", role: "controller" }], as(ERP));
      expect(sync.status).toBe(200);
    });

    it("lets a token with the admin scope (and an unscoped token) manage admins", async () => {
      const res = await a.call("POST", "/api/v1/people", [{ email: "new.admin@acme.fr", name: "New Admin", role: "admin" }], as(ERP_ADMIN));
      expect(res.status).toBe(200);
      expect((await a.deps.store.people.byEmail("new.admin@acme.fr"))!.role).toBe("admin");
      const legacy = await a.call("POST", "/api/v1/people", [{ email: "new.admin@acme.fr", name: "New Admin", role: "controller" }]);
      expect(legacy.status).toBe(200);
    });

    it.each([
      ["POST", "/api/v1/people", PORTAL, 403],
      ["POST", "/api/v1/items", OPS, 403],
      ["GET", "/api/v1/disputes", ERP, 403],
      ["GET", "/api/v1/disputes", OPS, 403],
      ["GET", "/api/v1/settings", ERP, 403],
      ["GET", "/api/v1/settings", PORTAL, 403],
      ["GET", "/api/v1/settings", OPS, 200],
      ["GET", "/api/v1/outbox", ERP, 403],
      ["GET", "/api/v1/outbox", OPS, 200],
      ["GET", "/api/v1/dunning/preview?on=2026-03-10", ERP, 200],
      ["GET", "/api/v1/dunning/preview?on=2026-03-10", PORTAL, 200],
      ["GET", "/api/v1/dunning/preview?on=2026-03-10", OPS, 403],
      ["GET", "/api/v1/aged-balance", PORTAL, 200],
      ["GET", "/api/v1/customers/C001/statement", ERP, 200],
      ["GET", "/api/v1/dunning/holds", PORTAL, 200],
    ])("%s %s with a scoped token -> %i", async (method, path, token, status) => {
      const body = method === "POST" ? [{ email: "z@acme.fr", name: "Z", role: "sales" }] : undefined;
      const res = await a.call(method, path, body, as(token));
      expect(res.status).toBe(status);
      if (status === 403) expect(res.body.error).toMatchObject({ code: "forbidden", details: { field: "authorization" } });
    });

    it("dunning runs need the ledger scope; settings and reasons writes need admin", async () => {
      expect((await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "claire@acme.fr" }, as(PORTAL))).status).toBe(403);
      expect((await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "claire@acme.fr" }, as(ERP))).status).toBe(201);
      expect((await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", customerPolicy: "hold" }, as(ERP))).status).toBe(403);
      expect((await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", customerPolicy: "hold" }, as(OPS))).status).toBe(200);
      expect((await a.call("PATCH", "/api/v1/reasons/price", { byEmail: "ana@acme.fr", slaDays: 10 }, as(PORTAL))).status).toBe(403);
    });
  });

  describe("7. who may own and resolve", () => {
    it("refuses reassigning to a manager, even a manager to themselves, and a manager never resolves", async () => {
      const { number } = (await open()).body.dispute;
      const toMgr = await a.call("POST", `/api/v1/disputes/${number}/reassign`, { byEmail: "claire@acme.fr", toEmail: "marc@acme.fr" });
      expect(toMgr.status).toBe(422);
      expect(toMgr.body.error.details.field).toBe("toEmail");
      const self = await a.call("POST", `/api/v1/disputes/${number}/reassign`, { byEmail: "marc@acme.fr", toEmail: "marc@acme.fr" });
      expect(self.status).toBe(422);
      const resolve = await a.call("POST", `/api/v1/disputes/${number}/resolve`, { byEmail: "marc@acme.fr", outcome: "rejected", note: "non" });
      expect(resolve.status).toBe(403);
      const d = (await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute;
      expect(d).toMatchObject({ ownerEmail: "paul@acme.fr", status: "open" });
      expect((await open({ items: [{ ref: "F-1002" }], ownerEmail: "marc@acme.fr" })).status).toBe(422);
    });

    it("a dispute a manager already owns keeps its owner, who still may not resolve it", async () => {
      const { number } = (await open()).body.dispute; // owned by paul
      await a.deps.store.people.upsertMany([{ email: "paul@acme.fr", name: "Paul Durand", role: "manager" }]);
      expect((await a.call("POST", `/api/v1/disputes/${number}/resolve`, { byEmail: "paul@acme.fr", outcome: "rejected", note: "non" })).status).toBe(403);
      expect((await a.call("POST", `/api/v1/disputes/${number}/comments`, { byEmail: "paul@acme.fr", text: "Je regarde" })).status).toBe(200);
      const d = (await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute;
      expect(d).toMatchObject({ ownerEmail: "paul@acme.fr", status: "open" });
      const handOver = await a.call("POST", `/api/v1/disputes/${number}/reassign`, { byEmail: "claire@acme.fr", toEmail: "sophie@acme.fr" });
      expect(handOver.status).toBe(200);
    });
  });

  describe("8. reads on behalf of a viewer", () => {
    beforeEach(async () => {
      expect((await open()).status).toBe(201); // D-0001: C001, owner paul (C001's rep)
      expect((await open({ customerRef: "C002", items: [{ ref: "F-2001" }] })).status).toBe(201); // D-0002: C002, owner sophie
      expect((await open({ items: [{ ref: "F-1002" }], ownerEmail: "sophie@acme.fr" })).status).toBe(201); // D-0003: C001, owner sophie
    });
    const numbers = (res: { body: any }) => res.body.disputes.map((d: any) => d.number);

    it("lists what a sales rep may see: their customers' and their own disputes", async () => {
      expect(numbers(await a.call("GET", "/api/v1/disputes?viewerEmail=paul@acme.fr")).sort()).toEqual(["D-2026-0001", "D-2026-0003"]);
      expect(numbers(await a.call("GET", "/api/v1/disputes?viewerEmail=sophie@acme.fr")).sort()).toEqual(["D-2026-0002", "D-2026-0003"]);
      expect(numbers(await a.call("GET", "/api/v1/disputes?viewerEmail=marc@acme.fr"))).toHaveLength(3);
      expect((await a.call("GET", "/api/v1/disputes?viewerEmail=nobody@acme.fr")).status).toBe(403);
    });

    it("a dispute or statement the viewer may not see is a 404; exports follow the viewer", async () => {
      const hidden = await a.call("GET", "/api/v1/disputes/D-2026-0002?viewerEmail=paul@acme.fr");
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe("not_found");
      expect((await a.call("GET", "/api/v1/disputes/D-2026-0002?viewerEmail=sophie@acme.fr")).status).toBe(200);
      expect((await a.call("GET", "/api/v1/customers/C002/statement?viewerEmail=paul@acme.fr")).status).toBe(404);
      expect((await a.call("GET", "/api/v1/customers/C001/statement?viewerEmail=paul@acme.fr")).status).toBe(200);
      const csv = await a.call("GET", "/api/v1/disputes/export.csv?viewerEmail=paul@acme.fr");
      const lines = String(csv.body).replace(/^\ufeff/, "").trim().split(/\r?\n/).slice(1).map((l) => l.split(/[;,]/)[0]).sort();
      expect(lines).toEqual(["D-2026-0001", "D-2026-0003"]);
    });

    it("a token with only the disputes scope must say who reads", async () => {
      const list = await a.call("GET", "/api/v1/disputes", undefined, as(PORTAL));
      expect(list.status).toBe(400);
      expect(list.body.error.details.field).toBe("viewerEmail");
      expect((await a.call("GET", "/api/v1/disputes/D-2026-0001", undefined, as(PORTAL))).status).toBe(400);
      expect((await a.call("GET", "/api/v1/customers/C001/statement", undefined, as(PORTAL))).status).toBe(400);
      expect((await a.call("GET", "/api/v1/disputes/export.csv", undefined, as(PORTAL))).status).toBe(400);
      expect(numbers(await a.call("GET", "/api/v1/disputes?viewerEmail=sophie@acme.fr", undefined, as(PORTAL))).sort()).toEqual(["D-2026-0002", "D-2026-0003"]);
    });
  });

  describe("9. the token is checked before the body is read", () => {
    it("answers 401 to an unauthenticated request without parsing its body", async () => {
      const bad = await fetch(`${a.url}/api/v1/disputes`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
      expect(bad.status).toBe(401);
      const big = await fetch(`${a.url}/api/v1/items`, { method: "POST", headers: { "content-type": "application/json" }, body: "[" + '"x",'.repeat(2_000_000) + '"x"]' });
      expect(big.status).toBe(401);
    });

    it("reads at most 1 MB by default; more only on ledger routes with the ledger scope", async () => {
      const pad = "x".repeat(1_200_000);
      const dispute = await open({ statement: "Trop gros", note: pad });
      expect(dispute.status).toBe(413);
      const row = { ref: "F-1009", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-03-31", amount: "10.00", openAmount: "10.00", comment: pad };
      const portal = await a.call("POST", "/api/v1/items", [row], as(PORTAL));
      expect(portal.status).toBe(403);
      const erp = await a.call("POST", "/api/v1/items", [row], as(ERP));
      expect(erp.status).toBe(200);
      expect(erp.body.result).toMatchObject({ inserted: 1 });
    });
  });
});

describe("12. small ledger batches run in the server's thread (SQLite)", () => {
  let a: TestAccord;
  beforeEach(async () => {
    a = await startTestAccord({}, { database: "sqlite" });
    await seedLedger(a);
  });
  afterEach(async () => {
    await a.stop();
  });

  it("waits for another writer's lock without blocking the event loop, then writes; no worker is started", async () => {
    const { ledgerWorkersStarted } = await import("../db/ledger.ts");
    const { default: BetterSqlite3 } = await import("better-sqlite3");
    const started = ledgerWorkersStarted();
    if (a.config.database.kind !== "sqlite") throw new Error("SQLite only");
    const other = new BetterSqlite3(a.config.database.file); // another process's connection, say
    other.exec("BEGIN IMMEDIATE");
    other.prepare(`UPDATE "Customer" SET "name" = 'Dupont SA' WHERE "ref" = 'C001'`).run();
    const sync = a.call("POST", "/api/v1/people", [{ email: "second@acme.fr", name: "Second", role: "sales" }]);
    // the import waits for the lock; the server answers meanwhile (WAL reads do not wait for writers)
    for (let i = 0; i < 3; i++) expect((await a.call("GET", "/api/v1/customers/C001/statement")).status).toBe(200);
    other.exec("COMMIT");
    other.close();
    const res = await sync;
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ inserted: 1 });
    expect(await a.deps.store.people.byEmail("second@acme.fr")).toMatchObject({ name: "Second" });
    expect((await a.deps.store.customers.byRef("C001"))!.name).toBe("Dupont SA");
    expect(ledgerWorkersStarted()).toBe(started);
  });
});
