import { CompiledQuery, sql, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import type {
  Absence,
  DigestChartRow,
  DigestLateOwner,
  DigestReasonSplit,
  DigestSubscription,
  DisputeFilter,
  DunningRunRecord,
  HoldRecord,
  ItemClaim,
  OutboxChannel,
  OutboxMessage,
  PostedCard,
  PostedTeamsCard,
  RateKey,
  RateReservation,
  TeamsConversationRef,
  Repos,
  Store,
  StoredResponse,
} from "../app/ports.ts";
import { diffDisputeItems, diffHolds } from "../domain/diffs.ts";
import { fail } from "../domain/errors.ts";
import { mayHold, type HoldingDispute, type HoldingItem, type HoldKind } from "../domain/holds.ts";
import { customerSearchKey, normalizeSearch } from "../domain/search.ts";
import { todayIn } from "../domain/dates.ts";
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from "../domain/settings.ts";
import type { Customer, Dispute, DunningLevel, Item, ItemKind, Locale, Outcome, Person, Priority, Reason, Role, TimelineEvent } from "../domain/types.ts";
import { connect, type Connection, type DatabaseOptions, type DatabaseTarget } from "./connect.ts";
import type { Dialect } from "./dialect.ts";
import { migratePostgres, migrateSqlite } from "./migrate.ts";
import { openSqlite } from "./sqlite.ts";
import pg from "pg";
import { pgConfig } from "./connect.ts";
import type { Database, Row } from "./schema.ts";
import { shapedQueries } from "./shapes.ts";

// The one store: every port of src/app/ports.ts written once with Kysely, on SQLite and PostgreSQL.
// What differs between the two lives in dialect.ts (and the drivers); rules stay in the domain
// (mayHold, diffHolds, diffDisputeItems), the store only reads and writes rows.
//
// Atomicity: a top-level write call is a transaction of its own; inside `transaction(fn)` every call
// joins the caller's transaction. On PostgreSQL, `transaction` runs at READ COMMITTED and changes of a
// customer's disputes and holds serialise on that customer's row (`customers.lock`).

type Executor = Kysely<Database>;

/** Port methods that write: at top level each runs in a transaction of its own. */
const WRITES: { [K in keyof Repos]: readonly (keyof Repos[K])[] } = {
  people: ["upsertMany", "setOpenerUpdates"],
  customers: ["upsertMany", "lock"],
  items: ["upsertMany", "setDunning"],
  reasons: ["create", "update"],
  disputes: ["create", "update", "appendEvents", "moveFollowUp"],
  holds: ["replaceForCustomers"],
  settings: ["save"],
  outbox: ["add", "claim", "markDelivered", "markFailed", "retry", "defer"],
  idempotency: ["put"],
  counters: ["next"],
  runs: ["add"],
  slack: ["addCard", "removeCard", "putDmChannel", "firstSeen", "forget", "prune"],
  rates: ["take", "reserve", "settle", "block", "unblock", "notBefore", "release"],
  followUps: ["ensure", "put", "reset", "addNotice"],
  overview: [],
  digest: ["subscribe", "unsubscribe", "addRun", "cover"],
  charts: ["put", "deleteExpired"],
  absences: ["add", "remove"],
  teams: ["putConversation", "addCard", "removeCard", "pin", "setLastPlatform", "setChatPlatform", "markUnreachable", "markReachable"],
};

/**
 * Writes of several statements. On SQLite, inside a caller's transaction each runs in a SAVEPOINT (a few
 * microseconds), so a failing call leaves nothing of itself behind and the transaction can go on. On
 * PostgreSQL a failed statement dooms its whole transaction (it can only roll back: no use case catches
 * a store error inside a transaction), so no savepoint round trips are spent there.
 */
const MULTI_STATEMENT: { [K in keyof Repos]?: readonly (keyof Repos[K])[] } = {
  people: ["upsertMany"],
  customers: ["upsertMany"],
  items: ["upsertMany", "setDunning"],
  reasons: ["create"],
  disputes: ["create", "update"],
  holds: ["replaceForCustomers"],
  // (outbox.claim: one statement on PostgreSQL; on SQLite every write has its transaction anyway)
  outbox: ["add"],
  rates: ["take", "reserve", "settle", "block", "release"],
  digest: ["subscribe"],
};

/** An update of a row that does not exist. */
export class RecordNotFoundError extends Error {
  constructor(what: string) {
    super(`Record to update not found: ${what}`);
    this.name = "RecordNotFoundError";
  }
}

// ---- rows -> domain ---------------------------------------------------------------------------

const PERSON = ["id", "email", "name", "role", "managerEmail", "locale", "timezone", "slackUserId", "teamsUserId"] as const;
const CUSTOMER = ["id", "ref", "name", "currency", "salesRepEmail", "controllerEmail"] as const;
const ITEM = ["id", "customerId", "ref", "kind", "issuedOn", "dueOn", "amount", "openAmount", "currency", "dunningLevel", "lastDunnedOn"] as const;
const REASON = ["id", "code", "labelFr", "labelEn", "active", "sortOrder", "followUpDays", "slaDays", "priority", "holdsDunning"] as const;
const DISPUTE_WRITTEN = [
  "number", "customerId", "scope", "reasonId", "priority", "status", "statement", "ownerEmail", "openedByEmail", "followUpOn",
  "slaDueOn", "currency", "outcome", "outcomeNote", "creditNoteRef", "concededAmount", "rootCause", "creditNoteSeenAt",
  "holdsReleasedAt", "closedAt", "closedByEmail", "version", "openedAt", "updatedAt",
] as const;
const DISPUTE = ["id", ...DISPUTE_WRITTEN] as const;

type PersonRow = Pick<Row<"Person">, (typeof PERSON)[number]>;
type CustomerRow = Pick<Row<"Customer">, (typeof CUSTOMER)[number]>;
type ItemRow = Pick<Row<"Item">, (typeof ITEM)[number]>;
type ReasonRow = Pick<Row<"Reason">, (typeof REASON)[number]>;
type DisputeRow = Pick<Row<"Dispute">, (typeof DISPUTE)[number]> & { items: unknown };

// A row is a fresh object of exactly the selected columns: these only give it its domain type.
const toPerson = (r: PersonRow): Person => r as PersonRow & { role: Role; locale: Locale };
const toCustomer = (r: CustomerRow): Customer => r;
const toItem = (r: ItemRow): Item => r as ItemRow & { kind: ItemKind; dunningLevel: DunningLevel };
const toReason = (r: ReasonRow): Reason => r as ReasonRow & { priority: Priority };

/** A dispute's items from their JSON sub-select (dialect.disputeItemsJson), by item id. */
function disputeItems(json: unknown, dialect: Dialect): Dispute["items"] {
  return dialect
    .jsonValue<[number, number][]>(json)
    .map(([itemId, amount]) => ({ itemId: Number(itemId), amount: Number(amount) }))
    .sort((a, b) => a.itemId - b.itemId);
}

/** The columns the hold rules read of a dispute (HoldingDispute), its items' JSON aside. */
const HOLDING = ["id", "customerId", "scope", "status", "reasonId", "outcome", "concededAmount", "creditNoteSeenAt", "holdsReleasedAt", "openedAt"] as const;
type HoldingRow = Pick<Row<"Dispute">, (typeof HOLDING)[number]> & { items: unknown };

function toHoldingDispute(r: HoldingRow, dialect: Dialect): HoldingDispute {
  return {
    id: r.id,
    customerId: r.customerId,
    scope: r.scope as Dispute["scope"],
    status: r.status as Dispute["status"],
    reasonId: r.reasonId,
    items: disputeItems(r.items, dialect),
    resolution: r.outcome ? { outcome: r.outcome as Outcome, concededAmount: r.concededAmount } : null,
    creditNoteSeenAt: r.creditNoteSeenAt,
    holdsReleasedAt: r.holdsReleasedAt,
    openedAt: r.openedAt,
  };
}

function toDispute(r: DisputeRow, dialect: Dialect): Dispute {
  const items = disputeItems(r.items, dialect);
  return {
    id: r.id,
    number: r.number,
    customerId: r.customerId,
    scope: r.scope as Dispute["scope"],
    reasonId: r.reasonId,
    priority: r.priority as Priority,
    status: r.status as Dispute["status"],
    statement: r.statement,
    ownerEmail: r.ownerEmail,
    openedByEmail: r.openedByEmail,
    followUpOn: r.followUpOn,
    slaDueOn: r.slaDueOn,
    currency: r.currency,
    items,
    // a dispute is resolved when its row has an outcome; a resolution stored without a note reads as ""
    resolution: r.outcome
      ? { outcome: r.outcome as Outcome, note: r.outcomeNote ?? "", creditNoteRef: r.creditNoteRef, concededAmount: r.concededAmount, rootCause: r.rootCause }
      : null,
    creditNoteSeenAt: r.creditNoteSeenAt,
    holdsReleasedAt: r.holdsReleasedAt,
    closedAt: r.closedAt,
    closedByEmail: r.closedByEmail,
    version: r.version,
    openedAt: r.openedAt,
    updatedAt: r.updatedAt,
  };
}

function disputeColumns(d: Dispute) {
  return {
    number: d.number,
    customerId: d.customerId,
    scope: d.scope,
    reasonId: d.reasonId,
    priority: d.priority,
    status: d.status,
    statement: d.statement,
    ownerEmail: d.ownerEmail,
    openedByEmail: d.openedByEmail,
    followUpOn: d.followUpOn ?? null,
    slaDueOn: d.slaDueOn ?? null,
    currency: d.currency,
    outcome: d.resolution?.outcome ?? null,
    outcomeNote: d.resolution?.note ?? null,
    creditNoteRef: d.resolution?.creditNoteRef ?? null,
    concededAmount: d.resolution?.concededAmount ?? null,
    rootCause: d.resolution?.rootCause ?? null,
    creditNoteSeenAt: d.creditNoteSeenAt,
    holdsReleasedAt: d.holdsReleasedAt,
    closedAt: d.closedAt,
    closedByEmail: d.closedByEmail ?? null,
    version: d.version,
    openedAt: d.openedAt,
    updatedAt: d.updatedAt,
    // the unique "one open customer-level dispute per customer"
    openCustomerFlagId: d.scope === "customer" && d.status === "open" ? d.customerId : null,
    // the sum of its items' disputed amounts, written with them (create, update): the digest and the manager
    // view sum Dispute rows instead of reading every dispute's DisputeItem rows
    disputedAmount: d.items.reduce((s, i) => s + i.amount, 0),
  };
}

/** The NOTIFY channel of the queue: every replica's delivery loop LISTENs to it (src/db/notify.ts). */
export const OUTBOX_NOTIFY = "accord_outbox";

const toMessage = (r: Row<"OutboxMessage">): OutboxMessage => ({
  seq: Number(r.seq),
  id: r.id,
  channel: r.channel as OutboxChannel,
  type: r.type,
  orderKey: r.orderKey,
  payload: r.payload,
  status: r.status as OutboxMessage["status"],
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  createdAt: r.createdAt,
  deliveredAt: r.deliveredAt,
  claimedUntil: r.claimedUntil,
});

const toRun = (r: Row<"DunningRun">): DunningRunRecord => ({ id: r.id, on: r.on, mode: r.mode, createdAt: r.createdAt, byEmail: r.byEmail, letters: r.letters });

const toCard = (r: Row<"SlackCard">): PostedCard => ({
  disputeId: r.disputeId,
  channel: r.channel,
  ts: r.ts,
  kind: r.kind === "channel" ? "channel" : r.kind === "reminder" ? "reminder" : "dm",
  viewerEmail: r.viewerEmail,
  postedAt: r.postedAt,
  ...(r.notice ? { notice: r.notice } : {}),
});

const toTeamsCard = (r: Row<"TeamsCard">): PostedTeamsCard => ({
  disputeId: r.disputeId,
  conversationId: r.conversationId,
  activityId: r.activityId,
  kind: r.kind === "channel" ? "channel" : r.kind === "reminder" ? "reminder" : "dm",
  viewerEmail: r.viewerEmail,
  postedAt: r.postedAt,
  ...(r.notice ? { notice: r.notice } : {}),
});

const toConversation = (r: Row<"TeamsConversation">): TeamsConversationRef => ({
  ...r,
  kind: r.kind === "channel" ? "channel" : r.kind === "groupChat" ? "groupChat" : "personal",
});

/** Only the keys whose value is given (not undefined): upserts keep the stored value of the others. */
function given<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// ---- the repositories -------------------------------------------------------------------------

/** Multi-row inserts of more rows than this are built each time (not one shape per row count). */
const MAX_SHAPED_ROWS = 8;

/**
 * The ports on one executor, every call run directly on it: for a transaction (`store.transaction`, or
 * one the caller opened on this connection, as the ledger import does).
 */
export function repositoriesOn(db: Executor, dialect: Dialect): Repos {
  const inList = dialect.inList;
  // the queries of a use case's every call: compiled once per shape (shapes.ts)
  const shaped = shapedQueries(dialect.name);
  const list = dialect.listParam;
  const inParam = dialect.inListParam;

  const disputeSelect = () =>
    db
      .selectFrom("Dispute as d")
      .select(DISPUTE.map((c) => `d.${c}` as const))
      .select(dialect.disputeItemsJson("d.id").as("items"));

  // Pacing (rates): one row per GCRA key; a window key's row holds its block and `burst` slot rows its calls.
  // Every call of the deliverer runs these: their queries are shapes, compiled once (a slot list is one parameter).
  const slotNames = (k: RateKey): string[] => Array.from({ length: Math.max(1, k.burst ?? 1) }, (_, i) => `${k.key}#${i}`);
  type RateRow = { key: string; tat: unknown; blockedUntil: unknown };
  const setTat = (key: string, tat: Date, now: Date) =>
    shaped(db, "rates.setTat", [tat, now, key], (tat, now, key) => db.updateTable("RateLimit").set({ tat, updatedAt: now }).where("key", "=", key));
  const createRows = async (keys: readonly string[], now: Date) => {
    for (let i = 0; i < keys.length; i += 1000)
      await db
        .insertInto("RateLimit")
        .values(keys.slice(i, i + 1000).map((key) => ({ key, tat: now, blockedUntil: null, reason: null, updatedAt: now })))
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
  };
  const notBefore = async (key: string, at: Date, now: Date): Promise<void> => {
    // one statement (the row lock of the update is enough); a key never taken yet gets its row
    const r = await shaped(db, "rates.notBefore", [at, now, key], (at, now, key) => db.updateTable("RateLimit").set({ tat: at, updatedAt: now }).where("key", "=", key).where("tat", "<", at));
    if (Number(r.numAffectedRows ?? 0) === 0) {
      await db.insertInto("RateLimit").values({ key, tat: at, blockedUntil: null, reason: null, updatedAt: now }).onConflict((oc) => oc.column("key").doNothing()).execute();
    }
  };
  // A window slot held for a reservation (`from`: its instant plus two windows) moved to `to`: settled (the call's
  // completion plus the window) or released (the reservation's instant). The slots are interchangeable: any one held
  // for that instant and not settled yet is this call's (one statement); none such (settled already): nothing moves.
  const moveHeldSlot = (key: RateKey, from: Date, to: Date, now: Date) =>
    shaped(db, "rates.settle", [to, now, list(slotNames(key)), from], (to, now, all, from) =>
      db
        .updateTable("RateLimit")
        .set({ tat: to, reason: null, updatedAt: now })
        .where("key", "=", (eb) => eb.selectFrom("RateLimit").select("key").where(inParam("key", all)).where("reason", "=", "held").where("tat", "=", from).limit(1)),
    );
  const reserveSlots = async (keys: readonly RateKey[], now: Date, maxWaitMs: number): Promise<RateReservation> => {
    if (!keys.length) return { taken: true, inMs: 0 };
    const names = [...new Set(keys.map((k) => k.key))].sort();
    // the keys' own rows under their row locks (PostgreSQL: in key order, so two callers never wait on each
    // other crosswise): every caller of a window key waits here, so its slots are read and moved by one at a time
    const locked = async () =>
      (
        await shaped(db, `rates.rows:${dialect.rowLocks}`, [list(names)], (names) => {
          const q = db.selectFrom("RateLimit").select(["key", "tat", "blockedUntil"]).where(inParam("key", names)).orderBy("key");
          return dialect.rowLocks ? q.forUpdate() : q;
        })
      ).rows as RateRow[];
    let rows = new Map((await locked()).map((r) => [r.key, r]));
    // a key's first call creates its row (once; every later call only reads and moves it)
    if (rows.size < names.length) {
      await createRows(names.filter((key) => !rows.has(key)), now);
      rows = new Map((await locked()).map((r) => [r.key, r]));
    }
    const t = now.getTime();
    // the earliest instant every key allows
    let at = t;
    const slotOf = new Map<RateKey, string>();
    for (const k of keys) {
      const r = rows.get(k.key);
      if (!r) continue;
      const blocked = r.blockedUntil ? asDate(r.blockedUntil).getTime() : 0;
      at = Math.max(at, blocked);
      if (k.window) {
        // the slot free first (and how many there are: the first call, or a larger burst, creates the missing ones)
        const all = slotNames(k);
        const first = async () =>
          (
            await shaped(db, "rates.firstSlot", [list(all)], (all) =>
              db
                .selectFrom("RateLimit")
                .select(["key", "tat", sql<number>`COUNT(*) OVER ()`.as("n")])
                .where(inParam("key", all))
                .orderBy("tat")
                .orderBy("key")
                .limit(1),
            )
          ).rows[0] as { key: string; tat: unknown; n: unknown } | undefined;
        let slot = await first();
        if (!slot || Number(slot.n) < all.length) {
          await createRows(all, now);
          slot = await first();
        }
        slotOf.set(k, slot!.key);
        at = Math.max(at, asDate(slot!.tat).getTime());
      } else {
        at = Math.max(at, asDate(r.tat).getTime() - ((k.burst ?? 1) - 1) * k.intervalMs);
      }
    }
    if (at - t > maxWaitMs) return { taken: false, waitMs: at - t };
    for (const k of keys) {
      const r = rows.get(k.key);
      if (!r) continue;
      const slot = slotOf.get(k);
      // held for two windows until the call is settled (its completion plus one window): however late the call
      // leaves after `at`, no other call can take its slot before it has come back
      // (marked `held`: a settle moves only a slot still held, never one another call settled at the same instant)
      if (slot)
        await shaped(db, "rates.holdSlot", [new Date(at + 2 * (k.burst ?? 1) * k.intervalMs), now, slot], (tat, now, key) =>
          db.updateTable("RateLimit").set({ tat, reason: "held", updatedAt: now }).where("key", "=", key),
        );
      else await setTat(k.key, new Date(Math.max(asDate(r.tat).getTime(), at) + k.intervalMs), now);
    }
    return { taken: true, inMs: at - t };
  };

  const disputeById = async (id: number): Promise<Dispute | null> => {
    const [r] = (await shaped(db, "disputes.byId", [id], (id) => disputeSelect().where("d.id", "=", id))).rows;
    return r ? toDispute(r as DisputeRow, dialect) : null;
  };
  const disputes = async (rows: Promise<unknown[]>): Promise<Dispute[]> => (await rows).map((r) => toDispute(r as DisputeRow, dialect));

  /** Open disputes with their customer, owner (may be unknown), overdue episode and disputed amount. */
  const openWithAmounts = () =>
    db
      .selectFrom("Dispute as d")
      .innerJoin("Customer as c", "c.id", "d.customerId")
      .leftJoin("Person as p", "p.email", "d.ownerEmail")
      .leftJoin("FollowUp as f", "f.disputeId", "d.id")
      .where("d.status", "=", "open");
  /** A dispute's disputed amount: the sum of its DisputeItem amounts, stored on the row with its items (disputeColumns). */
  const disputedAmount = sql<number>`${sql.ref("d.disputedAmount")}`;

  /** The digest's filters on "Dispute" d (a reason code, an owner, a manager's team) as one condition. */
  const digestScope = (f: { reasonCode?: string | undefined; ownerEmail?: string | undefined; team?: string | undefined }): RawBuilder<SqlBool> => {
    const conds: RawBuilder<SqlBool>[] = [];
    if (f.reasonCode !== undefined) conds.push(sql<SqlBool>`d."reasonId" IN (SELECT r2."id" FROM "Reason" r2 WHERE r2."code" = ${f.reasonCode})`);
    if (f.ownerEmail !== undefined) conds.push(sql<SqlBool>`d."ownerEmail" = ${f.ownerEmail}`);
    if (f.team !== undefined) conds.push(sql<SqlBool>`d."ownerEmail" IN (SELECT p2."email" FROM "Person" p2 WHERE p2."managerEmail" = ${f.team})`);
    return conds.length ? sql<SqlBool>`(${sql.join(conds, sql` AND `)})` : sql<SqlBool>`1 = 1`;
  };

  const customerFlagTaken = (): never => fail("conflict", "customer_already_flagged", {}, { field: "customerRef" });

  /** A multi-row INSERT of rows with the same keys, one shape per (table, keys, row count) for the usual few rows. */
  const insertRows = async <T extends "TimelineEntry" | "Hold" | "DisputeItem">(table: T, rows: Record<string, unknown>[]): Promise<void> => {
    if (rows.length > MAX_SHAPED_ROWS) {
      await db.insertInto(table).values(rows as never).execute();
      return;
    }
    const keys = Object.keys(rows[0]!);
    const values = rows.flatMap((r) => keys.map((k) => r[k]));
    await shaped(db, `insert:${table}:${keys.join(",")}:${rows.length}`, values, (...v) =>
      db.insertInto(table).values(rows.map((_, j) => Object.fromEntries(keys.map((k, i) => [k, v[j * keys.length + i]]))) as never),
    );
  };
  const insertDisputeItems = (disputeId: number, items: readonly { itemId: number; amount: number }[]) =>
    insertRows("DisputeItem", items.map((i) => ({ disputeId, itemId: i.itemId, amount: i.amount })));

  const repos: Repos = {
    people: {
      async byEmail(email) {
        const [r] = (await shaped(db, "people.byEmail", [email], (email) => db.selectFrom("Person").select(PERSON).where("email", "=", email))).rows;
        return r ? toPerson(r) : null;
      },
      async byEmails(emails) {
        if (!emails.length) return [];
        return (await db.selectFrom("Person").select(PERSON).where(inList("email", emails)).orderBy("id").execute()).map(toPerson);
      },
      async bySlackId(slackUserId) {
        const [r] = (await shaped(db, "people.bySlackId", [slackUserId], (id) => db.selectFrom("Person").select(PERSON).where("slackUserId", "=", id))).rows;
        return r ? toPerson(r) : null;
      },
      async list(filter) {
        let q = db.selectFrom("Person").select(PERSON);
        if (filter?.role) q = q.where("role", "=", filter.role);
        return (await q.orderBy("name").orderBy("id").execute()).map(toPerson);
      },
      async upsertMany(list) {
        const now = new Date();
        const out: Person[] = [];
        for (const p of list) {
          const optional = given({ managerEmail: p.managerEmail, locale: p.locale, timezone: p.timezone, slackUserId: p.slackUserId, teamsUserId: p.teamsUserId });
          const set = { name: p.name, role: p.role, ...optional, updatedAt: now };
          const r = await db
            .insertInto("Person")
            .values({ email: p.email, ...set, createdAt: now })
            .onConflict((oc) => oc.column("email").doUpdateSet(set))
            .returning(PERSON)
            .executeTakeFirstOrThrow();
          out.push(toPerson(r));
        }
        return out;
      },
      async openerUpdatesOff(emails) {
        if (!emails.length) return [];
        const rows = await db.selectFrom("Person").select("email").where(inList("email", emails)).where("notifyOpenerUpdates", "=", false).execute();
        return rows.map((r) => r.email);
      },
      async openerUpdates(email) {
        const r = await db.selectFrom("Person").select("notifyOpenerUpdates").where("email", "=", email).executeTakeFirst();
        return r?.notifyOpenerUpdates ?? false;
      },
      async setOpenerUpdates(email, on) {
        const r = await db.updateTable("Person").set({ notifyOpenerUpdates: on, updatedAt: new Date() }).where("email", "=", email).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
    },

    customers: {
      async byRef(ref) {
        const [r] = (await shaped(db, "customers.byRef", [ref], (ref) => db.selectFrom("Customer").select(CUSTOMER).where("ref", "=", ref))).rows;
        return r ? toCustomer(r) : null;
      },
      async byId(id) {
        const [r] = (await shaped(db, "customers.byId", [id], (id) => db.selectFrom("Customer").select(CUSTOMER).where("id", "=", id))).rows;
        return r ? toCustomer(r) : null;
      },
      async byIds(ids) {
        if (!ids.length) return [];
        return (await db.selectFrom("Customer").select(CUSTOMER).where(inList("id", ids)).orderBy("id").execute()).map(toCustomer);
      },
      async byRefs(refs) {
        if (!refs.length) return [];
        return (await db.selectFrom("Customer").select(CUSTOMER).where(inList("ref", refs)).orderBy("id").execute()).map(toCustomer);
      },
      async search(q, limit) {
        const t = normalizeSearch(q);
        let query = db.selectFrom("Customer").select(CUSTOMER);
        // a plain substring of the stored key (accents and case folded in TypeScript; no wildcards)
        if (t) query = query.where(dialect.contains("searchKey", t));
        return (await query.orderBy("name").orderBy("id").limit(limit).execute()).map(toCustomer);
      },
      async list() {
        return (await db.selectFrom("Customer").select(CUSTOMER).orderBy("ref").orderBy("id").execute()).map(toCustomer);
      },
      async upsertMany(list) {
        const now = new Date();
        const out: Customer[] = [];
        for (const c of list) {
          const set = {
            name: c.name,
            searchKey: customerSearchKey(c),
            ...given({ currency: c.currency, salesRepEmail: c.salesRepEmail, controllerEmail: c.controllerEmail }),
            updatedAt: now,
          };
          const r = await db
            .insertInto("Customer")
            .values({ ref: c.ref, ...set, createdAt: now })
            .onConflict((oc) => oc.column("ref").doUpdateSet(set))
            .returning(CUSTOMER)
            .executeTakeFirstOrThrow();
          out.push(toCustomer(r));
        }
        return out;
      },
      async lock(ids) {
        if (!dialect.rowLocks || !ids.length) return false;
        const sorted = [...new Set(ids)].sort((a, b) => a - b);
        await shaped(db, "customers.lock", [list(sorted)], (ids) => db.selectFrom("Customer").select("id").where(inParam("id", ids)).orderBy("id").forUpdate());
        return true;
      },
    },

    items: {
      async byIds(ids) {
        if (!ids.length) return [];
        return (await shaped(db, "items.byIds", [list(ids)], (ids) => db.selectFrom("Item").select(ITEM).where(inParam("id", ids)).orderBy("id"))).rows.map(toItem);
      },
      async byRefs(customerId, refs) {
        if (!refs.length) return [];
        const r = await shaped(db, "items.byRefs", [customerId, list(refs)], (c, refs) => db.selectFrom("Item").select(ITEM).where("customerId", "=", c).where(inParam("ref", refs)).orderBy("id"));
        return r.rows.map(toItem);
      },
      async ofCustomer(customerId, filter) {
        let q = db.selectFrom("Item").select(ITEM).where("customerId", "=", customerId);
        if (filter?.openOnly) q = q.where("openAmount", "<>", 0);
        return (await q.orderBy("dueOn").orderBy("ref").orderBy("id").execute()).map(toItem);
      },
      async ofCustomers(customerIds, filter) {
        if (!customerIds.length) return [];
        const openOnly = Boolean(filter?.openOnly);
        const r = await shaped(db, `items.ofCustomers:${openOnly}`, [list(customerIds)], (ids) => {
          let q = db.selectFrom("Item").select(ITEM).where(inParam("customerId", ids));
          if (openOnly) q = q.where("openAmount", "<>", 0);
          return q.orderBy("dueOn").orderBy("ref").orderBy("id");
        });
        return r.rows.map(toItem);
      },
      async openForHolds(customerIds) {
        if (!customerIds.length) return [];
        // every change of a customer's dispute re-derives its holds from all its open items: four columns, not eleven
        const r = await shaped(db, "items.openForHolds", [list(customerIds)], (ids) =>
          db.selectFrom("Item").select(["id", "customerId", "kind", "openAmount"]).where(inParam("customerId", ids)).where("openAmount", "<>", 0).orderBy("dueOn").orderBy("ref").orderBy("id"),
        );
        return r.rows as HoldingItem[];
      },
      async allOpen(filter) {
        let q = db.selectFrom("Item").select(ITEM).where("openAmount", "<>", 0);
        if (filter?.customerIds) {
          if (!filter.customerIds.length) return [];
          q = q.where(inList("customerId", filter.customerIds));
        }
        if (filter?.customerIdRange) q = q.where("customerId", ">=", filter.customerIdRange.from).where("customerId", "<=", filter.customerIdRange.to);
        return (await q.orderBy("customerId").orderBy("dueOn").orderBy("ref").orderBy("id").execute()).map(toItem);
      },
      async openCustomerIds(filter) {
        // the (customerId, openAmount) index alone: a page costs its customers' index entries, whatever the ledger's size
        let q = db.selectFrom("Item").select("customerId").distinct().where("openAmount", "<>", 0);
        if (filter.afterCustomerId !== undefined) q = q.where("customerId", ">", filter.afterCustomerId);
        return (await q.orderBy("customerId").limit(filter.limit).execute()).map((r) => r.customerId);
      },
      async upsertMany(list) {
        const now = new Date();
        const out: Item[] = [];
        for (const i of list) {
          const set = {
            kind: i.kind,
            issuedOn: i.issuedOn,
            dueOn: i.dueOn,
            amount: i.amount,
            openAmount: i.openAmount,
            currency: i.currency,
            ...given({ dunningLevel: i.dunningLevel, lastDunnedOn: i.lastDunnedOn }),
            updatedAt: now,
          };
          const r = await db
            .insertInto("Item")
            .values({ customerId: i.customerId, ref: i.ref, ...set, createdAt: now })
            .onConflict((oc) => oc.columns(["customerId", "ref"]).doUpdateSet(set))
            .returning(ITEM)
            .executeTakeFirstOrThrow();
          out.push(toItem(r));
        }
        return out;
      },
      async setDunning(updates) {
        const now = new Date();
        for (const u of updates) {
          const r = await db.updateTable("Item").set({ dunningLevel: u.level, lastDunnedOn: u.lastDunnedOn, updatedAt: now }).where("id", "=", u.itemId).executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) throw new RecordNotFoundError(`Item ${u.itemId}`);
        }
      },
    },

    reasons: {
      async list(filter) {
        const activeOnly = Boolean(filter?.activeOnly);
        const r = await shaped(db, `reasons.list:${activeOnly}`, [], () => {
          let q = db.selectFrom("Reason").select(REASON);
          if (activeOnly) q = q.where("active", "=", true);
          return q.orderBy("sortOrder").orderBy("code");
        });
        return r.rows.map(toReason);
      },
      async byCode(code) {
        const [r] = (await shaped(db, "reasons.byCode", [code], (code) => db.selectFrom("Reason").select(REASON).where("code", "=", code))).rows;
        return r ? toReason(r) : null;
      },
      async byId(id) {
        const [r] = (await shaped(db, "reasons.byId", [id], (id) => db.selectFrom("Reason").select(REASON).where("id", "=", id))).rows;
        return r ? toReason(r) : null;
      },
      async create(input) {
        if (await db.selectFrom("Reason").select("id").where("code", "=", input.code).executeTakeFirst()) {
          return fail("conflict", "reason_exists", { code: input.code }, { field: "code" });
        }
        const r = await db
          .insertInto("Reason")
          .values({
            code: input.code,
            labelFr: input.labelFr,
            labelEn: input.labelEn,
            active: input.active ?? true,
            sortOrder: input.sortOrder ?? 0,
            followUpDays: input.followUpDays ?? 7,
            slaDays: input.slaDays ?? 30,
            priority: input.priority ?? "normal",
            holdsDunning: input.holdsDunning ?? true,
          })
          .returning(REASON)
          .executeTakeFirstOrThrow();
        return toReason(r);
      },
      async update(code, patch) {
        const set = given({
          labelFr: patch.labelFr,
          labelEn: patch.labelEn,
          active: patch.active,
          sortOrder: patch.sortOrder,
          followUpDays: patch.followUpDays,
          slaDays: patch.slaDays,
          priority: patch.priority,
          holdsDunning: patch.holdsDunning,
        });
        const r = Object.keys(set).length
          ? await db.updateTable("Reason").set(set).where("code", "=", code).returning(REASON).executeTakeFirst()
          : await db.selectFrom("Reason").select(REASON).where("code", "=", code).executeTakeFirst();
        return r ? toReason(r) : fail("not_found", "reason_not_found", { code });
      },
      async inUse(reasonId) {
        return (await db.selectFrom("Dispute").select("id").where("reasonId", "=", reasonId).limit(1).executeTakeFirst()) !== undefined;
      },
    },

    disputes: {
      byId: disputeById,
      async byNumber(number) {
        const [r] = (await shaped(db, "disputes.byNumber", [number], (n) => disputeSelect().where("d.number", "=", n))).rows;
        return r ? toDispute(r as DisputeRow, dialect) : null;
      },
      list(f: DisputeFilter) {
        let q = disputeSelect();
        // followUpBefore applies to open disputes only
        if (f.followUpBefore) q = q.where("d.status", "=", "open").where("d.followUpOn", "<", f.followUpBefore);
        else if (f.status) q = q.where("d.status", "=", f.status);
        if (f.reasonId !== undefined) q = q.where("d.reasonId", "=", f.reasonId);
        if (f.ownerEmail) q = q.where("d.ownerEmail", "=", f.ownerEmail);
        if (f.customerId !== undefined) q = q.where("d.customerId", "=", f.customerId);
        if (f.salesRepEmail) {
          const rep = f.salesRepEmail;
          q = q.where("d.customerId", "in", (eb) => eb.selectFrom("Customer as c").select("c.id").where("c.salesRepEmail", "=", rep));
        }
        if (f.visibleToSales) {
          const v = f.visibleToSales;
          q = q.where((eb) => eb.or([eb("d.ownerEmail", "=", v), eb("d.customerId", "in", eb.selectFrom("Customer as c").select("c.id").where("c.salesRepEmail", "=", v))]));
        }
        if (f.after) {
          // a row-value comparison: an index on (openedAt, id) can seek to it (an OR of the two cannot)
          const { openedAt, id } = f.after;
          q = q.where((eb) => eb(eb.refTuple("d.openedAt", "d.id"), "<", eb.tuple(openedAt, id)));
        }
        q = q.orderBy("d.openedAt", "desc").orderBy("d.id", "desc");
        if (!f.limit) return disputes(q.execute());
        // A page: the ids first (the filters, the order and the limit on the bare rows), then those rows
        // with their items, so the items' sub-select runs for the page only, not for every row sorted.
        const page = q.clearSelect().select("d.id").limit(f.limit);
        return disputes(
          disputeSelect()
            .where("d.id", "in", () => page)
            .orderBy("d.openedAt", "desc")
            .orderBy("d.id", "desc")
            .execute(),
        );
      },
      async flaggedCustomers(customerIds) {
        // openCustomerFlagId is the customer's id exactly while its customer-level dispute is open (unique index)
        let q = db.selectFrom("Dispute").select("openCustomerFlagId").where("openCustomerFlagId", "is not", null);
        if (customerIds) {
          if (!customerIds.length) return [];
          q = q.where(inList("openCustomerFlagId", customerIds));
        }
        return (await q.orderBy("openCustomerFlagId").execute()).map((r) => r.openCustomerFlagId!);
      },
      async openClaims(itemIds, exceptDisputeId) {
        if (!itemIds.length) return [];
        const claims = (ids: unknown) =>
          db
            .selectFrom("DisputeItem as di")
            .innerJoin("Dispute as d", "d.id", "di.disputeId")
            .select(["di.itemId", "di.disputeId", "d.number", "di.amount"])
            .where(inParam("di.itemId", ids))
            .where("d.status", "=", "open");
        const r = exceptDisputeId
          ? await shaped(db, "disputes.openClaims:except", [list(itemIds), exceptDisputeId], (ids, except) => claims(ids).where("d.id", "<>", except).orderBy("di.disputeId").orderBy("di.itemId"))
          : await shaped(db, "disputes.openClaims", [list(itemIds)], (ids) => claims(ids).orderBy("di.disputeId").orderBy("di.itemId"));
        return r.rows satisfies ItemClaim[];
      },
      async openCustomerLevel(customerId) {
        const r = await disputeSelect()
          .where("d.customerId", "=", customerId)
          .where("d.scope", "=", "customer")
          .where("d.status", "=", "open")
          .orderBy("d.id")
          .limit(1)
          .executeTakeFirst();
        return r ? toDispute(r as DisputeRow, dialect) : null;
      },
      async holdingFor(customerIds) {
        if (!customerIds.length) return [];
        // only what the hold rules read (every change of a customer's dispute runs this over all its holding disputes)
        const r = await shaped(db, "disputes.holdingFor", [list(customerIds)], (ids) =>
          db
            .selectFrom("Dispute as d")
            .select(HOLDING.map((c) => `d.${c}` as const))
            .select(dialect.disputeItemsJson("d.id").as("items"))
            .where(inParam("d.customerId", ids))
            .where("d.status", "in", ["open", "resolved"])
            .orderBy("d.id"),
        );
        const out: HoldingDispute[] = [];
        for (const row of r.rows) {
          const d = toHoldingDispute(row as HoldingRow, dialect);
          if (mayHold(d)) out.push(d);
        }
        return out;
      },
      async customersWithHoldingDisputes(customerIds) {
        // Candidates by status only; which of them may hold is the domain's rule (mayHold).
        let q = db
          .selectFrom("Dispute")
          .select(["customerId", "status", "scope", "outcome", "concededAmount", "creditNoteSeenAt", "holdsReleasedAt"])
          .where("status", "in", ["open", "resolved"]);
        if (customerIds) {
          if (!customerIds.length) return [];
          q = q.where(inList("customerId", customerIds));
        }
        const out = new Set<number>();
        for (const r of await q.execute()) {
          if (out.has(r.customerId)) continue;
          const probe = {
            status: r.status,
            resolution: r.outcome ? { outcome: r.outcome, concededAmount: r.concededAmount } : null,
            creditNoteSeenAt: r.creditNoteSeenAt,
            holdsReleasedAt: r.holdsReleasedAt,
          } as unknown as Dispute;
          if (mayHold(probe)) out.add(r.customerId);
        }
        return [...out].sort((a, b) => a - b);
      },
      async awaitingCreditNotes(customerId, refs) {
        if (!refs.length) return [];
        const rows = await disputes(
          disputeSelect()
            .where("d.customerId", "=", customerId)
            .where("d.status", "=", "resolved")
            .where("d.outcome", "=", "credit_note")
            .where("d.creditNoteSeenAt", "is", null)
            .where(inList("d.creditNoteRef", refs))
            .orderBy("d.id")
            .execute(),
        );
        return rows;
      },
      async create(d) {
        let id: number;
        try {
          const values = disputeColumns(d);
          const names = Object.keys(values) as (keyof typeof values)[];
          const r = await shaped(db, "disputes.create", names.map((k) => values[k]), (...v) =>
            db
              .insertInto("Dispute")
              .values(Object.fromEntries(names.map((k, i) => [k, v[i]])) as typeof values)
              .returning("id"),
          );
          id = r.rows[0]!.id;
        } catch (e) {
          if (dialect.isUniqueViolation(e)) customerFlagTaken();
          throw e;
        }
        if (d.items.length) await insertDisputeItems(id, d.items);
        return (await disputeById(id))!;
      },
      async update(d, expectedVersion) {
        let changed: bigint | undefined;
        try {
          const values = disputeColumns(d);
          const names = Object.keys(values) as (keyof typeof values)[];
          const r = await shaped(db, "disputes.update", [d.id, expectedVersion, ...names.map((k) => values[k])], (id, version, ...v) =>
            db
              .updateTable("Dispute")
              .set(Object.fromEntries(names.map((k, i) => [k, v[i]])) as typeof values)
              .where("id", "=", id as number)
              .where("version", "=", version as number),
          );
          changed = r.numAffectedRows;
        } catch (e) {
          if (dialect.isUniqueViolation(e)) customerFlagTaken();
          throw e;
        }
        if (Number(changed) !== 1) fail("stale_version", "stale_version", { number: d.number });
        const stored = (await shaped(db, "disputes.items", [d.id], (id) => db.selectFrom("DisputeItem").select(["itemId", "amount"]).where("disputeId", "=", id))).rows;
        const diff = diffDisputeItems(stored, d.items);
        if (diff.remove.length) {
          await shaped(db, "disputes.removeItems", [d.id, list(diff.remove)], (id, items) => db.deleteFrom("DisputeItem").where("disputeId", "=", id).where(inParam("itemId", items)));
        }
        if (diff.insert.length) await insertDisputeItems(d.id, diff.insert);
        for (const u of diff.update) {
          await shaped(db, "disputes.updateItem", [u.amount, d.id, u.itemId], (amount, id, itemId) =>
            db.updateTable("DisputeItem").set({ amount }).where("disputeId", "=", id).where("itemId", "=", itemId),
          );
        }
      },
      async moveFollowUp(id, followUpOn, expectedVersion) {
        const r = await shaped(db, "disputes.moveFollowUp", [followUpOn, id, expectedVersion], (followUpOn, id, version) =>
          db.updateTable("Dispute").set({ followUpOn }).where("id", "=", id).where("version", "=", version),
        );
        if (Number(r.numAffectedRows) !== 1) fail("stale_version", "stale_version", { number: String(id) });
      },
      async appendEvents(disputeId, events) {
        if (!events.length) return;
        const rows = events.map((e) => ({ disputeId, type: e.type, at: e.at, byEmail: e.byEmail ?? null, text: e.text ?? null, data: e.data ? JSON.stringify(e.data) : null }));
        await insertRows("TimelineEntry", rows);
      },
      async timeline(disputeId) {
        const rows = await db.selectFrom("TimelineEntry").select(["type", "at", "byEmail", "text", "data"]).where("disputeId", "=", disputeId).orderBy("id").execute();
        return rows.map(
          (r): TimelineEvent => ({
            type: r.type as TimelineEvent["type"],
            at: r.at,
            byEmail: r.byEmail,
            text: r.text,
            ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}),
          }),
        );
      },
      async lastSnooze(email) {
        // the timeline already says which choice: no column of its own (JSON text, matched the same on both dialects)
        const r = await db
          .selectFrom("TimelineEntry")
          .select("data")
          .where("type", "=", "follow_up_set")
          .where("byEmail", "=", email)
          .where("data", "like", '%"snoozed":%')
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirst();
        const c = r?.data ? (JSON.parse(r.data) as { snoozed?: unknown }).snoozed : undefined;
        return typeof c === "string" ? c : null;
      },
    },

    holds: {
      async replaceForCustomers(customerIds, rows, now) {
        if (!customerIds.length) return [];
        const stored = await shaped(db, "holds.ofCustomers", [list(customerIds)], (ids) =>
          db
            .selectFrom("Hold")
            .select(["itemId", "disputeId", "amount", "kind"])
            .where("itemId", "in", (eb) => eb.selectFrom("Item as i").select("i.id").where(inParam("i.customerId", ids))),
        );
        const diff = diffHolds(
          stored.rows.map((h) => ({ ...h, kind: h.kind as HoldKind })),
          rows,
        );
        if (diff.insert.length) await insertRows("Hold", diff.insert.map((r) => ({ itemId: r.itemId, disputeId: r.disputeId, amount: r.amount, kind: r.kind, since: now })));
        for (const r of diff.update) {
          await shaped(db, "holds.update", [r.amount, r.kind, r.itemId, r.disputeId], (amount, kind, itemId, disputeId) =>
            db.updateTable("Hold").set({ amount, kind }).where("itemId", "=", itemId).where("disputeId", "=", disputeId),
          );
        }
        for (const r of diff.remove) {
          await shaped(db, "holds.remove", [r.itemId, r.disputeId], (itemId, disputeId) => db.deleteFrom("Hold").where("itemId", "=", itemId).where("disputeId", "=", disputeId));
        }
        // each hold carries its item's currency (the digest sums holds per currency without reading Item): set on
        // the rows just inserted and brought up to date if the ledger changed an item's currency
        await shaped(db, "holds.currency", [list(customerIds)], (ids) =>
          db
            .updateTable("Hold")
            .set({ currency: sql<string>`(SELECT i."currency" FROM "Item" i WHERE i."id" = "Hold"."itemId")` })
            .where("itemId", "in", (eb) => eb.selectFrom("Item as i").select("i.id").where(inParam("i.customerId", ids)))
            .where(sql<SqlBool>`"currency" <> (SELECT i."currency" FROM "Item" i WHERE i."id" = "Hold"."itemId")`),
        );
        // and each dispute's holds summed per currency (DisputeHeld: the digest reads one row per dispute), upserted
        // then pruned, so two writers of the same customer never collide on its primary key
        const ofCustomers = (ids: unknown) => sql<SqlBool>`"itemId" IN (SELECT i."id" FROM "Item" i WHERE ${inParam("i.customerId", ids)})`;
        await shaped(db, "holds.heldUpsert", [list(customerIds)], (ids) =>
          db
            .insertInto("DisputeHeld")
            .columns(["disputeId", "currency", "amount"])
            .expression(db.selectFrom("Hold").select(["disputeId", "currency", sql<number>`sum("amount")`.as("amount")]).where(ofCustomers(ids)).groupBy(["disputeId", "currency"]))
            .onConflict((oc) => oc.columns(["disputeId", "currency"]).doUpdateSet({ amount: (eb) => eb.ref("excluded.amount") })),
        );
        await shaped(db, "holds.heldPrune", [list(customerIds)], (ids) =>
          db
            .deleteFrom("DisputeHeld")
            .where("disputeId", "in", db.selectFrom("Dispute as d").select("d.id").where(inParam("d.customerId", ids)))
            .where(sql<SqlBool>`NOT EXISTS (SELECT 1 FROM "Hold" h WHERE h."disputeId" = "DisputeHeld"."disputeId" AND h."currency" = "DisputeHeld"."currency")`),
        );
        return diff.changes;
      },
      async list(filter) {
        let q = db.selectFrom("Hold").selectAll();
        const c = filter?.customerIds;
        const d = filter?.disputeIds;
        if (c) {
          if (!c.length) return [];
          q = q.where("itemId", "in", (eb) => eb.selectFrom("Item as i").select("i.id").where(inList("i.customerId", c)));
        }
        if (d) {
          if (!d.length) return [];
          q = q.where(inList("disputeId", d));
        }
        const rows = await q.orderBy("itemId").orderBy("disputeId").execute();
        return rows.map((h): HoldRecord => ({ itemId: h.itemId, disputeId: h.disputeId, amount: h.amount, kind: h.kind as HoldKind, since: h.since }));
      },
    },

    settings: {
      async get() {
        const [r] = (await shaped(db, "settings.get", [], () => db.selectFrom("Setting").select("value").where("key", "=", "company"))).rows;
        return parsedSettings(r?.value ?? null);
      },
      async save(value) {
        const now = new Date();
        const text = JSON.stringify(value);
        await db
          .insertInto("Setting")
          .values({ key: "company", value: text, updatedAt: now })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: text, updatedAt: now }))
          .execute();
      },
      async getForUpdate() {
        if (!dialect.rowLocks) {
          const r = await db.selectFrom("Setting").select("value").where("key", "=", "company").executeTakeFirst();
          return parsedSettings(r?.value ?? null);
        }
        // the row to lock: the defaults' when none was saved yet (a caller that does not save rolls it back with its transaction, or leaves the defaults)
        await db.insertInto("Setting").values({ key: "company", value: JSON.stringify(DEFAULT_SETTINGS), updatedAt: new Date() }).onConflict((oc) => oc.column("key").doNothing()).execute();
        const r = await db.selectFrom("Setting").select("value").where("key", "=", "company").forUpdate().executeTakeFirst();
        return parsedSettings(r?.value ?? null);
      },
    },

    outbox: {
      async add(messages) {
        if (!messages.length) return;
        await db
          .insertInto("OutboxMessage")
          .values(
            messages.map((m) => ({
              id: m.id,
              channel: m.channel ?? "webhook",
              type: m.type,
              orderKey: m.orderKey,
              payload: m.payload,
              status: "pending",
              attempts: 0,
              nextAttemptAt: m.createdAt,
              lastError: null,
              createdAt: m.createdAt,
              deliveredAt: null,
            })),
          )
          .execute();
        // Every replica's delivery loop LISTENs (src/db/notify.ts); the notification goes out at commit.
        if (dialect.name === "postgres") {
          for (const channel of new Set(messages.map((m) => m.channel ?? "webhook"))) await sql`SELECT pg_notify(${OUTBOX_NOTIFY}, ${channel})`.execute(db);
        }
      },
      async claim({ channel, now, leaseMs, limit }) {
        // The head of each order key (no earlier pending row of its key in the channel), due and free, oldest first:
        // one statement walking the (channel, status, seq) index up to `limit` heads, each head checked on the
        // (orderKey, seq) index; nothing ranks or sorts every pending row. Under the lock (PostgreSQL: rows another
        // replica is claiming are skipped; SQLite: the write lock of the claim's transaction).
        const claimedUntil = new Date(now.getTime() + leaseMs);
        // (compiled once: src/db/shapes.ts; `channel` and `now` each stand for both of their uses)
        const heads = (channel: OutboxChannel, now: Date, limit: number) =>
          db
            .selectFrom("OutboxMessage as o")
            .where("o.channel", "=", channel)
            .where("o.status", "=", "pending")
            .where("o.nextAttemptAt", "<=", now)
            .where((eb) => eb.or([eb("o.claimedUntil", "is", null), eb("o.claimedUntil", "<=", now)]))
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom("OutboxMessage as e")
                    .select("e.id")
                    .whereRef("e.orderKey", "=", "o.orderKey")
                    .where("e.channel", "=", channel)
                    .where("e.status", "=", "pending")
                    .whereRef("e.seq", "<", "o.seq"),
                ),
              ),
            )
            .orderBy("o.seq")
            .limit(limit);
        if (dialect.rowLocks) {
          // PostgreSQL: one statement, no transaction around it (the heads locked, skipping those another replica is
          // claiming, and leased at once; each row's lease before this claim tells whether it is `reclaimed`)
          const { rows } = await shaped(db, "outbox.claim:locked", [claimedUntil, channel, now, limit], (until, channel, now, limit) =>
            db
              .updateTable("OutboxMessage as m")
              .from(heads(channel, now, limit).select(["o.id as claimedId", "o.claimedUntil as before"]).forUpdate().skipLocked().as("c"))
              .set({ claimedUntil: until })
              .whereRef("m.id", "=", "c.claimedId")
              .returningAll("m")
              .returning("c.before"),
          );
          return rows
            .map((r) => ({ ...toMessage(r as unknown as Row<"OutboxMessage">), reclaimed: r.before !== null }))
            .sort((a, b) => a.seq - b.seq);
        }
        // SQLite: under the write lock of the claim's own transaction
        const found = (await shaped(db, "outbox.claim:heads", [channel, now, limit], (channel, now, limit) => heads(channel, now, limit).selectAll("o"))).rows.map((r) =>
          toMessage(r as Row<"OutboxMessage">),
        );
        if (!found.length) return [];
        await db
          .updateTable("OutboxMessage")
          .set({ claimedUntil })
          .where("id", "in", found.map((m) => m.id))
          .execute();
        return found.map((m) => ({ ...m, claimedUntil, reclaimed: m.claimedUntil !== null }));
      },
      async retry(id, now) {
        const r = await db
          .updateTable("OutboxMessage")
          .set({ status: "pending", nextAttemptAt: now, claimedUntil: null })
          .where("id", "=", id)
          .where("status", "!=", "delivered")
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return null;
        const row = await db.selectFrom("OutboxMessage").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
        return toMessage(row);
      },
      due: (now, limit, channel) => outboxDue(db, now, limit, channel),
      async markDelivered(id, at) {
        const r = await db.updateTable("OutboxMessage").set({ status: "delivered", deliveredAt: at, lastError: null, claimedUntil: null }).where("id", "=", id).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new RecordNotFoundError(`OutboxMessage ${id}`);
      },
      async markFailed(id, error, nextAttemptAt) {
        const q = db.updateTable("OutboxMessage").set((eb) => ({ attempts: eb("attempts", "+", 1), lastError: error.slice(0, 1000), claimedUntil: null }));
        const r = await (nextAttemptAt ? q.set({ nextAttemptAt }) : q.set({ status: "dead" })).where("id", "=", id).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new RecordNotFoundError(`OutboxMessage ${id}`);
      },
      async defer(id, until, opts) {
        // a lease that runs out at `until` marks the next claim as `reclaimed`
        await db.updateTable("OutboxMessage").set({ nextAttemptAt: until, claimedUntil: opts?.sent ? until : null }).where("id", "=", id).execute();
      },
      async pendingAfter({ channel, orderKey, seq, type }) {
        const r = await db
          .selectFrom("OutboxMessage")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("orderKey", "=", orderKey)
          .where("seq", ">", seq)
          .where("channel", "=", channel)
          .where("type", "=", type)
          .where("status", "=", "pending")
          .executeTakeFirst();
        return Number(r?.n ?? 0);
      },
      async list(filter) {
        let q = db.selectFrom("OutboxMessage").selectAll();
        if (filter.orderKey) q = q.where("orderKey", "=", filter.orderKey);
        if (filter.type) q = q.where("type", "=", filter.type);
        if (filter.status === "failed") q = q.where((eb) => eb.or([eb("status", "=", "dead"), eb.and([eb("status", "=", "pending"), eb("attempts", ">", 0)])]));
        else if (filter.status) q = q.where("status", "=", filter.status);
        if (filter.channel) q = q.where("channel", "=", filter.channel);
        return (await q.orderBy("seq").limit(filter.limit ?? 500).execute()).map(toMessage);
      },
    },

    idempotency: {
      async get(key, scope) {
        const r = await db.selectFrom("IdempotencyKey").selectAll().where("key", "=", `${scope}:${key}`).executeTakeFirst();
        return r ? ({ key, scope: r.scope, requestHash: r.requestHash, status: r.status, body: r.body, createdAt: r.createdAt } satisfies StoredResponse) : null;
      },
      async put(r) {
        await db.insertInto("IdempotencyKey").values({ key: `${r.scope}:${r.key}`, scope: r.scope, requestHash: r.requestHash, status: r.status, body: r.body, createdAt: r.createdAt }).execute();
      },
    },

    counters: {
      async next(name) {
        const r = await shaped(db, "counters.next", [name], (name) =>
          db
            .insertInto("Counter")
            .values({ name, value: 1 })
            .onConflict((oc) => oc.column("name").doUpdateSet((eb) => ({ value: eb("Counter.value", "+", 1) })))
            .returning("value"),
        );
        return r.rows[0]!.value;
      },
    },

    runs: {
      async add(r) {
        return toRun(await db.insertInto("DunningRun").values({ on: r.on, mode: r.mode, createdAt: r.createdAt, byEmail: r.byEmail ?? null, letters: r.letters }).returningAll().executeTakeFirstOrThrow());
      },
      async list(limit) {
        return (await db.selectFrom("DunningRun").selectAll().orderBy("id", "desc").limit(limit).execute()).map(toRun);
      },
    },

    slack: {
      async addCard(card) {
        // a copy already recorded stays as it is
        await db
          .insertInto("SlackCard")
          .values({ disputeId: card.disputeId, channel: card.channel, ts: card.ts, kind: card.kind, viewerEmail: card.viewerEmail ?? null, postedAt: card.postedAt, notice: card.notice ?? null })
          .onConflict((oc) => oc.columns(["channel", "ts"]).doNothing())
          .execute();
      },
      async cardsOf(disputeId) {
        return (await db.selectFrom("SlackCard").selectAll().where("disputeId", "=", disputeId).orderBy("id").execute()).map(toCard);
      },
      async cardAt(channel, ts) {
        const r = await db.selectFrom("SlackCard").selectAll().where("channel", "=", channel).where("ts", "=", ts).executeTakeFirst();
        return r ? toCard(r) : null;
      },
      async removeCard(channel, ts) {
        await db.deleteFrom("SlackCard").where("channel", "=", channel).where("ts", "=", ts).execute();
      },
      async dmChannel(slackUserId) {
        return (await db.selectFrom("SlackDmChannel").select("channel").where("slackUserId", "=", slackUserId).executeTakeFirst())?.channel ?? null;
      },
      async putDmChannel(slackUserId, channel, now) {
        await db
          .insertInto("SlackDmChannel")
          .values({ slackUserId, channel, updatedAt: now })
          .onConflict((oc) => oc.column("slackUserId").doUpdateSet({ channel, updatedAt: now }))
          .execute();
      },
      async firstSeen(id, now) {
        const r = await db.insertInto("SlackSeenEvent").values({ id, seenAt: now }).onConflict((oc) => oc.column("id").doNothing()).executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
      },
      async forget(id) {
        await db.deleteFrom("SlackSeenEvent").where("id", "=", id).execute();
      },
      async prune(before) {
        const r = await db.deleteFrom("SlackSeenEvent").where("seenAt", "<", before).executeTakeFirst();
        return Number(r.numDeletedRows);
      },
    },

    // Pacing shared by the replicas: one row per key, read under the row lock (PostgreSQL) or the write
    // lock (SQLite) and moved on in the same short transaction.
    rates: {
      async take(keys, now) {
        const r = await reserveSlots(keys, now, 0);
        return r.taken ? 0 : r.waitMs;
      },
      async reserve(keys, now, maxWaitMs) {
        return reserveSlots(keys, now, maxWaitMs);
      },
      async settle(keys, at, doneAt, now) {
        for (const key of keys) {
          if (key.window) {
            const windowMs = (key.burst ?? 1) * key.intervalMs;
            const from = new Date(at.getTime() + 2 * windowMs);
            const to = new Date(doneAt.getTime() + windowMs);
            if (to.getTime() === from.getTime()) continue;
            await moveHeldSlot(key, from, to, now);
          } else if ((key.burst ?? 1) === 1) {
            await notBefore(key.key, new Date(doneAt.getTime() + key.intervalMs), now);
          }
        }
      },
      async block(key, until, reason, now) {
        // the later of the two blocks holds (read under the row lock on PostgreSQL, the write lock on SQLite)
        await db.insertInto("RateLimit").values({ key, tat: now, blockedUntil: null, reason: null, updatedAt: now }).onConflict((oc) => oc.column("key").doNothing()).execute();
        let q = db.selectFrom("RateLimit").select("blockedUntil").where("key", "=", key);
        if (dialect.rowLocks) q = q.forUpdate();
        const r = await q.executeTakeFirst();
        if (r?.blockedUntil && asDate(r.blockedUntil).getTime() >= until.getTime()) return;
        await db.updateTable("RateLimit").set({ blockedUntil: until, reason, updatedAt: now }).where("key", "=", key).execute();
      },
      notBefore: (key, at, now) => notBefore(key, at, now),
      async release(keys, at, now) {
        for (const key of keys) {
          if (key.window) await moveHeldSlot(key, new Date(at.getTime() + 2 * (key.burst ?? 1) * key.intervalMs), at, now);
          // (a key another reservation moved since stays where it is: never earlier than what that one was given)
          else
            await shaped(db, "rates.release", [at, now, key.key, new Date(at.getTime() + key.intervalMs)], (at, now, key, moved) =>
              db.updateTable("RateLimit").set({ tat: at, updatedAt: now }).where("key", "=", key).where("tat", "=", moved),
            );
        }
      },
      async unblock(key, now) {
        await db.updateTable("RateLimit").set({ blockedUntil: null, reason: null, updatedAt: now }).where("key", "=", key).execute();
      },
      async get(key) {
        const [r] = (await shaped(db, "rates.get", [key], (key) => db.selectFrom("RateLimit").selectAll().where("key", "=", key))).rows;
        return r ? { key: r.key, tat: asDate(r.tat), blockedUntil: r.blockedUntil ? asDate(r.blockedUntil) : null, reason: r.reason } : null;
      },
    },

    // Follow-ups (issue 11): one record per dispute, taken under the row lock (PostgreSQL, skipping one another
    // process holds) or the write lock (SQLite); notices keyed (dispute, kind, due instant), inserted once.
    followUps: {
      async candidates({ on, afterId, limit }) {
        const rows = await db
          .selectFrom("Dispute as d")
          .leftJoin("FollowUp as f", "f.disputeId", "d.id")
          .leftJoin("Person as p", "p.email", "d.ownerEmail")
          .select([
            "d.id", "d.number", "d.priority", "d.reasonId", "d.followUpOn", "d.slaDueOn", "d.ownerEmail", "d.openedByEmail",
            "f.firstMissedOn", "f.unanswered", "f.lastReminderAt", "p.timezone",
          ])
          .where("d.status", "=", "open")
          .where("d.id", ">", afterId)
          .where((eb) => eb.or([eb("d.followUpOn", "<=", on), eb("d.slaDueOn", "<", on), eb("f.firstMissedOn", "is not", null)]))
          .orderBy("d.id")
          .limit(limit)
          .execute();
        return rows.map((r) => ({
          disputeId: r.id,
          number: r.number,
          priority: r.priority as Priority,
          reasonId: r.reasonId,
          followUpOn: r.followUpOn,
          slaDueOn: r.slaDueOn,
          ownerEmail: r.ownerEmail,
          openedByEmail: r.openedByEmail,
          ownerTz: r.timezone ?? null,
          firstMissedOn: r.firstMissedOn ?? null,
          unanswered: Number(r.unanswered ?? 0),
          lastReminderAt: r.lastReminderAt ? asDate(r.lastReminderAt) : null,
        }));
      },
      async get(disputeId) {
        const r = await db.selectFrom("FollowUp").selectAll().where("disputeId", "=", disputeId).executeTakeFirst();
        return r ? { disputeId: r.disputeId, firstMissedOn: r.firstMissedOn, unanswered: Number(r.unanswered), lastReminderAt: r.lastReminderAt ? asDate(r.lastReminderAt) : null } : null;
      },
      async ensure(disputeIds, now) {
        if (!disputeIds.length) return;
        await db
          .insertInto("FollowUp")
          .values(disputeIds.map((disputeId) => ({ disputeId, firstMissedOn: null, unanswered: 0, lastReminderAt: null, updatedAt: now })))
          .onConflict((oc) => oc.column("disputeId").doNothing())
          .execute();
      },
      async lock(disputeId) {
        let q = db.selectFrom("FollowUp").select("disputeId").where("disputeId", "=", disputeId);
        if (dialect.rowLocks) q = q.forUpdate().skipLocked();
        return (await q.executeTakeFirst()) !== undefined;
      },
      async put(r, now) {
        const set = { firstMissedOn: r.firstMissedOn, unanswered: r.unanswered, lastReminderAt: r.lastReminderAt, updatedAt: now };
        await db.insertInto("FollowUp").values({ disputeId: r.disputeId, ...set }).onConflict((oc) => oc.column("disputeId").doUpdateSet(set)).execute();
        // mirrored on the dispute (the digest counts overdue disputes without reading FollowUp); version and updatedAt untouched
        await db.updateTable("Dispute").set({ firstMissedOn: r.firstMissedOn }).where("id", "=", r.disputeId).execute();
      },
      async reset(disputeId, now) {
        // every owner's action of every use case runs these: compiled once (shapes.ts)
        await shaped(db, "followUps.reset", [now, disputeId], (now, id) => db.updateTable("FollowUp").set({ firstMissedOn: null, unanswered: 0, updatedAt: now }).where("disputeId", "=", id));
        await shaped(db, "followUps.reset:dispute", [disputeId], (id) => db.updateTable("Dispute").set({ firstMissedOn: null }).where("id", "=", id).where("firstMissedOn", "is not", null));
      },
      async addNotice(n) {
        const r = await db
          .insertInto("Notice")
          .values({ disputeId: n.disputeId, kind: n.kind, dueAt: n.dueAt, outboxId: n.outboxId, createdAt: n.createdAt })
          .onConflict((oc) => oc.columns(["disputeId", "kind", "dueAt"]).doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
      },
      async notices(disputeId) {
        const rows = await db.selectFrom("Notice").selectAll().where("disputeId", "=", disputeId).orderBy("id").execute();
        return rows.map((r) => ({ disputeId: r.disputeId, kind: r.kind, dueAt: asDate(r.dueAt), outboxId: r.outboxId, createdAt: asDate(r.createdAt) }));
      },
    },

    absences: {
      async add(a) {
        const r = await db
          .insertInto("Absence")
          .values({ personEmail: a.personEmail, fromOn: a.fromOn, untilOn: a.untilOn, deputyEmail: a.deputyEmail, createdAt: a.createdAt })
          .returning("id")
          .executeTakeFirstOrThrow();
        return { ...a, id: Number(r.id) };
      },
      async listFor(personEmail) {
        const rows = await db.selectFrom("Absence").selectAll().where("personEmail", "=", personEmail).orderBy("fromOn").orderBy("id").execute();
        return rows.map(toAbsence);
      },
      async remove(personEmail, id) {
        const r = await db.deleteFrom("Absence").where("personEmail", "=", personEmail).where("id", "=", id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      },
      async absentOn(on, personEmails) {
        if (personEmails && !personEmails.length) return [];
        let q = db.selectFrom("Absence").selectAll().where("fromOn", "<=", on).where("untilOn", ">=", on);
        if (personEmails) q = q.where("personEmail", "in", [...personEmails]);
        return (await q.orderBy("personEmail").orderBy("id").execute()).map(toAbsence);
      },
      async endingFrom(on, opts = {}) {
        if (opts.personEmails && !opts.personEmails.length) return [];
        let q = db.selectFrom("Absence").selectAll().where("untilOn", ">=", on);
        if (opts.personEmails) q = q.where("personEmail", "in", [...opts.personEmails]);
        return (await q.orderBy("fromOn").orderBy("id").limit(opts.limit ?? 1000).execute()).map(toAbsence);
      },
    },

    teams: {
      async putConversation(ref) {
        const v = {
          kind: ref.kind, serviceUrl: ref.serviceUrl, tenantId: ref.tenantId, teamsUserId: ref.teamsUserId, aadObjectId: ref.aadObjectId,
          teamId: ref.teamId, channelId: ref.channelId, updatedAt: ref.updatedAt,
        };
        await db
          .insertInto("TeamsConversation")
          .values({ conversationId: ref.conversationId, ...v })
          .onConflict((oc) => oc.column("conversationId").doUpdateSet(v))
          .execute();
      },
      async conversation(conversationId) {
        const r = await db.selectFrom("TeamsConversation").selectAll().where("conversationId", "=", conversationId).executeTakeFirst();
        return r ? toConversation(r) : null;
      },
      async personalConversation(user) {
        const ors: ["teamsUserId" | "aadObjectId", string][] = [];
        if (user.teamsUserId) ors.push(["teamsUserId", user.teamsUserId]);
        if (user.aadObjectId) ors.push(["aadObjectId", user.aadObjectId]);
        if (!ors.length) return null;
        const r = await db
          .selectFrom("TeamsConversation")
          .selectAll()
          .where("kind", "=", "personal")
          .where((eb) => eb.or(ors.map(([c, v]) => eb(c, "=", v))))
          .orderBy("updatedAt", "desc")
          .orderBy("conversationId")
          .executeTakeFirst();
        return r ? toConversation(r) : null;
      },
      async personalConversationOf(email) {
        const p = await db.selectFrom("Person").select(["teamsUserId", "aadObjectId"]).where("email", "=", email).executeTakeFirst();
        return p ? this.personalConversation(p) : null;
      },
      async addCard(card) {
        // a copy already recorded stays as it is
        await db
          .insertInto("TeamsCard")
          .values({ disputeId: card.disputeId, conversationId: card.conversationId, activityId: card.activityId, kind: card.kind, viewerEmail: card.viewerEmail ?? null, postedAt: card.postedAt, notice: card.notice ?? null })
          .onConflict((oc) => oc.columns(["conversationId", "activityId"]).doNothing())
          .execute();
      },
      async cardsOf(disputeId) {
        return (await db.selectFrom("TeamsCard").selectAll().where("disputeId", "=", disputeId).orderBy("id").execute()).map(toTeamsCard);
      },
      async cardAt(conversationId, activityId) {
        const r = await db.selectFrom("TeamsCard").selectAll().where("conversationId", "=", conversationId).where("activityId", "=", activityId).executeTakeFirst();
        return r ? toTeamsCard(r) : null;
      },
      async removeCard(conversationId, activityId) {
        await db.deleteFrom("TeamsCard").where("conversationId", "=", conversationId).where("activityId", "=", activityId).execute();
      },
      async matchPerson(who) {
        const one = async (col: "aadObjectId" | "teamsUserId" | "email" | "upn", value: string | null | undefined, lower = false) => {
          if (!value) return null;
          const r = await db
            .selectFrom("Person")
            .select("email")
            .where((eb) => (lower ? eb(eb.fn("lower", [col]), "=", value.toLowerCase()) : eb(col, "=", value)))
            .orderBy("id")
            .executeTakeFirst();
          return r?.email ?? null;
        };
        return (
          (await one("aadObjectId", who.aadObjectId)) ??
          (await one("teamsUserId", who.teamsUserId)) ??
          (await one("email", who.email, true)) ??
          (await one("upn", who.upn, true)) ??
          (await one("email", who.upn, true))
        );
      },
      async pin(email, who) {
        const set = given({ teamsUserId: who.teamsUserId ?? undefined, aadObjectId: who.aadObjectId ?? undefined, upn: who.upn ?? undefined });
        if (!Object.keys(set).length) return (await db.selectFrom("Person").select("id").where("email", "=", email).executeTakeFirst()) !== undefined;
        const r = await db.updateTable("Person").set(set).where("email", "=", email).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
      async lastPlatform(email) {
        const r = await db.selectFrom("Person").select("lastPlatform").where("email", "=", email).executeTakeFirst();
        return r?.lastPlatform === "slack" || r?.lastPlatform === "teams" ? r.lastPlatform : null;
      },
      async setLastPlatform(email, platform) {
        await db.updateTable("Person").set({ lastPlatform: platform }).where("email", "=", email).where((eb) => eb.or([eb("lastPlatform", "is", null), eb("lastPlatform", "!=", platform)])).execute();
      },
      async routes(emails) {
        if (!emails.length) return [];
        const platform = (v: string | null) => (v === "slack" || v === "teams" ? v : null);
        const rows = await db
          .selectFrom("Person as p")
          .leftJoin("TeamsReach as r", "r.email", "p.email")
          .select(["p.email", "p.slackUserId", "p.teamsUserId", "p.aadObjectId", "p.lastPlatform", "p.chatPlatform", "r.email as unreachable"])
          .where("p.email", "in", [...new Set(emails)])
          .orderBy("p.email")
          .execute();
        return rows.map((r) => ({
          email: r.email, slackUserId: r.slackUserId, teams: Boolean(r.teamsUserId || r.aadObjectId), teamsUserId: r.teamsUserId, aadObjectId: r.aadObjectId,
          lastPlatform: platform(r.lastPlatform), chatPlatform: platform(r.chatPlatform), teamsUnreachable: r.unreachable !== null,
        }));
      },
      async setChatPlatform(email, platform) {
        const r = await db.updateTable("Person").set({ chatPlatform: platform }).where("email", "=", email).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
      async markUnreachable(email, reason, since) {
        await db.insertInto("TeamsReach").values({ email, reason, since }).onConflict((oc) => oc.column("email").doUpdateSet({ reason })).execute();
      },
      async markReachable(email) {
        const r = await db.deleteFrom("TeamsReach").where("email", "=", email).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      },
      async unreachable(emails) {
        if (emails && !emails.length) return [];
        let q = db.selectFrom("TeamsReach").selectAll();
        if (emails) q = q.where("email", "in", [...new Set(emails)]);
        return (await q.orderBy("email").execute()).map((r) => ({ email: r.email, reason: r.reason, since: r.since }));
      },
      async reachableAgain() {
        const rows = await db
          .selectFrom("TeamsReach as r")
          .innerJoin("Person as p", "p.email", "r.email")
          .innerJoin("TeamsConversation as c", (j) =>
            j.on("c.kind", "=", "personal").on((eb) => eb.or([eb.and([eb("c.teamsUserId", "is not", null), eb("c.teamsUserId", "=", eb.ref("p.teamsUserId"))]), eb.and([eb("c.aadObjectId", "is not", null), eb("c.aadObjectId", "=", eb.ref("p.aadObjectId"))])])),
          )
          .select("r.email")
          .where("c.updatedAt", ">", (eb) => eb.ref("r.since"))
          .distinct()
          .orderBy("r.email")
          .execute();
        return rows.map((r) => r.email);
      },
    },

    // Manager view and digest (issue 11): open disputes with their amount (a sub-select of DisputeItem per row)
    // and their overdue episode (FollowUp); counts, sums and orders computed by the database.
    overview: {
      async reportCount(managerEmail) {
        const r = await db.selectFrom("Person").select((eb) => eb.fn.countAll<number>().as("n")).where("managerEmail", "=", managerEmail).executeTakeFirst();
        return Number(r?.n ?? 0);
      },
      async ownerTotals(managerEmail) {
        const rows = await openWithAmounts()
          .where("p.managerEmail", "=", managerEmail)
          .select((eb) => [
            "d.ownerEmail",
            "d.currency",
            eb.fn.max("p.name").as("ownerName"),
            eb.fn.countAll<number>().as("count"),
            eb.fn.sum<number>(eb.case().when("f.firstMissedOn", "is not", null).then(1).else(0).end()).as("overdue"),
            eb.fn.sum<number>(disputedAmount).as("amount"),
          ])
          .groupBy(["d.ownerEmail", "d.currency"])
          .orderBy("d.ownerEmail")
          .orderBy("d.currency")
          .execute();
        return rows.map((r) => ({
          ownerEmail: r.ownerEmail,
          ownerName: (r.ownerName as string | null) ?? null,
          currency: r.currency,
          count: Number(r.count),
          overdue: Number(r.overdue ?? 0),
          amount: Number(r.amount ?? 0),
        }));
      },
      async briefs(bq) {
        const amount = disputedAmount;
        let q = openWithAmounts().select([
          "d.id", "d.number", "d.version", "c.name as customerName", "d.ownerEmail", "p.name as ownerName", "d.priority", "d.currency",
          amount.as("amount"), "d.followUpOn", "d.slaDueOn", "d.openedAt", "f.firstMissedOn", "f.unanswered",
        ]);
        if (bq.managerEmail !== undefined) q = q.where("p.managerEmail", "=", bq.managerEmail);
        if (bq.slaBefore) q = q.where("d.slaDueOn", "<", bq.slaBefore);
        if (bq.reasonCode !== undefined || bq.ownerEmail !== undefined) q = q.where(digestScope({ reasonCode: bq.reasonCode, ownerEmail: bq.ownerEmail }));
        if (bq.litigation) {
          const l = bq.litigation;
          q = q.where((eb) =>
            eb.or([
              eb.and([eb("d.slaDueOn", "<", l.today), eb("f.unanswered", ">=", l.minUnanswered)]),
              ...Object.entries(l.thresholds).map(([cur, min]) => eb.and([eb("d.currency", "=", cur), eb(amount, ">=", min)])),
            ]),
          );
        }
        // the order as [expression, direction] pairs, the dispute id last so ties read the same on both databases
        const missed = sql<number>`case when ${sql.ref("f.firstMissedOn")} is null then 1 else 0 end`;
        const order: [unknown, "asc" | "desc"][] =
          bq.order === "overdue"
            ? [[missed, "asc"], [sql`coalesce(${sql.ref("f.firstMissedOn")}, '9999-12-31')`, "asc"], [sql`coalesce(${sql.ref("d.followUpOn")}, '9999-12-31')`, "asc"]]
            : bq.order === "oldest"
              ? [[sql.ref("d.openedAt"), "asc"]]
              : bq.order === "largest"
                ? [[amount, "desc"]]
                : [[sql`coalesce(${sql.ref("d.slaDueOn")}, '9999-12-31')`, "asc"]];
        order.push([sql.ref("d.id"), "asc"]);
        const orderSql = sql.join(order.map(([e, dir]) => sql`${e} ${sql.raw(dir)}`));
        type BriefRow = { id: number; number: string; version: number; customerName: string; ownerEmail: string; ownerName: string | null; priority: string; currency: string; amount: unknown; followUpOn: string | null; slaDueOn: string | null; openedAt: unknown; firstMissedOn: string | null; unanswered: unknown };
        let rows: BriefRow[];
        if (bq.perCurrency) {
          // the first `limit` of each currency: a window over the same order (SQLite ≥ 3.25 and PostgreSQL)
          const ranked = q.select(sql<number>`row_number() over (partition by ${sql.ref("d.currency")} order by ${orderSql})`.as("rank"));
          rows = (await db
            .selectFrom(ranked.as("r"))
            .selectAll("r")
            .where("r.rank", "<=", bq.limit)
            .orderBy("r.currency")
            .orderBy("r.rank")
            .execute()) as unknown as BriefRow[];
        } else {
          rows = (await q.orderBy(orderSql as never).limit(bq.limit).execute()) as unknown as BriefRow[];
        }
        return rows.map((r) => ({
          disputeId: r.id,
          number: r.number,
          version: Number(r.version),
          customerName: r.customerName,
          ownerEmail: r.ownerEmail,
          ownerName: r.ownerName ?? null,
          priority: r.priority as Priority,
          currency: r.currency,
          amount: Number(r.amount ?? 0),
          followUpOn: r.followUpOn,
          slaDueOn: r.slaDueOn,
          openedAt: asDate(r.openedAt),
          firstMissedOn: r.firstMissedOn ?? null,
          unanswered: Number(r.unanswered ?? 0),
        }));
      },
    },

    // The digest's facts (issue 11): every count, sum, median and order computed by the database, in six
    // statements, the same SQL text on both databases but for dialect.ts's fragments. Plain JSON in and out.
    digest: {
      async facts(q) {
        const now = new Date(q.now);
        const since = q.since === null ? null : new Date(q.since);
        const today = todayIn(q.timezone, now);
        const scope = digestScope(q);
        const amount = disputedAmount;
        const num = (v: unknown): number => Number(v ?? 0);
        const closedIn = since ? sql<SqlBool>`d."closedAt" > ${since} AND d."closedAt" <= ${now}` : sql<SqlBool>`d."closedAt" <= ${now}`;
        const openedIn = since ? sql<SqlBool>`d."openedAt" > ${since} AND d."openedAt" <= ${now}` : sql<SqlBool>`d."openedAt" <= ${now}`;
        const DAY = 86_400_000;
        const ageFrom = (days: number) => new Date(now.getTime() - days * DAY);
        const secs = dialect.secondsBetween("d.openedAt", "d.closedAt");
        const ownerLimit = Math.max(1, Math.floor(q.ownerLimit));

        const unscoped = q.reasonCode === undefined && q.ownerEmail === undefined && q.team === undefined;
        // The open disputes are read once, from a covering index in the GROUP BY's order (no sort): grouped by owner,
        // currency and reason (base), then rolled up by currency and reason (the headline, the split by reason, the
        // chart) and, for the late ones, by owner and currency (the late owners). The disputed amount and the first
        // missed follow-up are columns of Dispute (written with the items and with FollowUp); the amount held,
        // DisputeHeld's rows (a dispute's holds per currency, written with them).
        const late = sql<SqlBool>`(d."firstMissedOn" IS NOT NULL OR d."slaDueOn" < ${today})`;
        const [t31, t61, t91] = [ageFrom(31), ageFrom(61), ageFrom(91)];
        type PartRow = {
          part: string; currency: string; code: string; labelFr: string; labelEn: string; bucket: string; n: unknown; amount: unknown; overdue: unknown; breached: unknown;
          email: string | null; name: string | null; slackUserId: string | null; total: unknown; wId: unknown; wNumber: string | null; wVersion: unknown;
        };
        const [parts, held, opened, closed, median, oldest] = await Promise.all([
          // a: headline per currency; b: split by reason (per currency, reasons by count); c: the chart, amount per
          // age bucket (0–30 days while under 31 days, …; summed as the amounts opened after each edge, fewer
          // comparisons a row than a range per bucket); d: the late owners (a missed follow-up or past the SLA) per
          // currency, ranked, each with its worst: the oldest missed follow-up, then the oldest SLA date
          sql<PartRow>`
            WITH base AS (
              SELECT d."ownerEmail" AS email, d."currency" AS currency, d."reasonId" AS "reasonId", count(*) AS n, sum(d."disputedAmount") AS amount,
                count(d."firstMissedOn") AS overdue, count(CASE WHEN d."slaDueOn" < ${today} THEN 1 END) AS breached,
                count(CASE WHEN ${late} THEN 1 END) AS "lateN", coalesce(sum(CASE WHEN ${late} THEN d."disputedAmount" END), 0) AS "lateAmount",
                coalesce(sum(CASE WHEN d."openedAt" > ${t31} THEN d."disputedAmount" END), 0) AS u31,
                coalesce(sum(CASE WHEN d."openedAt" > ${t61} THEN d."disputedAmount" END), 0) AS u61,
                coalesce(sum(CASE WHEN d."openedAt" > ${t91} THEN d."disputedAmount" END), 0) AS u91
              FROM "Dispute" d WHERE d."status" = 'open' AND ${scope}
              GROUP BY d."ownerEmail", d."currency", d."reasonId"
            ), g AS (
              SELECT b.currency AS currency, b."reasonId" AS "reasonId", sum(b.n) AS n, sum(b.amount) AS amount, sum(b.overdue) AS overdue,
                sum(b.breached) AS breached, sum(b.u31) AS u31, sum(b.u61) AS u61, sum(b.u91) AS u91
              FROM base b GROUP BY b.currency, b."reasonId"
            ), pc AS (
              -- a missed follow-up or a past SLA date makes a dispute late: its owner's overdue and breached are all late ones
              SELECT b.email AS email, b.currency AS currency, sum(b."lateN") AS n, sum(b.overdue) AS overdue, sum(b.breached) AS breached, sum(b."lateAmount") AS amount
              FROM base b WHERE b."lateN" > 0 GROUP BY b.email, b.currency
            ), owners AS (
              SELECT email, sum(n) AS n, sum(overdue) AS overdue, sum(breached) AS breached,
                row_number() OVER (ORDER BY sum(n) DESC, sum(overdue) DESC, sum(breached) DESC, ${dialect.byteOrder("email")}) AS rank,
                count(*) OVER () AS total
              FROM pc GROUP BY email
            ), top AS MATERIALIZED (
              SELECT t.email AS email, t.n AS n, t.overdue AS overdue, t.breached AS breached, t.rank AS rank, t.total AS total,
                (SELECT d."id" FROM "Dispute" d WHERE d."status" = 'open' AND d."ownerEmail" = t.email AND ${late} AND ${scope}
                  ORDER BY coalesce(d."firstMissedOn", '9999-12-31'), coalesce(d."slaDueOn", '9999-12-31'), d."id" LIMIT 1) AS worst
              FROM owners t WHERE t.rank <= ${ownerLimit}
            )
            SELECT x.part AS part, CASE WHEN x.part = 'b' THEN x."thenCurrency" ELSE x.currency END AS currency, x.code AS code, x."labelFr" AS "labelFr",
              x."labelEn" AS "labelEn", x.bucket AS bucket, x.n AS n, x.amount AS amount, x.overdue AS overdue, x.breached AS breached,
              x.email AS email, x.name AS name, x."slackUserId" AS "slackUserId", x.total AS total, x."wId" AS "wId", x."wNumber" AS "wNumber", x."wVersion" AS "wVersion"
            FROM (
              SELECT 'a' AS part, g.currency AS currency, '' AS code, '' AS "labelFr", '' AS "labelEn", '' AS bucket, 0 AS "sortOrder", 0 AS "byCount", '' AS "thenCurrency",
                sum(g.n) AS n, sum(g.amount) AS amount, sum(g.overdue) AS overdue, sum(g.breached) AS breached,
                CAST(NULL AS TEXT) AS email, CAST(NULL AS TEXT) AS name, CAST(NULL AS TEXT) AS "slackUserId", 0 AS total, 0 AS "wId", CAST(NULL AS TEXT) AS "wNumber", 0 AS "wVersion"
              FROM g GROUP BY g.currency
              UNION ALL
              SELECT 'b', '', r."code", r."labelFr", r."labelEn", '', r."sortOrder", -sum(sum(g.n)) OVER (PARTITION BY r."id"), g.currency, sum(g.n), sum(g.amount), 0, 0,
                NULL, NULL, NULL, 0, 0, NULL, 0
              FROM g JOIN "Reason" r ON r."id" = g."reasonId"
              GROUP BY r."id", r."code", r."labelFr", r."labelEn", r."sortOrder", g.currency
              UNION ALL
              SELECT 'c', g.currency, r."code", r."labelFr", r."labelEn", b.bucket, r."sortOrder", 0, '', 0,
                CASE b.bucket WHEN '0-30' THEN g.u31 WHEN '31-60' THEN g.u61 - g.u31 WHEN '61-90' THEN g.u91 - g.u61 ELSE g.amount - g.u91 END, 0, 0,
                NULL, NULL, NULL, 0, 0, NULL, 0
              FROM g JOIN "Reason" r ON r."id" = g."reasonId"
                CROSS JOIN (SELECT '0-30' AS bucket UNION ALL SELECT '31-60' UNION ALL SELECT '61-90' UNION ALL SELECT '90+') b
              WHERE CASE b.bucket WHEN '0-30' THEN g.u31 WHEN '31-60' THEN g.u61 - g.u31 WHEN '61-90' THEN g.u91 - g.u61 ELSE g.amount - g.u91 END > 0
              UNION ALL
              SELECT 'd', pc.currency, '', '', '', '', 0, o.rank, '', o.n, pc.amount, o.overdue, o.breached,
                o.email, p."name", p."slackUserId", o.total, w."id", w."number", w."version"
              FROM top o JOIN pc ON pc.email = o.email JOIN "Dispute" w ON w."id" = o.worst LEFT JOIN "Person" p ON p."email" = o.email
            ) x
            ORDER BY x.part, x."byCount", x.currency, x."sortOrder", ${dialect.byteOrder("x.code")}, x."thenCurrency", x.bucket`.execute(db),
          unscoped
            ? sql<{ currency: string; amount: unknown }>`
                SELECT h."currency" AS currency, sum(h."amount") AS amount FROM "DisputeHeld" h GROUP BY h."currency" ORDER BY h."currency"`.execute(db)
            : sql<{ currency: string; amount: unknown }>`
                SELECT h."currency" AS currency, sum(h."amount") AS amount
                FROM "DisputeHeld" h JOIN "Dispute" d ON d."id" = h."disputeId"
                WHERE ${scope}
                GROUP BY h."currency" ORDER BY h."currency"`.execute(db),
          sql<{ currency: string; n: unknown; amount: unknown }>`
            SELECT d."currency" AS currency, count(*) AS n, sum(${amount}) AS amount
            FROM "Dispute" d WHERE ${openedIn} AND ${scope}
            GROUP BY d."currency" ORDER BY d."currency"`.execute(db),
          sql<{ status: string; n: unknown }>`
            SELECT d."status" AS status, count(*) AS n
            FROM "Dispute" d WHERE d."status" IN ('resolved', 'withdrawn') AND ${closedIn} AND ${scope}
            GROUP BY d."status"`.execute(db),
          sql<{ m: unknown }>`
            SELECT avg(x.s) AS m FROM (
              SELECT ${secs} AS s, row_number() OVER (ORDER BY ${secs}) AS rn, count(*) OVER () AS cnt
              FROM "Dispute" d WHERE d."status" = 'resolved' AND ${closedIn} AND ${scope}
            ) x WHERE x.rn IN ((x.cnt + 1) / 2, (x.cnt + 2) / 2)`.execute(db),
          repos.overview.briefs({ order: "oldest", limit: q.oldestLimit, reasonCode: q.reasonCode, ownerEmail: q.ownerEmail, ...(q.team !== undefined ? { managerEmail: q.team } : {}) }),
        ]);
        const headline = { rows: parts.rows.filter((r) => r.part === "a") };
        const reasons = { rows: parts.rows.filter((r) => r.part === "b") };
        const chart = { rows: parts.rows.filter((r) => r.part === "c") };
        const open = { count: 0, overdue: 0, slaBreached: 0, counts: {} as Record<string, number>, amounts: {} as Record<string, number> };
        for (const r of headline.rows) {
          open.count += num(r.n);
          open.overdue += num(r.overdue);
          open.slaBreached += num(r.breached);
          open.counts[r.currency] = num(r.n);
          open.amounts[r.currency] = num(r.amount);
        }
        const owners: DigestLateOwner[] = [];
        const lateRows = parts.rows.filter((r) => r.part === "d");
        for (const r of lateRows) {
          let o = owners[owners.length - 1];
          if (o?.email !== r.email) owners.push((o = { email: r.email!, name: r.name ?? null, slackUserId: r.slackUserId ?? null, count: num(r.n), overdue: num(r.overdue), slaBreached: num(r.breached), amounts: {}, worst: { disputeId: num(r.wId), number: r.wNumber!, version: num(r.wVersion) } }));
          o.amounts[r.currency] = num(r.amount);
        }
        const split: DigestReasonSplit[] = [];
        for (const r of reasons.rows) {
          let x = split[split.length - 1];
          if (x?.code !== r.code) split.push((x = { code: r.code, labelFr: r.labelFr, labelEn: r.labelEn, count: 0, amounts: {} }));
          x.count += num(r.n);
          x.amounts[r.currency] = num(r.amount);
        }
        const m = median.rows[0]?.m;
        return {
          now: now.toISOString(),
          since: since ? since.toISOString() : null,
          today,
          open,
          held: Object.fromEntries(held.rows.map((r) => [r.currency, num(r.amount)])),
          opened: { count: opened.rows.reduce((a, r) => a + num(r.n), 0), amounts: Object.fromEntries(opened.rows.map((r) => [r.currency, num(r.amount)])) },
          resolved: {
            count: num(closed.rows.find((r) => r.status === "resolved")?.n),
            withdrawn: num(closed.rows.find((r) => r.status === "withdrawn")?.n),
            medianDays: m === null || m === undefined ? null : Math.round((Number(m) / 86_400) * 10) / 10,
          },
          late: { ownersTotal: num(lateRows[0]?.total), owners },
          reasons: split,
          oldest: oldest.map((b) => ({ ...b, openedAt: b.openedAt.toISOString() })),
          chart: chart.rows.map((r) => ({ currency: r.currency, bucket: r.bucket as DigestChartRow["bucket"], reasonCode: r.code, labelFr: r.labelFr, labelEn: r.labelEn, amount: num(r.amount) })),
        };
      },
      async subscribe(input, now) {
        const filterKey = `${input.reasonCode ?? ""}|${input.ownerEmail ?? ""}`;
        const set = { time: input.time, cadence: input.cadence, always: input.always, locale: input.locale, updatedAt: now };
        const find = () =>
          db
            .selectFrom("DigestSubscription")
            .selectAll()
            .where("platform", "=", input.platform)
            .where("channelId", "=", input.channelId)
            .where("filterKey", "=", filterKey)
            .executeTakeFirst();
        const found = await find();
        if (found) await db.updateTable("DigestSubscription").set(set).where("id", "=", found.id).execute();
        else
          await db
            .insertInto("DigestSubscription")
            .values({ ...set, platform: input.platform, channelId: input.channelId, filterKey, reasonCode: input.reasonCode, ownerEmail: input.ownerEmail, createdByEmail: input.createdByEmail, createdAt: now, coveredUntil: null })
            .execute();
        return { subscription: toSubscription((await find())!), created: !found };
      },
      async unsubscribe(platform, channelId) {
        const r = await db.deleteFrom("DigestSubscription").where("platform", "=", platform).where("channelId", "=", channelId).executeTakeFirst();
        return Number(r.numDeletedRows);
      },
      async subscriptions(filter) {
        let q = db.selectFrom("DigestSubscription").selectAll();
        if (filter?.platform) q = q.where("platform", "=", filter.platform);
        if (filter?.channelId !== undefined) q = q.where("channelId", "=", filter.channelId);
        return (await q.orderBy("id").execute()).map(toSubscription);
      },
      async subscription(id) {
        const r = await db.selectFrom("DigestSubscription").selectAll().where("id", "=", id).executeTakeFirst();
        return r ? toSubscription(r) : null;
      },
      async addRun(run) {
        const r = await db
          .insertInto("DigestRun")
          .values({ subscriptionId: run.subscriptionId, dueAt: run.dueAt, outboxId: run.outboxId, createdAt: run.createdAt })
          .onConflict((oc) => oc.columns(["subscriptionId", "dueAt"]).doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
      },
      async cover(subscriptionId, until, now) {
        await db.updateTable("DigestSubscription").set({ coveredUntil: until, updatedAt: now }).where("id", "=", subscriptionId).execute();
      },
    },

    // Rendered charts (issue 11, the digest's PNG): BLOB on SQLite, bytea on PostgreSQL; both drivers read a Buffer.
    charts: {
      async put(c) {
        await db.insertInto("Chart").values({ token: c.token, png: c.png, createdAt: c.createdAt, expiresAt: c.expiresAt }).execute();
      },
      async get(token, now) {
        const r = await db.selectFrom("Chart").select(["png", "expiresAt"]).where("token", "=", token).where("expiresAt", ">", now).executeTakeFirst();
        return r ? { png: Buffer.from(r.png), expiresAt: asDate(r.expiresAt) } : null;
      },
      async deleteExpired(now) {
        const r = await db.deleteFrom("Chart").where("expiresAt", "<=", now).executeTakeFirst();
        return Number(r.numDeletedRows);
      },
    },
  };
  return repos;
}

/** The last stored settings text read, validated once: callers get a copy of their own (settings are plain JSON). */
let lastSettings: { text: string | null; json: string } | null = null;
function toSubscription(r: Row<"DigestSubscription">): DigestSubscription {
  return {
    id: Number(r.id),
    platform: r.platform as DigestSubscription["platform"],
    channelId: r.channelId,
    time: r.time,
    cadence: r.cadence as DigestSubscription["cadence"],
    always: Boolean(r.always),
    reasonCode: r.reasonCode,
    ownerEmail: r.ownerEmail,
    locale: r.locale as Locale,
    createdByEmail: r.createdByEmail,
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
    coveredUntil: r.coveredUntil === null ? null : asDate(r.coveredUntil),
  };
}

function toAbsence(r: Row<"Absence">): Absence {
  return { id: Number(r.id), personEmail: r.personEmail, fromOn: r.fromOn, untilOn: r.untilOn, deputyEmail: r.deputyEmail, createdAt: asDate(r.createdAt) };
}

function parsedSettings(text: string | null): Settings {
  if (lastSettings?.text !== text) lastSettings = { text, json: JSON.stringify(text === null ? DEFAULT_SETTINGS : settingsSchema.parse(JSON.parse(text))) };
  return JSON.parse(lastSettings.json) as Settings;
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

/** The head of each order key of the queue (its oldest pending message), when its attempt time has come. */
async function outboxDue(db: Kysely<Database>, now: Date, limit: number, channel?: OutboxChannel): Promise<OutboxMessage[]> {
  // The head of each order key (its oldest pending message, among the 5,000 oldest pending), due
  // when its attempt time has come. Ranked on a few narrow columns; only the due heads are read whole.
  let oldest = db.selectFrom("OutboxMessage").select(["id", "orderKey", "seq", "nextAttemptAt"]).where("status", "=", "pending");
  if (channel) oldest = oldest.where("channel", "=", channel);
  oldest = oldest.orderBy("seq").limit(5000);
  const ranked = db
    .selectFrom(oldest.as("p"))
    .selectAll()
    .select(sql<number>`ROW_NUMBER() OVER (PARTITION BY "orderKey" ORDER BY "seq")`.as("rank"));
  const heads = await db.selectFrom(ranked.as("r")).select(["id", "nextAttemptAt"]).where("rank", "=", 1).orderBy("seq").execute();
  const t = now.getTime();
  const ids: string[] = [];
  for (const r of heads) {
    if (ids.length >= limit) break;
    // read back through a sub-select, SQLite's DateTime text has lost its declared type
    const at = r.nextAttemptAt instanceof Date ? r.nextAttemptAt : new Date(String(r.nextAttemptAt));
    if (at.getTime() <= t) ids.push(r.id);
  }
  if (!ids.length) return [];
  const rows = await db.selectFrom("OutboxMessage").selectAll().where("id", "in", ids).orderBy("seq").execute();
  return rows.map(toMessage);
}

// ---- the store --------------------------------------------------------------------------------

/** The store over a connection: top-level calls (writes each in a transaction of their own) and `transaction`. */
export function kyselyStore(conn: Connection): Store {
  const { db, dialect } = conn;
  // The repositories over a transaction's Kysely, built once per Kysely instance: connect.ts reuses one
  // for every transaction of a SQLite connection and one per pooled PostgreSQL client (building them,
  // a hundred closures, cost more than a short transaction's SQL).
  const built = new WeakMap<Executor, Repos>();
  const reposOf = (trx: Executor): Repos => {
    let r = built.get(trx);
    if (!r) built.set(trx, (r = repositoriesOn(trx, dialect)));
    return r;
  };
  const direct = repositoriesOn(db, dialect) as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
  const top: Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> = {};
  for (const [collection, methods] of Object.entries(direct)) {
    const writes = WRITES[collection as keyof Repos] as readonly string[];
    const multi = (MULTI_STATEMENT[collection as keyof Repos] ?? []) as readonly string[];
    top[collection] = {};
    for (const [name, fn] of Object.entries(methods)) {
      // SQLite: every write in a transaction (BEGIN IMMEDIATE waits for another connection's write lock
      // without blocking the event loop). PostgreSQL: one statement is atomic by itself; only writes of
      // several statements need one.
      const ownTransaction = writes.includes(name) && (dialect.name === "sqlite" || multi.includes(name));
      top[collection]![name] = ownTransaction
        ? (...args) =>
            conn.transaction(async (trx) => {
              const repos = reposOf(trx) as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
              return repos[collection]![name]!(...args);
            })
        : fn;
    }
  }
  // the digest's facts (aggregations over every open dispute) read off the event loop: a worker thread's
  // read-only connection on SQLite (offloop.ts), the pool on PostgreSQL. Only this read path; writes never.
  top["digest"]!["facts"] = (repositoriesOn(conn.offLoopDb, dialect) as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)["digest"]!["facts"]!;
  return {
    ...(top as unknown as Repos),
    dialect: dialect.name,
    transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
      return conn.transaction(async (trx) => {
        let open = true;
        const guarded = guard(reposOf(trx), () => open, trx, dialect.name === "sqlite");
        try {
          return await fn(guarded);
        } finally {
          open = false;
        }
      });
    },
    async wipeThen<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
      return conn.transaction(async (trx) => {
        // every table the migrations made (today's and those added later), never the migrations' own
        const tables =
          dialect.name === "sqlite"
            ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`.execute(trx)).rows.map((r) => r.name)
            : (await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`.execute(trx)).rows.map((r) => r.name);
        if (dialect.name === "sqlite") {
          // foreign keys checked at commit: the tables are emptied in any order
          await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
          for (const t of tables) await sql`DELETE FROM ${sql.id(t)}`.execute(trx);
          const seq = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'`.execute(trx);
          if (Number(seq.rows[0]?.n ?? 0) > 0) await sql`DELETE FROM sqlite_sequence`.execute(trx);
        } else if (tables.length) {
          await sql`TRUNCATE ${sql.join(tables.map((t) => sql.id(t)))} RESTART IDENTITY CASCADE`.execute(trx);
        }
        let open = true;
        const guarded = guard(reposOf(trx), () => open, trx, dialect.name === "sqlite");
        try {
          return await fn(guarded);
        } finally {
          open = false;
        }
      });
    },
    close: () => conn.close(),
  };
}

/**
 * Repositories that refuse calls once their transaction has ended (a use case kept them too long). A
 * transaction costs two proxies and what it touches: a collection's methods are wrapped when the use
 * case first reads them (a transaction uses a few of a hundred), not each collection eagerly (defining
 * accessors on a fresh object per transaction cost more than a short transaction's SQL, bench:store).
 * The proxies forward everything else to the repositories (`{ ...tx }` copies the guarded collections).
 */
function guard(repos: Repos, isOpen: () => boolean, trx: Kysely<Database>, savepoints: boolean): Repos {
  let sequence = 0;
  type Method = (...a: unknown[]) => Promise<unknown>;
  const withSavepoint =
    (fn: Method): Method =>
    async (...args) => {
      const sp = `"port_${++sequence}"`;
      await trx.executeQuery(CompiledQuery.raw(`SAVEPOINT ${sp}`));
      try {
        const r = await fn(...args);
        await trx.executeQuery(CompiledQuery.raw(`RELEASE SAVEPOINT ${sp}`));
        return r;
      } catch (e) {
        await trx.executeQuery(CompiledQuery.raw(`ROLLBACK TO SAVEPOINT ${sp}`));
        await trx.executeQuery(CompiledQuery.raw(`RELEASE SAVEPOINT ${sp}`));
        throw e;
      }
    };
  const guarded =
    (call: Method): Method =>
    (...args) =>
      isOpen() ? call(...args) : Promise.reject(new Error("This transaction is already closed: use the store, not a transaction's repositories, after it ended"));
  const collection = (name: string, methods: Record<string, Method>): Record<string, Method> => {
    const multi = savepoints ? ((MULTI_STATEMENT[name as keyof Repos] ?? []) as readonly string[]) : [];
    const made = new Map<string, Method>();
    return new Proxy(methods, {
      get(target, key) {
        const fn = Reflect.get(target, key) as unknown;
        if (typeof key !== "string" || typeof fn !== "function") return fn;
        let w = made.get(key);
        if (!w) made.set(key, (w = guarded(multi.includes(key) ? withSavepoint(fn as Method) : (fn as Method))));
        return w;
      },
    });
  };
  const collections = new Map<string, Record<string, Method>>();
  return new Proxy(repos as unknown as Record<string, Record<string, Method>>, {
    get(target, key) {
      const methods = Reflect.get(target, key) as Record<string, Method> | undefined;
      if (typeof key !== "string" || methods === undefined) return methods;
      let c = collections.get(key);
      if (!c) collections.set(key, (c = collection(key, methods)));
      return c;
    },
  }) as unknown as Repos;
}

/** Applies the committed migrations of the database's provider (on PostgreSQL under an advisory lock); returns the names applied. */
export async function migrateDatabase(target: DatabaseTarget, opts: DatabaseOptions = {}): Promise<string[]> {
  if (target.kind === "sqlite") {
    const raw = openSqlite(target.file);
    try {
      return migrateSqlite(raw);
    } finally {
      raw.close();
    }
  }
  const client = new pg.Client(pgConfig(target.url, opts));
  await client.connect();
  try {
    return await migratePostgres(client);
  } finally {
    await client.end();
  }
}

/** Connects to the database, applies the committed migrations of its provider, and returns the store. */
export async function openStore(target: DatabaseTarget, opts: DatabaseOptions = {}): Promise<{ store: Store; applied: string[] }> {
  const applied = await migrateDatabase(target, opts);
  return { store: kyselyStore(connect(target, opts)), applied };
}
