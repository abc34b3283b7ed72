import type { MessagePort } from "node:worker_threads";
import { DUNNING_LEVELS, ITEM_KINDS, type DunningLevel, type ItemKind } from "../domain/types.ts";
import { reviveError, serialiseError, type SerialisedError } from "./errors.ts";
import type { LedgerKind } from "./headers.ts";
import type { LedgerSource } from "./read.ts";
import { LedgerValidator, type CustomerRec, type ItemRec, type LedgerRefs, type PersonRec } from "./validate.ts";

// The import, whatever the database: rows from a source are validated one at a time and each valid item
// goes straight to the database writer, which writes it inside its one transaction; people and
// customers (small files) are written at the end. The writer commits only after a clean end of file,
// else rolls back: nothing is written on any error. Memory stays flat: the source streams, the writer
// applies backpressure (`between`), validation keeps only the references and the file's keys.
//
// The SQLite import of a large file runs over two threads (validator -> writer, ItemChunks over a
// MessagePort with a bounded number in flight); see src/db/ledger.ts.

export interface LedgerResult {
  kind: LedgerKind;
  /** Rows in the file. rows = inserted + updated + unchanged. */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Items closed by a snapshot import (open amount set to 0). */
  closed: number;
  /** Customers whose items changed (inserted, updated or closed); empty for people and customers. */
  customerIds: number[];
  /** Credit notes inserted or changed by this import. */
  creditNotes: { customerId: number; ref: string }[];
  /** Holds created, changed or released in the import's transaction (the customers of `customerIds`). */
  holdChanges: number;
  /** Disputes that were waiting for one of `creditNotes`, now received. */
  creditNotesMatched: number;
  /** Disputes changed by the import (credit note received): their chat cards are brought up to date after the commit. */
  changedDisputeIds: number[];
}

/** The end of a clean file, as the writer gets it. */
export interface ValidatedFile {
  kind: LedgerKind;
  rows: number;
  people: readonly PersonRec[];
  customers: readonly CustomerRec[];
  /** The customers of the file's items. */
  customerIds: readonly number[];
}

/** An item as primitives, in the writer's column order (decoded from a chunk without an object per row). */
export interface ItemRowSink {
  addRow(
    line: number,
    customerId: number,
    ref: string,
    kind: ItemKind,
    issuedOn: string,
    dueOn: string,
    amount: number,
    openAmount: number,
    currency: string,
    dunningLevel: string | null,
    lastDunnedOn: string | null,
    mask: number,
  ): void;
}

/** One import's database side. */
export interface LedgerWriter {
  /** Reads what validation needs, then opens the write transaction. */
  start(kind: LedgerKind): Promise<LedgerRefs>;
  /** Each valid item, in file order, while the file has no error (hot path: buffer, do not wait). */
  item(r: ItemRec): void;
  /** Awaited after each chunk of input: resolves when the writer can take more. */
  between(): Promise<void> | undefined;
  /** After a clean file: writes the rest, the snapshot, the ledger's effects; commits; the result. */
  finish(file: ValidatedFile): Promise<LedgerResult>;
  /** After any error: rolls back and releases the connection. */
  abort(): Promise<void>;
}

/** Runs one import: source -> validation -> writer; all or nothing. */
export async function runLedgerPipeline(source: LedgerSource, writer: LedgerWriter): Promise<LedgerResult> {
  try {
    const refs = await writer.start(source.kind);
    const v = new LedgerValidator(source.kind, refs, (r) => writer.item(r), source.expectedRows, source.format);
    await source.forEach(
      (row, line) => v.add(row, line),
      v.report,
      () => writer.between(),
    );
    v.finish();
    return await writer.finish({ kind: source.kind, rows: v.rows, people: v.people, customers: v.customers, customerIds: v.customerIds() });
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// Items between threads: columnar chunks (typed arrays, transferred without copying) with a bounded
// number in flight (the writer acknowledges each), so the validator never runs far ahead of the writer.

const CHUNK_ROWS = 8192;
/** Chunks sent and not yet written: the validator waits beyond this. */
const MAX_IN_FLIGHT = 4;
const KIND_CODES: readonly ItemKind[] = ITEM_KINDS;
const LEVEL_CODES: readonly DunningLevel[] = DUNNING_LEVELS;
const SEP = "\u0001"; // refs cannot contain control characters (validated)

export interface ItemChunk {
  n: number;
  lines: Int32Array;
  customerIds: Int32Array;
  kinds: Uint8Array;
  /** bit 0: dunningLevel given; bit 1: lastDunnedOn given. */
  masks: Uint8Array;
  levels: Uint8Array;
  amounts: Float64Array;
  openAmounts: Float64Array;
  /** issuedOn, dueOn, currency, lastDunnedOn per row (4 slots) as indexes into `table`; -1 for null. */
  codes: Int32Array;
  /** The chunk's distinct dates and currencies, joined by SEP. */
  table: string;
  /** The refs, joined by SEP. */
  refs: string;
}

/** Validator -> writer. */
export type ValidatorMessage =
  | { type: "start"; kind: LedgerKind }
  | { type: "items"; chunk: ItemChunk }
  | { type: "done"; file: ValidatedFile }
  | { type: "error"; error: SerialisedError };

/** Writer -> validator: a chunk was written. */
export type WriterMessage = { type: "ack" };

const emptyChunk = (): ItemChunk => ({
  n: 0,
  lines: new Int32Array(CHUNK_ROWS),
  customerIds: new Int32Array(CHUNK_ROWS),
  kinds: new Uint8Array(CHUNK_ROWS),
  masks: new Uint8Array(CHUNK_ROWS),
  levels: new Uint8Array(CHUNK_ROWS),
  amounts: new Float64Array(CHUNK_ROWS),
  openAmounts: new Float64Array(CHUNK_ROWS),
  codes: new Int32Array(CHUNK_ROWS * 4),
  table: "",
  refs: "",
});

/**
 * The validator's side of a two-thread import: a LedgerWriter that sends items to the writing thread.
 * `loadRefs` reads the references on a connection of the validator's own (read-only).
 */
export class RemoteLedgerWriter implements LedgerWriter {
  private chunk = emptyChunk();
  private refs: string[] = [];
  private table: string[] = [];
  private readonly index = new Map<string, number>();
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    private readonly loadRefs: (kind: LedgerKind) => Promise<LedgerRefs>,
  ) {
    port.on("message", (m: WriterMessage) => {
      if (m.type !== "ack") return;
      this.inFlight--;
      this.wake?.();
    });
    port.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
  }

  private post(m: ValidatorMessage, transfer: ArrayBuffer[] = []): void {
    if (!this.closed) this.port.postMessage(m, transfer);
  }

  async start(kind: LedgerKind): Promise<LedgerRefs> {
    this.post({ type: "start", kind });
    return this.loadRefs(kind);
  }

  /** Dates and currencies repeat: each distinct value travels once per chunk. */
  private code(value: string | null | undefined): number {
    if (value == null) return -1;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.table.length;
      this.table.push(value);
      this.index.set(value, i);
    }
    return i;
  }

  item(r: ItemRec): void {
    const c = this.chunk;
    const j = c.n++;
    c.lines[j] = r.line;
    c.customerIds[j] = r.customerId;
    c.kinds[j] = KIND_CODES.indexOf(r.kind);
    c.masks[j] = (r.dunningLevel !== undefined ? 1 : 0) | (r.lastDunnedOn !== undefined ? 2 : 0);
    c.levels[j] = r.dunningLevel === undefined ? 0 : LEVEL_CODES.indexOf(r.dunningLevel);
    c.amounts[j] = r.amount;
    c.openAmounts[j] = r.openAmount;
    const o = j * 4;
    c.codes[o] = this.code(r.issuedOn);
    c.codes[o + 1] = this.code(r.dueOn);
    c.codes[o + 2] = this.code(r.currency);
    c.codes[o + 3] = this.code(r.lastDunnedOn);
    this.refs.push(r.ref);
    if (c.n === CHUNK_ROWS) this.flush();
  }

  private flush(): void {
    const c = this.chunk;
    if (c.n === 0) return;
    c.refs = this.refs.join(SEP);
    c.table = this.table.join(SEP);
    const buffers = [c.lines, c.customerIds, c.kinds, c.masks, c.levels, c.amounts, c.openAmounts, c.codes].map((a) => a.buffer as ArrayBuffer);
    this.inFlight++;
    this.post({ type: "items", chunk: c }, buffers);
    this.chunk = emptyChunk();
    this.refs = [];
    this.table = [];
    this.index.clear();
  }

  between(): Promise<void> | undefined {
    if (this.inFlight < MAX_IN_FLIGHT || this.closed) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = () => {
        if (this.inFlight < MAX_IN_FLIGHT || this.closed) {
          this.wake = null;
          resolve();
        }
      };
    });
  }

  async finish(file: ValidatedFile): Promise<LedgerResult> {
    this.flush();
    this.post({ type: "done", file: { ...file, customerIds: [...file.customerIds] } });
    // The writing thread commits and answers the parent; nothing more to say here.
    return { kind: file.kind, rows: file.rows, inserted: 0, updated: 0, unchanged: 0, closed: 0, customerIds: [], creditNotes: [], holdChanges: 0, creditNotesMatched: 0, changedDisputeIds: [] };
  }

  async abort(): Promise<void> {}

  /** Reports an error that ended the import (the writer rolls back). */
  fail(e: unknown): void {
    this.post({ type: "error", error: serialiseError(e) });
  }
}

/** The writing thread's side: feeds a local LedgerWriter from the validator's messages; resolves with its result. */
export function serveLedgerWriter(port: MessagePort, writer: LedgerWriter & { readonly itemRows?: ItemRowSink | null }): Promise<LedgerResult> {
  return new Promise<LedgerResult>((resolve, reject) => {
    let settled = false;
    let queue: Promise<void> = Promise.resolve();
    const settle = async (error: unknown, result?: LedgerResult): Promise<void> => {
      if (settled) return;
      settled = true;
      if (error) await writer.abort().catch(() => undefined);
      port.close();
      if (error) reject(error);
      else resolve(result!);
    };
    const handle = async (m: ValidatorMessage): Promise<void> => {
      switch (m.type) {
        case "start":
          await writer.start(m.kind);
          break;
        case "items": {
          const c = m.chunk;
          const refs = c.refs.split(SEP);
          const table = c.table.split(SEP);
          const codes = c.codes;
          const rows = writer.itemRows;
          for (let j = 0; j < c.n; j++) {
            const mask = c.masks[j]!;
            const o = j * 4;
            const last = codes[o + 3]!;
            const line = c.lines[j]!;
            const customerId = c.customerIds[j]!;
            const ref = refs[j]!;
            const kind = KIND_CODES[c.kinds[j]!]!;
            const issuedOn = table[codes[o]!]!;
            const dueOn = table[codes[o + 1]!]!;
            const currency = table[codes[o + 2]!]!;
            const level = mask & 1 ? LEVEL_CODES[c.levels[j]!]! : null;
            const lastDunnedOn = last < 0 ? null : table[last]!;
            if (rows) rows.addRow(line, customerId, ref, kind, issuedOn, dueOn, c.amounts[j]!, c.openAmounts[j]!, currency, level, lastDunnedOn, mask);
            else {
              writer.item({
                line,
                customerId,
                ref,
                kind,
                issuedOn,
                dueOn,
                amount: c.amounts[j]!,
                openAmount: c.openAmounts[j]!,
                currency,
                dunningLevel: level ?? undefined,
                lastDunnedOn: mask & 2 ? lastDunnedOn : undefined,
              });
            }
          }
          await writer.between();
          port.postMessage({ type: "ack" } satisfies WriterMessage);
          break;
        }
        case "done":
          await settle(null, await writer.finish(m.file));
          break;
        case "error":
          await settle(reviveError(m.error));
          break;
      }
    };
    port.on("message", (m: ValidatorMessage) => {
      queue = queue.then(() => (settled ? undefined : handle(m))).catch((e: unknown) => settle(e));
    });
    port.on("close", () => {
      queue = queue.then(() => settle(new Error("the validating thread stopped before the end of the file")));
    });
  });
}
