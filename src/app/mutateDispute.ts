import type { Change } from "../domain/lifecycle.ts";
import { assertVersion } from "../domain/lifecycle.ts";
import { assertCan, type Action } from "../domain/permissions.ts";
import type { Customer, Dispute, Person } from "../domain/types.ts";
import { actor, customerOf, findDispute } from "./actors.ts";
import { emit, type ChangeOrigin, type Deps } from "./context.ts";
import { queueChatChange } from "./chatQueue.ts";
import { queueMessage, syncHolds, type EffectDeps } from "./holdsSync.ts";
import type { Repos } from "./ports.ts";

// The one path every change of an existing dispute takes, whatever the adapter:
// load actor + dispute, check who may do what and the version, apply the pure domain command,
// persist the dispute and its timeline, recompute holds (and the outbox) — all in one transaction —
// then tell the listeners (chat cards) after the commit.

export interface MutationInput {
  dispute: string | number;
  byEmail: string | undefined;
  version?: number | undefined;
  /** where the change comes from (chat thread...), passed on to the listeners */
  origin?: ChangeOrigin | undefined;
  /**
   * A key of the submission this change comes from (a chat form's view id): recorded in the transaction
   * that applies the change, so a replay (double click, a retry after a restart, another replica) changes
   * nothing, while a submission refused with field errors, rolled back, can still be corrected and sent.
   */
  once?: string | undefined;
}

/** The submission was already applied: nothing to do. */
class AlreadyApplied extends Error {}

export interface MutationContext {
  tx: Repos;
  dispute: Dispute;
  customer: Customer;
  actor: Person;
  now: Date;
}

export async function mutateDispute(
  deps: Deps,
  input: MutationInput,
  action: Action,
  apply: (ctx: MutationContext) => Promise<Change> | Change,
): Promise<Dispute> {
  const now = deps.clock();
  const result = await deps.store.transaction(async (tx) => {
    if (input.once !== undefined && !(await tx.slack.firstSeen(`once:${input.once}`, now))) throw new AlreadyApplied();
    const who = await actor(tx, input.byEmail);
    const found = await findDispute(tx, input.dispute);
    // Changes of one customer's disputes take turns (PostgreSQL row lock); read the dispute again once ours.
    const dispute = (await tx.customers.lock([found.customerId])) ? ((await tx.disputes.byId(found.id)) ?? found) : found;
    const customer = await customerOf(tx, dispute);
    assertCan(who, action, dispute, customer);
    assertVersion(dispute, input.version);
    const change = await apply({ tx, dispute, customer, actor: who, now });
    // Any action of the owner ends an overdue episode (before the dispute row: the reminder job locks in this order too).
    if (who.email === dispute.ownerEmail) await tx.followUps.reset(dispute.id, now);
    // the dispute row unchanged (a comment): nothing that holds depend on moved
    await persistChange(tx, deps, dispute, change, now, { holdsMayMove: change.dispute.version !== dispute.version });
    await queueChatChange(tx, deps, { dispute: change.dispute, before: dispute, events: change.events, origin: input.origin ?? {} }, now);
    return { change, before: dispute, who };
  }).catch(async (e: unknown) => {
    if (!(e instanceof AlreadyApplied)) throw e;
    return null;
  });
  if (!result) return findDispute(deps.store, input.dispute);
  await emit(deps, { kind: "dispute.changed", dispute: result.change.dispute, before: result.before, events: result.change.events, actor: result.who, origin: input.origin ?? {} });
  return result.change.dispute;
}

/** Persists a change computed by the domain, inside the caller's transaction. */
/** `before` is null for a dispute just created. */
export async function persistChange(tx: Repos, deps: EffectDeps, before: Dispute | null, change: Change, now: Date, opts: { holdsMayMove?: boolean } = {}): Promise<number> {
  const after = change.dispute;
  if (before && after.version !== before.version) await tx.disputes.update(after, before.version);
  if (change.events.length) await tx.disputes.appendEvents(after.id, change.events);
  const wasOpen = before?.status === "open";
  const isOpen = after.status === "open";
  if (after.scope === "customer" && wasOpen !== isOpen) {
    await queueMessage(tx, deps, after, isOpen ? "customer.flagged" : "customer.unflagged", [], now);
  }
  if (opts.holdsMayMove === false) return 0;
  return (await syncHolds(tx, deps, [after.customerId], now)).length;
}
