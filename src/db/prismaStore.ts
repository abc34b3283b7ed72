import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";
import type {
  Counters,
  Customers,
  DisputeFilter,
  Disputes,
  DunningRuns,
  HoldChange,
  Holds,
  IdempotencyKeys,
  Items,
  Outbox,
  OutboxMessage,
  People,
  Reasons,
  Repos,
  SettingsStore,
  Store,
} from "../app/ports.ts";
import { fail } from "../domain/errors.ts";
import { mayHold } from "../domain/holds.ts";
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
  TimelineEvent,
} from "../domain/types.ts";
import { toCustomer, toPerson, toReason, toResolution } from "./rows.ts";

// Prisma adapters of the ports. Row <-> domain mapping lives here, and in ./rows.ts where it is the same
// for the raw-SQL adapter.

type Tx = Prisma.TransactionClient | PrismaClient;

const n = (v: bigint | number): number => Number(v);
const big = (v: number): bigint => BigInt(v);

type ItemRow = Prisma.ItemGetPayload<object>;
type DisputeRow = Prisma.DisputeGetPayload<{ include: { items: true } }>;

const toItem = (r: ItemRow): Item => ({
  id: r.id,
  customerId: r.customerId,
  ref: r.ref,
  kind: r.kind as ItemKind,
  issuedOn: r.issuedOn,
  dueOn: r.dueOn,
  amount: n(r.amount),
  openAmount: n(r.openAmount),
  currency: r.currency,
  dunningLevel: r.dunningLevel as DunningLevel,
  lastDunnedOn: r.lastDunnedOn,
});

const toDispute = (r: DisputeRow): Dispute => ({
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
  items: [...r.items].sort((a, b) => a.itemId - b.itemId).map((i) => ({ itemId: i.itemId, amount: n(i.amount) })),
  resolution: toResolution({ ...r, concededAmount: r.concededAmount === null ? null : n(r.concededAmount) }),
  creditNoteSeenAt: r.creditNoteSeenAt,
  holdsReleasedAt: r.holdsReleasedAt,
  closedAt: r.closedAt,
  closedByEmail: r.closedByEmail,
  version: r.version,
  openedAt: r.openedAt,
  updatedAt: r.updatedAt,
});

const disputeColumns = (d: Dispute) => ({
  number: d.number,
  customerId: d.customerId,
  scope: d.scope,
  reasonId: d.reasonId,
  priority: d.priority,
  status: d.status,
  statement: d.statement,
  ownerEmail: d.ownerEmail,
  openedByEmail: d.openedByEmail,
  followUpOn: d.followUpOn,
  slaDueOn: d.slaDueOn,
  currency: d.currency,
  outcome: d.resolution?.outcome ?? null,
  outcomeNote: d.resolution?.note ?? null,
  creditNoteRef: d.resolution?.creditNoteRef ?? null,
  concededAmount: d.resolution?.concededAmount == null ? null : big(d.resolution.concededAmount),
  rootCause: d.resolution?.rootCause ?? null,
  creditNoteSeenAt: d.creditNoteSeenAt,
  holdsReleasedAt: d.holdsReleasedAt,
  closedAt: d.closedAt,
  closedByEmail: d.closedByEmail,
  version: d.version,
  openedAt: d.openedAt,
  updatedAt: d.updatedAt,
  openCustomerFlagId: d.scope === "customer" && d.status === "open" ? d.customerId : null,
});

const isUniqueViolation = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === "P2002";

function people(db: Tx): People {
  return {
    async byEmail(email) {
      const r = await db.person.findUnique({ where: { email } });
      return r ? toPerson(r) : null;
    },
    async byEmails(emails) {
      return (await db.person.findMany({ where: { email: { in: emails } } })).map(toPerson);
    },
    async bySlackId(slackUserId) {
      const r = await db.person.findUnique({ where: { slackUserId } });
      return r ? toPerson(r) : null;
    },
    async list(filter) {
      return (await db.person.findMany({ where: filter?.role ? { role: filter.role } : {}, orderBy: { name: "asc" } })).map(toPerson);
    },
    async upsertMany(list) {
      const out: Person[] = [];
      for (const p of list) {
        const data = {
          name: p.name,
          role: p.role,
          ...(p.managerEmail !== undefined ? { managerEmail: p.managerEmail } : {}),
          ...(p.locale !== undefined ? { locale: p.locale } : {}),
          ...(p.timezone !== undefined ? { timezone: p.timezone } : {}),
          ...(p.slackUserId !== undefined ? { slackUserId: p.slackUserId } : {}),
          ...(p.teamsUserId !== undefined ? { teamsUserId: p.teamsUserId } : {}),
        };
        out.push(toPerson(await db.person.upsert({ where: { email: p.email }, create: { email: p.email, ...data }, update: data })));
      }
      return out;
    },
  };
}

function customers(db: Tx): Customers {
  return {
    async byRef(ref) {
      const r = await db.customer.findUnique({ where: { ref } });
      return r ? toCustomer(r) : null;
    },
    async byId(id) {
      const r = await db.customer.findUnique({ where: { id } });
      return r ? toCustomer(r) : null;
    },
    async byIds(ids) {
      return (await db.customer.findMany({ where: { id: { in: ids } } })).map(toCustomer);
    },
    async byRefs(refs) {
      return (await db.customer.findMany({ where: { ref: { in: refs } } })).map(toCustomer);
    },
    async search(q, limit) {
      const t = normalizeSearch(q);
      if (!t) return (await db.customer.findMany({ orderBy: { name: "asc" }, take: limit })).map(toCustomer);
      // A plain substring of the stored key. Not `contains`: it is LIKE, where % and _ are wildcards.
      const ids = await db.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Customer" WHERE instr("searchKey", ${t}) > 0 ORDER BY "name", "id" LIMIT ${limit}`;
      const rows = await db.customer.findMany({ where: { id: { in: ids.map((r) => Number(r.id)) } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((r) => byId.get(Number(r.id)) ?? []).map(toCustomer);
    },
    async list() {
      return (await db.customer.findMany({ orderBy: { ref: "asc" } })).map(toCustomer);
    },
    async upsertMany(list) {
      const out: Customer[] = [];
      for (const c of list) {
        const data = {
          name: c.name,
          searchKey: customerSearchKey(c),
          ...(c.currency !== undefined ? { currency: c.currency } : {}),
          ...(c.salesRepEmail !== undefined ? { salesRepEmail: c.salesRepEmail } : {}),
          ...(c.controllerEmail !== undefined ? { controllerEmail: c.controllerEmail } : {}),
        };
        out.push(toCustomer(await db.customer.upsert({ where: { ref: c.ref }, create: { ref: c.ref, ...data }, update: data })));
      }
      return out;
    },
  };
}

function items(db: Tx): Items {
  const openWhere = (openOnly?: boolean) => (openOnly ? { openAmount: { not: 0n } } : {});
  return {
    async byIds(ids) {
      return (await db.item.findMany({ where: { id: { in: ids } } })).map(toItem);
    },
    async byRefs(customerId, refs) {
      return (await db.item.findMany({ where: { customerId, ref: { in: refs } } })).map(toItem);
    },
    async ofCustomer(customerId, filter) {
      return (await db.item.findMany({ where: { customerId, ...openWhere(filter?.openOnly) }, orderBy: [{ dueOn: "asc" }, { ref: "asc" }] })).map(toItem);
    },
    async ofCustomers(customerIds, filter) {
      return (
        await db.item.findMany({ where: { customerId: { in: customerIds }, ...openWhere(filter?.openOnly) }, orderBy: [{ dueOn: "asc" }, { ref: "asc" }] })
      ).map(toItem);
    },
    async allOpen(filter) {
      return (
        await db.item.findMany({
          where: { openAmount: { not: 0n }, ...(filter?.customerIds ? { customerId: { in: filter.customerIds } } : {}) },
          orderBy: [{ customerId: "asc" }, { dueOn: "asc" }, { ref: "asc" }],
        })
      ).map(toItem);
    },
    async upsertMany(list) {
      const out: Item[] = [];
      for (const i of list) {
        const data = {
          kind: i.kind,
          issuedOn: i.issuedOn,
          dueOn: i.dueOn,
          amount: big(i.amount),
          openAmount: big(i.openAmount),
          currency: i.currency,
          ...(i.dunningLevel !== undefined ? { dunningLevel: i.dunningLevel } : {}),
          ...(i.lastDunnedOn !== undefined ? { lastDunnedOn: i.lastDunnedOn } : {}),
        };
        out.push(
          toItem(
            await db.item.upsert({
              where: { customerId_ref: { customerId: i.customerId, ref: i.ref } },
              create: { customerId: i.customerId, ref: i.ref, ...data },
              update: data,
            }),
          ),
        );
      }
      return out;
    },
    async setDunning(updates) {
      for (const u of updates) {
        await db.item.update({ where: { id: u.itemId }, data: { dunningLevel: u.level, lastDunnedOn: u.lastDunnedOn } });
      }
    },
  };
}

function reasons(db: Tx): Reasons {
  return {
    async list(filter) {
      return (await db.reason.findMany({ where: filter?.activeOnly ? { active: true } : {}, orderBy: [{ sortOrder: "asc" }, { code: "asc" }] })).map(toReason);
    },
    async byCode(code) {
      const r = await db.reason.findUnique({ where: { code } });
      return r ? toReason(r) : null;
    },
    async byId(id) {
      const r = await db.reason.findUnique({ where: { id } });
      return r ? toReason(r) : null;
    },
    async create(input) {
      try {
        return toReason(await db.reason.create({ data: input }));
      } catch (e) {
        if (isUniqueViolation(e)) fail("conflict", `Reason ${input.code} already exists`, { field: "code" });
        throw e;
      }
    },
    async update(code, patch) {
      const r = await db.reason.findUnique({ where: { code } });
      if (!r) return fail("not_found", `No reason ${code}`);
      return toReason(await db.reason.update({ where: { code }, data: patch }));
    },
    async inUse(reasonId) {
      return (await db.dispute.count({ where: { reasonId } })) > 0;
    },
  };
}

function disputeWhere(f: DisputeFilter): Prisma.DisputeWhereInput {
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(f.reasonId !== undefined ? { reasonId: f.reasonId } : {}),
    ...(f.ownerEmail ? { ownerEmail: f.ownerEmail } : {}),
    ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
    ...(f.followUpBefore ? { status: "open", followUpOn: { lt: f.followUpBefore } } : {}),
    ...(f.salesRepEmail ? { customer: { salesRepEmail: f.salesRepEmail } } : {}),
  };
}

function disputes(db: Tx): Disputes {
  const inc = { items: true } as const;
  return {
    async byId(id) {
      const r = await db.dispute.findUnique({ where: { id }, include: inc });
      return r ? toDispute(r) : null;
    },
    async byNumber(number) {
      const r = await db.dispute.findUnique({ where: { number }, include: inc });
      return r ? toDispute(r) : null;
    },
    async list(f) {
      const rows = await db.dispute.findMany({
        where: disputeWhere(f),
        include: inc,
        orderBy: [{ openedAt: "desc" }, { id: "desc" }],
        ...(f.limit ? { take: f.limit } : {}),
      });
      return rows.map(toDispute);
    },
    async openClaims(itemIds, exceptDisputeId) {
      const rows = await db.disputeItem.findMany({
        where: { itemId: { in: itemIds }, dispute: { status: "open", ...(exceptDisputeId ? { id: { not: exceptDisputeId } } : {}) } },
        include: { dispute: { select: { number: true } } },
      });
      return rows.map((r) => ({ itemId: r.itemId, disputeId: r.disputeId, number: r.dispute.number, amount: n(r.amount) }));
    },
    async openCustomerLevel(customerId) {
      const r = await db.dispute.findFirst({ where: { customerId, scope: "customer", status: "open" }, include: inc });
      return r ? toDispute(r) : null;
    },
    async holdingFor(customerIds) {
      const rows = await db.dispute.findMany({
        where: { customerId: { in: customerIds }, status: { in: ["open", "resolved"] } },
        include: inc,
      });
      return rows.map(toDispute).filter(mayHold);
    },
    async customersWithHoldingDisputes() {
      const rows = await db.dispute.findMany({
        where: {
          OR: [
            { status: "open" },
            { status: "resolved", outcome: "credit_note", creditNoteSeenAt: null, concededAmount: { gt: 0n } },
            { status: "resolved", outcome: "litigation", holdsReleasedAt: null },
          ],
        },
        select: { customerId: true },
        distinct: ["customerId"],
      });
      return rows.map((r) => r.customerId);
    },
    async awaitingCreditNotes(customerId, refs) {
      const rows = await db.dispute.findMany({
        where: { customerId, status: "resolved", outcome: "credit_note", creditNoteSeenAt: null, creditNoteRef: { in: refs } },
        include: inc,
      });
      return rows.map(toDispute);
    },
    async create(d) {
      try {
        const r = await db.dispute.create({
          data: { ...disputeColumns(d), items: { create: d.items.map((i) => ({ itemId: i.itemId, amount: big(i.amount) })) } },
          include: inc,
        });
        return toDispute(r);
      } catch (e) {
        if (isUniqueViolation(e)) fail("conflict", "This customer already has an open customer-level dispute", { field: "customerRef" });
        throw e;
      }
    },
    async update(d, expectedVersion) {
      try {
        const res = await db.dispute.updateMany({ where: { id: d.id, version: expectedVersion }, data: disputeColumns(d) });
        if (res.count !== 1) fail("stale_version", `Dispute ${d.number} changed meanwhile`, {});
      } catch (e) {
        if (isUniqueViolation(e)) fail("conflict", "This customer already has an open customer-level dispute", { field: "customerRef" });
        throw e;
      }
      const current = await db.disputeItem.findMany({ where: { disputeId: d.id } });
      const want = new Map(d.items.map((i) => [i.itemId, i.amount]));
      const gone = current.filter((c) => !want.has(c.itemId)).map((c) => c.itemId);
      if (gone.length) await db.disputeItem.deleteMany({ where: { disputeId: d.id, itemId: { in: gone } } });
      for (const [itemId, amount] of want) {
        const had = current.find((c) => c.itemId === itemId);
        if (!had) await db.disputeItem.create({ data: { disputeId: d.id, itemId, amount: big(amount) } });
        else if (n(had.amount) !== amount) await db.disputeItem.update({ where: { disputeId_itemId: { disputeId: d.id, itemId } }, data: { amount: big(amount) } });
      }
    },
    async appendEvents(disputeId, events) {
      for (const e of events) {
        await db.timelineEntry.create({
          data: { disputeId, type: e.type, at: e.at, byEmail: e.byEmail, text: e.text, data: e.data ? JSON.stringify(e.data) : null },
        });
      }
    },
    async timeline(disputeId) {
      const rows = await db.timelineEntry.findMany({ where: { disputeId }, orderBy: { id: "asc" } });
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
  };
}

function holds(db: Tx): Holds {
  return {
    async replaceForCustomers(customerIds, rows, now) {
      const existing = await db.hold.findMany({ where: { item: { customerId: { in: customerIds } } } });
      const key = (itemId: number, disputeId: number) => `${itemId}:${disputeId}`;
      const before = new Map(existing.map((h) => [key(h.itemId, h.disputeId), h]));
      const changes: HoldChange[] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        const k = key(r.itemId, r.disputeId);
        seen.add(k);
        const old = before.get(k);
        if (!old) {
          await db.hold.create({ data: { itemId: r.itemId, disputeId: r.disputeId, amount: big(r.amount), kind: r.kind, since: now } });
          changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: 0, after: r.amount });
        } else if (n(old.amount) !== r.amount || old.kind !== r.kind) {
          await db.hold.update({ where: { itemId_disputeId: { itemId: r.itemId, disputeId: r.disputeId } }, data: { amount: big(r.amount), kind: r.kind } });
          if (n(old.amount) !== r.amount) changes.push({ itemId: r.itemId, disputeId: r.disputeId, before: n(old.amount), after: r.amount });
        }
      }
      for (const [k, old] of before) {
        if (seen.has(k)) continue;
        await db.hold.delete({ where: { itemId_disputeId: { itemId: old.itemId, disputeId: old.disputeId } } });
        changes.push({ itemId: old.itemId, disputeId: old.disputeId, before: n(old.amount), after: 0 });
      }
      return changes;
    },
    async list(filter) {
      const rows = await db.hold.findMany({
        where: {
          ...(filter?.customerIds ? { item: { customerId: { in: filter.customerIds } } } : {}),
          ...(filter?.disputeIds ? { disputeId: { in: filter.disputeIds } } : {}),
        },
        orderBy: [{ itemId: "asc" }, { disputeId: "asc" }],
      });
      return rows.map((h) => ({ itemId: h.itemId, disputeId: h.disputeId, amount: n(h.amount), kind: h.kind as never, since: h.since }));
    },
  };
}

function settings(db: Tx): SettingsStore {
  return {
    async get(): Promise<Settings> {
      const row = await db.setting.findUnique({ where: { key: "company" } });
      if (!row) return structuredClone(DEFAULT_SETTINGS);
      return settingsSchema.parse(JSON.parse(row.value));
    },
    async save(s) {
      const value = JSON.stringify(s);
      await db.setting.upsert({ where: { key: "company" }, create: { key: "company", value }, update: { value } });
    },
  };
}

type OutboxRow = Prisma.OutboxMessageGetPayload<object>;
const toMessage = (r: OutboxRow): OutboxMessage => ({
  id: r.id,
  type: r.type,
  orderKey: r.orderKey,
  payload: r.payload,
  status: r.status as OutboxMessage["status"],
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  createdAt: r.createdAt,
  deliveredAt: r.deliveredAt,
});

function outbox(db: Tx): Outbox {
  return {
    async add(messages) {
      for (const m of messages) {
        await db.outboxMessage.create({ data: { ...m, status: "pending", nextAttemptAt: m.createdAt } });
      }
    },
    async due(now, limit) {
      // Head of each order key: the oldest pending message; it is due when its attempt time has come.
      const pending = await db.outboxMessage.findMany({ where: { status: "pending" }, orderBy: { seq: "asc" }, take: 5000 });
      const heads = new Map<string, OutboxRow>();
      for (const r of pending) if (!heads.has(r.orderKey)) heads.set(r.orderKey, r);
      return [...heads.values()].filter((r) => r.nextAttemptAt <= now).slice(0, limit).map(toMessage);
    },
    async markDelivered(id, at) {
      await db.outboxMessage.update({ where: { id }, data: { status: "delivered", deliveredAt: at, lastError: null } });
    },
    async markFailed(id, error, nextAttemptAt) {
      await db.outboxMessage.update({
        where: { id },
        data: { attempts: { increment: 1 }, lastError: error.slice(0, 1000), ...(nextAttemptAt ? { nextAttemptAt } : { status: "dead" }) },
      });
    },
    async list(filter) {
      const where: Prisma.OutboxMessageWhereInput =
        filter.status === "failed"
          ? { OR: [{ status: "dead" }, { status: "pending", attempts: { gt: 0 } }] }
          : filter.status
            ? { status: filter.status }
            : {};
      return (await db.outboxMessage.findMany({ where, orderBy: { seq: "asc" }, take: filter.limit ?? 500 })).map(toMessage);
    },
  };
}

function idempotency(db: Tx): IdempotencyKeys {
  return {
    async get(key, scope) {
      const r = await db.idempotencyKey.findUnique({ where: { key: `${scope}:${key}` } });
      return r ? { ...r, key } : null;
    },
    async put(r) {
      await db.idempotencyKey.create({ data: { ...r, key: `${r.scope}:${r.key}` } });
    },
  };
}

function counters(db: Tx): Counters {
  return {
    async next(name) {
      const r = await db.counter.upsert({ where: { name }, create: { name, value: 1 }, update: { value: { increment: 1 } } });
      return r.value;
    },
  };
}

function runs(db: Tx): DunningRuns {
  return {
    async add(run) {
      return db.dunningRun.create({ data: run });
    },
    async list(limit) {
      return db.dunningRun.findMany({ orderBy: { id: "desc" }, take: limit });
    },
  };
}

function repos(db: Tx): Repos {
  return {
    people: people(db),
    customers: customers(db),
    items: items(db),
    reasons: reasons(db),
    disputes: disputes(db),
    holds: holds(db),
    settings: settings(db),
    outbox: outbox(db),
    idempotency: idempotency(db),
    counters: counters(db),
    runs: runs(db),
  };
}

export function createPrismaClient(databaseFile: string): PrismaClient {
  const adapter = new PrismaBetterSQLite3({ url: `file:${databaseFile}` });
  return new PrismaClient({ adapter });
}

export function prismaStore(client: PrismaClient): Store {
  return {
    ...repos(client),
    transaction: (fn) => client.$transaction((tx) => fn(repos(tx)), { timeout: 30_000, maxWait: 30_000 }),
    close: () => client.$disconnect(),
  };
}
