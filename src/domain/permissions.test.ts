import { describe, it, expect } from "vitest";
import { allowedActions, assertCan, can, mayOwnDisputes, type Action } from "./permissions.ts";
import type { Dispute, Person } from "./types.ts";
import { EMAILS, accordError, customer, dispute, person, resolvedDispute } from "../test/builders.ts";

// The dispute is owned by Olivier (a sales person who is not the customer's rep); the customer's rep is Sophie.
const D = dispute({ ownerEmail: EMAILS.owner });
const C = customer({ salesRepEmail: EMAILS.salesRep });

const VIEWERS = {
  controller: person({ id: 1, email: EMAILS.controller, role: "controller" }),
  owner: person({ id: 2, email: EMAILS.owner, role: "sales" }),
  manager: person({ id: 3, email: EMAILS.manager, role: "manager" }),
  admin: person({ id: 4, email: EMAILS.admin, role: "admin" }),
  other: person({ id: 5, email: EMAILS.other, role: "sales" }),
} satisfies Record<string, Person>;
type Viewer = keyof typeof VIEWERS;
const VIEWER_NAMES = Object.keys(VIEWERS) as Viewer[];

// README.md "Who may do what", one row per action: controller, resolution owner, manager, admin, other people.
const T = true;
const F = false;
const DESIGN_TABLE: [Action, string, boolean, boolean, boolean, boolean, boolean][] = [
  ["open", "open a dispute, flag a customer", T, F, F, T, F],
  ["comment", "comment", T, T, T, T, F],
  ["follow_up", "set follow-up / snooze", T, T, F, T, F],
  ["reassign", "reassign", T, T, T, T, F],
  ["resolve", "resolve", T, T, F, T, F],
  ["withdraw", "withdraw", T, F, F, T, F],
  ["reopen", "reopen", T, F, F, T, F],
  ["nudge", "nudge an owner", T, F, T, T, F],
  ["subscribe_digest", "subscribe a channel to the digest", T, F, T, T, F],
  ["view", "see a dispute", T, T, T, T, F],
  ["admin", "reasons, templates, scenario, policies", F, F, F, T, F],
];

const cases = DESIGN_TABLE.flatMap(([action, label, ...allowed]) =>
  VIEWER_NAMES.map((viewer, i) => ({ action, label, viewer, allowed: allowed[i]! })),
);

describe("can: README.md's table", () => {
  it("has a case for each of the 11 rows x 5 people", () => {
    expect(cases).toHaveLength(55);
  });

  it.each(cases)("$viewer / $label ($action) -> $allowed", ({ action, viewer, allowed }) => {
    expect(can(VIEWERS[viewer], action, D, C)).toBe(allowed);
  });

  // README.md's table also has edit and release (litigation holds): controllers and admins only.
  it.each([
    ["edit", "controller", true],
    ["edit", "owner", false],
    ["edit", "manager", false],
    ["edit", "admin", true],
    ["release_holds", "controller", true],
    ["release_holds", "owner", false],
    ["release_holds", "manager", false],
    ["release_holds", "admin", true],
  ] as const)("%s by the %s -> %s", (action, viewer, allowed) => {
    expect(can(VIEWERS[viewer], action, D, C)).toBe(allowed);
  });

  it("a manager who owns the dispute still acts as a manager: no resolve, no follow-up (README.md: owning never grants more)", () => {
    const managerOwner = dispute({ ownerEmail: EMAILS.manager });
    expect(can(VIEWERS.manager, "resolve", managerOwner, C)).toBe(false);
    expect(can(VIEWERS.manager, "follow_up", managerOwner, C)).toBe(false);
    expect(can(VIEWERS.manager, "withdraw", managerOwner, C)).toBe(false);
    expect(can(VIEWERS.manager, "comment", managerOwner, C)).toBe(true);
    expect(can(VIEWERS.manager, "reassign", managerOwner, C)).toBe(true);
  });

  it("only controllers and admins execute dunning runs; every role but manager may own disputes", () => {
    expect(VIEWER_NAMES.filter((v) => can(VIEWERS[v], "run_dunning"))).toEqual(["controller", "admin"]);
    expect(VIEWER_NAMES.filter((v) => mayOwnDisputes(VIEWERS[v]))).toEqual(["controller", "owner", "admin", "other"]);
  });

  it("being the owner needs the dispute: without it a sales person may not resolve", () => {
    expect(can(VIEWERS.owner, "resolve")).toBe(false);
  });
});

describe("can: sales reps see their customers' disputes", () => {
  const rep = person({ id: 6, email: EMAILS.salesRep, role: "sales" });

  it.each([
    ["the customer's rep views", rep, "view", C, true],
    ["another sales rep views", VIEWERS.other, "view", C, false],
    ["the customer's rep views without the customer given", rep, "view", undefined, false],
    ["a customer without a rep: no sales rep views", rep, "view", customer({ salesRepEmail: null }), false],
    ["the customer's rep comments", rep, "comment", C, false],
    ["the customer's rep resolves", rep, "resolve", C, false],
  ] as const)("%s -> %s", (_, who, action, cust, allowed) => {
    expect(can(who, action, D, cust)).toBe(allowed);
  });
});

describe("assertCan", () => {
  it("throws forbidden naming the person, the action and the dispute", () => {
    const err = accordError(() => assertCan(VIEWERS.owner, "reopen", D, C));
    expect(err.code).toBe("forbidden");
    expect(err.what).toEqual({ key: "forbidden_action", params: { email: EMAILS.owner, role: "sales", action: "reopen", number: "LIT-2026-0001" } });
    expect(err.details).toEqual({ email: EMAILS.owner, action: "reopen", role: "sales", number: "LIT-2026-0001" });
  });

  it("names the action without a dispute when there is none", () => {
    expect(accordError(() => assertCan(VIEWERS.manager, "follow_up")).params).toEqual({ email: EMAILS.manager, role: "manager", action: "follow_up" });
  });

  it("passes silently when allowed", () => {
    expect(() => assertCan(VIEWERS.controller, "withdraw", D, C)).not.toThrow();
  });
});

describe("allowedActions: what each viewer's card shows", () => {
  const rep = person({ id: 6, email: EMAILS.salesRep, role: "sales" });
  const viewers = { ...VIEWERS, rep };
  const litigation = resolvedDispute({ outcome: "litigation" });
  const released = resolvedDispute({ outcome: "litigation" }, { holdsReleasedAt: new Date("2026-03-09T08:00:00Z") });
  const creditNote = resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 1000 });
  const withdrawn = dispute({ status: "withdrawn" });

  const table: [string, Dispute, keyof typeof viewers, Action[]][] = [
    ["open", D, "controller", ["comment", "reassign", "follow_up", "resolve", "edit", "withdraw"]],
    ["open", D, "owner", ["comment", "reassign", "follow_up", "resolve"]],
    ["open", D, "manager", ["comment", "reassign"]],
    ["open", D, "admin", ["comment", "reassign", "follow_up", "resolve", "edit", "withdraw"]],
    ["open", D, "rep", []],
    ["open", D, "other", []],
    ["resolved (credit note)", creditNote, "controller", ["comment", "reopen"]],
    ["resolved (credit note)", creditNote, "owner", ["comment"]],
    ["resolved (credit note)", creditNote, "manager", ["comment"]],
    ["resolved (credit note)", creditNote, "admin", ["comment", "reopen"]],
    ["litigation", litigation, "controller", ["comment", "reopen", "release_holds"]],
    ["litigation", litigation, "owner", ["comment"]],
    ["litigation", litigation, "manager", ["comment"]],
    ["litigation", litigation, "admin", ["comment", "reopen", "release_holds"]],
    ["litigation", litigation, "other", []],
    ["litigation, holds released", released, "controller", ["comment", "reopen"]],
    ["litigation, holds released", released, "admin", ["comment", "reopen"]],
    ["withdrawn", withdrawn, "controller", ["comment", "reopen"]],
    ["withdrawn", withdrawn, "owner", ["comment"]],
    ["withdrawn", withdrawn, "manager", ["comment"]],
    ["withdrawn", withdrawn, "admin", ["comment", "reopen"]],
    ["withdrawn", withdrawn, "rep", []],
  ];

  it.each(table)("%s dispute, %s -> %j", (_, d, viewer, expected) => {
    expect(allowedActions(viewers[viewer], d, C)).toEqual(expected);
  });

  it("a controller who also owns the dispute sees every open action once", () => {
    const own = dispute({ ownerEmail: EMAILS.controller });
    expect(allowedActions(VIEWERS.controller, own, C)).toEqual(["comment", "reassign", "follow_up", "resolve", "edit", "withdraw"]);
  });
});
