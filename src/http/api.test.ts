import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "../test/harness.ts";

// The REST API over real HTTP on a random port, with a temporary database and a fixed clock: the
// whole suite on SQLite, then on PostgreSQL.

describe.each(["sqlite", "postgres"] as TestDatabase[])("REST API on %s", (database) => {
let a: TestAccord;
beforeEach(async () => {
  a = await startTestAccord({}, { database });
  await seedLedger(a);
});
afterEach(async () => {
  await a.stop();
});

const open = (body: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  a.call(
    "POST",
    "/api/v1/disputes",
    {
      customerRef: "C001",
      items: [{ ref: "F-1001", amount: "400.00" }, { ref: "F-1002" }],
      reasonCode: "price",
      statement: "Le prix facturé ne correspond pas au devis n°452.",
      openedByEmail: "claire@acme.fr",
      ...body,
    },
    headers,
  );

async function count() {
  return (await a.call("GET", "/api/v1/disputes")).body.disputes.length as number;
}

describe("authentication and errors", () => {
  it("refuses a request without the bearer token, with a JSON error and no stack", async () => {
    const res = await fetch(`${a.url}/api/v1/disputes`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe("unauthorized");
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:/);
  });

  it("answers 400 for malformed JSON and for a missing statement, naming the field", async () => {
    const bad = await a.call("POST", "/api/v1/disputes", "{not json");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("body");
    const missing = await open({ statement: "" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe("statement");
    expect(await count()).toBe(0);
  });

  it("answers the health and readiness probes without a token, at the root and under /api/v1", async () => {
    for (const p of ["/healthz", "/api/v1/healthz"]) {
      const r = await fetch(`${a.url}${p}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: "ok" });
    }
    for (const p of ["/readyz", "/api/v1/readyz"]) {
      const r = await fetch(`${a.url}${p}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: "ready", migrations: "applied" });
    }
    // the rest of the API still needs one
    expect((await fetch(`${a.url}/api/v1/disputes`)).status).toBe(401);
  });

  it("serves an OpenAPI document listing the dispute routes", async () => {
    const res = await fetch(`${a.url}/api/v1/openapi.json`);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/disputes", "/disputes/{id}/resolve", "/dunning/preview"]));
    expect(doc.paths["/disputes"].post.requestBody.content["application/json"].schema.required).toEqual(
      expect.arrayContaining(["customerRef", "reasonCode", "statement", "openedByEmail"]),
    );
  });
});

describe("opening a dispute", () => {
  it("creates D-2026-0001 with defaults from the reason and holds the disputed amounts", async () => {
    const res = await open();
    expect(res.status).toBe(201);
    const d = res.body.dispute;
    expect(d).toMatchObject({
      number: "D-2026-0001",
      status: "open",
      scope: "items",
      customerRef: "C001",
      reasonCode: "price",
      priority: "normal",
      ownerEmail: "paul@acme.fr", // the customer's sales rep
      followUpOn: "2026-03-15", // price: 5 days
      slaDueOn: "2026-03-30", // price: 20 days
      disputedAmount: "900.00",
      heldAmount: "900.00",
      currency: "EUR",
      version: 1,
    });
    expect(d.items).toEqual([
      { ref: "F-1001", amount: "400.00", heldAmount: "400.00", openAmount: "1200.00" },
      { ref: "F-1002", amount: "500.00", heldAmount: "500.00", openAmount: "500.00" },
    ]);
    const holds = (await a.call("GET", "/api/v1/dunning/holds")).body.holds;
    expect(holds.map((h: any) => [h.itemRef, h.heldAmount, h.disputeNumber])).toEqual([
      ["F-1001", "400.00", "D-2026-0001"],
      ["F-1002", "500.00", "D-2026-0001"],
    ]);
    const second = await open({ items: [{ ref: "F-1003" }] });
    expect(second.body.dispute.number).toBe("D-2026-0002");
  });

  it.each([
    ["an unknown customer", { customerRef: "C999" }, 422, "customerRef"],
    ["an item of another customer", { items: [{ ref: "F-2001" }] }, 422, "items[0].ref"],
    ["a credit note", { items: [{ ref: "AV-2001" }] }, 422, "items[0].ref"],
    ["a payment", { items: [{ ref: "RG-3001" }] }, 422, "items[0].ref"],
    ["an amount above the open amount", { items: [{ ref: "F-1002", amount: "500.01" }] }, 422, "items[0].amount"],
    ["an unknown reason", { reasonCode: "nope" }, 422, "reasonCode"],
    ["an unknown owner", { ownerEmail: "nobody@acme.fr" }, 422, "ownerEmail"],
    ["an amount that is not a decimal", { items: [{ ref: "F-1002", amount: "12,5" }] }, 400, "items.0.amount"],
    ["a follow-up in the past", { followUpOn: "2026-03-01" }, 422, "followUpOn"],
  ])("refuses %s with %i on the field, writing nothing", async (_what, body, status, field) => {
    const res = await open(body);
    expect(res.status).toBe(status);
    expect(res.body.error.details.field).toBe(field);
    expect(await count()).toBe(0);
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds).toEqual([]);
  });

  it("refuses a second dispute beyond the open amount, naming the dispute that holds it", async () => {
    await open({ items: [{ ref: "F-1001", amount: "1000.00" }] });
    const ok = await open({ items: [{ ref: "F-1001", amount: "200.00" }] });
    expect(ok.status).toBe(201);
    const res = await open({ items: [{ ref: "F-1001", amount: "0.01" }] });
    expect(res.status).toBe(409);
    expect(res.body.error.details.disputes).toEqual(["D-2026-0001", "D-2026-0002"]);
    expect(await count()).toBe(2);
  });

  it("refuses a sales rep opening a dispute (403) and writes nothing", async () => {
    const res = await open({ openedByEmail: "paul@acme.fr" });
    expect(res.status).toBe(403);
    expect(await count()).toBe(0);
  });

  it("honours Idempotency-Key: a replay returns the same dispute, a different body is refused", async () => {
    const first = await open({}, { "Idempotency-Key": "erp-42" });
    const replay = await open({}, { "Idempotency-Key": "erp-42" });
    expect(replay.status).toBe(201);
    expect(replay.body.dispute.number).toBe(first.body.dispute.number);
    expect(await count()).toBe(1);
    const other = await open({ statement: "autre chose" }, { "Idempotency-Key": "erp-42" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_mismatch");
    expect(await count()).toBe(1);
  });

  it("flags a customer once: a second open customer-level dispute is a 409", async () => {
    const flag = await open({ scope: "customer", items: undefined, reasonCode: "quality" });
    expect(flag.status).toBe(201);
    expect(flag.body.dispute.scope).toBe("customer");
    const again = await open({ scope: "customer", items: undefined });
    expect(again.status).toBe(409);
    expect(again.body.error.details.disputes).toEqual([flag.body.dispute.number]);
  });
});

describe("working a dispute", () => {
  it("comments, reassigns and sets the follow-up, each on the timeline; a stale version is a 409", async () => {
    const { number, version } = (await open()).body.dispute;
    const c = await a.call("POST", `/api/v1/disputes/${number}/comments`, { byEmail: "paul@acme.fr", text: "J'appelle le client demain." });
    expect(c.status).toBe(200);
    expect(c.body.dispute.version).toBe(version); // comments only add to the timeline
    const r = await a.call("POST", `/api/v1/disputes/${number}/reassign`, { byEmail: "paul@acme.fr", toEmail: "sophie@acme.fr", note: "Sophie suit ce compte", version });
    expect(r.body.dispute.ownerEmail).toBe("sophie@acme.fr");
    expect(r.body.dispute.version).toBe(version + 1);
    const stale = await a.call("POST", `/api/v1/disputes/${number}/follow-up`, { byEmail: "sophie@acme.fr", on: "2026-03-20", version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("stale_version");
    const f = await a.call("POST", `/api/v1/disputes/${number}/follow-up`, { byEmail: "sophie@acme.fr", on: "2026-03-20", version: version + 1 });
    expect(f.body.dispute.followUpOn).toBe("2026-03-20");
    const got = (await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute;
    expect(got.timeline.map((e: any) => [e.type, e.byEmail])).toEqual([
      ["opened", "claire@acme.fr"],
      ["commented", "paul@acme.fr"],
      ["reassigned", "paul@acme.fr"],
      ["follow_up_set", "sophie@acme.fr"],
    ]);
    // a reassignment says from whom and to whom
    expect(got.timeline.find((e: any) => e.type === "reassigned")).toMatchObject({ byEmail: "paul@acme.fr", fromEmail: "paul@acme.fr", toEmail: "sophie@acme.fr", text: "Sophie suit ce compte" });
    expect(got.timeline.find((e: any) => e.type === "commented")).not.toHaveProperty("toEmail");
  });

  it("enforces who may do what: a manager may comment but not resolve; another sales rep may not comment", async () => {
    const { number } = (await open()).body.dispute;
    expect((await a.call("POST", `/api/v1/disputes/${number}/comments`, { byEmail: "marc@acme.fr", text: "Où en est-on ?" })).status).toBe(200);
    const resolve = await a.call("POST", `/api/v1/disputes/${number}/resolve`, { byEmail: "marc@acme.fr", outcome: "rejected", note: "non" });
    expect(resolve.status).toBe(403);
    expect((await a.call("POST", `/api/v1/disputes/${number}/comments`, { byEmail: "sophie@acme.fr", text: "?" })).status).toBe(403);
    expect((await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute.status).toBe("open");
  });

  it("edits items: removing one releases its hold", async () => {
    const { number } = (await open()).body.dispute;
    const e = await a.call("PATCH", `/api/v1/disputes/${number}`, { byEmail: "claire@acme.fr", items: [{ ref: "F-1001", amount: "250.00" }] });
    expect(e.status).toBe(200);
    expect(e.body.dispute.disputedAmount).toBe("250.00");
    const holds = (await a.call("GET", "/api/v1/dunning/holds")).body.holds;
    expect(holds.map((h: any) => [h.itemRef, h.heldAmount])).toEqual([["F-1001", "250.00"]]);
  });

  it("withdraws and reopens (controller only), with the holds following", async () => {
    const { number } = (await open()).body.dispute;
    expect((await a.call("POST", `/api/v1/disputes/${number}/withdraw`, { byEmail: "paul@acme.fr", note: "x" })).status).toBe(403);
    const w = await a.call("POST", `/api/v1/disputes/${number}/withdraw`, { byEmail: "claire@acme.fr", note: "Erreur de saisie" });
    expect(w.body.dispute.status).toBe("withdrawn");
    expect(w.body.dispute.heldAmount).toBe("0.00");
    const again = await a.call("POST", `/api/v1/disputes/${number}/withdraw`, { byEmail: "claire@acme.fr", note: "encore" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("illegal_transition");
    const r = await a.call("POST", `/api/v1/disputes/${number}/reopen`, { byEmail: "claire@acme.fr", note: "Le client relance" });
    expect(r.body.dispute.status).toBe("open");
    expect(r.body.dispute.heldAmount).toBe("900.00");
  });
});

describe("resolution and dunning", () => {
  it("a credit-note resolution keeps only the conceded amount held until the credit note is imported", async () => {
    const { number } = (await open()).body.dispute;
    const before = (await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10")).body;
    const c001 = before.letters.filter((l: any) => l.customerRef === "C001");
    // F-1001 is dunned for its undisputed 800.00 with 400.00 shown as held; F-1002 (fully held) is absent.
    expect(c001.flatMap((l: any) => l.items.map((i: any) => [i.ref, i.amount, i.heldAmount]))).toEqual([["F-1001", "800.00", "400.00"]]);

    const res = await a.call("POST", `/api/v1/disputes/${number}/resolve`, {
      byEmail: "paul@acme.fr",
      outcome: "credit_note",
      note: "Avoir de 300 € accordé",
      creditNoteRef: "AV-9001",
      concededAmount: "300.00",
      rootCause: "devis non appliqué",
    });
    expect(res.status).toBe(200);
    expect(res.body.dispute).toMatchObject({ status: "resolved", outcome: "credit_note", heldAmount: "300.00" });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds.map((h: any) => [h.itemRef, h.heldAmount, h.kind])).toEqual([
      ["F-1001", "300.00", "credit_pending"],
    ]);
    const statement = (await a.call("GET", "/api/v1/customers/C001/statement")).body.items;
    expect(statement.find((i: any) => i.ref === "F-1002").disputeStatus).toBe("dispute_resolved");

    await a.deps.store.items.upsertMany([
      { customerId: (await a.deps.store.customers.byRef("C001"))!.id, ref: "AV-9001", kind: "credit_note", issuedOn: "2026-03-12", dueOn: "2026-03-12", amount: -30000, openAmount: -30000, currency: "EUR" },
    ]);
    const { ledgerChanged } = await import("../app/ledgerChanged.ts");
    await ledgerChanged(a.deps, { customerIds: [(await a.deps.store.customers.byRef("C001"))!.id], creditNotes: [{ customerId: 1, ref: "AV-9001" }] });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds).toEqual([]);
    const d = (await a.call("GET", `/api/v1/disputes/${number}`)).body.dispute;
    expect(d.resolution.creditNoteReceivedAt).toBe("2026-03-10T09:00:00.000Z");
    expect(d.timeline.at(-1).type).toBe("credit_note_received");
  });

  it("litigation keeps the holds until released explicitly", async () => {
    const { number } = (await open()).body.dispute;
    await a.call("POST", `/api/v1/disputes/${number}/resolve`, { byEmail: "claire@acme.fr", outcome: "litigation", note: "Transmis au contentieux" });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds).toHaveLength(2);
    const rel = await a.call("POST", `/api/v1/disputes/${number}/release-holds`, { byEmail: "claire@acme.fr", note: "Jugement rendu" });
    expect(rel.status).toBe(200);
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds).toEqual([]);
  });

  it("customer policy: flag marks letters L; hold removes the customer from the run", async () => {
    await open({ scope: "customer", items: undefined, reasonCode: "quality" });
    let preview = (await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10")).body;
    expect(preview.letters.filter((l: any) => l.customerRef === "C001").every((l: any) => l.flagged)).toBe(true);
    expect(preview.letters.some((l: any) => l.customerRef === "C001")).toBe(true);
    const forbidden = await a.call("PATCH", "/api/v1/settings", { byEmail: "claire@acme.fr", customerPolicy: "hold" });
    expect(forbidden.status).toBe(403);
    const s = await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", customerPolicy: "hold" });
    expect(s.body.settings.customerPolicy).toBe("hold");
    preview = (await a.call("GET", "/api/v1/dunning/preview?on=2026-03-10")).body;
    expect(preview.letters.some((l: any) => l.customerRef === "C001")).toBe(false);
    expect(preview.letters.some((l: any) => l.customerRef === "C002")).toBe(true);
    const bad = await a.call("PATCH", "/api/v1/settings", { byEmail: "ana@acme.fr", dunningMode: "weekly" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.field).toBe("dunningMode");
  });

  it("executes a run: levels move and a second run the same day sends nothing", async () => {
    const run = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", mode: "item", byEmail: "claire@acme.fr" });
    expect(run.status).toBe(201);
    const levels = run.body.letters.map((l: any) => [l.customerRef, l.level, l.items.map((i: any) => i.ref)]);
    // F-1001 due 02-01 (+37 days: R3 due but one step at a time → R1), F-1002 due 02-10 (+28: R1), F-2001 due 01-20 (+49: R1)
    expect(levels).toEqual([
      ["C001", "R1", ["F-1001", "F-1002"]],
      ["C002", "R1", ["F-2001"]],
    ]);
    const again = await a.call("POST", "/api/v1/dunning/runs", { on: "2026-03-10", byEmail: "claire@acme.fr" });
    expect(again.body.letters).toEqual([]);
    const st = (await a.call("GET", "/api/v1/customers/C001/statement")).body.items;
    expect(st.find((i: any) => i.ref === "F-1001")).toMatchObject({ level: "R1", lastDunnedOn: "2026-03-10" });
  });
});

describe("reports and exports", () => {
  it("lists with filters and exports CSV and XLSX with the same rows", async () => {
    await open();
    await open({ customerRef: "C002", items: [{ ref: "F-2001" }], reasonCode: "delivery", ownerEmail: "sophie@acme.fr" });
    const byReason = (await a.call("GET", "/api/v1/disputes?reason=delivery")).body.disputes;
    expect(byReason.map((d: any) => d.customerRef)).toEqual(["C002"]);
    const byOwner = (await a.call("GET", "/api/v1/disputes?owner=paul@acme.fr")).body.disputes;
    expect(byOwner.map((d: any) => d.number)).toEqual(["D-2026-0001"]);
    const bad = await a.call("GET", "/api/v1/disputes?status=maybe");
    expect(bad.status).toBe(400);

    const csv = await a.call("GET", "/api/v1/disputes/export.csv?locale=fr");
    expect(csv.status).toBe(200);
    const lines = String(csv.body).replace(/^\ufeff/, "").trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(";").slice(0, 4)).toEqual(["Numéro", "Statut", "Code statut", "Portée"]);
    expect(lines.find((l) => l.startsWith("D-2026-0001"))).toContain(";900,00;900,00;EUR;");

    const res = await fetch(`${a.url}/api/v1/disputes/export.xlsx?reason=price`, { headers: { authorization: `Bearer test-token-0123456789abcdef` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet("Disputes")!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe("D-2026-0001");
    expect(ws.getRow(2).getCell((ws.getRow(1).values as unknown[]).indexOf("Disputed amount")).value).toBe(900);
  });

  it("shows the disputed part in the aged balance, per currency", async () => {
    await open();
    const aged = (await a.call("GET", "/api/v1/aged-balance?on=2026-03-10")).body;
    const c001 = aged.customers.find((c: any) => c.customerRef === "C001");
    expect(c001).toMatchObject({ currency: "EUR", total: "1850.00", disputed: "900.00", held: "900.00" });
    expect(c001.buckets).toMatchObject({ not_due: "300.00", "1_30": "500.00", "31_60": "1050.00" });
    expect(aged.totals.EUR.total).toBe("2650.00");
  });
});

describe("ledger over REST", () => {
  it("upserts items atomically: one bad row refuses the whole request with its position and field", async () => {
    const res = await a.call("POST", "/api/v1/items", [
      { ref: "F-1004", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-03-31", amount: "100.00", openAmount: "100.00" },
      { ref: "F-1005", customerRef: "C001", kind: "invoice", issuedOn: "2026-03-01", dueOn: "2026-02-30", amount: "100.00", openAmount: "100.00" },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.error.details.errors).toEqual([expect.objectContaining({ line: 2, field: "dueOn" })]);
    const st = (await a.call("GET", "/api/v1/customers/C001/statement")).body.items.map((i: any) => i.ref);
    expect(st).not.toContain("F-1004");
  });

  it("a payment imported later shrinks the hold; the awaited credit note releases the conceded amount", async () => {
    const { number } = (await open({ items: [{ ref: "F-1002" }] })).body.dispute;
    const paid = await a.call("POST", "/api/v1/items", [
      { ref: "F-1002", customerRef: "C001", kind: "invoice", issuedOn: "2026-01-15", dueOn: "2026-02-10", amount: "500.00", openAmount: "200.00" },
    ]);
    expect(paid.body.result).toMatchObject({ rows: 1, updated: 1 });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds.map((h: any) => h.heldAmount)).toEqual(["200.00"]);
    await a.call("POST", `/api/v1/disputes/${number}/resolve`, { byEmail: "paul@acme.fr", outcome: "credit_note", note: "Avoir", creditNoteRef: "AV-7", concededAmount: "150.00" });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds.map((h: any) => [h.heldAmount, h.kind])).toEqual([["150.00", "credit_pending"]]);
    const cn = await a.call("POST", "/api/v1/items", [
      { ref: "AV-7", customerRef: "C001", kind: "credit_note", issuedOn: "2026-03-10", dueOn: "2026-03-10", amount: "-150.00", openAmount: "-150.00" },
    ]);
    expect(cn.body.result).toMatchObject({ inserted: 1 });
    expect((await a.call("GET", "/api/v1/dunning/holds")).body.holds).toEqual([]);
    const again = await a.call("POST", "/api/v1/items", [
      { ref: "AV-7", customerRef: "C001", kind: "credit_note", issuedOn: "2026-03-10", dueOn: "2026-03-10", amount: "-150.00", openAmount: "-150.00" },
    ]);
    expect(again.body.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
  });
});
});
