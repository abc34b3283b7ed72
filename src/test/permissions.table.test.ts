import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDispute } from "../app/openDispute.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { snapshot } from "./fuzz.ts";
import { seedLedger, startTestAccord, type TestAccord, type TestDatabase } from "./harness.ts";

// README.md "Who may do what", checked over REST (`byEmail` is the acting person) for every role ×
// action × ownership, against the table below: copied from README.md as data, not computed by the code
// under test (src/domain/permissions.ts). Allowed -> 2xx and the dispute changes; forbidden -> 403
// `forbidden` and nothing is written. On SQLite and on PostgreSQL.

type Column = "controller" | "owner" | "manager" | "admin" | "other";
const Y = true;
const N = false;

/**
 * | action                                     | controller | resolution owner | manager    | admin | other people |
 * |--------------------------------------------|------------|------------------|------------|-------|--------------|
 * | open a dispute, flag a customer            | ✓          | –                | –          | ✓     | –            |
 * | comment, set follow-up / snooze            | ✓          | ✓                | ✓ comment  | ✓     | –            |
 * | reassign (to someone who may own disputes) | ✓          | ✓ (hand over)    | ✓          | ✓     | –            |
 * | resolve, withdraw                          | ✓          | ✓ resolve        | –          | ✓     | –            |
 * | reopen                                     | ✓          | –                | –          | ✓     | –            |
 * | see a dispute                              | ✓          | ✓                | ✓          | ✓     | sales reps: their customers' |
 * README.md's table also has edit and release (litigation holds): controllers and admins; and nudge an owner:
 * controllers, managers and admins, never the owner themselves.
 */
const TABLE: Record<string, Record<Column, boolean>> = {
  open: { controller: Y, owner: N, manager: N, admin: Y, other: N },
  comment: { controller: Y, owner: Y, manager: Y, admin: Y, other: N },
  "follow-up": { controller: Y, owner: Y, manager: N, admin: Y, other: N },
  reassign: { controller: Y, owner: Y, manager: Y, admin: Y, other: N },
  resolve: { controller: Y, owner: Y, manager: N, admin: Y, other: N },
  withdraw: { controller: Y, owner: N, manager: N, admin: Y, other: N },
  reopen: { controller: Y, owner: N, manager: N, admin: Y, other: N },
  edit: { controller: Y, owner: N, manager: N, admin: Y, other: N },
  "release-holds": { controller: Y, owner: N, manager: N, admin: Y, other: N },
  nudge: { controller: Y, owner: N, manager: Y, admin: Y, other: N },
};

/**
 * Who acts, and who owns the dispute they act on. `columns`: the table's columns that person falls in; an
 * action is allowed when one of them allows it, except that owning never grants more than the role allows
 * (README.md: a manager who takes a dispute still cannot resolve it), so a manager-owner is a manager.
 */
interface Persona {
  name: string;
  email: string;
  owner: string;
  columns: Column[];
  /** sales reps see their customers' disputes (and those they own) */
  sees: boolean;
}
const PERSONAS: Persona[] = [
  { name: "controller", email: "claire@acme.fr", owner: "paul@acme.fr", columns: ["controller"], sees: true },
  { name: "sales owner", email: "paul@acme.fr", owner: "paul@acme.fr", columns: ["owner"], sees: true },
  { name: "sales not owner, not the customer's rep", email: "sophie@acme.fr", owner: "paul@acme.fr", columns: ["other"], sees: false },
  { name: "sales not owner, the customer's rep", email: "paul@acme.fr", owner: "sophie@acme.fr", columns: ["other"], sees: true },
  { name: "manager", email: "marc@acme.fr", owner: "paul@acme.fr", columns: ["manager"], sees: true },
  { name: "manager-owner", email: "mo@acme.fr", owner: "mo@acme.fr", columns: ["manager"], sees: true },
  { name: "admin", email: "ana@acme.fr", owner: "paul@acme.fr", columns: ["admin"], sees: true },
  { name: "admin owner", email: "ana@acme.fr", owner: "ana@acme.fr", columns: ["admin", "owner"], sees: true },
  { name: "unknown person", email: "nobody@acme.fr", owner: "paul@acme.fr", columns: ["other"], sees: false },
];

// Nudge (issue 11): nobody nudges themselves, whatever their role (an admin or a manager who owns the dispute)
const allowed = (p: Persona, action: string) => !(action === "nudge" && p.email === p.owner) && p.columns.some((c) => TABLE[action]![c]);

/** The request of each action, and the status the dispute must be in. */
const ACTIONS: Record<string, { status: "open" | "resolved" | "litigation"; method: string; path: (id: number) => string; body: (by: string) => Record<string, unknown> }> = {
  comment: { status: "open", method: "POST", path: (id) => `/disputes/${id}/comments`, body: (by) => ({ byEmail: by, text: "Relu avec le client." }) },
  "follow-up": { status: "open", method: "POST", path: (id) => `/disputes/${id}/follow-up`, body: (by) => ({ byEmail: by, on: "2026-03-20" }) },
  reassign: { status: "open", method: "POST", path: (id) => `/disputes/${id}/reassign`, body: (by) => ({ byEmail: by, toEmail: "claire@acme.fr", note: "À toi." }) },
  resolve: { status: "open", method: "POST", path: (id) => `/disputes/${id}/resolve`, body: (by) => ({ byEmail: by, outcome: "rejected", note: "Non fondé." }) },
  withdraw: { status: "open", method: "POST", path: (id) => `/disputes/${id}/withdraw`, body: (by) => ({ byEmail: by, note: "Ouvert par erreur." }) },
  edit: { status: "open", method: "PATCH", path: (id) => `/disputes/${id}`, body: (by) => ({ byEmail: by, priority: "urgent" }) },
  reopen: { status: "resolved", method: "POST", path: (id) => `/disputes/${id}/reopen`, body: (by) => ({ byEmail: by, note: "Le client relance." }) },
  "release-holds": { status: "litigation", method: "POST", path: (id) => `/disputes/${id}/release-holds`, body: (by) => ({ byEmail: by, note: "Jugement rendu." }) },
  nudge: { status: "open", method: "POST", path: (id) => `/disputes/${id}/nudge`, body: (by) => ({ byEmail: by }) },
};

describe.each(["sqlite", "postgres"] as TestDatabase[])("README.md's permission table over REST on %s", (database) => {
  let a: TestAccord;
  beforeAll(async () => {
    a = await startTestAccord({}, { database });
    await seedLedger(a);
    // a manager who owns a dispute: owner while a sales rep, then made a manager by the ledger
    await a.deps.store.people.upsertMany([{ email: "mo@acme.fr", name: "Mo Manager", role: "sales", managerEmail: "marc@acme.fr" }]);
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
  });

  /** A fresh dispute of C001 (sales rep: paul) owned by `owner`, in the status the action needs. */
  async function disputeFor(owner: string, status: "open" | "resolved" | "litigation"): Promise<number> {
    const deps = a.deps;
    await deps.store.people.upsertMany([{ email: "mo@acme.fr", name: "Mo Manager", role: "sales" }]);
    const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1001", amount: "1.00" }], reasonCode: "price", statement: "Prix contesté.", openedByEmail: "claire@acme.fr", ownerEmail: owner });
    await deps.store.people.upsertMany([{ email: "mo@acme.fr", name: "Mo Manager", role: "manager" }]);
    if (status !== "open") await resolveDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.fr", outcome: status === "litigation" ? "litigation" : "rejected", note: "Réglé." });
    return dispute.id;
  }

  it("copies every action of the table", () => {
    expect(Object.keys(TABLE).sort()).toEqual(["open", ...Object.keys(ACTIONS)].sort());
  });

  const cases = PERSONAS.flatMap((p) => Object.keys(TABLE).map((action) => [p.name, action, allowed(p, action) ? "allowed" : "forbidden"] as const));
  it.each(cases)("%s: %s is %s", async (name, action, verdict) => {
    const p = PERSONAS.find((x) => x.name === name)!;
    let method = "POST";
    let path = "/disputes";
    let body: Record<string, unknown> = { customerRef: "C001", items: [{ ref: "F-1002", amount: "1.00" }], reasonCode: "price", statement: "Prix contesté.", openedByEmail: p.email };
    if (action !== "open") {
      const spec = ACTIONS[action]!;
      const id = await disputeFor(p.owner, spec.status);
      method = spec.method;
      path = spec.path(id);
      body = spec.body(p.email);
    }
    const before = await snapshot(a.deps.store);
    const res = await a.call(method, `/api/v1${path}`, body);
    const after = await snapshot(a.deps.store);
    if (verdict === "allowed") {
      expect(res.status, JSON.stringify(res.body)).toBe(action === "open" ? 201 : 200);
      expect(after.fingerprint).not.toEqual(before.fingerprint);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
      expect(after.fingerprint).toEqual(before.fingerprint);
    }
  });

  it.each(PERSONAS.map((p) => [p.name, p.sees ? "sees" : "does not see"] as const))("%s %s the dispute (GET with viewerEmail)", async (name, verdict) => {
    const p = PERSONAS.find((x) => x.name === name)!;
    const id = await disputeFor(p.owner, "open");
    const before = await snapshot(a.deps.store);
    const res = await a.call("GET", `/api/v1/disputes/${id}?viewerEmail=${encodeURIComponent(p.email)}`);
    if (verdict === "sees") expect(res.status).toBe(200);
    else expect(res.status === 404 || (p.name === "unknown person" && res.status === 403), `${res.status} ${JSON.stringify(res.body)}`).toBe(true);
    expect((await snapshot(a.deps.store)).fingerprint).toEqual(before.fingerprint);
  });
});
