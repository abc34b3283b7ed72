import { noticesWhileAway, reminderCover } from "../domain/absence.ts";
import { dayIn } from "../domain/calendar.ts";
import { addDays, todayIn } from "../domain/dates.ts";
import { afterReminder, rulesOf, unansweredAt, whatIsDue, type FollowUpState, type NoticeKind } from "../domain/followups.ts";
import type { Reason, TimelineEvent } from "../domain/types.ts";
import { noticeChannels } from "./chatRouting.ts";
import type { Deps } from "./context.ts";
import type { Absence, FollowUpCandidate, Repos } from "./ports.ts";

// The reminder job's use case (issue 11): at `now`, every notice due (whatIsDue) is sent once. Each dispute is
// handled in a short transaction of its own that locks its follow-up record (another process skips it), records
// the notice in the ledger (UNIQUE dispute, kind, due instant: a notice recorded already is not sent again) and
// writes, in the same transaction, the delivery-queue row that carries it and the timeline line. A reminder left
// unanswered moves the follow-up date on by the reason's days: the job's move, like a comment, does not change
// the dispute's version (disputes.moveFollowUp: that column only, refused when an owner's change came meanwhile).
// The reasons (their follow-up days) are read once a run and the absences once a page and day, not once a dispute;
// the dispute, its follow-up record and its owner are read under the lock. One dispute that fails is counted and
// logged; the others go on.
// An owner away on their local date (src/domain/absence.ts): the reminder goes to their deputy, without counting
// as unanswered, or waits for their return; no escalation goes meanwhile.
// After every REMIND_BATCH disputes the job signals the deliverers (`onQueued`), and it yields to the event loop
// after each: the first reminders go out while the job is still running, and Slack acks are not held behind it.

/** A reminder or an escalation to one person: platform-neutral, rendered by each deliverer at send time. */
export const REMINDER = "dispute.reminder";

export interface ReminderPayload {
  disputeId: number;
  number: string;
  kind: NoticeKind | "nudge";
  /** who gets it */
  email: string;
  /** overdue since (the first missed follow-up) and how many reminders went unanswered */
  firstMissedOn: string | null;
  unanswered: number;
  /** the follow-up date after this reminder */
  followUpOn: string | null;
  /** the follow-up date this reminder is about (before the job moved it on); absent in rows of older versions */
  wasDueOn?: string | null;
  dueAt: string;
  /** a reminder to a deputy: the absent owner it is sent for, and the last day of their absence */
  onBehalfOf?: { email: string; name: string | null; untilOn: string };
  /** a nudge: who sent it (src/app/nudgeDispute.ts) */
  byEmail?: string;
}

const PAGE = 200;
/** Disputes handled between two signals to the deliverers (and two turns of the event loop). */
export const REMIND_BATCH = 10;

export interface RemindOptions {
  /**
   * Called after each batch of REMIND_BATCH disputes whose notices were committed (and once at the end when the
   * last batch queued something): the deliverers start on them while the job goes on, instead of after the
   * whole run. After each dispute the job yields to the event loop, so the deliveries' calls and answers (and
   * the Slack acks) are not held behind a long run of short transactions on SQLite.
   */
  onQueued?: () => void;
}

export async function remindFollowUps(deps: Pick<Deps, "store" | "newId" | "chatQueue" | "log">, now: Date, opts: RemindOptions = {}): Promise<{ done: number; failed: number }> {
  const settings = await deps.store.settings.get();
  const rules = rulesOf(settings);
  // read once a run (a page for the absences), not once a dispute: the reasons' follow-up days, who is away on a day
  const reasons = new Map((await deps.store.reasons.list()).map((r) => [r.id, r]));
  // the latest calendar day anywhere on Earth: whatIsDue decides per owner's time zone
  const on = addDays(todayIn("UTC", now), 1);
  let afterId = 0;
  let done = 0;
  let failed = 0;
  let handled = 0;
  let queuedSince = 0;
  for (;;) {
    const page = await deps.store.followUps.candidates({ on, afterId, limit: PAGE });
    if (!page.length) break;
    afterId = page[page.length - 1]!.disputeId;
    const stateOf = (c: FollowUpCandidate): FollowUpState => ({ ...c, ownerTz: c.ownerTz ?? settings.timezone });
    const due = new Set(whatIsDue(now, page.map(stateOf), rules).map((n) => n.disputeId));
    const todo = page.filter((c) => due.has(c.disputeId));
    if (todo.length) await deps.store.followUps.ensure(todo.map((c) => c.disputeId), now);
    // who is away, per owner's local day: read before the disputes' transactions (the store's one SQLite connection
    // is theirs meanwhile), once a page and day
    const away = new Map<string, Absence[]>();
    for (const c of todo) {
      const day = dayIn(stateOf(c).ownerTz, now);
      if (!away.has(day)) away.set(day, await deps.store.absences.absentOn(day));
    }
    const read: PageReads = { reason: (id) => reasons.get(id), absentOn: (day) => away.get(day) };
    for (const c of todo) {
      try {
        const sent = await deps.store.transaction((tx) => remindOne(tx, deps, c.disputeId, now, settings.timezone, rules, read));
        done += sent;
        queuedSince += sent;
      } catch (err) {
        failed++;
        deps.log.error({ err, dispute: c.number }, "follow-up reminder failed");
      }
      if (++handled % REMIND_BATCH === 0) {
        if (queuedSince) opts.onQueued?.();
        queuedSince = 0;
      }
      // a turn of the event loop after each dispute: the deliveries' timers and Slack's answers are not held
      await new Promise<void>((r) => setImmediate(r));
    }
    if (page.length < PAGE) break;
  }
  if (queuedSince) opts.onQueued?.();
  return { done, failed };
}

/** What the job reads once for a page of disputes instead of once a dispute (a reason added meanwhile: read then). */
interface PageReads {
  reason(id: number): Reason | undefined;
  /** undefined: a day not read for the page (the owner's time zone changed since): read in the transaction */
  absentOn(day: string): Absence[] | undefined;
}

async function remindOne(
  tx: Repos,
  deps: Pick<Deps, "newId" | "chatQueue">,
  disputeId: number,
  now: Date,
  companyTz: string,
  rules: ReturnType<typeof rulesOf>,
  read: PageReads,
): Promise<number> {
  if (!(await tx.followUps.lock(disputeId))) return 0; // another process has it
  const d = await tx.disputes.byId(disputeId);
  if (!d || d.status !== "open") return 0;
  const [record, owner, reason] = await Promise.all([tx.followUps.get(disputeId), tx.people.byEmail(d.ownerEmail), read.reason(d.reasonId) ?? tx.reasons.byId(d.reasonId)]);
  // decided again under the lock, from what is stored now
  let state: FollowUpState = {
    disputeId,
    priority: d.priority,
    followUpOn: d.followUpOn,
    slaDueOn: d.slaDueOn,
    ownerTz: owner?.timezone ?? companyTz,
    firstMissedOn: record?.firstMissedOn ?? null,
    unanswered: record?.unanswered ?? 0,
    lastReminderAt: record?.lastReminderAt ?? null,
  };
  // the owner away (on their local date): their deputy gets the reminder, or it waits for their return;
  // no escalation goes and a reminder sent meanwhile does not count as unanswered
  const day = dayIn(state.ownerTz, now);
  const cover = reminderCover(d.ownerEmail, day, read.absentOn(day) ?? (await tx.absences.absentOn(day)));
  const notices = noticesWhileAway(cover, whatIsDue(now, [state], rules));
  const wasDueOn = d.followUpOn;
  const events: TimelineEvent[] = [];
  let sent = 0;
  let moved = false;
  for (const n of notices) {
    const ids = (deps.chatQueue ?? []).map(() => deps.newId());
    if (!(await tx.followUps.addNotice({ disputeId, kind: n.kind, dueAt: n.dueAt, outboxId: ids[0] ?? deps.newId(), createdAt: now }))) continue;
    const deputy = n.kind === "reminder" && cover.kind === "deputy" ? cover : null;
    if (n.kind === "reminder") {
      const next = afterReminder(state, now, reason?.followUpDays ?? 7, rules);
      // sent to a deputy: the follow-up date moves on, the owner's unanswered count and episode stay as they were
      state = deputy ? { ...state, followUpOn: next.followUpOn } : next;
      moved = true;
    }
    const manager = owner?.managerEmail ?? null;
    const to =
      n.kind === "reminder" ? [deputy ? deputy.deputyEmail : d.ownerEmail] : n.kind === "escalation.controller" ? [d.openedByEmail] : n.kind === "escalation.manager" ? [manager] : [d.openedByEmail, manager];
    const recipients = [...new Set(to.filter((e): e is string => !!e))];
    // a reminder counts itself; an escalation, the reminders that went unanswered (the last may still wait)
    const unanswered = n.kind === "reminder" ? state.unanswered : unansweredAt(state, now, rules);
    // each recipient's notice on one platform when several are on (issue 13, src/app/chatRouting.ts)
    const routed = await noticeChannels(tx, deps.chatQueue, recipients);
    const rows = recipients.flatMap((email, i) =>
      (deps.chatQueue ?? []).flatMap((channel, j) => {
        if (!routed.get(email)?.includes(channel)) return [];
        const payload: ReminderPayload = {
          disputeId, number: d.number, kind: n.kind, email, firstMissedOn: state.firstMissedOn, unanswered, followUpOn: state.followUpOn, wasDueOn, dueAt: n.dueAt.toISOString(),
          ...(deputy ? { onBehalfOf: { email: d.ownerEmail, name: owner?.name ?? null, untilOn: deputy.untilOn } } : {}),
        };
        return [{ id: i === 0 ? ids[j]! : deps.newId(), channel, type: REMINDER, orderKey: d.number, payload: JSON.stringify(payload), createdAt: now }];
      }),
    );
    await tx.outbox.add(rows);
    events.push({
      type: n.kind === "reminder" ? "reminded" : "escalated",
      at: now,
      byEmail: null,
      text: null,
      data: { kind: n.kind, to: recipients, unanswered, firstMissedOn: state.firstMissedOn, ...(n.kind === "reminder" ? { followUpOn: state.followUpOn } : {}), ...(deputy ? { onBehalfOf: d.ownerEmail } : {}) },
    });
    sent++;
  }
  if (!sent) return 0;
  if (moved) await tx.disputes.moveFollowUp(d.id, state.followUpOn, d.version); // the job's move: same version
  await tx.followUps.put(state, now);
  await tx.disputes.appendEvents(disputeId, events);
  return sent;
}
