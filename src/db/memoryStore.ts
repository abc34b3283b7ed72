import type {
  Counters,
  CustomerInput,
  Customers,
  DisputeFilter,
  Disputes,
  DunningRunRecord,
  DunningRuns,
  HoldChange,
  HoldRecord,
  Holds,
  IdempotencyKeys,
  ItemClaim,
  Items,
  Outbox,
  OutboxMessage,
  People,
  ReasonInput,
  Reasons,
  Repos,
  SettingsStore,
  Store,
  StoredResponse,
} from "../app/ports.ts";
import { fail } from "../domain/errors.ts";
import { mayHold } from "../domain/holds.ts";
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from "../domain/settings.ts";
import { customerSearchKey, normalizeSearch } from "../domain/search.ts";
import type { Customer, DisputedItem, Dispute, Item, Person, Reason, Resolution, TimelineEvent } from "../domain/types.ts";

// In-memory fake of every port, with the observable behaviour of the Prisma adapter (src/db/prismaStore.ts);
// src/db/store.contract.test.ts runs the same suite against both. What it copies on purpose:
// - ids autoincrement per table; an upsert that updates still uses up an id (SQLite's native upsert with
//   AUTOINCREMENT does); a rolled-back transaction gives its ids back (sqlite_sequence is rolled back too);
// - orderings are SQLite's BINARY collation (code-point order, case-sensitive), ties by id;
// - customer search is a plain substring match of normalizeSearch(q) in the stored key
//   normalizeSearch(ref + " " + name) (accents and case ignored, `%` and `_` are literal), as the adapters'
//   instr("searchKey", ?) is; the key is computed here on the fly from the stored ref and name;
// - unique violations the adapter maps become AccordError "conflict"; the ones it does not map (person
//   slack/teams id, outbox id, idempotency key, duplicate hold) and foreign keys / missing rows on update
//   throw a plain Error (StoreError), as Prisma's own errors are not AccordErrors either;
// - money goes through BigInt and back (a non-integer amount throws, as in the adapter);
// - timeline `data` and settings are stored as JSON text, so they round-trip exactly as they do in SQLite.
// Everything returned is a copy; everything stored is a copy of what was given.

/** A constraint failure the Prisma adapter does not turn into an AccordError either. */
export class StoreError extends Error {
  constructor(
    readonly code: "unique" | "foreign_key" | "not_found",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

interface DisputeRow extends Omit<Dispute, "items"> {
  /** Set only for an open customer-level dispute: one per customer (unique), as in the schema. */
  openCustomerFlagId: number | null;
}

interface TimelineRow {
  id: number;
  disputeId: number;
  type: TimelineEvent["type"];
  at: Date;
  byEmail: string | null;
  text: string | null;
  data: string | null;
}

interface OutboxRow extends OutboxMessage {
  seq: number;
}

interface State {
  seq: { person: number; customer: number; item: number; reason: number; dispute: number; timeline: number; outbox: number; run: number };
  people: Map<number, Person>;
  customers: Map<number, Customer>;
  items: Map<number, Item>;
  reasons: Map<number, Reason>;
  disputes: Map<number, DisputeRow>;
  /** disputeId -> disputed items, in insertion order */
  disputeItems: Map<number, DisputedItem[]>;
  timeline: TimelineRow[];
  /** key `${itemId}:${disputeId}` */
  holds: Map<string, HoldRecord>;
  settings: string | null;
  outbox: OutboxRow[];
  /** key `${scope}:${key}`, as the adapter stores it */
  idempotency: Map<string, StoredResponse>;
  counters: Map<string, number>;
  runs: DunningRunRecord[];
}

const emptyState = (): State => ({
  seq: { person: 0, customer: 0, item: 0, reason: 0, dispute: 0, timeline: 0, outbox: 0, run: 0 },
  people: new Map(),
  customers: new Map(),
  items: new Map(),
  reasons: new Map(),
  disputes: new Map(),
  disputeItems: new Map(),
  timeline: [],
  holds: new Map(),
  settings: null,
  outbox: [],
  idempotency: new Map(),
  counters: new Map(),
  runs: [],
});

const copy = <T>(v: T): T => structuredClone(v);

/** Money goes through a BigInt column in the adapter: same conversion, same failure on non-integers. */
const money = (v: number): number => Number(BigInt(v));

/** SQLite BINARY collation on UTF-8 text = code-point order (not UTF-16 code-unit order, not locale order). */
export function compareBinary(a: string, b: string): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000..U+FFFF in code-point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}


const byThen =
  <T>(...cmps: ((a: T, b: T) => number)[]) =>
  (a: T, b: T): number => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };

const holdKey = (itemId: number, disputeId: number) => `${itemId}:${disputeId}`;

export function memoryStore(): Store {
  let db: State = emptyState();

  const unique = (what: string): never => {
    throw new StoreError("unique", `Unique constraint failed on ${what}`);
  };
  const foreignKey = (what: string): never => {
    throw new StoreError("foreign_key", `Foreign key constraint violated on ${what}`);
  };
  const missing = (what: string): never => {
    throw new StoreError("not_found", `Record to update not found: ${what}`);
  };

  const people: People = {
    async byEmail(email) {
      const p = [...db.people.values()].find((x) => x.email === email);
      return p ? copy(p) : null;
    },
    async byEmails(emails) {
      const want = new Set(emails);
      return [...db.people.values()].filter((p) => want.has(p.email)).map(copy);
    },
    async bySlackId(slackUserId) {
      const p = [...db.people.values()].find((x) => x.slackUserId === slackUserId);
      return p ? copy(p) : null;
    },
    async list(filter) {
      return [...db.people.values()]
        .filter((p) => !filter?.role || p.role === filter.role)
        .sort(byThen((a, b) => compareBinary(a.name, b.name), (a, b) => a.id - b.id))
        .map(copy);
    },
    async upsertMany(list) {
      const out: Person[] = [];
      for (const p of list) {
        const existing = [...db.people.values()].find((x) => x.email === p.email);
        const next: Person = existing
          ? { ...existing, name: p.name, role: p.role }
          : {
              id: 0,
              email: p.email,
              name: p.name,
              role: p.role,
              managerEmail: null,
              locale: "fr",
              timezone: "Europe/Paris",
              slackUserId: null,
              teamsUserId: null,
            };
        if (p.managerEmail !== undefined) next.managerEmail = p.managerEmail;
        if (p.locale !== undefined) next.locale = p.locale;
        if (p.timezone !== undefined) next.timezone = p.timezone;
        if (p.slackUserId !== undefined) next.slackUserId = p.slackUserId;
        if (p.teamsUserId !== undefined) next.teamsUserId = p.teamsUserId;
        for (const other of db.people.values()) {
          if (other.email === p.email) continue;
          if (next.slackUserId !== null && other.slackUserId === next.slackUserId) unique("Person.slackUserId");
          if (next.teamsUserId !== null && other.teamsUserId === next.teamsUserId) unique("Person.teamsUserId");
        }
        // SQLite's native upsert (INSERT .. ON CONFLICT DO UPDATE) takes an AUTOINCREMENT id even when it updates.
        const id = ++db.seq.person;
        if (!existing) next.id = id;
        db.people.set(next.id, next);
        out.push(copy(next));
      }
      return out;
    },
  };

  const customerByRef = (ref: string) => [...db.customers.values()].find((c) => c.ref === ref);

  const customers: Customers = {
    async byRef(ref) {
      const c = customerByRef(ref);
      return c ? copy(c) : null;
    },
    async byId(id) {
      const c = db.customers.get(id);
      return c ? copy(c) : null;
    },
    async byIds(ids) {
      const want = new Set(ids);
      return [...db.customers.values()].filter((c) => want.has(c.id)).map(copy);
    },
    async byRefs(refs) {
      const want = new Set(refs);
      return [...db.customers.values()].filter((c) => want.has(c.ref)).map(copy);
    },
    async search(q, limit) {
      const t = normalizeSearch(q);
      return [...db.customers.values()]
        .filter((c) => !t || customerSearchKey(c).includes(t))
        .sort(byThen((a, b) => compareBinary(a.name, b.name), (a, b) => a.id - b.id))
        .slice(0, limit)
        .map(copy);
    },
    async list() {
      return [...db.customers.values()].sort((a, b) => compareBinary(a.ref, b.ref)).map(copy);
    },
    async upsertMany(list: CustomerInput[]) {
      const out: Customer[] = [];
      for (const c of list) {
        const existing = customerByRef(c.ref);
        const id = ++db.seq.customer; // taken even by an update, as SQLite's native upsert does
        const next: Customer = existing
          ? { ...existing, name: c.name }
          : { id, ref: c.ref, name: c.name, currency: "EUR", salesRepEmail: null, controllerEmail: null };
        if (c.currency !== undefined) next.currency = c.currency;
        if (c.salesRepEmail !== undefined) next.salesRepEmail = c.salesRepEmail;
        if (c.controllerEmail !== undefined) next.controllerEmail = c.controllerEmail;
        db.customers.set(next.id, next);
        out.push(copy(next));
      }
      return out;
    },
  };

  const itemOrder = byThen<Item>(
    (a, b) => compareBinary(a.dueOn, b.dueOn),
    (a, b) => compareBinary(a.ref, b.ref),
    (a, b) => a.id - b.id,
  );

  const items: Items = {
    async byIds(ids) {
      const want = new Set(ids);
      return [...db.items.values()].filter((i) => want.has(i.id)).map(copy);
    },
    async byRefs(customerId, refs) {
      const want = new Set(refs);
      return [...db.items.values()].filter((i) => i.customerId === customerId && want.has(i.ref)).map(copy);
    },
    async ofCustomer(customerId, filter) {
      return [...db.items.values()]
        .filter((i) => i.customerId === customerId && (!filter?.openOnly || i.openAmount !== 0))
        .sort(itemOrder)
        .map(copy);
    },
    async ofCustomers(customerIds, filter) {
      const want = new Set(customerIds);
      return [...db.items.values()]
        .filter((i) => want.has(i.customerId) && (!filter?.openOnly || i.openAmount !== 0))
        .sort(itemOrder)
        .map(copy);
    },
    async allOpen(filter) {
      const want = filter?.customerIds ? new Set(filter.customerIds) : null;
      return [...db.items.values()]
        .filter((i) => i.openAmount !== 0 && (!want || want.has(i.customerId)))
        .sort(byThen((a, b) => a.customerId - b.customerId, itemOrder))
        .map(copy);
    },
    async upsertMany(list) {
      const out: Item[] = [];
      for (const i of list) {
        const existing = [...db.items.values()].find((x) => x.customerId === i.customerId && x.ref === i.ref);
        const data = {
          kind: i.kind,
          issuedOn: i.issuedOn,
          dueOn: i.dueOn,
          amount: money(i.amount),
          openAmount: money(i.openAmount),
          currency: i.currency,
        };
        let next: Item;
        if (existing) {
          ++db.seq.item; // taken even by an update, as SQLite's native upsert does
          next = { ...existing, ...data };
        } else {
          if (!db.customers.has(i.customerId)) foreignKey("Item.customerId");
          next = { id: ++db.seq.item, customerId: i.customerId, ref: i.ref, ...data, dunningLevel: "none", lastDunnedOn: null };
        }
        if (i.dunningLevel !== undefined) next.dunningLevel = i.dunningLevel;
        if (i.lastDunnedOn !== undefined) next.lastDunnedOn = i.lastDunnedOn;
        db.items.set(next.id, next);
        out.push(copy(next));
      }
      return out;
    },
    async setDunning(updates) {
      for (const u of updates) {
        const it = db.items.get(u.itemId);
        if (!it) return missing(`Item ${u.itemId}`);
        db.items.set(it.id, { ...it, dunningLevel: u.level, lastDunnedOn: u.lastDunnedOn });
      }
    },
  };

  const reasonByCode = (code: string) => [...db.reasons.values()].find((r) => r.code === code);

  const reasons: Reasons = {
    async list(filter) {
      return [...db.reasons.values()]
        .filter((r) => !filter?.activeOnly || r.active)
        .sort(byThen((a, b) => a.sortOrder - b.sortOrder, (a, b) => compareBinary(a.code, b.code)))
        .map(copy);
    },
    async byCode(code) {
      const r = reasonByCode(code);
      return r ? copy(r) : null;
    },
    async byId(id) {
      const r = db.reasons.get(id);
      return r ? copy(r) : null;
    },
    async create(input: ReasonInput) {
      if (reasonByCode(input.code)) fail("conflict", `Reason ${input.code} already exists`, { field: "code" });
      const r: Reason = {
        id: ++db.seq.reason,
        code: input.code,
        labelFr: input.labelFr,
        labelEn: input.labelEn,
        active: input.active ?? true,
        sortOrder: input.sortOrder ?? 0,
        followUpDays: input.followUpDays ?? 7,
        slaDays: input.slaDays ?? 30,
        priority: input.priority ?? "normal",
        holdsDunning: input.holdsDunning ?? true,
      };
      db.reasons.set(r.id, r);
      return copy(r);
    },
    async update(code, patch) {
      const r = reasonByCode(code);
      if (!r) return fail("not_found", `No reason ${code}`);
      const next: Reason = { ...r };
      if (patch.labelFr !== undefined) next.labelFr = patch.labelFr;
      if (patch.labelEn !== undefined) next.labelEn = patch.labelEn;
      if (patch.active !== undefined) next.active = patch.active;
      if (patch.sortOrder !== undefined) next.sortOrder = patch.sortOrder;
      if (patch.followUpDays !== undefined) next.followUpDays = patch.followUpDays;
      if (patch.slaDays !== undefined) next.slaDays = patch.slaDays;
      if (patch.priority !== undefined) next.priority = patch.priority;
      if (patch.holdsDunning !== undefined) next.holdsDunning = patch.holdsDunning;
      db.reasons.set(next.id, next);
      return copy(next);
    },
    async inUse(reasonId) {
      return [...db.disputes.values()].some((d) => d.reasonId === reasonId);
    },
  };

  // Row <-> domain, the way the adapter's columns do it.
  const toRow = (d: Dispute, id: number): DisputeRow => {
    const res = d.resolution;
    const resolution: Resolution | null = res?.outcome
      ? {
          outcome: res.outcome,
          note: res.note ?? "",
          creditNoteRef: res.creditNoteRef ?? null,
          concededAmount: res.concededAmount == null ? null : money(res.concededAmount),
          rootCause: res.rootCause ?? null,
        }
      : null;
    const { items: _items, resolution: _resolution, ...fields } = copy(d);
    return { ...fields, id, resolution, openCustomerFlagId: d.scope === "customer" && d.status === "open" ? d.customerId : null };
  };

  const toDispute = (r: DisputeRow): Dispute => {
    const { openCustomerFlagId: _flag, ...rest } = r;
    const its = [...(db.disputeItems.get(r.id) ?? [])].sort((a, b) => a.itemId - b.itemId);
    return copy({ ...rest, items: its });
  };

  /** The unique and foreign-key checks of the Dispute row itself. */
  const checkDisputeRow = (row: DisputeRow) => {
    for (const other of db.disputes.values()) {
      if (other.id === row.id) continue;
      if (other.number === row.number || (row.openCustomerFlagId !== null && other.openCustomerFlagId === row.openCustomerFlagId))
        fail("conflict", "This customer already has an open customer-level dispute", { field: "customerRef" });
    }
    if (!db.customers.has(row.customerId)) foreignKey("Dispute.customerId");
    if (!db.reasons.has(row.reasonId)) foreignKey("Dispute.reasonId");
  };

  const matches = (d: DisputeRow, f: DisputeFilter): boolean => {
    if (f.status && d.status !== f.status) {
      if (!f.followUpBefore) return false; // followUpBefore forces status "open", as in the adapter
    }
    if (f.reasonId !== undefined && d.reasonId !== f.reasonId) return false;
    if (f.ownerEmail && d.ownerEmail !== f.ownerEmail) return false;
    if (f.customerId !== undefined && d.customerId !== f.customerId) return false;
    if (f.followUpBefore) {
      if (d.status !== "open") return false;
      if (d.followUpOn === null || compareBinary(d.followUpOn, f.followUpBefore) >= 0) return false;
    }
    if (f.salesRepEmail && db.customers.get(d.customerId)?.salesRepEmail !== f.salesRepEmail) return false;
    return true;
  };

  const disputes: Disputes = {
    async byId(id) {
      const r = db.disputes.get(id);
      return r ? toDispute(r) : null;
    },
    async byNumber(number) {
      const r = [...db.disputes.values()].find((d) => d.number === number);
      return r ? toDispute(r) : null;
    },
    async list(f) {
      const rows = [...db.disputes.values()]
        .filter((d) => matches(d, f))
        .sort(byThen((a, b) => b.openedAt.getTime() - a.openedAt.getTime(), (a, b) => b.id - a.id));
      return (f.limit ? rows.slice(0, f.limit) : rows).map(toDispute);
    },
    async openClaims(itemIds, exceptDisputeId) {
      const want = new Set(itemIds);
      const out: ItemClaim[] = [];
      for (const d of db.disputes.values()) {
        if (d.status !== "open" || (exceptDisputeId && d.id === exceptDisputeId)) continue;
        for (const di of db.disputeItems.get(d.id) ?? []) {
          if (want.has(di.itemId)) out.push({ itemId: di.itemId, disputeId: d.id, number: d.number, amount: di.amount });
        }
      }
      return out;
    },
    async openCustomerLevel(customerId) {
      const r = [...db.disputes.values()].find((d) => d.customerId === customerId && d.scope === "customer" && d.status === "open");
      return r ? toDispute(r) : null;
    },
    async holdingFor(customerIds) {
      const want = new Set(customerIds);
      return [...db.disputes.values()]
        .filter((d) => want.has(d.customerId))
        .map(toDispute)
        .filter(mayHold);
    },
    async customersWithHoldingDisputes() {
      const ids = new Set<number>();
      for (const d of db.disputes.values()) if (mayHold(toDispute(d))) ids.add(d.customerId);
      return [...ids].sort((a, b) => a - b);
    },
    async awaitingCreditNotes(customerId, refs) {
      const want = new Set(refs);
      return [...db.disputes.values()]
        .filter(
          (d) =>
            d.customerId === customerId &&
            d.status === "resolved" &&
            d.resolution?.outcome === "credit_note" &&
            d.creditNoteSeenAt === null &&
            d.resolution.creditNoteRef !== null &&
            want.has(d.resolution.creditNoteRef),
        )
        .map(toDispute);
    },
    async create(d) {
      const row = toRow(d, 0);
      checkDisputeRow(row);
      // Nested create: the dispute and its items are written together or not at all.
      const its: DisputedItem[] = [];
      for (const i of d.items) {
        if (!db.items.has(i.itemId)) foreignKey("DisputeItem.itemId");
        if (its.some((x) => x.itemId === i.itemId))
          fail("conflict", "This customer already has an open customer-level dispute", { field: "customerRef" });
        its.push({ itemId: i.itemId, amount: money(i.amount) });
      }
      row.id = ++db.seq.dispute;
      db.disputes.set(row.id, row);
      db.disputeItems.set(row.id, its);
      return toDispute(row);
    },
    async update(d, expectedVersion) {
      const stored = db.disputes.get(d.id);
      if (!stored || stored.version !== expectedVersion) return fail("stale_version", `Dispute ${d.number} changed meanwhile`, {});
      const row = toRow(d, d.id);
      checkDisputeRow(row);
      db.disputes.set(row.id, row);
      // Items replaced one by one, like the adapter (outside a transaction a failure leaves what was done).
      const want = new Map(d.items.map((i) => [i.itemId, i.amount]));
      let its = (db.disputeItems.get(d.id) ?? []).filter((c) => want.has(c.itemId));
      db.disputeItems.set(d.id, its);
      for (const [itemId, amount] of want) {
        const had = its.find((c) => c.itemId === itemId);
        if (!had) {
          if (!db.items.has(itemId)) foreignKey("DisputeItem.itemId");
          its = [...its, { itemId, amount: money(amount) }];
        } else if (had.amount !== amount) {
          its = its.map((c) => (c.itemId === itemId ? { itemId, amount: money(amount) } : c));
        }
        db.disputeItems.set(d.id, its);
      }
    },
    async appendEvents(disputeId, events) {
      for (const e of events) {
        if (!db.disputes.has(disputeId)) foreignKey("TimelineEntry.disputeId");
        db.timeline.push({
          id: ++db.seq.timeline,
          disputeId,
          type: e.type,
          at: new Date(e.at),
          byEmail: e.byEmail ?? null,
          text: e.text ?? null,
          data: e.data ? JSON.stringify(e.data) : null,
        });
      }
    },
    async timeline(disputeId) {
      return db.timeline
        .filter((r) => r.disputeId === disputeId)
        .map(
          (r): TimelineEvent => ({
            type: r.type,
            at: new Date(r.at),
            byEmail: r.byEmail,
            text: r.text,
            ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}),
          }),
        );
    },
  };

  const holds: Holds = {
    async replaceForCustomers(customerIds, rows, now) {
      const want = new Set(customerIds);
      const before = new Map<string, HoldRecord>();
      for (const [k, h] of db.holds) if (want.has(db.items.get(h.itemId)?.customerId ?? NaN)) before.set(k, h);
      const changes: HoldChange[] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        const k = holdKey(r.itemId, r.disputeId);
        seen.add(k);
        const old = before.get(k);
        if (!old) {
          if (db.holds.has(k)) unique("Hold.itemId_disputeId");
          if (!db.items.has(r.itemId)) foreignKey("Hold.itemId");
          if (!db.disputes.has(r.disputeId)) foreignKey("Hold.disputeId");
          const amount = money(r.amount);
          // (a second row with the same new key hits the primary key above, as in the adapter)
          db.holds.set(k, { itemId: r.itemId, disputeId: r.disputeId, amount, kind: r.kind, since: new Date(now) });
          changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: 0, after: r.amount });
        } else if (old.amount !== r.amount || old.kind !== r.kind) {
          db.holds.set(k, { ...old, amount: money(r.amount), kind: r.kind });
          if (old.amount !== r.amount) changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: old.amount, after: r.amount });
        }
      }
      const gone = [...before.entries()]
        .filter(([k]) => !seen.has(k))
        .sort(([, a], [, b]) => a.itemId - b.itemId || a.disputeId - b.disputeId);
      for (const [k, old] of gone) {
        db.holds.delete(k);
        changes.push({ itemId: old.itemId, disputeId: old.disputeId, before: old.amount, after: 0 });
      }
      return changes;
    },
    async list(filter) {
      const cust = filter?.customerIds ? new Set(filter.customerIds) : null;
      const disp = filter?.disputeIds ? new Set(filter.disputeIds) : null;
      return [...db.holds.values()]
        .filter((h) => (!cust || cust.has(db.items.get(h.itemId)?.customerId ?? NaN)) && (!disp || disp.has(h.disputeId)))
        .sort((a, b) => a.itemId - b.itemId || a.disputeId - b.disputeId)
        .map(copy);
    },
  };

  const settings: SettingsStore = {
    async get(): Promise<Settings> {
      if (db.settings === null) return copy(DEFAULT_SETTINGS);
      return settingsSchema.parse(JSON.parse(db.settings));
    },
    async save(s) {
      db.settings = JSON.stringify(s);
    },
  };

  const toMessage = (r: OutboxRow): OutboxMessage => {
    const { seq: _seq, ...m } = r;
    return copy(m);
  };
  const outboxRow = (id: string) => db.outbox.find((m) => m.id === id);

  const outbox: Outbox = {
    async add(messages) {
      for (const m of messages) {
        if (outboxRow(m.id)) unique("OutboxMessage.id");
        db.outbox.push({
          seq: ++db.seq.outbox,
          id: m.id,
          type: m.type,
          orderKey: m.orderKey,
          payload: m.payload,
          status: "pending",
          attempts: 0,
          nextAttemptAt: new Date(m.createdAt),
          lastError: null,
          createdAt: new Date(m.createdAt),
          deliveredAt: null,
        });
      }
    },
    async due(now, limit) {
      // Head of each order key: the oldest pending message; it is due when its attempt time has come.
      // (The adapter looks at the 5,000 oldest pending messages only; so does this.)
      const pending = db.outbox.filter((m) => m.status === "pending").slice(0, 5000);
      const heads = new Map<string, OutboxRow>();
      for (const r of pending) if (!heads.has(r.orderKey)) heads.set(r.orderKey, r);
      return [...heads.values()]
        .filter((r) => r.nextAttemptAt.getTime() <= now.getTime())
        .slice(0, limit)
        .map(toMessage);
    },
    async markDelivered(id, at) {
      const m = outboxRow(id);
      if (!m) return missing(`OutboxMessage ${id}`);
      m.status = "delivered";
      m.deliveredAt = new Date(at);
      m.lastError = null;
    },
    async markFailed(id, error, nextAttemptAt) {
      const m = outboxRow(id);
      if (!m) return missing(`OutboxMessage ${id}`);
      m.attempts += 1;
      m.lastError = error.slice(0, 1000);
      if (nextAttemptAt) m.nextAttemptAt = new Date(nextAttemptAt);
      else m.status = "dead";
    },
    async list(filter) {
      const keep = (m: OutboxRow): boolean =>
        filter.status === "failed"
          ? m.status === "dead" || (m.status === "pending" && m.attempts > 0)
          : !filter.status || m.status === filter.status;
      return db.outbox
        .filter(keep)
        .slice(0, filter.limit ?? 500)
        .map(toMessage);
    },
  };

  const idempotency: IdempotencyKeys = {
    async get(key, scope) {
      const r = db.idempotency.get(`${scope}:${key}`);
      return r ? { ...copy(r), key } : null;
    },
    async put(r) {
      const k = `${r.scope}:${r.key}`;
      if (db.idempotency.has(k)) unique("IdempotencyKey.key");
      db.idempotency.set(k, { key: k, scope: r.scope, requestHash: r.requestHash, status: r.status, body: r.body, createdAt: new Date(r.createdAt) });
    },
  };

  const counters: Counters = {
    async next(name) {
      const v = (db.counters.get(name) ?? 0) + 1;
      db.counters.set(name, v);
      return v;
    },
  };

  const runs: DunningRuns = {
    async add(run) {
      const r: DunningRunRecord = {
        id: ++db.seq.run,
        on: run.on,
        mode: run.mode,
        createdAt: new Date(run.createdAt),
        byEmail: run.byEmail ?? null,
        letters: run.letters,
      };
      db.runs.push(r);
      return copy(r);
    },
    async list(limit) {
      return [...db.runs].sort((a, b) => b.id - a.id).slice(0, limit).map(copy);
    },
  };

  const repos: Repos = { people, customers, items, reasons, disputes, holds, settings, outbox, idempotency, counters, runs };

  // One transaction at a time; a failed one puts the state back as it was before it started.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    ...repos,
    transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        const snapshot = structuredClone(db);
        try {
          return await fn(repos);
        } catch (e) {
          db = snapshot;
          throw e;
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {},
  };
}
