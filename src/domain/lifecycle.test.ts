import { describe, it, expect } from "vitest";
import {
  TRANSITIONS,
  assertTransition,
  assertVersion,
  commentDispute,
  creditNoteReceived,
  disputedTotal,
  editDispute,
  openDispute,
  reassignDispute,
  releaseHolds,
  reopenDispute,
  resolveDispute,
  setFollowUp,
  validateSelection,
  withdrawDispute,
  type Change,
  type Command,
  type ItemClaims,
  type OpenInput,
} from "./lifecycle.ts";
import { DISPUTE_STATUSES, type Dispute, type DisputeStatus, type Outcome } from "./types.ts";
import { AccordError } from "./errors.ts";
import { EMAILS, NOW, TODAY, accordError, customer, dispute, item, reason, resolution, resolvedDispute } from "../test/builders.ts";

const COMMANDS = Object.keys(TRANSITIONS) as Command[];

/** A dispute in the given status, as it would be stored (a resolved one went to litigation, holds not released). */
function inStatus(status: DisputeStatus): Dispute {
  if (status === "resolved") return resolvedDispute({ outcome: "litigation", note: "Transmis à l'avocat" });
  if (status === "withdrawn") return dispute({ status: "withdrawn", closedAt: new Date("2026-03-05T15:00:00Z"), closedByEmail: EMAILS.controller });
  return dispute();
}

/** Each command run through its real domain function with valid input (remind has none: the check alone). */
const RUN: Record<Command, (d: Dispute) => Change | void> = {
  edit: (d) => editDispute(d, { byEmail: EMAILS.controller, priority: "urgent" }, NOW),
  comment: (d) => commentDispute(d, { byEmail: EMAILS.owner, text: "J'appelle le client demain" }, NOW),
  reassign: (d) => reassignDispute(d, { byEmail: EMAILS.controller, toEmail: EMAILS.salesRep }, NOW),
  follow_up: (d) => setFollowUp(d, { byEmail: EMAILS.owner, on: "2026-03-20", today: TODAY }, NOW),
  remind: (d) => assertTransition(d, "remind"),
  resolve: (d) => resolveDispute(d, { byEmail: EMAILS.owner, outcome: "rejected", note: "Prix conforme" }, NOW),
  withdraw: (d) => withdrawDispute(d, { byEmail: EMAILS.controller, note: "Saisi par erreur" }, NOW),
  reopen: (d) => reopenDispute(d, { byEmail: EMAILS.controller, note: "Le client conteste encore" }, NOW),
  release_holds: (d) => releaseHolds(d, { byEmail: EMAILS.controller, note: "Jugement rendu" }, NOW),
};

describe("transition table", () => {
  it("is the one README.md describes", () => {
    expect(Object.fromEntries(COMMANDS.map((c) => [c, { from: [...TRANSITIONS[c].from].sort(), to: TRANSITIONS[c].to }]))).toEqual({
      edit: { from: ["open"], to: null },
      comment: { from: ["open", "resolved", "withdrawn"], to: null },
      reassign: { from: ["open"], to: null },
      follow_up: { from: ["open"], to: null },
      remind: { from: ["open"], to: null },
      resolve: { from: ["open"], to: "resolved" },
      withdraw: { from: ["open"], to: "withdrawn" },
      reopen: { from: ["resolved", "withdrawn"], to: "open" },
      release_holds: { from: ["resolved"], to: null },
    });
  });

  const cases = COMMANDS.flatMap((command) =>
    DISPUTE_STATUSES.map((status) => ({ command, status, allowed: TRANSITIONS[command].from.includes(status) })),
  );
  it("covers every command x status pair (9 commands x 3 statuses)", () => {
    expect(cases).toHaveLength(27);
    expect(cases.filter((c) => c.allowed)).toHaveLength(12);
  });

  it.each(cases.filter((c) => c.allowed))("$command on a $status dispute is allowed", ({ command, status }) => {
    const before = inStatus(status);
    const change = RUN[command](before);
    if (!change) return; // remind: the check passed
    const to = TRANSITIONS[command].to;
    expect(change.dispute.status).toBe(to ?? status);
    expect(change.events).toHaveLength(1);
  });

  it.each(cases.filter((c) => !c.allowed))("$command on a $status dispute is an illegal transition", ({ command, status }) => {
    const before = inStatus(status);
    const err = accordError(() => RUN[command](before));
    expect(err.code).toBe("illegal_transition");
    expect(err.details).toEqual({ number: "LIT-2026-0001", status, command });
  });

  it("names the dispute, its status and the command in the message key's parameters", () => {
    const err = accordError(() => RUN.resolve(inStatus("withdrawn")));
    expect(err.what).toEqual({ key: "illegal_transition", params: { number: "LIT-2026-0001", status: "withdrawn", command: "resolve" } });
    expect(accordError(() => RUN.follow_up(inStatus("resolved"))).params).toEqual({ number: "LIT-2026-0001", status: "resolved", command: "follow_up" });
  });
});

describe("version", () => {
  const d = dispute({ version: 3, updatedAt: new Date("2026-03-01T10:00:00Z") });
  const bumping: [string, () => Change][] = [
    ["edit", () => RUN.edit(d) as Change],
    ["reassign", () => RUN.reassign(d) as Change],
    ["follow_up", () => RUN.follow_up(d) as Change],
    ["resolve", () => RUN.resolve(d) as Change],
    ["withdraw", () => RUN.withdraw(d) as Change],
    ["reopen", () => RUN.reopen({ ...inStatus("withdrawn"), version: 3 }) as Change],
    ["release_holds", () => RUN.release_holds({ ...inStatus("resolved"), version: 3 }) as Change],
    ["credit note received", () => creditNoteReceived(resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-77", concededAmount: 100000 }), NOW)],
  ];
  it.each(bumping)("%s bumps the version from 3 to 4 and stamps updatedAt", (_, run) => {
    const { dispute: after } = run();
    expect(after.version).toBe(4);
    expect(after.updatedAt).toEqual(NOW);
  });

  it("a comment changes nothing on the dispute: same version, same updatedAt, only an event", () => {
    const { dispute: after, events } = commentDispute(d, { byEmail: EMAILS.owner, text: "Relancé par téléphone" }, NOW);
    expect(after).toBe(d);
    expect(after.version).toBe(3);
    expect(after.updatedAt).toEqual(new Date("2026-03-01T10:00:00Z"));
    expect(events.map((e) => e.type)).toEqual(["commented"]);
  });

  it("does not mutate the dispute it was given", () => {
    const before = structuredClone(d);
    RUN.resolve(d);
    RUN.edit(d);
    expect(d).toEqual(before);
  });
});

describe("events of each command", () => {
  it("openDispute: opened, by the opener, with the customer's words and the owner", () => {
    const { events } = openDispute(openInput({ statement: "  Prix différent du devis  " }), NOW);
    expect(events).toStrictEqual([
      { type: "opened", at: NOW, byEmail: EMAILS.controller, text: "Prix différent du devis", data: { ownerEmail: EMAILS.owner } },
    ]);
  });

  it("editDispute: edited, with the note and the list of changes in order", () => {
    const quantity = reason({ id: 2, code: "quantity" });
    const { events } = editDispute(
      dispute(),
      { byEmail: EMAILS.controller, reason: quantity, priority: "high", statement: "Livré 8 au lieu de 10", items: [{ itemId: 1, amount: 20000 }], note: " requalifié " },
      NOW,
    );
    expect(events).toStrictEqual([
      {
        type: "edited",
        at: NOW,
        byEmail: EMAILS.controller,
        text: "requalifié",
        data: { changes: ["reason → quantity", "priority → high", "statement", "items"] },
      },
    ]);
  });

  it("editDispute without a note: text null", () => {
    const { events } = editDispute(dispute(), { byEmail: EMAILS.controller, priority: "low", note: "   " }, NOW);
    expect(events[0]?.text).toBeNull();
    expect(events[0]?.data).toEqual({ changes: ["priority → low"] });
  });

  it("commentDispute: commented, trimmed text, no data", () => {
    const { events } = commentDispute(dispute(), { byEmail: EMAILS.manager, text: "  Où en est-on ?  " }, NOW);
    expect(events).toStrictEqual([{ type: "commented", at: NOW, byEmail: EMAILS.manager, text: "Où en est-on ?" }]);
  });

  it("reassignDispute: reassigned from the old owner to the new one", () => {
    const { dispute: after, events } = reassignDispute(dispute(), { byEmail: EMAILS.owner, toEmail: EMAILS.salesRep, note: "C'est son client" }, NOW);
    expect(after.ownerEmail).toBe(EMAILS.salesRep);
    expect(events).toStrictEqual([
      { type: "reassigned", at: NOW, byEmail: EMAILS.owner, text: "C'est son client", data: { from: EMAILS.owner, to: EMAILS.salesRep } },
    ]);
  });

  it("setFollowUp: follow_up_set with the previous and the new date", () => {
    const { dispute: after, events } = setFollowUp(dispute({ followUpOn: "2026-03-17" }), { byEmail: EMAILS.owner, on: "2026-03-24", today: TODAY }, NOW);
    expect(after.followUpOn).toBe("2026-03-24");
    expect(events).toStrictEqual([
      { type: "follow_up_set", at: NOW, byEmail: EMAILS.owner, text: null, data: { from: "2026-03-17", on: "2026-03-24" } },
    ]);
  });

  it("resolveDispute: resolved with outcome, credit note ref and conceded amount", () => {
    const { events } = resolveDispute(
      dispute(),
      { byEmail: EMAILS.owner, outcome: "credit_note", note: " Avoir accordé ", creditNoteRef: " AV-2026-0042 ", concededAmount: 25000 },
      NOW,
    );
    expect(events).toStrictEqual([
      {
        type: "resolved",
        at: NOW,
        byEmail: EMAILS.owner,
        text: "Avoir accordé",
        data: { outcome: "credit_note", creditNoteRef: "AV-2026-0042", concededAmount: 25000 },
      },
    ]);
  });

  it("withdrawDispute: withdrawn with the reason given", () => {
    const { dispute: after, events } = withdrawDispute(dispute(), { byEmail: EMAILS.controller, note: "Doublon de LIT-2026-0002" }, NOW);
    expect(after).toMatchObject({ status: "withdrawn", closedAt: NOW, closedByEmail: EMAILS.controller });
    expect(events).toStrictEqual([{ type: "withdrawn", at: NOW, byEmail: EMAILS.controller, text: "Doublon de LIT-2026-0002" }]);
  });

  it("reopenDispute: reopened with the reason given", () => {
    const { events } = reopenDispute(inStatus("resolved"), { byEmail: EMAILS.admin, note: "Avoir jamais reçu" }, NOW);
    expect(events).toStrictEqual([{ type: "reopened", at: NOW, byEmail: EMAILS.admin, text: "Avoir jamais reçu" }]);
  });

  it("releaseHolds: holds_released, text null without a note", () => {
    const { events } = releaseHolds(inStatus("resolved"), { byEmail: EMAILS.controller, note: "  " }, NOW);
    expect(events).toStrictEqual([{ type: "holds_released", at: NOW, byEmail: EMAILS.controller, text: null }]);
  });

  it("creditNoteReceived: credit_note_received by nobody, with the credit note's reference", () => {
    const { events } = creditNoteReceived(resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-2026-0042", concededAmount: 25000 }), NOW);
    expect(events).toStrictEqual([{ type: "credit_note_received", at: NOW, byEmail: null, text: "AV-2026-0042" }]);
  });
});

describe("command input checks", () => {
  it.each([
    ["an empty comment", () => commentDispute(dispute(), { byEmail: EMAILS.owner, text: "   " }, NOW), "text"],
    ["a comment of 3,001 characters", () => commentDispute(dispute(), { byEmail: EMAILS.owner, text: "x".repeat(3001) }, NOW), "text"],
    ["reassigning to the current owner", () => reassignDispute(dispute(), { byEmail: EMAILS.controller, toEmail: EMAILS.owner }, NOW), "toEmail"],
    ["a follow-up date in the past", () => setFollowUp(dispute(), { byEmail: EMAILS.owner, on: "2026-03-09", today: TODAY }, NOW), "on"],
    ["resolving without a note", () => resolveDispute(dispute(), { byEmail: EMAILS.owner, outcome: "rejected", note: " " }, NOW), "note"],
    ["withdrawing without a note", () => withdrawDispute(dispute(), { byEmail: EMAILS.controller, note: "" }, NOW), "note"],
    ["reopening without a note", () => reopenDispute(inStatus("withdrawn"), { byEmail: EMAILS.controller, note: " " }, NOW), "note"],
    ["a comment over 2,000 characters", () => commentDispute(dispute(), { byEmail: EMAILS.owner, text: "x".repeat(2001) }, NOW), "text"],
    ["a reassignment note over 2,000 characters", () => reassignDispute(dispute(), { byEmail: EMAILS.controller, toEmail: EMAILS.controller, note: "x".repeat(2001) }, NOW), "note"],
    ["a resolution's credit-note ref over 64 characters", () => resolveDispute(dispute(), { byEmail: EMAILS.owner, outcome: "credit_note", note: "Avoir", creditNoteRef: "A".repeat(65) }, NOW), "creditNoteRef"],
    ["a root cause over 500 characters", () => resolveDispute(dispute(), { byEmail: EMAILS.owner, outcome: "rejected", note: "Non fondé", rootCause: "x".repeat(501) }, NOW), "rootCause"],
  ] as const)("refuses %s (validation on field %s)", (_, run, field) => {
    const err = accordError(run);
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe(field);
  });

  it("accepts a comment of exactly 2,000 characters and a follow-up today", () => {
    expect(commentDispute(dispute(), { byEmail: EMAILS.owner, text: "x".repeat(2000) }, NOW).events[0]?.text).toHaveLength(2000);
    expect(setFollowUp(dispute(), { byEmail: EMAILS.owner, on: TODAY, today: TODAY }, NOW).dispute.followUpOn).toBe("2026-03-10");
  });
});

// ---- validateSelection ----------------------------------------------------------------------------

const claims = (it: ReturnType<typeof item>, others: ItemClaims["others"] = []): ItemClaims => ({ item: it, others });

describe("validateSelection", () => {
  const c = customer();

  it("returns the disputed items in the order selected", () => {
    const got = validateSelection(c, [
      { claims: claims(item({ id: 2, amount: 50000 })), amount: 50000 },
      { claims: claims(item({ id: 1, amount: 100000 })), amount: 30000 },
    ]);
    expect(got).toEqual([
      { itemId: 2, amount: 50000 },
      { itemId: 1, amount: 30000 },
    ]);
  });

  it.each([
    ["credit_note", "AV1"],
    ["payment", "RG1"],
  ] as const)("refuses a %s as unprocessable", (kind, ref) => {
    const err = accordError(() => validateSelection(c, [{ claims: claims(item({ id: 7, ref, kind, amount: -20000 })), amount: 20000 }]));
    expect(err.code).toBe("unprocessable");
    expect(err.what).toEqual({ key: "item_not_invoice", params: { itemRef: ref, kind } });
    expect(err.details.field).toBe("items[0].ref");
  });

  it("refuses a fully paid invoice as unprocessable", () => {
    const err = accordError(() => validateSelection(c, [{ claims: claims(item({ openAmount: 0 })), amount: 100 }]));
    expect(err.code).toBe("unprocessable");
    expect(err.details.field).toBe("items[0].ref");
  });

  it("refuses an item of another customer, pointing at items[1].ref", () => {
    const err = accordError(() =>
      validateSelection(c, [
        { claims: claims(item({ id: 1 })), amount: 1000 },
        { claims: claims(item({ id: 2, ref: "G9", customerId: 2 })), amount: 1000 },
      ]),
    );
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items[1].ref");
    expect(err.what).toEqual({ key: "item_not_of_customer", params: { itemRef: "G9", customerRef: "C001" } });
  });

  it("refuses an amount above the undisputed remainder, naming the other disputes", () => {
    const f1 = item({ id: 1, ref: "F1", amount: 100000 });
    const err = accordError(() =>
      validateSelection(c, [
        {
          claims: claims(f1, [
            { number: "LIT-2026-0002", amount: 60000 },
            { number: "LIT-2026-0003", amount: 30000 },
          ]),
          amount: 10001,
        },
      ]),
    );
    expect(err.code).toBe("conflict");
    expect(err.details).toEqual({
      field: "items[0].amount",
      itemRef: "F1",
      currency: "EUR",
      openAmount: "1000.00",
      undisputed: "100.00",
      requested: "100.01",
      disputes: ["LIT-2026-0002", "LIT-2026-0003"],
      claims: [
        { dispute: "LIT-2026-0002", amount: "600.00" },
        { dispute: "LIT-2026-0003", amount: "300.00" },
      ],
    });
    expect(err.key).toBe("item_already_disputed");
    expect(err.params).toEqual({
      itemRef: "F1",
      openAmount: { minor: 100000, currency: "EUR" },
      undisputed: { minor: 10000, currency: "EUR" },
      requested: { minor: 10001, currency: "EUR" },
      claims: [
        { dispute: "LIT-2026-0002", amount: { minor: 60000, currency: "EUR" } },
        { dispute: "LIT-2026-0003", amount: { minor: 30000, currency: "EUR" } },
      ],
    });
  });

  it("claiming the remainder (no amount) of an item other disputes hold entirely is a conflict naming them, not 'must be positive'", () => {
    const f1 = item({ id: 1, ref: "F1", amount: 100000 });
    const err = accordError(() => validateSelection(c, [{ claims: claims(f1, [{ number: "LIT-2026-0002", amount: 100000 }]), amount: undefined }]));
    expect(err.code).toBe("conflict");
    expect(err.details).toMatchObject({ field: "items[0].ref", undisputed: "0.00", disputes: ["LIT-2026-0002"], claims: [{ dispute: "LIT-2026-0002", amount: "1000.00" }] });
  });

  it("an explicit amount of zero is still 'must be positive'", () => {
    const err = accordError(() => validateSelection(c, [{ claims: claims(item({ id: 1 })), amount: 0 }]));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items[0].amount");
  });

  it("accepts exactly the undisputed remainder", () => {
    const f1 = item({ id: 1, amount: 100000 });
    expect(validateSelection(c, [{ claims: claims(f1, [{ number: "LIT-2026-0002", amount: 60000 }]), amount: 40000 }])).toEqual([
      { itemId: 1, amount: 40000 },
    ]);
  });

  it("checks against the open amount, not the invoice amount, after a partial payment", () => {
    const f1 = item({ id: 1, ref: "F1", amount: 100000, openAmount: 40000 });
    const err = accordError(() => validateSelection(c, [{ claims: claims(f1), amount: 40001 }]));
    // nobody else claims it: not a conflict, an amount the item cannot carry (422), in the item's currency
    expect(err.code).toBe("unprocessable");
    expect(err.details).toEqual({ field: "items[0].amount", itemRef: "F1", currency: "EUR", openAmount: "400.00", requested: "400.01" });
    expect(err.what).toEqual({ key: "exceeds_open_amount", params: { itemRef: "F1", openAmount: { minor: 40000, currency: "EUR" }, requested: { minor: 40001, currency: "EUR" } } });
  });

  it("refuses the same item selected twice, pointing at the second", () => {
    const f1 = item({ id: 1 });
    const err = accordError(() =>
      validateSelection(c, [
        { claims: claims(f1), amount: 1000 },
        { claims: claims(f1), amount: 2000 },
      ]),
    );
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items[1]");
  });

  it.each([0, -500, 12.5, Number.NaN])("refuses the disputed amount %s", (amount) => {
    const err = accordError(() => validateSelection(c, [{ claims: claims(item()), amount }]));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items[0].amount");
  });

  it("refuses an empty selection", () => {
    const err = accordError(() => validateSelection(c, []));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("items");
  });
});

// ---- openDispute ------------------------------------------------------------------------------------

function openInput(p: Partial<OpenInput> = {}): OpenInput {
  return {
    id: 42,
    number: "LIT-2026-0042",
    customer: customer({ currency: "EUR" }),
    scope: "items",
    reason: reason({ priority: "high" }),
    statement: "Le prix facturé ne correspond pas au devis",
    ownerEmail: EMAILS.owner,
    openedByEmail: EMAILS.controller,
    followUpOn: "2026-03-17",
    slaDueOn: "2026-04-09",
    items: [{ itemId: 1, amount: 30000 }],
    ...p,
  };
}

describe("openDispute", () => {
  it("opens at version 1, status open, in the customer's currency", () => {
    const { dispute: d } = openDispute(openInput({ customer: customer({ id: 5, currency: "CHF" }) }), NOW);
    expect(d).toEqual({
      id: 42,
      number: "LIT-2026-0042",
      customerId: 5,
      scope: "items",
      reasonId: 1,
      priority: "high",
      status: "open",
      statement: "Le prix facturé ne correspond pas au devis",
      ownerEmail: EMAILS.owner,
      openedByEmail: EMAILS.controller,
      followUpOn: "2026-03-17",
      slaDueOn: "2026-04-09",
      currency: "CHF",
      items: [{ itemId: 1, amount: 30000 }],
      resolution: null,
      creditNoteSeenAt: null,
      holdsReleasedAt: null,
      closedAt: null,
      closedByEmail: null,
      version: 1,
      openedAt: NOW,
      updatedAt: NOW,
    });
  });

  it.each([
    ["the reason's priority when none is given", undefined, "high"],
    ["the priority given", "low", "low"],
  ] as const)("takes %s", (_, priority, expected) => {
    const input = openInput(priority ? { priority } : {});
    expect(openDispute(input, NOW).dispute.priority).toBe(expected);
  });

  it.each([
    ["an inactive reason", { reason: reason({ code: "po_missing", active: false }) }, "reasonCode", "reason_inactive"],
    ["an empty statement", { statement: "  \n " }, "statement", "statement_required"],
    ["a customer-level dispute with items", { scope: "customer" as const }, "items", "customer_scope_has_items"],
    ["an item-level dispute without items", { items: [] }, "items", "items_required"],
  ])("refuses %s", (_, patch, field, key) => {
    const err = accordError(() => openDispute(openInput(patch), NOW));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe(field);
    expect(err.field).toBe(field);
    expect(err.key).toBe(key);
  });

  it("opens a customer-level dispute without items", () => {
    const { dispute: d } = openDispute(openInput({ scope: "customer", items: [] }), NOW);
    expect(d.scope).toBe("customer");
    expect(d.items).toEqual([]);
  });
});

// ---- editDispute ------------------------------------------------------------------------------------

describe("editDispute", () => {
  const d = dispute({
    version: 3,
    priority: "normal",
    items: [
      { itemId: 1, amount: 30000 },
      { itemId: 2, amount: 50000 },
    ],
  });

  it("with nothing that differs returns the same dispute, same version and no events", () => {
    const change = editDispute(
      d,
      {
        byEmail: EMAILS.controller,
        reason: reason({ id: 1 }),
        priority: "normal",
        statement: "  Le prix facturé ne correspond pas au devis ",
        items: [
          { itemId: 2, amount: 50000 },
          { itemId: 1, amount: 30000 },
        ],
        note: "rien",
      },
      NOW,
    );
    expect(change.events).toEqual([]);
    expect(change.dispute).toBe(d);
    expect(change.dispute.version).toBe(3);
  });

  it("applies the changes and bumps the version once", () => {
    const { dispute: after } = editDispute(
      d,
      { byEmail: EMAILS.controller, reason: reason({ id: 3, code: "quality" }), priority: "urgent", items: [{ itemId: 1, amount: 100000 }] },
      NOW,
    );
    expect(after).toMatchObject({ reasonId: 3, priority: "urgent", items: [{ itemId: 1, amount: 100000 }], version: 4, updatedAt: NOW });
  });

  it("sees a changed amount on the same item as a change", () => {
    const { events } = editDispute(d, { byEmail: EMAILS.controller, items: [{ itemId: 1, amount: 30001 }, { itemId: 2, amount: 50000 }] }, NOW);
    expect(events[0]?.data).toEqual({ changes: ["items"] });
  });

  it.each([
    ["moving to an inactive reason", () => editDispute(d, { byEmail: EMAILS.controller, reason: reason({ id: 9, code: "old", active: false }) }, NOW), "reasonCode"],
    ["blanking the statement", () => editDispute(d, { byEmail: EMAILS.controller, statement: "   " }, NOW), "statement"],
    [
      "items on a customer-level dispute",
      () => editDispute(dispute({ scope: "customer", items: [] }), { byEmail: EMAILS.controller, items: [{ itemId: 1, amount: 100 }] }, NOW),
      "items",
    ],
  ] as const)("refuses %s", (_, run, field) => {
    const err = accordError(run);
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe(field);
  });
});

// ---- resolveDispute ---------------------------------------------------------------------------------

describe("resolveDispute", () => {
  const d = dispute({
    items: [
      { itemId: 1, amount: 30000 },
      { itemId: 2, amount: 20000 },
    ],
  });
  const resolve = (p: { outcome?: Outcome; creditNoteRef?: string | null; concededAmount?: number | null }, on: Dispute = d) =>
    resolveDispute(on, { byEmail: EMAILS.owner, outcome: p.outcome ?? "credit_note", note: "Avoir accordé", ...p }, NOW);

  it.each([
    ["the credit note is already in the ledger", "credit_note", { kind: "credit_note" as const }, true],
    ["the ledger has no item with that reference", "credit_note", null, false],
    ["the reference is an invoice's, not a credit note's", "credit_note", { kind: "invoice" as const }, false],
    ["another outcome", "rejected", { kind: "credit_note" as const }, false],
  ] as const)("the conceded amount is released at once when %s: %s", (_why, outcome, creditNote, seen) => {
    const change = resolveDispute(d, { byEmail: EMAILS.owner, outcome, note: "Avoir accordé", creditNoteRef: "AV-1", creditNote }, NOW);
    expect(change.dispute.creditNoteSeenAt).toEqual(seen ? NOW : null);
  });

  it("disputedTotal sums the disputed amounts", () => {
    expect(disputedTotal(d)).toBe(50000);
  });

  it.each([undefined, null, "   "])("credit_note needs a credit note reference (got %j)", (creditNoteRef) => {
    const err = accordError(() => resolve({ creditNoteRef }));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("creditNoteRef");
  });

  it("credit_note concedes the disputed total by default", () => {
    const { dispute: after } = resolve({ creditNoteRef: "AV-2026-0042" });
    expect(after.resolution).toEqual({
      outcome: "credit_note",
      note: "Avoir accordé",
      creditNoteRef: "AV-2026-0042",
      concededAmount: 50000,
      rootCause: null,
    });
  });

  it.each([
    [50000, 50000],
    [12000, 12000],
    [0, 0],
  ])("credit_note accepts a conceded amount of %i", (conceded, expected) => {
    expect(resolve({ creditNoteRef: "AV-1", concededAmount: conceded }).dispute.resolution?.concededAmount).toBe(expected);
  });

  it("credit_note refuses to concede more than the disputed total", () => {
    const err = accordError(() => resolve({ creditNoteRef: "AV-1", concededAmount: 50001 }));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("concededAmount");
    // an amount parameter with its currency, never a bare number of cents in a sentence (rendered in src/views/errors.ts)
    expect(err.what).toEqual({ key: "conceded_exceeds_disputed", params: { conceded: { minor: 50001, currency: "EUR" }, disputed: { minor: 50000, currency: "EUR" } } });
    expect(err.details).toEqual({ field: "concededAmount", currency: "EUR", conceded: "500.01", disputed: "500.00" });
  });

  it.each([-1, 10.5])("refuses the conceded amount %s", (conceded) => {
    const err = accordError(() => resolve({ outcome: "other", concededAmount: conceded }));
    expect(err.code).toBe("validation");
    expect(err.details.field).toBe("concededAmount");
  });

  it("a customer-level credit_note has no default conceded amount", () => {
    const { dispute: after } = resolve({ creditNoteRef: "AV-9" }, dispute({ scope: "customer", items: [] }));
    expect(after.resolution?.concededAmount).toBeNull();
  });

  it("closes the dispute and clears any earlier credit-note or release stamps", () => {
    const { dispute: after } = resolveDispute(
      dispute({ creditNoteSeenAt: new Date("2026-01-01T00:00:00Z"), holdsReleasedAt: new Date("2026-01-02T00:00:00Z") }),
      { byEmail: EMAILS.owner, outcome: "litigation", note: "Transmis au contentieux", rootCause: "  pricing  " },
      NOW,
    );
    expect(after).toMatchObject({
      status: "resolved",
      closedAt: NOW,
      closedByEmail: EMAILS.owner,
      creditNoteSeenAt: null,
      holdsReleasedAt: null,
      resolution: { outcome: "litigation", note: "Transmis au contentieux", creditNoteRef: null, concededAmount: null, rootCause: "pricing" },
    });
  });
});

// ---- reopen, release, credit note -------------------------------------------------------------------

describe("reopenDispute", () => {
  it("clears the resolution and the closing stamps, keeps the items", () => {
    const before = resolvedDispute(
      { outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 100000 },
      { creditNoteSeenAt: new Date("2026-03-06T08:00:00Z"), items: [{ itemId: 1, amount: 100000 }] },
    );
    const { dispute: after } = reopenDispute(before, { byEmail: EMAILS.controller, note: "L'avoir est faux" }, NOW);
    expect(after).toMatchObject({
      status: "open",
      resolution: null,
      closedAt: null,
      closedByEmail: null,
      creditNoteSeenAt: null,
      holdsReleasedAt: null,
      items: [{ itemId: 1, amount: 100000 }],
      version: 4,
    });
  });
});

describe("releaseHolds", () => {
  it("releases the holds of a litigation resolution once", () => {
    const { dispute: after } = releaseHolds(inStatus("resolved"), { byEmail: EMAILS.controller, note: "Jugement rendu" }, NOW);
    expect(after.holdsReleasedAt).toEqual(NOW);
    expect(after.status).toBe("resolved");
  });

  it.each([
    ["already released", resolvedDispute({ outcome: "litigation" }, { holdsReleasedAt: new Date("2026-03-08T10:00:00Z") })],
    ["a credit_note resolution", resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-1", concededAmount: 1000 })],
    ["a customer_paid resolution", resolvedDispute({ outcome: "customer_paid" })],
    ["an open dispute", dispute()],
    ["a withdrawn dispute", inStatus("withdrawn")],
  ])("refuses %s as an illegal transition", (_, d) => {
    expect(accordError(() => releaseHolds(d, { byEmail: EMAILS.controller, note: "" }, NOW)).code).toBe("illegal_transition");
  });
});

describe("creditNoteReceived", () => {
  const waiting = resolvedDispute({ outcome: "credit_note", creditNoteRef: "AV-2026-0042", concededAmount: 100000 });

  it("sets creditNoteSeenAt once; a second import changes nothing", () => {
    const first = creditNoteReceived(waiting, NOW);
    expect(first.dispute.creditNoteSeenAt).toEqual(NOW);
    const later = new Date("2026-03-11T09:00:00Z");
    const second = creditNoteReceived(first.dispute, later);
    expect(second.dispute).toBe(first.dispute);
    expect(second.dispute.creditNoteSeenAt).toEqual(NOW);
    expect(second.dispute.version).toBe(4);
    expect(second.events).toEqual([]);
  });

  it.each([
    ["an open dispute", dispute()],
    ["a litigation resolution", resolvedDispute({ outcome: "litigation" })],
    ["a reopened credit-note dispute", dispute({ resolution: resolution({ outcome: "credit_note", creditNoteRef: "AV-1" }) })],
  ])("ignores %s", (_, d) => {
    const change = creditNoteReceived(d, NOW);
    expect(change.dispute).toBe(d);
    expect(change.events).toEqual([]);
  });
});

describe("assertVersion", () => {
  const d = dispute({ version: 3 });

  it("refuses a stale version with the current one", () => {
    const err = accordError(() => assertVersion(d, 2));
    expect(err).toBeInstanceOf(AccordError);
    expect(err.code).toBe("stale_version");
    expect(err.what).toEqual({ key: "stale_version", params: { number: "LIT-2026-0001", currentVersion: 3, sentVersion: 2 } });
    expect(err.details).toEqual({ number: "LIT-2026-0001", currentVersion: 3, sentVersion: 2 });
  });

  it.each([3, undefined])("accepts version %s", (v) => {
    expect(() => assertVersion(d, v)).not.toThrow();
  });
});
