import type { Generated, Insertable, InsertType, Selectable, SelectType } from "kysely";

// The tables as Kysely sees them, hand-written from the Prisma schemas (prisma/sqlite/schema.prisma and
// prisma/postgresql/schema.prisma) and checked against both migrated databases by src/db/schema.test.ts.
// Column values are the JavaScript types the dialect module (src/db/dialect.ts) hands out on both
// backends: DateTime -> Date, BigInt money -> number (minor units, safe integers), Boolean -> boolean.

export interface PersonTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: string;
  managerEmail: string | null;
  locale: Generated<string>;
  timezone: Generated<string>;
  slackUserId: string | null;
  teamsUserId: string | null;
  createdAt: Generated<Date>;
  updatedAt: Date;
  /** the opener of a dispute is told when someone else resolves, withdraws or reassigns it (issue 11) */
  notifyOpenerUpdates: Generated<boolean>;
  /** Entra ID object id, pinned the first time Teams shows it (issue 13) */
  aadObjectId: string | null;
  /** Entra user principal name: matches a Teams user when the email does not */
  upn: string | null;
  /** "slack" | "teams": where the person last used Accord */
  lastPlatform: string | null;
  /** "slack" | "teams": where the person wants their notices (their profile); null: where they last used Accord (issue 13) */
  chatPlatform: string | null;
}

export interface CustomerTable {
  id: Generated<number>;
  ref: string;
  name: string;
  currency: Generated<string>;
  salesRepEmail: string | null;
  controllerEmail: string | null;
  searchKey: Generated<string>;
  createdAt: Generated<Date>;
  updatedAt: Date;
}

export interface ItemTable {
  id: Generated<number>;
  customerId: number;
  ref: string;
  kind: string;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel: Generated<string>;
  lastDunnedOn: string | null;
  createdAt: Generated<Date>;
  updatedAt: Date;
}

export interface ReasonTable {
  id: Generated<number>;
  code: string;
  labelFr: string;
  labelEn: string;
  active: Generated<boolean>;
  sortOrder: Generated<number>;
  followUpDays: Generated<number>;
  slaDays: Generated<number>;
  priority: Generated<string>;
  holdsDunning: Generated<boolean>;
}

export interface DisputeTable {
  id: Generated<number>;
  number: string;
  customerId: number;
  scope: string;
  reasonId: number;
  priority: string;
  status: string;
  statement: string;
  ownerEmail: string;
  openedByEmail: string;
  followUpOn: string | null;
  slaDueOn: string | null;
  currency: string;
  outcome: string | null;
  outcomeNote: string | null;
  creditNoteRef: string | null;
  concededAmount: number | null;
  rootCause: string | null;
  creditNoteSeenAt: Date | null;
  holdsReleasedAt: Date | null;
  closedAt: Date | null;
  closedByEmail: string | null;
  version: Generated<number>;
  openedAt: Date;
  updatedAt: Date;
  /** Set only for an open customer-level dispute (its customer id): unique, so one per customer. */
  openCustomerFlagId: number | null;
  /** The sum of its DisputeItem amounts (minor units of `currency`), written with the items. */
  disputedAmount: Generated<number>;
  /** Its FollowUp's firstMissedOn (null: not overdue), written with it. */
  firstMissedOn: string | null;
}

export interface DisputeItemTable {
  disputeId: number;
  itemId: number;
  amount: number;
}

export interface TimelineEntryTable {
  id: Generated<number>;
  disputeId: number;
  type: string;
  at: Date;
  byEmail: string | null;
  text: string | null;
  /** JSON text */
  data: string | null;
}

export interface HoldTable {
  itemId: number;
  disputeId: number;
  amount: number;
  kind: string;
  since: Date;
  /** The item's currency, copied when the hold is written (the digest sums holds per currency without reading Item). */
  currency: Generated<string>;
}

/** The amount a dispute holds per currency: its Hold rows summed, rewritten with them. */
export interface DisputeHeldTable {
  disputeId: number;
  currency: string;
  amount: number;
}

export interface SettingTable {
  key: string;
  /** JSON text */
  value: string;
  updatedAt: Date;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface OutboxMessageTable {
  seq: Generated<number>;
  id: string;
  type: string;
  orderKey: string;
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  channel: Generated<string>;
  claimedUntil: Date | null;
}

export interface RateLimitTable {
  key: string;
  tat: Date;
  blockedUntil: Date | null;
  reason: string | null;
  updatedAt: Date;
}

export interface IdempotencyKeyTable {
  key: string;
  scope: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: Date;
}

export interface DunningRunTable {
  id: Generated<number>;
  on: string;
  mode: string;
  createdAt: Date;
  byEmail: string | null;
  /** JSON text */
  letters: string;
}

export interface SlackCardTable {
  id: Generated<number>;
  disputeId: number;
  channel: string;
  ts: string;
  kind: string;
  viewerEmail: string | null;
  postedAt: Date;
  /** a reminder's copy (kind "reminder"): what the message is about, JSON; null for a card */
  notice: string | null;
}

export interface SlackDmChannelTable {
  slackUserId: string;
  channel: string;
  updatedAt: Date;
}

export interface SlackSeenEventTable {
  id: string;
  seenAt: Date;
}

/** A Teams conversation the bot can write to (a conversation reference): personal chat, channel or group chat. */
export interface TeamsConversationTable {
  conversationId: string;
  kind: string;
  serviceUrl: string;
  tenantId: string | null;
  teamsUserId: string | null;
  aadObjectId: string | null;
  teamId: string | null;
  channelId: string | null;
  updatedAt: Date;
}

/** A posted Teams copy of a dispute card (the twin of SlackCard). */
export interface TeamsCardTable {
  id: Generated<number>;
  disputeId: number;
  conversationId: string;
  activityId: string;
  kind: string;
  viewerEmail: string | null;
  postedAt: Date;
  /** a reminder's copy: what the message is about (the adapter's JSON), to render its line again */
  notice: string | null;
}

/** A person Accord cannot reach in Teams (the app not installed for them), since when and why (issue 13). */
export interface TeamsReachTable {
  email: string;
  reason: string;
  since: Date;
}

export interface FollowUpTable {
  id: Generated<number>;
  disputeId: number;
  /** the first follow-up date the owner let pass (null: not overdue) */
  firstMissedOn: string | null;
  unanswered: Generated<number>;
  lastReminderAt: Date | null;
  updatedAt: Date;
}

/** One row per notice sent, UNIQUE (disputeId, kind, dueAt), written with the outbox row that carries it. */
export interface NoticeTable {
  id: Generated<number>;
  disputeId: number;
  kind: string;
  dueAt: Date;
  outboxId: string;
  createdAt: Date;
}

/** A rendered chart (the digest's PNG), served by its unguessable token until it expires. */
export interface ChartTable {
  /** 32 random bytes, base64url */
  token: string;
  /** BLOB on SQLite, bytea on PostgreSQL; both drivers give a Buffer */
  png: Uint8Array;
  createdAt: Date;
  expiresAt: Date;
}

/** A person away on calendar dates fromOn..untilOn (inclusive), with the deputy who gets their reminders meanwhile. */
export interface AbsenceTable {
  id: Generated<number>;
  personEmail: string;
  fromOn: string;
  untilOn: string;
  deputyEmail: string | null;
  createdAt: Date;
}

/** A channel's subscription to the digest (issue 11); one per platform, channel and filters (filterKey). */
export interface DigestSubscriptionTable {
  id: Generated<number>;
  platform: Generated<string>;
  channelId: string;
  filterKey: string;
  time: string;
  cadence: string;
  always: Generated<boolean>;
  reasonCode: string | null;
  ownerEmail: string | null;
  locale: string;
  createdByEmail: string;
  createdAt: Date;
  updatedAt: Date;
  coveredUntil: Date | null;
}

/** One row per digest due, UNIQUE (subscriptionId, dueAt), written with the outbox row that carries it (if any). */
export interface DigestRunTable {
  id: Generated<number>;
  subscriptionId: number;
  dueAt: Date;
  outboxId: string | null;
  createdAt: Date;
}

export interface Database {
  Person: PersonTable;
  Customer: CustomerTable;
  Item: ItemTable;
  Reason: ReasonTable;
  Dispute: DisputeTable;
  DisputeItem: DisputeItemTable;
  TimelineEntry: TimelineEntryTable;
  Hold: HoldTable;
  DisputeHeld: DisputeHeldTable;
  Setting: SettingTable;
  Counter: CounterTable;
  OutboxMessage: OutboxMessageTable;
  IdempotencyKey: IdempotencyKeyTable;
  DunningRun: DunningRunTable;
  SlackCard: SlackCardTable;
  SlackDmChannel: SlackDmChannelTable;
  SlackSeenEvent: SlackSeenEventTable;
  RateLimit: RateLimitTable;
  FollowUp: FollowUpTable;
  Notice: NoticeTable;
  Chart: ChartTable;
  Absence: AbsenceTable;
  TeamsConversation: TeamsConversationTable;
  TeamsCard: TeamsCardTable;
  DigestSubscription: DigestSubscriptionTable;
  DigestRun: DigestRunTable;
  TeamsReach: TeamsReachTable;
}

export type TableName = keyof Database;
export type Row<T extends TableName> = Selectable<Database[T]>;
export type NewRow<T extends TableName> = Insertable<Database[T]>;

/**
 * Declared kinds of the columns that need converting on SQLite (which stores DateTime as ISO text and
 * Boolean as 0/1). The schema test checks this against both migrated databases.
 */
export const COLUMN_KINDS = {
  datetime: [
    "Person.createdAt", "Person.updatedAt", "Customer.createdAt", "Customer.updatedAt", "Item.createdAt", "Item.updatedAt",
    "Dispute.creditNoteSeenAt", "Dispute.holdsReleasedAt", "Dispute.closedAt", "Dispute.openedAt", "Dispute.updatedAt",
    "TimelineEntry.at", "Hold.since", "Setting.updatedAt", "OutboxMessage.nextAttemptAt", "OutboxMessage.createdAt",
    "OutboxMessage.deliveredAt", "OutboxMessage.claimedUntil", "IdempotencyKey.createdAt", "DunningRun.createdAt", "SlackCard.postedAt",
    "SlackDmChannel.updatedAt", "SlackSeenEvent.seenAt", "RateLimit.tat", "RateLimit.blockedUntil", "RateLimit.updatedAt",
    "FollowUp.lastReminderAt", "FollowUp.updatedAt", "Notice.dueAt", "Notice.createdAt",
    "Chart.createdAt", "Chart.expiresAt",
    "Absence.createdAt",
    "TeamsConversation.updatedAt", "TeamsCard.postedAt",
    "DigestSubscription.createdAt", "DigestSubscription.updatedAt", "DigestSubscription.coveredUntil", "DigestRun.dueAt", "DigestRun.createdAt",
    "TeamsReach.since",
  ],
  boolean: ["Reason.active", "Reason.holdsDunning", "Person.notifyOpenerUpdates", "DigestSubscription.always"],
  bigint: ["Item.amount", "Item.openAmount", "Dispute.concededAmount", "DisputeItem.amount", "Hold.amount", "Dispute.disputedAmount", "DisputeHeld.amount"],
} as const;

// ---- Run-time description ----------------------------------------------------------------------

/**
 * Storage kind of a column: `int` (INTEGER / integer), `bigint` (BIGINT / bigint), `text`, `boolean`
 * (BOOLEAN / boolean), `datetime` (DATETIME / timestamptz(3)), `bytes` (BLOB / bytea).
 */
export type ColumnKind = "int" | "bigint" | "text" | "boolean" | "datetime" | "bytes";

/**
 * A column as TABLES describes it: `kind` (NOT NULL, no default), `kind?` (nullable), `kind default`
 * (NOT NULL with a database default or autoincrement: `Generated<…>` in the interface).
 */
export type ColumnSpec = ColumnKind | `${ColumnKind}?` | `${ColumnKind} default`;

type KindsOf<V> = [V] extends [number] ? "int" | "bigint" : [V] extends [string] ? "text" : [V] extends [boolean] ? "boolean" : [V] extends [Date] ? "datetime" : [V] extends [Uint8Array] ? "bytes" : never;

/** The specs a column of the interface admits: nullability from `| null`, `default` from `Generated<…>`. */
type SpecOf<C> = null extends SelectType<C>
  ? `${KindsOf<NonNullable<SelectType<C>>>}?`
  : undefined extends InsertType<C>
    ? `${KindsOf<SelectType<C>>} default`
    : KindsOf<SelectType<C>>;

type TablesSpec = { [T in TableName]: { [K in keyof Database[T]]-?: SpecOf<Database[T][K]> } };

/**
 * The interfaces above as data, for src/db/schema.test.ts to compare with both migrated databases (column
 * names, nullability, kinds, defaults). tsc checks that it agrees with the interfaces: same tables, same
 * columns (no more, no fewer), `?` exactly on the `| null` columns, `default` exactly on the `Generated`
 * ones, and a kind that fits the TypeScript type.
 */
export const TABLES = {
  Person: {
    id: "int default", email: "text", name: "text", role: "text", managerEmail: "text?", locale: "text default",
    timezone: "text default", slackUserId: "text?", teamsUserId: "text?", createdAt: "datetime default", updatedAt: "datetime",
    notifyOpenerUpdates: "boolean default", aadObjectId: "text?", upn: "text?", lastPlatform: "text?",
    chatPlatform: "text?",
  },
  Customer: {
    id: "int default", ref: "text", name: "text", currency: "text default", salesRepEmail: "text?", controllerEmail: "text?",
    searchKey: "text default", createdAt: "datetime default", updatedAt: "datetime",
  },
  Item: {
    id: "int default", customerId: "int", ref: "text", kind: "text", issuedOn: "text", dueOn: "text", amount: "bigint",
    openAmount: "bigint", currency: "text", dunningLevel: "text default", lastDunnedOn: "text?", createdAt: "datetime default",
    updatedAt: "datetime",
  },
  Reason: {
    id: "int default", code: "text", labelFr: "text", labelEn: "text", active: "boolean default", sortOrder: "int default",
    followUpDays: "int default", slaDays: "int default", priority: "text default", holdsDunning: "boolean default",
  },
  Dispute: {
    id: "int default", number: "text", customerId: "int", scope: "text", reasonId: "int", priority: "text", status: "text",
    statement: "text", ownerEmail: "text", openedByEmail: "text", followUpOn: "text?", slaDueOn: "text?", currency: "text",
    outcome: "text?", outcomeNote: "text?", creditNoteRef: "text?", concededAmount: "bigint?", rootCause: "text?",
    creditNoteSeenAt: "datetime?", holdsReleasedAt: "datetime?", closedAt: "datetime?", closedByEmail: "text?",
    version: "int default", openedAt: "datetime", updatedAt: "datetime", openCustomerFlagId: "int?",
    disputedAmount: "bigint default", firstMissedOn: "text?",
  },
  DisputeItem: { disputeId: "int", itemId: "int", amount: "bigint" },
  TimelineEntry: { id: "int default", disputeId: "int", type: "text", at: "datetime", byEmail: "text?", text: "text?", data: "text?" },
  Hold: { itemId: "int", disputeId: "int", amount: "bigint", kind: "text", since: "datetime", currency: "text default" },
  DisputeHeld: { disputeId: "int", currency: "text", amount: "bigint" },
  Setting: { key: "text", value: "text", updatedAt: "datetime" },
  Counter: { name: "text", value: "int" },
  OutboxMessage: {
    seq: "int default", id: "text", type: "text", orderKey: "text", payload: "text", status: "text default", attempts: "int default",
    nextAttemptAt: "datetime", lastError: "text?", createdAt: "datetime", deliveredAt: "datetime?", channel: "text default", claimedUntil: "datetime?",
  },
  IdempotencyKey: { key: "text", scope: "text", requestHash: "text", status: "int", body: "text", createdAt: "datetime" },
  DunningRun: { id: "int default", on: "text", mode: "text", createdAt: "datetime", byEmail: "text?", letters: "text" },
  SlackCard: { id: "int default", disputeId: "int", channel: "text", ts: "text", kind: "text", viewerEmail: "text?", postedAt: "datetime", notice: "text?" },
  SlackDmChannel: { slackUserId: "text", channel: "text", updatedAt: "datetime" },
  SlackSeenEvent: { id: "text", seenAt: "datetime" },
  RateLimit: { key: "text", tat: "datetime", blockedUntil: "datetime?", reason: "text?", updatedAt: "datetime" },
  FollowUp: { id: "int default", disputeId: "int", firstMissedOn: "text?", unanswered: "int default", lastReminderAt: "datetime?", updatedAt: "datetime" },
  Notice: { id: "int default", disputeId: "int", kind: "text", dueAt: "datetime", outboxId: "text", createdAt: "datetime" },
  Chart: { token: "text", png: "bytes", createdAt: "datetime", expiresAt: "datetime" },
  Absence: { id: "int default", personEmail: "text", fromOn: "text", untilOn: "text", deputyEmail: "text?", createdAt: "datetime" },
  TeamsConversation: {
    conversationId: "text", kind: "text", serviceUrl: "text", tenantId: "text?", teamsUserId: "text?", aadObjectId: "text?",
    teamId: "text?", channelId: "text?", updatedAt: "datetime",
  },
  TeamsCard: { id: "int default", disputeId: "int", conversationId: "text", activityId: "text", kind: "text", viewerEmail: "text?", postedAt: "datetime", notice: "text?" },
  DigestSubscription: {
    id: "int default", platform: "text default", channelId: "text", filterKey: "text", time: "text", cadence: "text", always: "boolean default",
    reasonCode: "text?", ownerEmail: "text?", locale: "text", createdByEmail: "text", createdAt: "datetime", updatedAt: "datetime", coveredUntil: "datetime?",
  },
  DigestRun: { id: "int default", subscriptionId: "int", dueAt: "datetime", outboxId: "text?", createdAt: "datetime" },
  TeamsReach: { email: "text", reason: "text", since: "datetime" },
} as const satisfies TablesSpec;

// `satisfies` already rejects a missing or an extra column in the literal above; this also pins the key sets
// should TABLES ever be built some other way.
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type TablesMatchInterfaces = Assert<
  Equal<{ -readonly [T in keyof typeof TABLES]: keyof (typeof TABLES)[T] }, { [T in TableName]: keyof Database[T] }>
>;
