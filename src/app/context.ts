import type { Settings } from "../domain/settings.ts";
import type { Dispute, Person, TimelineEvent } from "../domain/types.ts";
import type { OutboxChannel, Store } from "./ports.ts";

/**
 * Where a change came from, as the adapter says it in the use case's input (explicit: never ambient state),
 * for the listeners that tell people about it.
 */
export interface ChangeOrigin {
  /** a new dispute: send the owner the notice with the card (default true) */
  notifyOwner?: boolean | undefined;
  /** a comment written in a card's chat thread: not echoed back there */
  thread?: { channel: string; ts: string } | undefined;
}

/** What happened, told to the adapters (Slack cards, Teams cards) after the transaction committed. */
export interface DisputeChanged {
  kind: "dispute.changed";
  dispute: Dispute;
  before: Dispute | null;
  events: TimelineEvent[];
  actor: Person | null;
  origin: ChangeOrigin;
}

export type Listener = (change: DisputeChanged) => void | Promise<void>;

export interface Deps {
  store: Store;
  clock: () => Date;
  newId: () => string;
  collectionsMode: "embedded" | "webhook";
  publicUrl: string;
  /**
   * The chat platforms whose deliverers send the chat effects of a change (cards, threads, notices): each
   * change writes one delivery-queue row per platform in its own transaction (src/app/chatQueue.ts).
   */
  chatQueue?: readonly OutboxChannel[];
  /** Called after each committed dispute change (in this process: wakes the deliverers); failures are logged, never undo the change. */
  listeners: Listener[];
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export async function emit(deps: Deps, change: DisputeChanged): Promise<void> {
  for (const l of deps.listeners) {
    try {
      await l(change);
    } catch (err) {
      deps.log.error({ err, dispute: change.dispute.number }, "listener failed");
    }
  }
}

export type { Settings };
