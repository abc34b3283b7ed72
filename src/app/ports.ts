import type { HoldingDispute, HoldingItem, HoldKind, HoldRow } from "../domain/holds.ts";
import type { Settings } from "../domain/settings.ts";
import type {
  Customer,
  Dispute,
  DisputeStatus,
  DunningLevel,
  Item,
  ItemKind,
  Locale,
  Person,
  Priority,
  Reason,
  Role,
  TimelineEvent,
} from "../domain/types.ts";

// Ports, named after the collections. One adapter: src/db/store.ts (Kysely on SQLite or PostgreSQL),
// checked by one contract suite (src/db/store.contract.test.ts) on both databases.

export interface PersonInput {
  email: string;
  name: string;
  role: Role;
  managerEmail?: string | null;
  locale?: Locale;
  timezone?: string;
  slackUserId?: string | null;
  teamsUserId?: string | null;
}

export interface People {
  byEmail(email: string): Promise<Person | null>;
  byEmails(emails: string[]): Promise<Person[]>;
  bySlackId(slackUserId: string): Promise<Person | null>;
  list(filter?: { role?: Role }): Promise<Person[]>;
  /** Upsert by email; fields not given keep their value. */
  upsertMany(people: PersonInput[]): Promise<Person[]>;
  /** Of these emails, the people who turned off the opener's notices (issue 11). */
  openerUpdatesOff(emails: string[]): Promise<string[]>;
  /** Whether this person gets the opener's notices (true by default); false for an unknown email. */
  openerUpdates(email: string): Promise<boolean>;
  /** Turns the opener's notices on or off; false when no person has this email. */
  setOpenerUpdates(email: string, on: boolean): Promise<boolean>;
}

export interface CustomerInput {
  ref: string;
  name: string;
  currency?: string;
  salesRepEmail?: string | null;
  controllerEmail?: string | null;
}

export interface Customers {
  byRef(ref: string): Promise<Customer | null>;
  byId(id: number): Promise<Customer | null>;
  byIds(ids: number[]): Promise<Customer[]>;
  byRefs(refs: string[]): Promise<Customer[]>;
  /** Type-ahead: normalizeSearch(ref + " " + name) contains normalizeSearch(q) as plain text (accents and case ignored; % and _ literal), by name. */
  search(q: string, limit: number): Promise<Customer[]>;
  list(): Promise<Customer[]>;
  upsertMany(customers: CustomerInput[]): Promise<Customer[]>;
  /**
   * Inside a transaction: serialises changes of these customers' disputes and holds with other
   * transactions until this one ends (row locks on PostgreSQL; SQLite's write lock already does it).
   * True when it waited on row locks (what was read before may have changed meanwhile).
   */
  lock(customerIds: number[]): Promise<boolean>;
}

export interface ItemInput {
  customerId: number;
  ref: string;
  kind: ItemKind;
  issuedOn: string;
  dueOn: string;
  amount: number;
  openAmount: number;
  currency: string;
  dunningLevel?: DunningLevel;
  lastDunnedOn?: string | null;
}

export interface Items {
  byIds(ids: number[]): Promise<Item[]>;
  byRefs(customerId: number, refs: string[]): Promise<Item[]>;
  ofCustomer(customerId: number, filter?: { openOnly?: boolean }): Promise<Item[]>;
  ofCustomers(customerIds: number[], filter?: { openOnly?: boolean }): Promise<Item[]>;
  /** The items of these customers with a non-zero open amount, as `ofCustomers` orders them: what the hold rules read of each (syncHolds). */
  openForHolds(customerIds: number[]): Promise<HoldingItem[]>;
  /** All items with a non-zero open amount (the dunning run's input), by customer id, due date, ref. */
  allOpen(filter?: { customerIds?: number[]; customerIdRange?: { from: number; to: number } }): Promise<Item[]>;
  /** Ids of the customers that have an item with a non-zero open amount, ascending, after `afterCustomerId`: at most `limit` (a page of the dunning preview). */
  openCustomerIds(filter: { afterCustomerId?: number; limit: number }): Promise<number[]>;
  upsertMany(items: ItemInput[]): Promise<Item[]>;
  setDunning(updates: { itemId: number; level: DunningLevel; lastDunnedOn: string }[]): Promise<void>;
}

export interface ReasonInput {
  code: string;
  labelFr: string;
  labelEn: string;
  active?: boolean;
  sortOrder?: number;
  followUpDays?: number;
  slaDays?: number;
  priority?: Priority;
  holdsDunning?: boolean;
}

export interface Reasons {
  list(filter?: { activeOnly?: boolean }): Promise<Reason[]>;
  byCode(code: string): Promise<Reason | null>;
  byId(id: number): Promise<Reason | null>;
  create(input: ReasonInput): Promise<Reason>;
  update(code: string, patch: Partial<Omit<ReasonInput, "code">>): Promise<Reason>;
  inUse(reasonId: number): Promise<boolean>;
}

export interface DisputeFilter {
  status?: DisputeStatus;
  reasonId?: number;
  ownerEmail?: string;
  customerId?: number;
  /** follow-up date before this ISO date (open disputes only) */
  followUpBefore?: string;
  /** only disputes of customers whose sales rep is this email */
  salesRepEmail?: string;
  /** a sales rep's view: the disputes they own and those of their customers */
  visibleToSales?: string;
  /** keyset pagination: only disputes after this one in the list order (newest first) */
  after?: { openedAt: Date; id: number };
  limit?: number;
}

export interface ItemClaim {
  itemId: number;
  disputeId: number;
  number: string;
  amount: number;
}

export interface Disputes {
  byId(id: number): Promise<Dispute | null>;
  byNumber(number: string): Promise<Dispute | null>;
  list(filter: DisputeFilter): Promise<Dispute[]>;
  /** Amounts that open disputes (other than `exceptDisputeId`) claim on these items. */
  openClaims(itemIds: number[], exceptDisputeId?: number): Promise<ItemClaim[]>;
  openCustomerLevel(customerId: number): Promise<Dispute | null>;
  /** Disputes that may hold something (domain `mayHold`) for these customers: what the hold rules read of them. */
  holdingFor(customerIds: number[]): Promise<HoldingDispute[]>;
  /** Customers (of `customerIds`, or all) with an open customer-level dispute, ascending. */
  flaggedCustomers(customerIds?: number[]): Promise<number[]>;
  /** Customers (of `customerIds`, or all) that have at least one dispute that may hold something (domain `mayHold`). */
  customersWithHoldingDisputes(customerIds?: number[]): Promise<number[]>;
  /** Resolved credit_note disputes of this customer waiting for a credit note with one of these refs. */
  awaitingCreditNotes(customerId: number, refs: string[]): Promise<Dispute[]>;
  /** Inserts; the id given is ignored and the stored dispute (with its id) returned. */
  create(d: Dispute): Promise<Dispute>;
  /** Optimistic update: fails with stale_version if the stored version is not `expectedVersion`. */
  update(d: Dispute, expectedVersion: number): Promise<void>;
  /**
   * The reminder job's move of the follow-up date: that column only (version and updatedAt stay, like a comment);
   * fails with stale_version if the stored version is not `expectedVersion` (an owner's change meanwhile wins).
   */
  moveFollowUp(id: number, followUpOn: string | null, expectedVersion: number): Promise<void>;
  appendEvents(disputeId: number, events: TimelineEvent[]): Promise<void>;
  timeline(disputeId: number): Promise<TimelineEvent[]>;
  /** The choice of this person's latest Snooze, on any dispute (a `follow_up_set` line with `data.snoozed`); null if none. */
  lastSnooze(email: string): Promise<string | null>;
}

export interface HoldRecord {
  itemId: number;
  disputeId: number;
  amount: number;
  kind: HoldKind;
  since: Date;
}

export interface HoldChange {
  itemId: number;
  disputeId: number;
  before: number;
  after: number;
}

export interface Holds {
  /** Replaces the holds of these customers' items by `rows`, keeping `since` of holds that stay; returns what changed. */
  replaceForCustomers(customerIds: number[], rows: HoldRow[], now: Date): Promise<HoldChange[]>;
  list(filter?: { customerIds?: number[]; disputeIds?: number[] }): Promise<HoldRecord[]>;
}

export interface SettingsStore {
  get(): Promise<Settings>;
  save(settings: Settings): Promise<void>;
  /**
   * The settings, read to be changed: inside a transaction, no other transaction changes them until it ends
   * (PostgreSQL: the row, created when missing, is locked; SQLite's write lock already serialises writers),
   * so an edit worked out from them (one calendar day) never loses another's.
   */
  getForUpdate(): Promise<Settings>;
}

/** Who delivers a queued message: the collections system's webhook, or a chat platform. */
export const OUTBOX_CHANNELS = ["webhook", "slack", "teams"] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

export interface OutboxMessage {
  /** the queue's order (ascending with insertion) */
  seq: number;
  id: string;
  channel: OutboxChannel;
  type: string;
  orderKey: string;
  payload: string;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  /** while a replica delivers it (claim) */
  claimedUntil: Date | null;
  /**
   * Set by `claim` when the message was claimed before and its lease ran out with no outcome recorded:
   * its deliverer died or hung mid-call, so what it sent is unknown (reconcile before sending again).
   */
  reclaimed?: boolean;
}

export interface Outbox {
  /** Queues messages (channel "webhook" when not given); on PostgreSQL also wakes every replica's delivery at commit (NOTIFY). */
  add(messages: { id: string; channel?: OutboxChannel; type: string; orderKey: string; payload: string; createdAt: Date }[]): Promise<void>;
  /** The first undelivered message of each order key whose attempt time has come (read only: `claim` delivers). */
  due(now: Date, limit: number, channel?: OutboxChannel): Promise<OutboxMessage[]>;
  /**
   * Claims for delivery, for `leaseMs`, up to `limit` messages of `channel` that are due: the head of each
   * order key, not claimed by anyone else (or their lease expired). Replicas calling it together never get
   * the same message (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock); a message of an order key
   * is claimed only once the one before it is delivered or dead.
   */
  claim(opts: { channel: OutboxChannel; now: Date; leaseMs: number; limit: number }): Promise<OutboxMessage[]>;
  /** Delivered: the lease ends. */
  markDelivered(id: string, at: Date): Promise<void>;
  /** Failed: retried at `nextAttemptAt`, or dead when null; the lease ends. */
  markFailed(id: string, error: string, nextAttemptAt: Date | null): Promise<void>;
  /**
   * Not due before `until` (pacing, a paused workspace), no attempt counted. `sent`: the deliverer already
   * sent part of it, so the next claim is told it is `reclaimed` (reconcile before sending again).
   */
  defer(id: string, until: Date, opts?: { sent?: boolean }): Promise<void>;
  /** How many pending messages of `type` come after `seq` in the same channel and order key (collapsing updates). */
  pendingAfter(opts: { channel: OutboxChannel; orderKey: string; seq: number; type: string }): Promise<number>;
  list(filter: { status?: "pending" | "delivered" | "failed" | "dead"; channel?: OutboxChannel; orderKey?: string; type?: string; limit?: number }): Promise<OutboxMessage[]>;
  /** A dead (or failing) message delivered again from `now`; null when there is no such message or it was delivered. */
  retry(id: string, now: Date): Promise<OutboxMessage | null>;
}

/** A key of the pacing shared by all replicas (GCRA): at most one call every `intervalMs`, `burst` at once. */
export interface RateKey {
  key: string;
  intervalMs: number;
  burst?: number;
  /**
   * A sliding window instead: at most `burst` calls in any `burst × intervalMs` (how Slack counts a workspace's
   * calls: after a quiet spell a whole window's worth goes at once, and then one as each earlier call leaves the
   * window). Its `burst` slots are rows `key#0`…; the key's own row holds its block.
   */
  window?: boolean;
}

/** A reservation: the slots are taken for a call `inMs` from now; or nothing is taken, try again in `waitMs`. */
export type RateReservation = { taken: true; inMs: number } | { taken: false; waitMs: number };

export interface RateState {
  key: string;
  tat: Date;
  blockedUntil: Date | null;
  reason: string | null;
}

export interface Rates {
  /**
   * Takes one call's slot on every key at once, or none: 0 when taken, else how many ms to wait before
   * trying again (the longest of the keys that refuse; a blocked key until it is unblocked).
   */
  take(keys: readonly RateKey[], now: Date): Promise<number>;
  /**
   * Takes one call's slot on every key at once for the earliest instant they all allow, when that is at most
   * `maxWaitMs` away (a blocked key allows nothing before its block ends); else nothing. One round trip whatever
   * the wait: callers waiting for the same keys do not wake together to try again.
   */
  reserve(keys: readonly RateKey[], now: Date, maxWaitMs: number): Promise<RateReservation>;
  /**
   * A call made at `at` (what `reserve` answered: now + inMs) came back at `doneAt`: its slot of each window key
   * (held for two windows since the reservation) is free again at `doneAt` plus the window, and each key of
   * burst 1 not before `doneAt` plus its interval. However late the call reached Slack, the next call in its slot
   * reaches Slack a whole window after it. One transaction; a second settle of the same call changes nothing.
   */
  settle(keys: readonly RateKey[], at: Date, doneAt: Date, now: Date): Promise<void>;
  /**
   * No call on `key` before `until` (a 429's Retry-After; a token error: far ahead until `unblock`). A key
   * already blocked for longer stays so (a 429 never shortens a token pause or a longer Retry-After).
   */
  block(key: string, until: Date, reason: string, now: Date): Promise<void>;
  unblock(key: string, now: Date): Promise<void>;
  /**
   * The next slot of `key` not before `at` (a call's completion plus its interval: the next call then
   * reaches Slack at least an interval after this one did, however late this one left).
   */
  notBefore(key: string, at: Date, now: Date): Promise<void>;
  get(key: string): Promise<RateState | null>;
  /**
   * A reservation for `at` left unused (its call was never made: the key was blocked meanwhile, or the process came
   * too late for its slot): each key as if it had not been taken for `at` — a window slot still held for it free from
   * `at` again, a key no later reservation moved since back to `at` — so the caller reserving again is not paced
   * behind its own unused slot. A second release of the same reservation changes nothing.
   */
  release(keys: readonly RateKey[], at: Date, now: Date): Promise<void>;
}

export interface StoredResponse {
  key: string;
  scope: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: Date;
}

export interface IdempotencyKeys {
  get(key: string, scope: string): Promise<StoredResponse | null>;
  put(r: StoredResponse): Promise<void>;
}

export interface Counters {
  next(name: string): Promise<number>;
}

export interface DunningRunRecord {
  id: number;
  on: string;
  mode: string;
  createdAt: Date;
  byEmail: string | null;
  letters: string;
}

export interface DunningRuns {
  add(run: Omit<DunningRunRecord, "id">): Promise<DunningRunRecord>;
  list(limit: number): Promise<DunningRunRecord[]>;
}

/** Where a dispute card was posted (to update it in place and thread the timeline under it). */
export interface PostedCard {
  disputeId: number;
  channel: string;
  ts: string;
  /** a card (a DM's, the disputes channel's) or a reminder (a reminder, nudge or escalation DM with the card) */
  kind: "dm" | "channel" | "reminder";
  /** Whose permissions the copy shows: the person of the DM; null for a channel copy. */
  viewerEmail: string | null;
  postedAt: Date;
  /** a reminder's copy: what the message is about (the adapter's JSON), to render its line again */
  notice?: string | null;
}

/** The Slack adapter's own rows: posted cards, DM channel ids, deliveries already handled. */
export interface SlackRows {
  /** Records a posted copy; a copy already recorded stays as it is. */
  addCard(card: PostedCard): Promise<void>;
  cardsOf(disputeId: number): Promise<PostedCard[]>;
  cardAt(channel: string, ts: string): Promise<PostedCard | null>;
  removeCard(channel: string, ts: string): Promise<void>;
  dmChannel(slackUserId: string): Promise<string | null>;
  putDmChannel(slackUserId: string, channel: string, now: Date): Promise<void>;
  /** Records a delivery id; true the first time it is seen, false for a retry or a double submission. */
  firstSeen(id: string, now: Date): Promise<boolean>;
  /** Forgets one delivery id (its handling failed: a new attempt must run). */
  forget(id: string): Promise<void>;
  /** Forgets delivery ids older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** Where the bot can write in Teams (a conversation reference), stored on install and on every message. */
export interface TeamsConversationRef {
  conversationId: string;
  /** personal (a 1:1 chat with the bot), channel (a team's channel) or groupChat */
  kind: "personal" | "channel" | "groupChat";
  serviceUrl: string;
  tenantId: string | null;
  /** personal chat: the user's Teams id (29:…) and Entra object id */
  teamsUserId: string | null;
  aadObjectId: string | null;
  /** channel: the team and the channel */
  teamId: string | null;
  channelId: string | null;
  updatedAt: Date;
}

/** Where a dispute card was posted in Teams (the activity to update in place): the twin of PostedCard. */
export interface PostedTeamsCard {
  disputeId: number;
  conversationId: string;
  activityId: string;
  /** a card (a personal chat's, the disputes channel's) or a reminder (a reminder, nudge or escalation with the card) */
  kind: "dm" | "channel" | "reminder";
  /** Whose permissions the copy shows: the person of the personal chat; null for a channel copy. */
  viewerEmail: string | null;
  postedAt: Date;
  /** a reminder's copy: what the message is about (the adapter's JSON), to render its line again */
  notice?: string | null;
}

/** What Teams tells about a user, to find the Person: email, then UPN; the aadObjectId once pinned. */
export interface TeamsIdentity {
  teamsUserId?: string | null;
  aadObjectId?: string | null;
  email?: string | null;
  upn?: string | null;
}

/** The Teams adapter's own rows: conversation references, posted card copies, people matching. */
export interface TeamsRows {
  /** Records (or refreshes: service URL, tenant, ids) a conversation reference. */
  putConversation(ref: TeamsConversationRef): Promise<void>;
  conversation(conversationId: string): Promise<TeamsConversationRef | null>;
  /** The latest personal chat of a user, by Teams id or Entra object id. */
  personalConversation(user: { teamsUserId?: string | null; aadObjectId?: string | null }): Promise<TeamsConversationRef | null>;
  /** The personal chat of the person with this email (through their pinned Teams id / aadObjectId). */
  personalConversationOf(email: string): Promise<TeamsConversationRef | null>;
  /** Records a posted copy; a copy already recorded stays as it is. */
  addCard(card: PostedTeamsCard): Promise<void>;
  cardsOf(disputeId: number): Promise<PostedTeamsCard[]>;
  cardAt(conversationId: string, activityId: string): Promise<PostedTeamsCard | null>;
  removeCard(conversationId: string, activityId: string): Promise<void>;
  /**
   * The email of the Person this Teams user is: the pinned aadObjectId or Teams id first, then the email
   * (case-insensitive), then the UPN (as Person.upn, or as Person.email); null when none matches.
   */
  matchPerson(who: TeamsIdentity): Promise<string | null>;
  /** Pins the Teams ids on the person (teamsUserId, aadObjectId, upn given ones only); false for an unknown email. */
  pin(email: string, who: TeamsIdentity): Promise<boolean>;
  /** Where the person last used Accord ("slack" | "teams"); null when never recorded. */
  lastPlatform(email: string): Promise<"slack" | "teams" | null>;
  setLastPlatform(email: string, platform: "slack" | "teams"): Promise<void>;
  /** Where these people can get notices (issue 13: routing, src/domain/chatRouting.ts); unknown emails are left out. */
  routes(emails: string[]): Promise<ChatRouteFacts[]>;
  /** The platform set in the person's profile (null: where they last used Accord); false for an unknown email. */
  setChatPlatform(email: string, platform: "slack" | "teams" | null): Promise<boolean>;
  /** Marks a person unreachable in Teams (the first `since` and the latest reason are kept). */
  markUnreachable(email: string, reason: string, since: Date): Promise<void>;
  /** The person can be reached again; true when they were marked unreachable. */
  markReachable(email: string): Promise<boolean>;
  /** Of these emails (all when not given), the people marked unreachable in Teams, by email. */
  unreachable(emails?: string[]): Promise<TeamsUnreachable[]>;
  /** The people marked unreachable whose personal chat with the bot was stored (installed, wrote) since they were marked. */
  reachableAgain(): Promise<string[]>;
}

/** A person Accord cannot reach in Teams. */
export interface TeamsUnreachable {
  email: string;
  reason: string;
  since: Date;
}

/** What routing needs to know of a person: their ids on each platform, where they last used Accord, their profile's choice. */
export interface ChatRouteFacts {
  email: string;
  slackUserId: string | null;
  /** a Teams id or an Entra object id is known (pinned) */
  teams: boolean;
  teamsUserId: string | null;
  aadObjectId: string | null;
  lastPlatform: "slack" | "teams" | null;
  chatPlatform: "slack" | "teams" | null;
  /** marked unreachable in Teams */
  teamsUnreachable: boolean;
}

/** Where a dispute's follow-up is at (the reminder job's part; the dispute keeps its followUpOn). */
export interface FollowUpRecord {
  disputeId: number;
  /** the first follow-up date the owner let pass (null: not overdue) */
  firstMissedOn: string | null;
  /** reminders sent since the owner last acted */
  unanswered: number;
  lastReminderAt: Date | null;
}

/** An open dispute the reminder job looks at, with its follow-up record (zeros when it has none yet). */
export interface FollowUpCandidate extends FollowUpRecord {
  number: string;
  priority: Priority;
  reasonId: number;
  followUpOn: string | null;
  slaDueOn: string | null;
  ownerEmail: string;
  openedByEmail: string;
  /** the owner's time zone; null when the owner is not a known person */
  ownerTz: string | null;
}

export interface NoticeRecord {
  disputeId: number;
  /** reminder | escalation.controller | escalation.manager | sla_breach | nudge */
  kind: string;
  /** the instant it became due: with disputeId and kind, the notice's unique key */
  dueAt: Date;
  /** the delivery-queue row that carries it */
  outboxId: string;
  createdAt: Date;
}

export interface FollowUps {
  /**
   * Open disputes with a follow-up date on or before `on`, an SLA date before `on`, or overdue, by dispute id
   * after `afterId` (read only: each is then handled in a transaction of its own that `lock`s it).
   */
  candidates(opts: { on: string; afterId: number; limit: number }): Promise<FollowUpCandidate[]>;
  get(disputeId: number): Promise<FollowUpRecord | null>;
  /** Creates the records of these disputes that have none yet (a short transaction of its own, before `lock`). */
  ensure(disputeIds: readonly number[], now: Date): Promise<void>;
  /**
   * Inside a transaction: takes the dispute's follow-up record for the rest of the transaction; false when
   * another process holds it (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock) or it has none (`ensure`).
   */
  lock(disputeId: number): Promise<boolean>;
  put(record: FollowUpRecord, now: Date): Promise<void>;
  /** The owner acted: not overdue any more, no unanswered reminder. */
  reset(disputeId: number, now: Date): Promise<void>;
  /** Records a notice; false when its (dispute, kind, dueAt) was recorded already: it was sent, send nothing. */
  addNotice(notice: NoticeRecord): Promise<boolean>;
  notices(disputeId: number): Promise<NoticeRecord[]>;
}

/** An open dispute as a row of the manager view and the digest (issue 11): what a row shows, read in one query. */
export interface DisputeBrief {
  disputeId: number;
  number: string;
  version: number;
  customerName: string;
  ownerEmail: string;
  /** null when the owner is not a known person */
  ownerName: string | null;
  priority: Priority;
  currency: string;
  /** the disputed amount (minor units; 0 for a customer-level dispute) */
  amount: number;
  followUpOn: string | null;
  slaDueOn: string | null;
  openedAt: Date;
  /** the overdue episode (FollowUp): first missed follow-up (null: not overdue), reminders unanswered */
  firstMissedOn: string | null;
  unanswered: number;
}

/** Open disputes of one owner in one currency (aggregated in SQL). */
export interface OwnerTotal {
  ownerEmail: string;
  ownerName: string | null;
  currency: string;
  count: number;
  /** of which overdue (FollowUp.firstMissedOn set) */
  overdue: number;
  amount: number;
}

export interface BriefQuery {
  /** only disputes owned by the people whose manager is this email (absent: every open dispute) */
  managerEmail?: string;
  /** overdue first (oldest missed follow-up first), the oldest opened, the largest amount, the oldest SLA date */
  order: "overdue" | "oldest" | "largest" | "sla";
  /** only disputes whose SLA date is before this day */
  slaBefore?: string;
  /** litigation candidates: past their SLA (before `today`) with at least `minUnanswered` reminders unanswered, or an amount at or above its currency's threshold (minor units) */
  litigation?: { today: string; minUnanswered: number; thresholds: Record<string, number> };
  /** `limit` rows of each currency instead of `limit` in all */
  perCurrency?: boolean;
  /** only disputes of this reason (its code; the digest's filter) */
  reasonCode?: string;
  /** only disputes owned by this person (the digest's filter) */
  ownerEmail?: string;
  limit: number;
}

/** Read models of the manager view and the digest: aggregation and ordering in SQL. */
export interface Overview {
  /** how many people have this manager (`managerEmail`) */
  reportCount(managerEmail: string): Promise<number>;
  /** the open disputes of the manager's team, per owner and currency */
  ownerTotals(managerEmail: string): Promise<OwnerTotal[]>;
  briefs(q: BriefQuery): Promise<DisputeBrief[]>;
}

/** Rendered charts (the digest's PNG), each behind an unguessable token until it expires. */
export interface ChartRecord {
  token: string;
  png: Buffer;
  createdAt: Date;
  expiresAt: Date;
}

export interface Charts {
  put(chart: ChartRecord): Promise<void>;
  /** a chart not yet expired at `now` (its PNG and expiry); null when unknown or expired */
  get(token: string, now: Date): Promise<{ png: Buffer; expiresAt: Date } | null>;
  /** deletes the charts expired at `now`; how many */
  deleteExpired(now: Date): Promise<number>;
}

/** A person away on calendar dates fromOn..untilOn (inclusive); deputyEmail gets their reminders meanwhile (issue 11). */
export interface Absence {
  id: number;
  personEmail: string;
  fromOn: string;
  untilOn: string;
  deputyEmail: string | null;
  createdAt: Date;
}

export interface Absences {
  add(a: Omit<Absence, "id">): Promise<Absence>;
  /** one person's absences, earliest first */
  listFor(personEmail: string): Promise<Absence[]>;
  /** removes one of the person's absences; false when they have none with this id */
  remove(personEmail: string, id: number): Promise<boolean>;
  /** the absences covering calendar date `on` of these people (all people when omitted) */
  absentOn(on: string, personEmails?: readonly string[]): Promise<Absence[]>;
  /** the absences not over on calendar date `on` (untilOn >= on) of these people (all people when omitted), earliest first, at most `limit` */
  endingFrom(on: string, opts?: { personEmails?: readonly string[]; limit?: number }): Promise<Absence[]>;
}

/**
 * The digest's facts query (issue 11): plain JSON in, plain JSON out (no Date, no class), so it can run on a worker
 * thread. Instants are ISO strings; money is integer minor units per currency (never summed across currencies).
 */
export interface DigestFactsQuery {
  /** the company's time zone (its calendar date decides SLA breaches) */
  timezone: string;
  /** ISO instant the digest is built at */
  now: string;
  /** ISO instant of the previous digest; null: since ever (a new subscription) */
  since: string | null;
  /** only disputes of this reason (its code) */
  reasonCode?: string;
  /** only disputes owned by this person */
  ownerEmail?: string;
  /** only disputes owned by the people whose manager is this email */
  team?: string;
  /** owners listed among the overdue / past-SLA ones (worst first); `late.ownersTotal` says how many there are */
  ownerLimit: number;
  /** the oldest open disputes listed */
  oldestLimit: number;
}

/** Amounts per currency, minor units, keys in currency order. */
export type CurrencyAmounts = Record<string, number>;

/** An open dispute as the digest lists it (DisputeBrief with its instant as ISO text). */
export interface DigestBrief extends Omit<DisputeBrief, "openedAt"> {
  openedAt: string;
}

export interface DigestLateOwner {
  email: string;
  /** null when the owner is not a known person */
  name: string | null;
  slackUserId: string | null;
  /** their open disputes overdue (a missed follow-up) or past their SLA */
  count: number;
  overdue: number;
  slaBreached: number;
  /** the disputed amount of those disputes, per currency */
  amounts: CurrencyAmounts;
  /** their most overdue one (the oldest missed follow-up, else the oldest SLA date): the row's Nudge and Reassign act on it */
  worst: { disputeId: number; number: string; version: number };
}

export interface DigestReasonSplit {
  code: string;
  labelFr: string;
  labelEn: string;
  count: number;
  amounts: CurrencyAmounts;
}

export interface DigestChartRow {
  currency: string;
  bucket: "0-30" | "31-60" | "61-90" | "90+";
  reasonCode: string;
  labelFr: string;
  labelEn: string;
  amount: number;
}

export interface DigestFacts {
  now: string;
  since: string | null;
  /** the company's calendar date at `now` */
  today: string;
  open: {
    count: number;
    /** of which overdue (FollowUp.firstMissedOn set) */
    overdue: number;
    /** of which past their SLA (SLA date before today) */
    slaBreached: number;
    /** open count per currency */
    counts: Record<string, number>;
    amounts: CurrencyAmounts;
  };
  /** amount held from dunning (Hold rows of the disputes in scope, any status: a credit note awaited still holds) */
  held: CurrencyAmounts;
  /** opened in (since, now] (since ever when since is null), any status now */
  opened: { count: number; amounts: CurrencyAmounts };
  /** closed in (since, now]: resolved and withdrawn, with the median days from opening to resolution */
  resolved: { count: number; withdrawn: number; medianDays: number | null };
  /** owners of overdue or past-SLA disputes, worst first (most such disputes, then most overdue, then email) */
  late: { ownersTotal: number; owners: DigestLateOwner[] };
  /** open disputes per reason: most disputes first, then the reasons' order */
  reasons: DigestReasonSplit[];
  /** the oldest open disputes, oldest first */
  oldest: DigestBrief[];
  /** the chart's input: open disputed amount per currency × age bucket (days since opened) × reason */
  chart: DigestChartRow[];
}

export const DIGEST_CADENCES = ["daily", "weekly"] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];

/** A channel subscribed to the digest (issue 11). */
export interface DigestSubscription {
  id: number;
  platform: "slack" | "teams";
  channelId: string;
  /** HH:MM in the company's time zone */
  time: string;
  cadence: DigestCadence;
  /** posted even when nothing is new and nothing is to act on */
  always: boolean;
  reasonCode: string | null;
  ownerEmail: string | null;
  locale: Locale;
  createdByEmail: string;
  createdAt: Date;
  updatedAt: Date;
  /** the instant the last digest covered, posted or not (the next one's `since`); null: none yet */
  coveredUntil: Date | null;
}

export type DigestSubscriptionInput = Omit<DigestSubscription, "id" | "createdAt" | "updatedAt" | "coveredUntil">;

export interface Digest {
  /** Everything the digest shows but "what to decide", aggregated in SQL, the same on SQLite and PostgreSQL. */
  facts(q: DigestFactsQuery): Promise<DigestFacts>;
  /**
   * Subscribes a channel: one subscription per platform, channel and filters (reason, owner); subscribing again
   * with the same filters changes its time, cadence, `always` and language (and keeps what it covered).
   */
  subscribe(input: DigestSubscriptionInput, now: Date): Promise<{ subscription: DigestSubscription; created: boolean }>;
  /** Removes every subscription of the channel; how many there were. */
  unsubscribe(platform: DigestSubscription["platform"], channelId: string): Promise<number>;
  /** Subscriptions (of one channel when told), by id. */
  subscriptions(filter?: { platform?: DigestSubscription["platform"]; channelId?: string }): Promise<DigestSubscription[]>;
  subscription(id: number): Promise<DigestSubscription | null>;
  /** Records the digest due at `dueAt`; false when it was recorded already (handled: send nothing). */
  addRun(run: { subscriptionId: number; dueAt: Date; outboxId: string | null; createdAt: Date }): Promise<boolean>;
  /** The subscription's digest covered up to `until` (the next one's `since`). */
  cover(subscriptionId: number, until: Date, now: Date): Promise<void>;
}

export interface Repos {
  people: People;
  customers: Customers;
  items: Items;
  reasons: Reasons;
  disputes: Disputes;
  holds: Holds;
  settings: SettingsStore;
  outbox: Outbox;
  idempotency: IdempotencyKeys;
  counters: Counters;
  runs: DunningRuns;
  slack: SlackRows;
  rates: Rates;
  followUps: FollowUps;
  overview: Overview;
  charts: Charts;
  absences: Absences;
  teams: TeamsRows;
  digest: Digest;
}

/** The unit of work: everything inside `transaction` is written whole or not at all. */
export interface Store extends Repos {
  readonly dialect: "sqlite" | "postgres";
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * One transaction that first empties every table (all but the migrations' bookkeeping), then runs `fn`:
   * both are committed together or neither is (`seed --demo --reset`).
   */
  wipeThen<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
