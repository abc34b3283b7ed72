import type {
  DisputeFilter,
  DunningRunRecord,
  HoldChange,
  HoldRecord,
  ItemClaim,
  OutboxMessage,
  Repos,
  Store,
  StoredResponse,
} from "../app/ports.ts";
import { fail } from "../domain/errors.ts";
import { mayHold, type HoldKind } from "../domain/holds.ts";
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from "../domain/settings.ts";
import { customerSearchKey, normalizeSearch } from "../domain/search.ts";
import type {
  Customer,
  Dispute,
  DunningLevel,
  Item,
  ItemKind,
  Person,
  Priority,
  Reason,
  TimelineEvent,
} from "../domain/types.ts";
import { toCustomer, toPerson, toReason as reasonOf, toResolution, type CustomerRow, type PersonRow } from "./rows.ts";
import {
  big,
  fromDbTime,
  fromDbTimeOrNull,
  isUniqueViolation,
  jsonList,
  RecordNotFoundError,
  SqlSession,
  toDbTime,
  toDbTimeOrNull,
  type SqlSessionOptions,
} from "./sqlSession.ts";

// The ports on raw SQL (better-sqlite3), the default store. Same observable behaviour as the Prisma
// adapter (src/db/prismaStore.ts) and the same rows, column for column: DateTime as ISO text
// `2026-03-10T09:00:00.000+00:00` (what Prisma 6 writes through @prisma/adapter-better-sqlite3), BigInt
// money as integers, booleans as 0/1, createdAt/updatedAt maintained where the schema has them, upserts
// as SQLite's native INSERT .. ON CONFLICT DO UPDATE (which uses up an AUTOINCREMENT id even when it
// updates, as Prisma's does). So either adapter reads what the other wrote (store.contract.test.ts).
//
// Differences from the Prisma adapter, on purpose:
// - every port call is atomic: a top-level call is a one-call transaction, and inside a transaction a
//   multi-row call runs in a SAVEPOINT (Prisma, outside a transaction, keeps the rows written before a
//   failing one of `upsertMany`, `outbox.add`, `disputes.update`...);
// - top-level calls never see, nor join, another caller's open transaction (Prisma's single connection
//   runs them inside it);
// - waiting for the write lock of another connection (the ledger import) never blocks the event loop.
// Statement texts are constants or built from a small set of shapes, each prepared once and cached.

/** The ports with synchronous bodies: each call runs its SQL to the end before anything else can run. */
type Sync<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never };
type SyncRepos = { [K in keyof Repos]: Sync<Repos[K]> };

/** Port methods that write (the others only read, and never take the database write lock). */
const WRITES: { [K in keyof Repos]: readonly (keyof Repos[K])[] } = {
  people: ["upsertMany"],
  customers: ["upsertMany"],
  items: ["upsertMany", "setDunning"],
  reasons: ["create", "update"],
  disputes: ["create", "update", "appendEvents"],
  holds: ["replaceForCustomers"],
  settings: ["save"],
  outbox: ["add", "markDelivered", "markFailed"],
  idempotency: ["put"],
  counters: ["next"],
  runs: ["add"],
};

const q = (c: string): string => `"${c}"`;

// Explicit column lists: what the domain objects need (not the createdAt/updatedAt texts nobody reads).
const PERSON = `"id", "email", "name", "role", "managerEmail", "locale", "timezone", "slackUserId", "teamsUserId"`;
const CUSTOMER = `"id", "ref", "name", "currency", "salesRepEmail", "controllerEmail"`;
const ITEM = `"id", "customerId", "ref", "kind", "issuedOn", "dueOn", "amount", "openAmount", "currency", "dunningLevel", "lastDunnedOn"`;
const IN = (col: string): string => `${col} IN (SELECT value FROM json_each(?))`;

// ---- rows ---------------------------------------------------------------------------------------

/** A Reason row as SQLite returns it: flags as 0/1. */
interface ReasonRow {
  id: number;
  code: string;
  labelFr: string;
  labelEn: string;
  active: number;
  sortOrder: number;
  followUpDays: number;
  slaDays: number;
  priority: string;
  holdsDunning: number;
}
interface TimelineRow {
  type: string;
  at: string;
  byEmail: string | null;
  text: string | null;
  data: string | null;
}
interface HoldRow {
  itemId: number;
  disputeId: number;
  amount: number;
  kind: string;
  since: string;
}
interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  orderKey: string;
  payload: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
interface IdempotencyRow {
  key: string;
  scope: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: string;
}
interface RunRow {
  id: number;
  on: string;
  mode: string;
  createdAt: string;
  byEmail: string | null;
  letters: string;
}

/** Item rows are read as arrays (`raw`) in ITEM order: every change reads the open items of its customer. */
const toItem = (r: unknown[]): Item => ({
  id: r[0] as number,
  customerId: r[1] as number,
  ref: r[2] as string,
  kind: r[3] as ItemKind,
  issuedOn: r[4] as string,
  dueOn: r[5] as string,
  amount: r[6] as number,
  openAmount: r[7] as number,
  currency: r[8] as string,
  dunningLevel: r[9] as DunningLevel,
  lastDunnedOn: r[10] as string | null,
});

const toReason = (r: ReasonRow): Reason => reasonOf({ ...r, active: r.active !== 0, holdsDunning: r.holdsDunning !== 0 });

/** The Dispute columns written, in `disputeValues` order, as the Prisma adapter's `disputeColumns` writes them. */
const DISPUTE_COLUMNS = [
  "number",
  "customerId",
  "scope",
  "reasonId",
  "priority",
  "status",
  "statement",
  "ownerEmail",
  "openedByEmail",
  "followUpOn",
  "slaDueOn",
  "currency",
  "outcome",
  "outcomeNote",
  "creditNoteRef",
  "concededAmount",
  "rootCause",
  "creditNoteSeenAt",
  "holdsReleasedAt",
  "closedAt",
  "closedByEmail",
  "version",
  "openedAt",
  "updatedAt",
  "openCustomerFlagId",
] as const;
/**
 * Dispute rows are read as arrays (better-sqlite3 `raw`), in DISPUTE_READ order, with their items as one
 * JSON column: every change reads all the disputes of its customer (holds), so this path is hot.
 */
const DISPUTE_READ = ["id", ...DISPUTE_COLUMNS.filter((c) => c !== "openCustomerFlagId")];
/** `SELECT <DISPUTE_READ>, <items as JSON [[itemId, amount], ...]> FROM "Dispute" d` */
const DISPUTE_SELECT = `SELECT ${DISPUTE_READ.map((c) => `d.${q(c)}`).join(", ")},
  (SELECT json_group_array(json_array(di."itemId", di."amount")) FROM "DisputeItem" di WHERE di."disputeId" = d."id") FROM "Dispute" d`;

const toDispute = (r: unknown[]): Dispute => ({
  id: r[0] as number,
  number: r[1] as string,
  customerId: r[2] as number,
  scope: r[3] as Dispute["scope"],
  reasonId: r[4] as number,
  priority: r[5] as Priority,
  status: r[6] as Dispute["status"],
  statement: r[7] as string,
  ownerEmail: r[8] as string,
  openedByEmail: r[9] as string,
  followUpOn: r[10] as string | null,
  slaDueOn: r[11] as string | null,
  currency: r[12] as string,
  items: (JSON.parse(r[25] as string) as [number, number][]).map(([itemId, amount]) => ({ itemId, amount })).sort((a, b) => a.itemId - b.itemId),
  resolution: toResolution({
    outcome: r[13] as string | null,
    outcomeNote: r[14] as string | null,
    creditNoteRef: r[15] as string | null,
    concededAmount: r[16] as number | null,
    rootCause: r[17] as string | null,
  }),
  creditNoteSeenAt: fromDbTimeOrNull(r[18]),
  holdsReleasedAt: fromDbTimeOrNull(r[19]),
  closedAt: fromDbTimeOrNull(r[20]),
  closedByEmail: r[21] as string | null,
  version: r[22] as number,
  openedAt: fromDbTime(r[23]),
  updatedAt: fromDbTime(r[24]),
});


const disputeValues = (d: Dispute): unknown[] => [
  d.number,
  d.customerId,
  d.scope,
  d.reasonId,
  d.priority,
  d.status,
  d.statement,
  d.ownerEmail,
  d.openedByEmail,
  d.followUpOn ?? null,
  d.slaDueOn ?? null,
  d.currency,
  d.resolution?.outcome ?? null,
  d.resolution?.note ?? null,
  d.resolution?.creditNoteRef ?? null,
  d.resolution?.concededAmount == null ? null : big(d.resolution.concededAmount),
  d.resolution?.rootCause ?? null,
  toDbTimeOrNull(d.creditNoteSeenAt),
  toDbTimeOrNull(d.holdsReleasedAt),
  toDbTimeOrNull(d.closedAt),
  d.closedByEmail ?? null,
  d.version,
  toDbTime(d.openedAt),
  toDbTime(d.updatedAt),
  d.scope === "customer" && d.status === "open" ? d.customerId : null,
];

const toMessage = (r: OutboxRow): OutboxMessage => ({
  id: r.id,
  type: r.type,
  orderKey: r.orderKey,
  payload: r.payload,
  status: r.status as OutboxMessage["status"],
  attempts: r.attempts,
  nextAttemptAt: fromDbTime(r.nextAttemptAt),
  lastError: r.lastError,
  createdAt: fromDbTime(r.createdAt),
  deliveredAt: fromDbTimeOrNull(r.deliveredAt),
});

const toRun = (r: RunRow): DunningRunRecord => ({ id: r.id, on: r.on, mode: r.mode, createdAt: fromDbTime(r.createdAt), byEmail: r.byEmail, letters: r.letters });

/**
 * `INSERT .. ON CONFLICT (key) DO UPDATE .. RETURNING <columns>` for an upsert by a unique key where optional
 * columns not given keep their stored value (and take their default on insert). Parameters: key columns,
 * `always` columns, the given optional columns (in `optional` order), then createdAt and updatedAt.
 */
const upsertTexts = new Map<string, string>();
function upsertSql(table: string, key: readonly string[], always: readonly string[], optional: readonly string[], mask: number, returning: string): string {
  const id = `${table}:${mask}`;
  let text = upsertTexts.get(id);
  if (text === undefined) upsertTexts.set(id, (text = buildUpsertSql(table, key, always, optional, mask, returning)));
  return text;
}
function buildUpsertSql(table: string, key: readonly string[], always: readonly string[], optional: readonly string[], mask: number, returning: string): string {
  const given = optional.filter((_, i) => mask & (1 << i));
  const cols = [...key, ...always, ...given, "createdAt", "updatedAt"];
  const set = [...always, ...given, "updatedAt"].map((c) => `${q(c)} = excluded.${q(c)}`);
  return `INSERT INTO ${q(table)} (${cols.map(q).join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT (${key.map(q).join(", ")}) DO UPDATE SET ${set.join(", ")} RETURNING ${returning}`;
}

/** Bit i set when optional field i is present (not undefined); and the present values in order. */
function given(values: readonly unknown[]): { mask: number; present: unknown[] } {
  let mask = 0;
  const present: unknown[] = [];
  values.forEach((v, i) => {
    if (v !== undefined) {
      mask |= 1 << i;
      present.push(v);
    }
  });
  return { mask, present };
}

// ---- the repositories ---------------------------------------------------------------------------

function repositories(s: SqlSession): SyncRepos {
  const all = <R>(text: string, ...params: unknown[]): R[] => s.sql(text).all(...params) as R[];
  const get = <R>(text: string, ...params: unknown[]): R | undefined => s.sql(text).get(...params) as R | undefined;
  const run = (text: string, ...params: unknown[]) => s.sql(text).run(...params);
  // dispute and item reads: rows as arrays (those statements are only ever used in raw mode)
  const rawAll = (text: string, ...params: unknown[]): unknown[][] => s.sql(text).raw(true).all(...params) as unknown[][];
  const rawGet = (text: string, ...params: unknown[]): unknown[] | undefined => s.sql(text).raw(true).get(...params) as unknown[] | undefined;

  const people: SyncRepos["people"] = {
    byEmail(email) {
      const r = get<PersonRow>(`SELECT ${PERSON} FROM "Person" WHERE "email" = ?`, email);
      return r ? toPerson(r) : null;
    },
    byEmails(emails) {
      return all<PersonRow>(`SELECT ${PERSON} FROM "Person" WHERE ${IN(`"email"`)} ORDER BY "id"`, jsonList(emails)).map(toPerson);
    },
    bySlackId(slackUserId) {
      const r = get<PersonRow>(`SELECT ${PERSON} FROM "Person" WHERE "slackUserId" = ?`, slackUserId);
      return r ? toPerson(r) : null;
    },
    list(filter) {
      return (
        filter?.role
          ? all<PersonRow>(`SELECT ${PERSON} FROM "Person" WHERE "role" = ? ORDER BY "name", "id"`, filter.role)
          : all<PersonRow>(`SELECT ${PERSON} FROM "Person" ORDER BY "name", "id"`)
      ).map(toPerson);
    },
    upsertMany(list) {
      const now = toDbTime(new Date());
      return s.atomic(() =>
        list.map((p) => {
          const { mask, present } = given([p.managerEmail, p.locale, p.timezone, p.slackUserId, p.teamsUserId]);
          const text = upsertSql("Person", ["email"], ["name", "role"], ["managerEmail", "locale", "timezone", "slackUserId", "teamsUserId"], mask, PERSON);
          return toPerson(get<PersonRow>(text, p.email, p.name, p.role, ...present, now, now)!);
        }),
      );
    },
  };

  const customers: SyncRepos["customers"] = {
    byRef(ref) {
      const r = get<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" WHERE "ref" = ?`, ref);
      return r ? toCustomer(r) : null;
    },
    byId(id) {
      const r = get<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" WHERE "id" = ?`, id);
      return r ? toCustomer(r) : null;
    },
    byIds(ids) {
      return all<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" WHERE ${IN(`"id"`)} ORDER BY "id"`, jsonList(ids)).map(toCustomer);
    },
    byRefs(refs) {
      return all<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" WHERE ${IN(`"ref"`)} ORDER BY "id"`, jsonList(refs)).map(toCustomer);
    },
    search(q, limit) {
      const t = normalizeSearch(q);
      // A plain substring of the stored key (accent- and case-insensitive; no wildcards), as instr() compares.
      return (
        t
          ? all<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" WHERE instr("searchKey", ?) > 0 ORDER BY "name", "id" LIMIT ?`, t, limit)
          : all<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" ORDER BY "name", "id" LIMIT ?`, limit)
      ).map(toCustomer);
    },
    list() {
      return all<CustomerRow>(`SELECT ${CUSTOMER} FROM "Customer" ORDER BY "ref", "id"`).map(toCustomer);
    },
    upsertMany(list) {
      const now = toDbTime(new Date());
      return s.atomic(() =>
        list.map((c) => {
          const { mask, present } = given([c.currency, c.salesRepEmail, c.controllerEmail]);
          const text = upsertSql("Customer", ["ref"], ["name", "searchKey"], ["currency", "salesRepEmail", "controllerEmail"], mask, CUSTOMER);
          return toCustomer(get<CustomerRow>(text, c.ref, c.name, customerSearchKey(c), ...present, now, now)!);
        }),
      );
    },
  };

  const ITEM_ORDER = `ORDER BY "dueOn", "ref", "id"`;
  const items: SyncRepos["items"] = {
    byIds(ids) {
      return rawAll(`SELECT ${ITEM} FROM "Item" WHERE ${IN(`"id"`)} ORDER BY "id"`, jsonList(ids)).map(toItem);
    },
    byRefs(customerId, refs) {
      return rawAll(`SELECT ${ITEM} FROM "Item" WHERE "customerId" = ? AND ${IN(`"ref"`)} ORDER BY "id"`, customerId, jsonList(refs)).map(toItem);
    },
    ofCustomer(customerId, filter) {
      return (
        filter?.openOnly
          ? rawAll(`SELECT ${ITEM} FROM "Item" WHERE "customerId" = ? AND "openAmount" <> 0 ${ITEM_ORDER}`, customerId)
          : rawAll(`SELECT ${ITEM} FROM "Item" WHERE "customerId" = ? ${ITEM_ORDER}`, customerId)
      ).map(toItem);
    },
    ofCustomers(customerIds, filter) {
      return (
        filter?.openOnly
          ? rawAll(`SELECT ${ITEM} FROM "Item" WHERE ${IN(`"customerId"`)} AND "openAmount" <> 0 ${ITEM_ORDER}`, jsonList(customerIds))
          : rawAll(`SELECT ${ITEM} FROM "Item" WHERE ${IN(`"customerId"`)} ${ITEM_ORDER}`, jsonList(customerIds))
      ).map(toItem);
    },
    allOpen(filter) {
      return (
        filter?.customerIds
          ? rawAll(`SELECT ${ITEM} FROM "Item" WHERE "openAmount" <> 0 AND ${IN(`"customerId"`)} ORDER BY "customerId", "dueOn", "ref", "id"`, jsonList(filter.customerIds))
          : rawAll(`SELECT ${ITEM} FROM "Item" WHERE "openAmount" <> 0 ORDER BY "customerId", "dueOn", "ref", "id"`)
      ).map(toItem);
    },
    upsertMany(list) {
      const now = toDbTime(new Date());
      return s.atomic(() =>
        list.map((i) => {
          const { mask, present } = given([i.dunningLevel, i.lastDunnedOn]);
          const text = upsertSql("Item", ["customerId", "ref"], ["kind", "issuedOn", "dueOn", "amount", "openAmount", "currency"], ["dunningLevel", "lastDunnedOn"], mask, ITEM);
          const row = rawGet(text, i.customerId, i.ref, i.kind, i.issuedOn, i.dueOn, big(i.amount), big(i.openAmount), i.currency, ...present, now, now);
          return toItem(row!);
        }),
      );
    },
    setDunning(updates) {
      const now = toDbTime(new Date());
      s.atomic(() => {
        for (const u of updates) {
          const r = run(`UPDATE "Item" SET "dunningLevel" = ?, "lastDunnedOn" = ?, "updatedAt" = ? WHERE "id" = ?`, u.level, u.lastDunnedOn, now, u.itemId);
          if (r.changes !== 1) throw new RecordNotFoundError(`Item ${u.itemId}`);
        }
      });
    },
  };

  const reasons: SyncRepos["reasons"] = {
    list(filter) {
      return (
        filter?.activeOnly
          ? all<ReasonRow>(`SELECT * FROM "Reason" WHERE "active" = 1 ORDER BY "sortOrder", "code"`)
          : all<ReasonRow>(`SELECT * FROM "Reason" ORDER BY "sortOrder", "code"`)
      ).map(toReason);
    },
    byCode(code) {
      const r = get<ReasonRow>(`SELECT * FROM "Reason" WHERE "code" = ?`, code);
      return r ? toReason(r) : null;
    },
    byId(id) {
      const r = get<ReasonRow>(`SELECT * FROM "Reason" WHERE "id" = ?`, id);
      return r ? toReason(r) : null;
    },
    create(input) {
      try {
        const r = get<ReasonRow>(
          `INSERT INTO "Reason" ("code", "labelFr", "labelEn", "active", "sortOrder", "followUpDays", "slaDays", "priority", "holdsDunning")
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          input.code,
          input.labelFr,
          input.labelEn,
          (input.active ?? true) ? 1 : 0,
          input.sortOrder ?? 0,
          input.followUpDays ?? 7,
          input.slaDays ?? 30,
          input.priority ?? "normal",
          (input.holdsDunning ?? true) ? 1 : 0,
        );
        return toReason(r!);
      } catch (e) {
        if (isUniqueViolation(e)) fail("conflict", `Reason ${input.code} already exists`, { field: "code" });
        throw e;
      }
    },
    update(code, patch) {
      if (!get(`SELECT 1 FROM "Reason" WHERE "code" = ?`, code)) return fail("not_found", `No reason ${code}`);
      const bool = (v: boolean | undefined) => (v === undefined ? null : v ? 1 : 0);
      const r = get<ReasonRow>(
        `UPDATE "Reason" SET "labelFr" = COALESCE(?, "labelFr"), "labelEn" = COALESCE(?, "labelEn"), "active" = COALESCE(?, "active"),
           "sortOrder" = COALESCE(?, "sortOrder"), "followUpDays" = COALESCE(?, "followUpDays"), "slaDays" = COALESCE(?, "slaDays"),
           "priority" = COALESCE(?, "priority"), "holdsDunning" = COALESCE(?, "holdsDunning")
         WHERE "code" = ? RETURNING *`,
        patch.labelFr ?? null,
        patch.labelEn ?? null,
        bool(patch.active),
        patch.sortOrder ?? null,
        patch.followUpDays ?? null,
        patch.slaDays ?? null,
        patch.priority ?? null,
        bool(patch.holdsDunning),
        code,
      );
      return toReason(r!);
    },
    inUse(reasonId) {
      return get(`SELECT 1 FROM "Dispute" WHERE "reasonId" = ? LIMIT 1`, reasonId) !== undefined;
    },
  };

  const disputeById = (id: number): Dispute | null => {
    const r = rawGet(`${DISPUTE_SELECT} WHERE d."id" = ?`, id);
    return r ? toDispute(r) : null;
  };

  /** The list query of one filter shape (which filters are set), the way the Prisma adapter's `disputeWhere` builds it. */
  const listQuery = (f: DisputeFilter): { text: string; params: unknown[] } => {
    const where: string[] = [];
    const params: unknown[] = [];
    // followUpBefore forces status "open" (in the Prisma adapter its `status` key overrides the filter's)
    if (f.followUpBefore) where.push(`d."status" = 'open'`);
    else if (f.status) (where.push(`d."status" = ?`), params.push(f.status));
    if (f.reasonId !== undefined) (where.push(`d."reasonId" = ?`), params.push(f.reasonId));
    if (f.ownerEmail) (where.push(`d."ownerEmail" = ?`), params.push(f.ownerEmail));
    if (f.customerId !== undefined) (where.push(`d."customerId" = ?`), params.push(f.customerId));
    if (f.followUpBefore) (where.push(`d."followUpOn" < ?`), params.push(f.followUpBefore));
    if (f.salesRepEmail) (where.push(`d."customerId" IN (SELECT c."id" FROM "Customer" c WHERE c."salesRepEmail" = ?)`), params.push(f.salesRepEmail));
    let text = `${DISPUTE_SELECT}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY d."openedAt" DESC, d."id" DESC`;
    if (f.limit) (text += " LIMIT ?"), params.push(f.limit);
    return { text, params };
  };

  const replaceItems = (d: Dispute) => {
    const current = all<{ itemId: number; amount: number }>(`SELECT "itemId", "amount" FROM "DisputeItem" WHERE "disputeId" = ?`, d.id);
    const want = new Map(d.items.map((i) => [i.itemId, i.amount]));
    for (const c of current) {
      if (!want.has(c.itemId)) run(`DELETE FROM "DisputeItem" WHERE "disputeId" = ? AND "itemId" = ?`, d.id, c.itemId);
    }
    for (const [itemId, amount] of want) {
      const had = current.find((c) => c.itemId === itemId);
      if (!had) run(`INSERT INTO "DisputeItem" ("disputeId", "itemId", "amount") VALUES (?, ?, ?)`, d.id, itemId, big(amount));
      else if (had.amount !== amount) run(`UPDATE "DisputeItem" SET "amount" = ? WHERE "disputeId" = ? AND "itemId" = ?`, big(amount), d.id, itemId);
    }
  };

  const INSERT_DISPUTE = `INSERT INTO "Dispute" (${DISPUTE_COLUMNS.map(q).join(", ")}) VALUES (${DISPUTE_COLUMNS.map(() => "?").join(", ")}) RETURNING "id"`;
  const UPDATE_DISPUTE = `UPDATE "Dispute" SET ${DISPUTE_COLUMNS.map((c) => `${q(c)} = ?`).join(", ")} WHERE "id" = ? AND "version" = ?`;
  const customerFlagTaken = () => fail("conflict", "This customer already has an open customer-level dispute", { field: "customerRef" });

  const disputes: SyncRepos["disputes"] = {
    byId: disputeById,
    byNumber(number) {
      const r = rawGet(`${DISPUTE_SELECT} WHERE d."number" = ?`, number);
      return r ? toDispute(r) : null;
    },
    list(f) {
      const { text, params } = listQuery(f);
      return rawAll(text, ...params).map(toDispute);
    },
    openClaims(itemIds, exceptDisputeId) {
      const base = `SELECT di."itemId", di."disputeId", d."number", di."amount" FROM "DisputeItem" di JOIN "Dispute" d ON d."id" = di."disputeId"
        WHERE ${IN(`di."itemId"`)} AND d."status" = 'open'`;
      const order = ` ORDER BY di."disputeId", di."itemId"`;
      return exceptDisputeId
        ? all<ItemClaim>(`${base} AND d."id" <> ?${order}`, jsonList(itemIds), exceptDisputeId)
        : all<ItemClaim>(`${base}${order}`, jsonList(itemIds));
    },
    openCustomerLevel(customerId) {
      const r = rawGet(`${DISPUTE_SELECT} WHERE d."customerId" = ? AND d."scope" = 'customer' AND d."status" = 'open' ORDER BY d."id" LIMIT 1`, customerId);
      return r ? toDispute(r) : null;
    },
    holdingFor(customerIds) {
      return rawAll(`${DISPUTE_SELECT} WHERE ${IN(`d."customerId"`)} AND d."status" IN ('open', 'resolved') ORDER BY d."id"`, jsonList(customerIds))
        .map(toDispute)
        .filter(mayHold);
    },
    customersWithHoldingDisputes() {
      return s
        .sql(
          `SELECT DISTINCT "customerId" FROM "Dispute" WHERE "status" = 'open'
             OR ("status" = 'resolved' AND "outcome" = 'credit_note' AND "creditNoteSeenAt" IS NULL AND "concededAmount" > 0)
             OR ("status" = 'resolved' AND "outcome" = 'litigation' AND "holdsReleasedAt" IS NULL)
           ORDER BY "customerId"`,
        )
        .pluck()
        .all() as number[];
    },
    awaitingCreditNotes(customerId, refs) {
      return rawAll(
        `${DISPUTE_SELECT} WHERE d."customerId" = ? AND d."status" = 'resolved' AND d."outcome" = 'credit_note' AND d."creditNoteSeenAt" IS NULL
           AND ${IN(`d."creditNoteRef"`)} ORDER BY d."id"`,
        customerId,
        jsonList(refs),
      ).map(toDispute);
    },
    create(d) {
      let id: number;
      try {
        id = s.atomic(() => {
          const { id } = get<{ id: number }>(INSERT_DISPUTE, ...disputeValues(d))!;
          for (const i of d.items) run(`INSERT INTO "DisputeItem" ("disputeId", "itemId", "amount") VALUES (?, ?, ?)`, id, i.itemId, big(i.amount));
          return id;
        });
      } catch (e) {
        if (isUniqueViolation(e)) customerFlagTaken();
        throw e;
      }
      return disputeById(id)!;
    },
    update(d, expectedVersion) {
      s.atomic(() => {
        let changes: number;
        try {
          changes = run(UPDATE_DISPUTE, ...disputeValues(d), d.id, expectedVersion).changes;
        } catch (e) {
          if (isUniqueViolation(e)) customerFlagTaken();
          throw e;
        }
        if (changes !== 1) fail("stale_version", `Dispute ${d.number} changed meanwhile`, {});
        replaceItems(d);
      });
    },
    appendEvents(disputeId, events) {
      s.atomic(() => {
        for (const e of events) {
          run(
            `INSERT INTO "TimelineEntry" ("disputeId", "type", "at", "byEmail", "text", "data") VALUES (?, ?, ?, ?, ?, ?)`,
            disputeId,
            e.type,
            toDbTime(e.at),
            e.byEmail ?? null,
            e.text ?? null,
            e.data ? JSON.stringify(e.data) : null,
          );
        }
      });
    },
    timeline(disputeId) {
      return all<TimelineRow>(`SELECT "type", "at", "byEmail", "text", "data" FROM "TimelineEntry" WHERE "disputeId" = ? ORDER BY "id"`, disputeId).map(
        (r): TimelineEvent => ({
          type: r.type as TimelineEvent["type"],
          at: fromDbTime(r.at),
          byEmail: r.byEmail,
          text: r.text,
          ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}),
        }),
      );
    },
  };

  const HOLDS_OF_CUSTOMERS = `"itemId" IN (SELECT i."id" FROM "Item" i WHERE ${IN(`i."customerId"`)})`;
  const toHold = (h: HoldRow): HoldRecord => ({ itemId: h.itemId, disputeId: h.disputeId, amount: h.amount, kind: h.kind as HoldKind, since: fromDbTime(h.since) });

  const holds: SyncRepos["holds"] = {
    replaceForCustomers(customerIds, rows, now) {
      return s.atomic(() => {
        const existing = all<HoldRow>(`SELECT * FROM "Hold" WHERE ${HOLDS_OF_CUSTOMERS} ORDER BY "itemId", "disputeId"`, jsonList(customerIds));
        const key = (itemId: number, disputeId: number) => `${itemId}:${disputeId}`;
        const before = new Map(existing.map((h) => [key(h.itemId, h.disputeId), h]));
        const changes: HoldChange[] = [];
        const seen = new Set<string>();
        const since = toDbTime(now);
        for (const r of rows) {
          const k = key(r.itemId, r.disputeId);
          seen.add(k);
          const old = before.get(k);
          if (!old) {
            run(`INSERT INTO "Hold" ("itemId", "disputeId", "amount", "kind", "since") VALUES (?, ?, ?, ?, ?)`, r.itemId, r.disputeId, big(r.amount), r.kind, since);
            changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: 0, after: r.amount });
          } else if (old.amount !== r.amount || old.kind !== r.kind) {
            run(`UPDATE "Hold" SET "amount" = ?, "kind" = ? WHERE "itemId" = ? AND "disputeId" = ?`, big(r.amount), r.kind, r.itemId, r.disputeId);
            if (old.amount !== r.amount) changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: old.amount, after: r.amount });
          }
        }
        for (const [k, old] of before) {
          if (seen.has(k)) continue;
          run(`DELETE FROM "Hold" WHERE "itemId" = ? AND "disputeId" = ?`, old.itemId, old.disputeId);
          changes.push({ itemId: old.itemId, disputeId: old.disputeId, before: old.amount, after: 0 });
        }
        return changes;
      });
    },
    list(filter) {
      const order = ` ORDER BY "itemId", "disputeId"`;
      const c = filter?.customerIds;
      const d = filter?.disputeIds;
      const rows =
        c && d
          ? all<HoldRow>(`SELECT * FROM "Hold" WHERE ${HOLDS_OF_CUSTOMERS} AND ${IN(`"disputeId"`)}${order}`, jsonList(c), jsonList(d))
          : c
            ? all<HoldRow>(`SELECT * FROM "Hold" WHERE ${HOLDS_OF_CUSTOMERS}${order}`, jsonList(c))
            : d
              ? all<HoldRow>(`SELECT * FROM "Hold" WHERE ${IN(`"disputeId"`)}${order}`, jsonList(d))
              : all<HoldRow>(`SELECT * FROM "Hold"${order}`);
      return rows.map(toHold);
    },
  };

  const settings: SyncRepos["settings"] = {
    get(): Settings {
      const value = s.sql(`SELECT "value" FROM "Setting" WHERE "key" = 'company'`).pluck().get() as string | undefined;
      if (value === undefined) return structuredClone(DEFAULT_SETTINGS);
      return settingsSchema.parse(JSON.parse(value));
    },
    save(value) {
      run(
        `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('company', ?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
        JSON.stringify(value),
        toDbTime(new Date()),
      );
    },
  };

  const outbox: SyncRepos["outbox"] = {
    add(messages) {
      s.atomic(() => {
        for (const m of messages) {
          const at = toDbTime(m.createdAt);
          run(
            `INSERT INTO "OutboxMessage" ("id", "type", "orderKey", "payload", "status", "attempts", "nextAttemptAt", "lastError", "createdAt", "deliveredAt")
             VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL)`,
            m.id,
            m.type,
            m.orderKey,
            m.payload,
            at,
            at,
          );
        }
      });
    },
    due(now, limit) {
      // Head of each order key: the oldest pending message (among the 5,000 oldest pending, as the Prisma
      // adapter looks); it is due when its attempt time has come (compared as instants, not as text).
      const heads = all<OutboxRow>(
        `SELECT * FROM (SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p."orderKey" ORDER BY p."seq") AS "rank"
           FROM (SELECT * FROM "OutboxMessage" WHERE "status" = 'pending' ORDER BY "seq" LIMIT 5000) p)
         WHERE "rank" = 1 ORDER BY "seq"`,
      );
      const t = now.getTime();
      const out: OutboxMessage[] = [];
      for (const r of heads) {
        if (out.length >= limit) break;
        const m = toMessage(r);
        if (m.nextAttemptAt.getTime() <= t) out.push(m);
      }
      return out;
    },
    markDelivered(id, at) {
      const r = run(`UPDATE "OutboxMessage" SET "status" = 'delivered', "deliveredAt" = ?, "lastError" = NULL WHERE "id" = ?`, toDbTime(at), id);
      if (r.changes !== 1) throw new RecordNotFoundError(`OutboxMessage ${id}`);
    },
    markFailed(id, error, nextAttemptAt) {
      const r = nextAttemptAt
        ? run(`UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1, "lastError" = ?, "nextAttemptAt" = ? WHERE "id" = ?`, error.slice(0, 1000), toDbTime(nextAttemptAt), id)
        : run(`UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1, "lastError" = ?, "status" = 'dead' WHERE "id" = ?`, error.slice(0, 1000), id);
      if (r.changes !== 1) throw new RecordNotFoundError(`OutboxMessage ${id}`);
    },
    list(filter) {
      const limit = filter.limit ?? 500;
      const rows =
        filter.status === "failed"
          ? all<OutboxRow>(`SELECT * FROM "OutboxMessage" WHERE "status" = 'dead' OR ("status" = 'pending' AND "attempts" > 0) ORDER BY "seq" LIMIT ?`, limit)
          : filter.status
            ? all<OutboxRow>(`SELECT * FROM "OutboxMessage" WHERE "status" = ? ORDER BY "seq" LIMIT ?`, filter.status, limit)
            : all<OutboxRow>(`SELECT * FROM "OutboxMessage" ORDER BY "seq" LIMIT ?`, limit);
      return rows.map(toMessage);
    },
  };

  const idempotency: SyncRepos["idempotency"] = {
    get(key, scope) {
      const r = get<IdempotencyRow>(`SELECT * FROM "IdempotencyKey" WHERE "key" = ?`, `${scope}:${key}`);
      return r ? ({ key, scope: r.scope, requestHash: r.requestHash, status: r.status, body: r.body, createdAt: fromDbTime(r.createdAt) } satisfies StoredResponse) : null;
    },
    put(r) {
      run(
        `INSERT INTO "IdempotencyKey" ("key", "scope", "requestHash", "status", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
        `${r.scope}:${r.key}`,
        r.scope,
        r.requestHash,
        r.status,
        r.body,
        toDbTime(r.createdAt),
      );
    },
  };

  const counters: SyncRepos["counters"] = {
    next(name) {
      return s
        .sql(`INSERT INTO "Counter" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1 RETURNING "value"`)
        .pluck()
        .get(name) as number;
    },
  };

  const runs: SyncRepos["runs"] = {
    add(r) {
      const row = get<RunRow>(
        `INSERT INTO "DunningRun" ("on", "mode", "createdAt", "byEmail", "letters") VALUES (?, ?, ?, ?, ?) RETURNING *`,
        r.on,
        r.mode,
        toDbTime(r.createdAt),
        r.byEmail ?? null,
        r.letters,
      );
      return toRun(row!);
    },
    list(limit) {
      return all<RunRow>(`SELECT * FROM "DunningRun" ORDER BY "id" DESC LIMIT ?`, limit).map(toRun);
    },
  };

  return { people, customers, items, reasons, disputes, holds, settings, outbox, idempotency, counters, runs };
}

// ---- async faces --------------------------------------------------------------------------------

type Call = (write: boolean, body: () => unknown) => Promise<unknown>;
type Method = { collection: keyof Repos; name: string; fn: (...args: unknown[]) => unknown; write: boolean };

/** Every port method once, with whether it writes. */
function methodTable(sync: SyncRepos): Method[] {
  const out: Method[] = [];
  for (const [collection, methods] of Object.entries(sync) as [keyof Repos, Record<string, (...args: unknown[]) => unknown>][]) {
    const writes = WRITES[collection] as readonly string[];
    for (const [name, fn] of Object.entries(methods)) out.push({ collection, name, fn, write: writes.includes(name) });
  }
  return out;
}

/** The async Repos over the synchronous ones, every call going through `call`. */
function face(table: readonly Method[], call: Call): Repos {
  const out: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const { collection, name, fn, write } of table) (out[collection] ??= {})[name] = (...args) => call(write, () => fn(...args));
  return out as unknown as Repos;
}

const direct = (body: () => unknown): Promise<unknown> => {
  try {
    return Promise.resolve(body());
  } catch (e) {
    return Promise.reject(e);
  }
};

export type SqlStoreOptions = SqlSessionOptions;

/**
 * The store on raw SQL over one better-sqlite3 connection to `file` (already migrated).
 * `transaction(fn)`: one at a time, `BEGIN IMMEDIATE` retried asynchronously while another connection
 * writes, `COMMIT`, or `ROLLBACK` if `fn` throws. Top-level calls: reads run outside any open
 * transaction (waiting for it), writes are one-call transactions.
 */
export function sqlStore(file: string, opts: SqlStoreOptions = {}): Store {
  const session = new SqlSession(file, opts);
  const table = methodTable(repositories(session));
  const top = face(table, (write, body) => (write ? session.write(body) : session.read(body)));
  return {
    ...top,
    transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
      return session.write(async () => {
        let open = true;
        const tx = face(table, (_write, body) => (open ? direct(body) : Promise.reject(new Error("This transaction is already closed: use the store, not a transaction's repositories, after it ended"))));
        try {
          return await fn(tx);
        } finally {
          open = false;
        }
      });
    },
    close: () => session.close(),
  };
}
