import { DUNNING_LEVELS, levelRank } from "./types.ts";
import type { Customer, Item, DunningLevel } from "./types.ts";
import type { Scenario } from "./settings.ts";
import { addDays, daysBetween } from "./dates.ts";

// Dunning run planning (seed 004, Clearnox "relance à la pièce / à la situation de compte").
// Pure: the run date, the scenario and the holds are arguments; the result says which letters go,
// which are not sent and where every dunned item sits afterwards. Nothing is written here.

/**
 * heldAmount: minor units held from dunning by disputes, as the holds say; the plan clamps it to 0..openAmount
 * (debit items only; credits hold nothing), so a payment imported after the holds never makes a negative claim.
 */
export interface DunningItemInput {
  item: Item;
  heldAmount: number;
  /** the numbers of the disputes holding it (said when the item is left out as fully held) */
  heldBy?: string[];
}

/** flagged = customer-level dispute open under policy "flag": letters marked (L). */
export interface DunningCustomerInput {
  customer: Customer;
  flagged: boolean;
  items: DunningItemInput[];
}

export interface LetterLine {
  itemId: number;
  ref: string;
  kind: Item["kind"];
  dueOn: string;
  openAmount: number;
  heldAmount: number;
  /** Claimed = openAmount - heldAmount; negative for credits. */
  amount: number;
  fromLevel: DunningLevel;
  /** Level the item sits at after this letter. */
  level: DunningLevel;
}

export interface Letter {
  customerId: number;
  customerRef: string;
  currency: string;
  level: DunningLevel;
  flagged: boolean;
  lines: LetterLine[];
  /** Sum of line amounts (debits claimed minus credits). */
  total: number;
  heldTotal: number;
}

export interface SkippedLetter {
  customerRef: string;
  currency: string;
  level: DunningLevel;
  total: number;
  reason: "non_positive_total";
}

/**
 * Why an open item is in no letter of the run:
 * - `not_yet_due`: its next step (`nextLevel`) is due on `until`;
 * - `min_gap`: its next step waits for the scenario's minimum gap after its last reminder, until `until`;
 * - `fully_held`: disputes (`heldBy`) hold all of its open amount;
 * - `non_positive_total`: its letter (`letterLevel`, `letterTotal`) has a net total ≤ 0 and is not sent;
 * - `last_level`: it is at the scenario's last step, no further reminder;
 * - `credit_other_level`: a credit joins a letter only at its own level, and none goes at that level.
 */
export type NotSentReason = "not_yet_due" | "min_gap" | "fully_held" | "non_positive_total" | "last_level" | "credit_other_level";

export interface ItemNotSent {
  itemId: number;
  ref: string;
  kind: Item["kind"];
  customerRef: string;
  currency: string;
  dueOn: string;
  openAmount: number;
  heldAmount: number;
  level: DunningLevel;
  reason: NotSentReason;
  nextLevel?: DunningLevel;
  until?: string;
  heldBy?: string[];
  letterLevel?: DunningLevel;
  letterTotal?: number;
}

export interface ItemUpdate {
  itemId: number;
  level: DunningLevel;
  lastDunnedOn: string;
}

export interface DunningPlan {
  on: string;
  mode: "item" | "account";
  letters: Letter[];
  skipped: SkippedLetter[];
  /** every open item left out of the letters, with why (customer, currency, due date, ref order) */
  notSent: ItemNotSent[];
  updates: ItemUpdate[];
}

/** Debit items: invoices with a positive open amount. */
function isDebit(item: Item): boolean {
  return item.kind === "invoice" && item.openAmount > 0;
}

/** Credits: credit notes and payments, and any item with a negative open amount. Zero-open items are ignored. */
function isCredit(item: Item): boolean {
  return item.openAmount !== 0 && !isDebit(item);
}

/** Held part of a debit item, clamped to 0..openAmount (credits hold nothing). */
function heldOf(e: DunningItemInput): number {
  if (!isDebit(e.item)) return 0;
  return Math.min(Math.max(e.heldAmount, 0), e.item.openAmount);
}

/** A fully held item (held >= open) never appears in a letter and does not advance. */
function fullyHeld(e: DunningItemInput): boolean {
  return isDebit(e.item) && e.heldAmount >= e.item.openAmount;
}

const maxLevel = (a: DunningLevel, b: DunningLevel): DunningLevel => (levelRank(a) >= levelRank(b) ? a : b);

/**
 * The one step a debit item may take on `on`, or null.
 * - Items advance ONE step at a time: the next step is the level right after the current one
 *   (R5 has none), so an item released after a long hold takes a single step, never a burst.
 * - "notice" (prévenance) is due when noticeOffsetDays is set and dueOn + noticeOffsetDays <= on < dueOn.
 *   An item at "none" that is already due (on >= dueOn), or with no notice configured, skips the notice
 *   and its next step is R1.
 * - Rk is due when on >= dueOn + offsets[k-1].
 * - In every case the step waits until on >= lastDunnedOn + minGapDays (when the item was dunned before).
 * Credits (and zero-open items) never advance by themselves: null. Holds are not looked at here.
 */
export function nextStepDue(item: Item, on: string, scenario: Scenario): DunningLevel | null {
  if (!isDebit(item)) return null;
  const rank = levelRank(item.dunningLevel);
  const following = DUNNING_LEVELS[rank + 1];
  if (rank < 0 || following === undefined) return null;
  let next: DunningLevel = following;
  if (next === "notice" && (scenario.noticeOffsetDays === null || on >= item.dueOn)) next = "R1";

  const daysFromDue = daysBetween(item.dueOn, on);
  if (next === "notice") {
    // noticeOffsetDays is not null here (otherwise next would be R1).
    if (!(daysFromDue >= (scenario.noticeOffsetDays ?? 0) && daysFromDue < 0)) return null;
  } else {
    // R1..R5 have ranks 2..6; Rk uses offsets[k-1].
    const offset = scenario.offsets[levelRank(next) - 2];
    if (offset === undefined || daysFromDue < offset) return null;
  }

  if (item.lastDunnedOn !== null && on < addDays(item.lastDunnedOn, scenario.minGapDays)) return null;
  return next;
}

/**
 * Why `nextStepDue` gives no step for a debit item on `on`: the next step's level and the day it will be due,
 * whichever of its offset and the minimum gap comes later; or `last_level` when the scenario has no further step.
 */
export function whyNoStep(item: Item, on: string, scenario: Scenario): { reason: "not_yet_due" | "min_gap"; nextLevel: DunningLevel; until: string } | { reason: "last_level" } {
  const rank = levelRank(item.dunningLevel);
  const following = DUNNING_LEVELS[rank + 1];
  if (rank < 0 || following === undefined) return { reason: "last_level" };
  let next: DunningLevel = following;
  if (next === "notice" && (scenario.noticeOffsetDays === null || on >= item.dueOn)) next = "R1";
  const offset = next === "notice" ? (scenario.noticeOffsetDays ?? 0) : scenario.offsets[levelRank(next) - 2];
  if (offset === undefined) return { reason: "last_level" };
  const stepOn = addDays(item.dueOn, offset);
  const gapUntil = item.lastDunnedOn !== null ? addDays(item.lastDunnedOn, scenario.minGapDays) : null;
  if (gapUntil !== null && gapUntil > on && gapUntil >= stepOn) return { reason: "min_gap", nextLevel: next, until: gapUntil };
  return { reason: "not_yet_due", nextLevel: next, until: stepOn > on ? stepOn : (gapUntil ?? stepOn) };
}

interface Draft {
  level: DunningLevel;
  lines: LetterLine[];
}

/** Debit line: the undisputed remainder is claimed, the held part is shown. */
function debitLine(e: DunningItemInput, level: DunningLevel): LetterLine {
  const held = heldOf(e);
  return {
    itemId: e.item.id,
    ref: e.item.ref,
    kind: e.item.kind,
    dueOn: e.item.dueOn,
    openAmount: e.item.openAmount,
    heldAmount: held,
    amount: e.item.openAmount - held,
    fromLevel: e.item.dunningLevel,
    level,
  };
}

/** Credit line: the ledger's open amount as is (negative for a credit), nothing held. */
function creditLine(e: DunningItemInput, level: DunningLevel): LetterLine {
  return {
    itemId: e.item.id,
    ref: e.item.ref,
    kind: e.item.kind,
    dueOn: e.item.dueOn,
    openAmount: e.item.openAmount,
    heldAmount: 0,
    amount: e.item.openAmount,
    fromLevel: e.item.dunningLevel,
    level,
  };
}

function push(map: Map<DunningLevel, LetterLine[]>, level: DunningLevel, line: LetterLine): void {
  const lines = map.get(level);
  if (lines) lines.push(line);
  else map.set(level, [line]);
}

/**
 * Per-item mode ("relance à la pièce"): every debit item with a step due goes into the letter of that
 * step's level, so one customer may get R4, R3 and R1 letters in one run. A credit joins a letter only when
 * its own level equals the letter's level (it then stays at that level and is marked as dunned today).
 */
function itemModeDrafts(entries: DunningItemInput[], on: string, scenario: Scenario): Draft[] {
  const byLevel = new Map<DunningLevel, LetterLine[]>();
  for (const e of entries) {
    if (!isDebit(e.item) || fullyHeld(e)) continue;
    const step = nextStepDue(e.item, on, scenario);
    if (step !== null) push(byLevel, step, debitLine(e, step));
  }
  for (const e of entries) {
    if (!isCredit(e.item)) continue;
    const lines = byLevel.get(e.item.dunningLevel);
    if (lines) lines.push(creditLine(e, e.item.dunningLevel));
  }
  return [...byLevel].map(([level, lines]) => ({ level, lines }));
}

/**
 * Account-statement mode ("relance à la situation de compte"): when at least one overdue, not fully held
 * debit item has a step due, ONE letter goes with all overdue, not fully held debit items and all credits,
 * at the highest of the steps due and the included debit items' current levels; afterwards every included
 * item sits at that level. Overdue means dueOn < on; an item due today whose R1 step is due
 * (offsets[0] = 0) counts as overdue, so it is never sent apart. Credits' own levels do not raise the
 * letter's level (credits never drive escalation). Debit items not yet due whose notice step is due get a
 * separate "notice" letter as in item mode; credits join it (at level "notice") only when no account letter
 * takes them.
 */
function accountModeDrafts(entries: DunningItemInput[], on: string, scenario: Scenario): Draft[] {
  const account: Array<{ e: DunningItemInput; step: DunningLevel | null }> = [];
  const noticeLines: LetterLine[] = [];
  let level: DunningLevel | null = null;
  for (const e of entries) {
    if (!isDebit(e.item) || fullyHeld(e)) continue;
    const step = nextStepDue(e.item, on, scenario);
    const overdue = e.item.dueOn < on || (step !== null && step !== "notice");
    if (overdue) {
      account.push({ e, step });
      if (step !== null) level = level === null ? step : maxLevel(level, step);
    } else if (step === "notice") {
      noticeLines.push(debitLine(e, "notice"));
    }
  }
  const credits = entries.filter((e) => isCredit(e.item));
  const drafts: Draft[] = [];
  if (level !== null) {
    for (const { e } of account) level = maxLevel(level, e.item.dunningLevel);
    const lvl: DunningLevel = level;
    drafts.push({
      level: lvl,
      lines: [...account.map(({ e }) => debitLine(e, lvl)), ...credits.map((e) => creditLine(e, lvl))],
    });
  }
  if (noticeLines.length > 0) {
    if (level === null) {
      for (const e of credits) if (e.item.dunningLevel === "notice") noticeLines.push(creditLine(e, "notice"));
    }
    drafts.push({ level: "notice", lines: noticeLines });
  }
  return drafts;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lines by dueOn, then ref (then id, so the order never depends on the input order). */
function byDueThenRef(a: LetterLine, b: LetterLine): number {
  return cmp(a.dueOn, b.dueOn) || cmp(a.ref, b.ref) || a.itemId - b.itemId;
}

/** Letters by customerRef, then currency, then level descending. */
function byCustomerCurrencyLevel(
  a: { customerRef: string; currency: string; level: DunningLevel },
  b: { customerRef: string; currency: string; level: DunningLevel },
): number {
  return cmp(a.customerRef, b.customerRef) || cmp(a.currency, b.currency) || levelRank(b.level) - levelRank(a.level);
}

/**
 * Plans one dunning run on `on`.
 * - Letters are per customer and per currency (an item's own currency; currencies are never mixed).
 * - mode "item" / "account": see itemModeDrafts / accountModeDrafts.
 * - Fully held items never appear and do not advance; partially held ones are claimed for the remainder.
 * - A letter whose net total (debits claimed minus credits) is not positive is not sent: it goes to
 *   `skipped` and produces no ItemUpdates.
 * - Flagged customers (customer-level dispute under policy "flag") are dunned normally, letters marked.
 * - Every line of a sent letter yields an ItemUpdate { level: line.level, lastDunnedOn: on }.
 * - Output is deterministic: letters (and skipped) by customerRef, currency, level descending; lines by
 *   dueOn then ref; updates in letter then line order.
 */
export function planDunningRun(input: {
  on: string;
  mode: "item" | "account";
  scenario: Scenario;
  customers: DunningCustomerInput[];
}): DunningPlan {
  const { on, mode, scenario } = input;
  const letters: Letter[] = [];
  const skipped: SkippedLetter[] = [];
  const notSent: ItemNotSent[] = [];

  for (const c of input.customers) {
    const byCurrency = new Map<string, DunningItemInput[]>();
    for (const e of c.items) {
      if (e.item.openAmount === 0) continue;
      const list = byCurrency.get(e.item.currency);
      if (list) list.push(e);
      else byCurrency.set(e.item.currency, [e]);
    }
    for (const [currency, entries] of byCurrency) {
      const drafts = mode === "account" ? accountModeDrafts(entries, on, scenario) : itemModeDrafts(entries, on, scenario);
      const sent = new Set<number>();
      const inSkipped = new Map<number, { level: DunningLevel; total: number }>();
      for (const d of drafts) {
        const lines = [...d.lines].sort(byDueThenRef);
        const total = lines.reduce((s, l) => s + l.amount, 0);
        const heldTotal = lines.reduce((s, l) => s + l.heldAmount, 0);
        if (total <= 0) {
          skipped.push({ customerRef: c.customer.ref, currency, level: d.level, total, reason: "non_positive_total" });
          for (const l of lines) inSkipped.set(l.itemId, { level: d.level, total });
          continue;
        }
        for (const l of lines) sent.add(l.itemId);
        letters.push({
          customerId: c.customer.id,
          customerRef: c.customer.ref,
          currency,
          level: d.level,
          flagged: c.flagged,
          lines,
          total,
          heldTotal,
        });
      }
      for (const e of entries) {
        if (sent.has(e.item.id)) continue;
        const base = { itemId: e.item.id, ref: e.item.ref, kind: e.item.kind, customerRef: c.customer.ref, currency, dueOn: e.item.dueOn, openAmount: e.item.openAmount, heldAmount: heldOf(e), level: e.item.dunningLevel };
        const skippedIn = inSkipped.get(e.item.id);
        if (fullyHeld(e)) notSent.push({ ...base, reason: "fully_held", heldBy: e.heldBy ?? [] });
        else if (skippedIn) notSent.push({ ...base, reason: "non_positive_total", letterLevel: skippedIn.level, letterTotal: skippedIn.total });
        else if (!isDebit(e.item)) notSent.push({ ...base, reason: "credit_other_level" });
        else notSent.push({ ...base, ...whyNoStep(e.item, on, scenario) });
      }
    }
  }

  letters.sort(byCustomerCurrencyLevel);
  skipped.sort(byCustomerCurrencyLevel);
  notSent.sort((a, b) => cmp(a.customerRef, b.customerRef) || cmp(a.currency, b.currency) || cmp(a.dueOn, b.dueOn) || cmp(a.ref, b.ref) || a.itemId - b.itemId);
  const updates: ItemUpdate[] = letters.flatMap((l) =>
    l.lines.map((line) => ({ itemId: line.itemId, level: line.level, lastDunnedOn: on })),
  );
  return { on, mode, letters, skipped, notSent, updates };
}
