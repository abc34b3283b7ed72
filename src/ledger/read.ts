import fs from "node:fs";
import path from "node:path";
import { isUtf8 } from "node:buffer";
import { finished } from "node:stream/promises";
import { parse as parseCsvStream, type Parser as CsvParser } from "csv-parse";
import { parse as parseCsvSync } from "csv-parse/sync";
import { fileError, LedgerError, MAX_REPORTED_ERRORS, snapshotNotItems, unknownKind, type RowError } from "./errors.ts";
import {
  ALIAS_INDEX,
  canonicalObject,
  detectLedgerKind,
  detectObjectsKind,
  LEDGER_KINDS,
  mapColumns,
  SPECS,
  type LedgerFormat,
  type LedgerKind,
  type LedgerRow,
} from "./headers.ts";

// Reading a ledger file: CSV (`;`, `,` or tab, Excel's `sep=` line, quoted or not) or JSON (an array of
// objects, or { "items": [...] }), from text in memory or streamed from a file path (never the whole
// file in memory), into rows with canonical field names, one at a time, with their line numbers.
//
// - CSV cells are trimmed strings, empty cells null; columns that map to no field are dropped. Lines are
//   physical lines of the file (the header is usually line 1). Files without any `"` are split directly
//   (as csv-parse would, about 8 times faster); quoted ones go through csv-parse (its streaming API).
// - JSON has no header: `line` is the 1-based position of the object in the array.
// - Bytes are UTF-8 (BOM stripped), else Windows-1252 as older French ERPs export: a file is scanned once
//   (UTF-8 validity, quotes) before it is parsed.
// - A file that cannot be read at all (unknown kind, missing required columns, invalid JSON, empty)
//   throws LedgerError; lines that are not rows (wrong number of fields, broken quoting) go to `report`.

export interface ParseLedgerOptions {
  format?: LedgerFormat;
  kind?: LedgerKind;
  fileName?: string;
}

export interface ParsedLedger {
  kind: LedgerKind;
  rows: LedgerRow[];
  lines: number[];
}

export type Visit = (row: LedgerRow, line: number) => void;
export type Report = (error: RowError) => void;

/** A readable ledger input whose kind is known: its rows, visited in order. */
export interface LedgerSource {
  kind: LedgerKind;
  format: LedgerFormat;
  /** About how many rows will come, when known in advance (from the size of a file). */
  expectedRows?: number;
  /**
   * Visits every row, then resolves. `between`, when given, is awaited after each chunk of input (the
   * consumer's backpressure). Lines that are not rows go to `report`.
   */
  forEach(visit: Visit, report: Report, between?: () => Promise<void> | undefined): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Bytes

/** Bytes of a file -> text: UTF-8 (BOM stripped), else Windows-1252 as older French ERPs export. */
export function decodeLedgerBytes(buf: Buffer): string {
  let start = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const body = start ? buf.subarray(start) : buf;
  if (isUtf8(body)) return body.toString("utf8");
  return singleByteDecoder().decode(body);
}

function singleByteDecoder(): { decode(b: Uint8Array, o?: { stream?: boolean }): string } {
  try {
    return new TextDecoder("windows-1252");
  } catch {
    return { decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1") };
  }
}

/** Length of the part of `buf` that ends on a UTF-8 sequence boundary (the rest continues in the next chunk). */
function utf8Boundary(buf: Buffer): number {
  let i = buf.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return buf.length;
  const b = buf[i]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return buf.length - i >= need ? buf.length : i;
}

/**
 * Read size. Small on purpose: each chunk's text is a young, short-lived string (from about 1 MB V8 makes
 * decoded text an external string, freed only by a full collection), and the one buffer is reused.
 */
const CHUNK_BYTES = 1 << 16;

interface FileScan {
  bytes: number;
  bom: boolean;
  utf8: boolean;
  /** a `"` anywhere in the file */
  quote: boolean;
}

function readError(file: string, e: unknown): LedgerError {
  return fileError(0, "file", `cannot read ${file}: ${(e as Error).message}`);
}

/** The file's bytes, chunk by chunk, in one reused buffer (valid until the next chunk is asked for). */
async function* fileChunks(file: string, start = 0): AsyncGenerator<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, "r");
  } catch (e) {
    throw readError(file, e);
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = start;
    for (;;) {
      let n: number;
      try {
        n = (await handle.read(buf, 0, CHUNK_BYTES, position)).bytesRead;
      } catch (e) {
        throw readError(file, e);
      }
      if (n === 0) return;
      position += n;
      yield buf.subarray(0, n);
    }
  } finally {
    await handle.close();
  }
}

/** One pass over the bytes: BOM, UTF-8 validity, quotes. */
async function scanFile(file: string): Promise<FileScan> {
  const scan: FileScan = { bytes: 0, bom: false, utf8: true, quote: false };
  let carry: Buffer | null = null;
  let first = true;
  for await (const raw of fileChunks(file)) {
    let chunk = raw;
    scan.bytes += chunk.length;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        scan.bom = true;
        chunk = chunk.subarray(3);
      }
    }
    if (!scan.quote && chunk.indexOf(0x22) >= 0) scan.quote = true;
    if (!scan.utf8) continue;
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const cut = utf8Boundary(buf);
    if (!isUtf8(buf.subarray(0, cut))) scan.utf8 = false;
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
  }
  if (carry) scan.utf8 = false;
  return scan;
}

/** The file's text, chunk by chunk. */
async function* decodedChunks(file: string, scan: FileScan): AsyncGenerator<string> {
  const decoder = scan.utf8 ? new TextDecoder("utf-8", { ignoreBOM: true }) : singleByteDecoder();
  let first = true;
  for await (const raw of fileChunks(file, scan.bom ? 3 : 0)) {
    let text = decoder.decode(raw, { stream: true });
    if (first && text.length) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text) yield text;
  }
  const rest = decoder.decode(new Uint8Array(0));
  if (rest) yield rest;
}

function guessFormat(text: string, fileName?: string): LedgerFormat {
  const ext = fileName ? path.extname(fileName).toLowerCase() : "";
  if (ext === ".json") return "json";
  if (ext === ".csv" || ext === ".txt") return "csv";
  const m = /\S/.exec(text.slice(0, 1000));
  return m && (m[0] === "[" || m[0] === "{") ? "json" : "csv";
}

// ---------------------------------------------------------------------------------------------------
// CSV

/** The delimiter of a header line: the most frequent of `;`, `,`, tab outside quotes (`;` wins ties). */
function detectDelimiter(header: string): string {
  const counts: Record<string, number> = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts[ch] !== undefined) counts[ch]!++;
  }
  let best = ";";
  for (const d of [",", "\t"]) if (counts[d]! > counts[best]!) best = d;
  return counts[best]! > 0 ? best : ",";
}

/**
 * cells -> row object with the canonical fields, compiled once per file so every row has the same shape
 * (a plain object literal: fast to build and to read back). Field names come from the alias table.
 */
function rowFactory(mapped: readonly (readonly [number, string])[]): (cells: readonly string[]) => LedgerRow {
  const props = mapped.map(([i, f]) => `${JSON.stringify(f)}: (c = cells[${Number(i)}]) === undefined || c === "" ? null : c`);
  return new Function("cells", `let c; return { ${props.join(", ")} };`) as (cells: readonly string[]) => LedgerRow;
}

interface CsvHeader {
  kind: LedgerKind;
  delimiter: string;
  /** line number of the header */
  line: number;
  /** offset of the first data line in the text read so far */
  dataStart: number;
  quoted: boolean;
  toRow(cells: string[], line: number, visit: Visit, report: Report): void;
}

/**
 * Finds and reads the header in the text read so far (blank lines and Excel's `sep=;` line skipped).
 * null: more text is needed. Throws for an empty file, an unknown kind or missing required columns.
 */
function readCsvHeader(text: string, final: boolean, quoted: boolean, opts: ParseLedgerOptions): CsvHeader | null {
  let pos = 0;
  let line = 1;
  let delimiter: string | null = null;
  let end: number;
  for (;;) {
    if (pos >= text.length) {
      if (final) throw fileError(1, "file", "the file is empty");
      return null;
    }
    end = text.indexOf("\n", pos);
    if (end < 0) {
      if (!final) return null;
      end = text.length;
    }
    const l = text.slice(pos, end).trim();
    const sep = /^sep=(.)$/i.exec(l);
    if (l !== "" && !sep) break;
    if (sep) delimiter = sep[1]!;
    pos = end + 1;
    line++;
  }
  const headerText = text.slice(pos, end).replace(/\r$/, "");
  delimiter ??= detectDelimiter(headerText);
  const headers = quoted
    ? ((parseCsvSync(headerText, { delimiter, trim: true, relax_quotes: true }) as string[][])[0] ?? [])
    : headerText.split(delimiter).map((h) => h.trim());
  const kind = opts.kind ?? detectLedgerKind(headers, opts.fileName);
  if (!kind) throw unknownKind(opts.fileName);
  const columns = mapColumns(headers, kind);
  const present = new Set(columns);
  const missing = SPECS[kind].required.filter((f) => !present.has(f));
  if (missing.length) {
    throw new LedgerError(
      missing.map((f) => ({
        line,
        field: f,
        message: `column missing (accepted headers: ${[f, ...(SPECS[kind].aliases[f] ?? [])].join(", ")})`,
      })),
    );
  }
  const mapped: [number, string][] = [];
  columns.forEach((f, i) => {
    if (f) mapped.push([i, f]);
  });
  const makeRow = rowFactory(mapped);
  const width = headers.length;
  const sep = delimiter;
  return {
    kind,
    delimiter: sep,
    line,
    dataStart: end + 1,
    quoted,
    toRow(cells, lineNo, visit, report) {
      if (cells.length > width) {
        for (let i = width; i < cells.length; i++) {
          if (cells[i]!.trim() !== "") {
            report({
              line: lineNo,
              field: "row",
              message: `${cells.length} fields where the header has ${width}${sep === "," ? " (a decimal comma in a ','-separated file must be quoted)" : ""}`,
            });
            return;
          }
        }
      }
      visit(makeRow(cells), lineNo);
    },
  };
}

/** Unquoted CSV, pushed chunk by chunk: lines split and cells trimmed directly. */
class PlainCsvLines {
  private carry = "";
  private line: number;
  constructor(
    private readonly header: CsvHeader,
    private readonly visit: Visit,
    private readonly report: Report,
  ) {
    this.line = header.line + 1;
  }

  push(chunk: string): void {
    const text = this.carry ? this.carry + chunk : chunk;
    let p = 0;
    for (;;) {
      const e = text.indexOf("\n", p);
      if (e < 0) break;
      this.one(text.slice(p, e));
      p = e + 1;
    }
    this.carry = p < text.length ? text.slice(p) : "";
  }

  end(): void {
    if (this.carry) this.one(this.carry);
    this.carry = "";
  }

  private one(l: string): void {
    if (l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
    const cells = l.split(this.header.delimiter);
    let empty = true;
    for (let i = 0; i < cells.length; i++) {
      const t = cells[i]!.trim();
      cells[i] = t;
      if (t !== "") empty = false;
    }
    if (!empty) this.header.toRow(cells, this.line, this.visit, this.report);
    this.line++;
  }
}

function csvParseOptions(header: CsvHeader, visit: Visit, report: Report) {
  return {
    delimiter: header.delimiter,
    from_line: header.line + 1,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    on_record: (cells: string[], ctx: { lines: number }) => {
      header.toRow(cells, ctx.lines, visit, report);
      return null;
    },
  };
}

const csvSyntaxError = (e: unknown): RowError => {
  const err = e as Error & { lines?: number };
  return { line: typeof err.lines === "number" ? err.lines : 1, field: "row", message: `CSV: ${err.message}` };
};

/** Quoted CSV through csv-parse's streaming API: the whole text from its start (it counts the lines), chunk by chunk. */
class QuotedCsvLines {
  private readonly parser: CsvParser;
  private failed: unknown = null;
  constructor(
    header: CsvHeader,
    visit: Visit,
    private readonly report: Report,
  ) {
    this.parser = parseCsvStream(csvParseOptions(header, visit, report) as never) as CsvParser;
    this.parser.on("error", (e) => (this.failed ??= e));
    this.parser.resume();
  }

  /** false once csv-parse stopped on broken quoting (reported). */
  async push(chunk: string): Promise<boolean> {
    if (this.failed) return false;
    await new Promise<void>((resolve) => this.parser.write(chunk, (e) => (e && (this.failed ??= e), resolve())));
    return this.check();
  }

  async end(): Promise<void> {
    if (this.failed) return void this.check();
    this.parser.end();
    await finished(this.parser).catch((e: unknown) => (this.failed ??= e));
    this.check();
  }

  private reported = false;
  private check(): boolean {
    if (!this.failed) return true;
    if (this.failed instanceof LedgerError) throw this.failed;
    if (!this.reported) this.report(csvSyntaxError(this.failed));
    this.reported = true;
    return false;
  }
}

/** Collects the errors of lines that are not rows, to throw them at the end (when the caller gives no `report`). */
function collecting(): { report: Report; done(): void } {
  const errors: RowError[] = [];
  let count = 0;
  return {
    report: (e) => {
      count++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
    },
    done: () => {
      if (count) throw new LedgerError(errors, count);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// JSON

const isLedgerKind = (k: string): k is LedgerKind => (LEDGER_KINDS as readonly string[]).includes(k);

/** JSON text in memory: parsed at once. */
function jsonText(text: string, opts: ParseLedgerOptions): { kind: LedgerKind; objects: unknown[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : 1;
    throw fileError(line, "json", `invalid JSON: ${msg}`);
  }
  let kind = opts.kind;
  // Also accepted: { "items": [...] } (one of people / customers / items).
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const keys = Object.keys(data).filter(isLedgerKind);
    if (keys.length === 1 && Array.isArray((data as Record<string, unknown>)[keys[0]!])) {
      kind ??= keys[0];
      data = (data as Record<string, unknown>)[keys[0]!];
    }
  }
  if (!Array.isArray(data)) throw fileError(1, "json", "expected an array of objects");
  const objects = data as unknown[];
  kind ??= detectObjectsKind(objects, opts.fileName) ?? undefined;
  if (!kind) throw unknownKind(opts.fileName);
  return { kind, objects };
}

/**
 * Streaming JSON: the elements of the top-level array (or of the one people/customers/items array of a
 * top-level object), each parsed on its own as the text arrives. Strings and nesting are tracked
 * character by character; nothing but the element being read is kept.
 */
class JsonElements {
  private state:
    | "top"
    | "arrayOpen"
    | "arrayElem"
    | "arrayNext"
    | "value"
    | "objOpen"
    | "objKeyWait"
    | "key"
    | "colon"
    | "objValue"
    | "objNext"
    | "end" = "top";
  private wrapped = false;
  private kindKeys = 0;
  private arrayKey: LedgerKind | null = null;
  private key = "";
  /** value being scanned: an array element (kept and parsed) or another value of the wrapper (skipped) */
  private keep = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private valueLine = 1;
  private line = 1;

  constructor(private readonly onElement: (value: unknown) => void) {}

  /** The wrapper's array key, once seen. */
  get wrapperKind(): LedgerKind | null {
    return this.arrayKey;
  }

  private fail(message: string, line = this.line): never {
    throw fileError(line, "json", `invalid JSON: ${message}`);
  }

  private unexpected(chunk: string, i: number, where: string): never {
    return this.fail(`unexpected ${JSON.stringify(chunk[i])} ${where}`);
  }

  private beginValue(keep: boolean, line: number): void {
    this.state = "value";
    this.keep = keep;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.valueLine = line;
  }

  private endValue(): void {
    if (this.keep) {
      const text = this.parts.join("");
      this.parts = [];
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const pos = /position (\d+)/.exec(msg);
        this.fail(msg, this.valueLine + (pos ? text.slice(0, Number(pos[1])).split("\n").length - 1 : 0));
      }
      this.onElement(value);
      this.state = "arrayNext";
    } else this.state = "objNext";
  }

  private closeArray(): void {
    this.state = this.wrapped ? "objNext" : "end";
  }

  push(chunk: string): void {
    const n = chunk.length;
    let start = 0; // where the current value or key began in this chunk
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (this.state === "value") {
        // the hot loop: scan to the end of the value or of the chunk
        for (; i < n; i++) {
          const d = chunk.charCodeAt(i);
          if (d === 10) this.line++;
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (d === 92) this.escaped = true;
            else if (d === 34) this.inString = false;
          } else if (d === 34) this.inString = true;
          else if (d === 123 || d === 91) this.depth++;
          else if (d === 125 || d === 93 || d === 44) {
            if (this.depth === 0) break;
            if (d !== 44) this.depth--;
          }
        }
        if (i === n) break;
        if (this.keep) this.parts.push(chunk.slice(start, i));
        this.endValue();
        continue; // the terminator is read in the new state
      }
      i++;
      if (c === 10) this.line++;
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        if (this.state !== "key") continue;
      }
      switch (this.state) {
        case "top":
          if (c === 91) this.state = "arrayOpen";
          else if (c === 123) {
            this.wrapped = true;
            this.state = "objOpen";
          } else throw fileError(1, "json", "expected an array of objects");
          break;
        case "arrayOpen":
        case "arrayElem":
          if (c === 93 && this.state === "arrayOpen") this.closeArray();
          else if (c === 93 || c === 44) this.unexpected(chunk, i - 1, "in an array");
          else {
            start = i - 1;
            this.beginValue(true, this.line);
            i--;
            this.state = "value";
            // re-read this character in the value scan
          }
          break;
        case "arrayNext":
          if (c === 44) this.state = "arrayElem";
          else if (c === 93) this.closeArray();
          else this.unexpected(chunk, i - 1, "after an array element");
          break;
        case "objOpen":
        case "objKeyWait":
          if (c === 34) {
            this.state = "key";
            this.escaped = false;
            this.parts = [];
            start = i;
          } else if (c === 125 && this.state === "objOpen") this.state = "end";
          else this.unexpected(chunk, i - 1, "in the top-level object");
          break;
        case "key":
          if (this.escaped) this.escaped = false;
          else if (c === 92) this.escaped = true;
          else if (c === 34) {
            this.parts.push(chunk.slice(start, i - 1));
            this.key = JSON.parse(`"${this.parts.join("")}"`) as string;
            this.parts = [];
            this.state = "colon";
          }
          break;
        case "colon":
          if (c !== 58) this.unexpected(chunk, i - 1, `after the key ${JSON.stringify(this.key)}`);
          this.state = "objValue";
          break;
        case "objValue":
          if (isLedgerKind(this.key)) this.kindKeys++;
          if (c === 91 && isLedgerKind(this.key) && this.arrayKey === null) {
            this.arrayKey = this.key;
            this.state = "arrayOpen";
          } else {
            start = i - 1;
            this.beginValue(false, this.line);
            i--;
          }
          break;
        case "objNext":
          if (c === 44) this.state = "objKeyWait";
          else if (c === 125) this.state = "end";
          else this.unexpected(chunk, i - 1, "in the top-level object");
          break;
        case "end":
          this.unexpected(chunk, i - 1, "after the end of the data");
      }
    }
    if ((this.state === "value" && this.keep) || this.state === "key") this.parts.push(chunk.slice(start));
  }

  end(): void {
    if (this.state === "top") throw fileError(1, "json", "expected an array of objects");
    if (this.state !== "end") this.fail("unexpected end of the data");
    if (this.wrapped && (this.kindKeys !== 1 || this.arrayKey === null)) throw fileError(1, "json", "expected an array of objects");
  }
}

// ---------------------------------------------------------------------------------------------------
// Sources

/** A source over text in memory (a REST body, a test). */
export function openLedgerText(text: string, opts: ParseLedgerOptions = {}): LedgerSource {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format = opts.format ?? guessFormat(text, opts.fileName);
  if (format === "json") {
    const { kind, objects } = jsonText(text, opts);
    return objectsSource(kind, objects);
  }
  const h = readCsvHeader(text, true, text.indexOf('"') >= 0, opts)!;
  return {
    kind: h.kind,
    format: "csv",
    async forEach(visit, report) {
      csvTextRows(text, h, visit, report);
    },
  };
}

/** All rows of CSV text, synchronously. */
function csvTextRows(text: string, h: CsvHeader, visit: Visit, report: Report): void {
  if (!h.quoted) {
    const lines = new PlainCsvLines(h, visit, report);
    lines.push(text.slice(h.dataStart));
    lines.end();
    return;
  }
  try {
    parseCsvSync(text, csvParseOptions(h, visit, report) as never);
  } catch (e) {
    if (e instanceof LedgerError) throw e;
    report(csvSyntaxError(e));
  }
}

/** Rows already parsed (a REST body, a JSON array): canonical or alias field names; kind detected when not given. */
export function openLedgerRows(objects: readonly unknown[], kind?: LedgerKind, fileName?: string): LedgerSource {
  const k = kind ?? detectObjectsKind(objects, fileName);
  if (!k) throw unknownKind(fileName);
  return objectsSource(k, objects);
}

function objectsSource(kind: LedgerKind, objects: readonly unknown[]): LedgerSource {
  const index = ALIAS_INDEX[kind];
  return {
    kind,
    format: "json",
    async forEach(visit) {
      for (let i = 0; i < objects.length; i++) visit(canonicalObject(objects[i], index), i + 1);
    },
  };
}

/**
 * A source streamed from a file: the file is scanned once (encoding, quotes), then read chunk by chunk;
 * only the header (CSV) or the first 100 objects (JSON, for the kind) are read before this resolves.
 */
export async function openLedgerFile(file: string, opts: ParseLedgerOptions = {}): Promise<LedgerSource> {
  const fileName = opts.fileName ?? path.basename(file);
  const o = { ...opts, fileName };
  const scan = await scanFile(file);
  const chunks = decodedChunks(file, scan);
  const it = chunks[Symbol.asyncIterator]();
  const next = async (): Promise<string | null> => {
    const r = await it.next();
    return r.done ? null : r.value;
  };
  let pending = "";
  let done = false;
  // Enough text to tell the format.
  while (!done && /^\s*$/.test(pending) && pending.length < 1000) {
    const c = await next();
    if (c === null) done = true;
    else pending += c;
  }
  const format = opts.format ?? guessFormat(pending, fileName);
  // About 60 bytes an item in ERP CSV exports, 150 in JSON: sizes the duplicate check once (a little over rather than growing).
  const expectedRows = Math.ceil(scan.bytes / (format === "json" ? 140 : 56));

  if (format === "json") {
    const head: unknown[] = [];
    let visit: ((o: unknown) => void) | null = null;
    const scanner = new JsonElements((v) => (visit ? visit(v) : head.push(v)));
    scanner.push(pending);
    while (!done && head.length < 100) {
      const c = await next();
      if (c === null) done = true;
      else scanner.push(c);
    }
    if (done) scanner.end();
    const kind = opts.kind ?? scanner.wrapperKind ?? detectObjectsKind(head, fileName);
    if (!kind) throw unknownKind(fileName);
    const index = ALIAS_INDEX[kind];
    return {
      kind,
      format,
      expectedRows,
      async forEach(visitRow, _report, between) {
        let n = 0;
        const one = (v: unknown): void => visitRow(canonicalObject(v, index), ++n);
        for (const v of head) one(v);
        head.length = 0;
        visit = one;
        while (!done) {
          await between?.();
          const c = await next();
          if (c === null) done = true;
          else scanner.push(c);
        }
        scanner.end();
      },
    };
  }

  let header: CsvHeader | null = null;
  for (;;) {
    header = readCsvHeader(pending, done, scan.quote, o);
    if (header || done) break;
    const c = await next();
    if (c === null) done = true;
    else pending += c;
  }
  const h = header!;
  return {
    kind: h.kind,
    format: "csv",
    expectedRows,
    async forEach(visit, report, between) {
      if (!h.quoted) {
        const lines = new PlainCsvLines(h, visit, report);
        lines.push(pending.slice(h.dataStart));
        pending = "";
        while (!done) {
          await between?.();
          const c = await next();
          if (c === null) done = true;
          else lines.push(c);
        }
        lines.end();
        return;
      }
      const lines = new QuotedCsvLines(h, visit, report);
      let ok = await lines.push(pending);
      pending = "";
      while (ok && !done) {
        await between?.();
        const c = await next();
        if (c === null) done = true;
        else ok = await lines.push(c);
      }
      if (ok) await lines.end();
      if (!done) await it.return?.(undefined);
    },
  };
}

/**
 * Parses CSV or JSON text into rows keyed by canonical field names (the REST names), synchronously.
 * Throws LedgerError for a file that cannot be read at all or has lines that are not rows.
 */
export function parseLedgerText(text: string, opts: ParseLedgerOptions = {}): ParsedLedger {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: LedgerRow[] = [];
  const lines: number[] = [];
  const visit: Visit = (row, line) => {
    rows.push(row);
    lines.push(line);
  };
  const format = opts.format ?? guessFormat(text, opts.fileName);
  if (format === "json") {
    const { kind, objects } = jsonText(text, opts);
    const index = ALIAS_INDEX[kind];
    objects.forEach((o, i) => visit(canonicalObject(o, index), i + 1));
    return { kind, rows, lines };
  }
  const h = readCsvHeader(text, true, text.indexOf('"') >= 0, opts)!;
  const errors = collecting();
  csvTextRows(text, h, visit, errors.report);
  errors.done();
  return { kind: h.kind, rows, lines };
}

/** Rows of any input a job can give, with the snapshot rule checked. */
export async function openLedgerInput(input: { text?: string; path?: string; rows?: readonly unknown[]; snapshot?: boolean } & ParseLedgerOptions): Promise<LedgerSource> {
  let source: LedgerSource;
  if (input.rows) source = openLedgerRows(input.rows, input.kind);
  else if (input.text !== undefined) source = openLedgerText(input.text, { ...input, ...(input.fileName ? {} : input.path ? { fileName: path.basename(input.path) } : {}) });
  else if (input.path) source = await openLedgerFile(input.path, input);
  else throw fileError(0, "file", "nothing to import: give text, path or rows");
  if (input.snapshot && source.kind !== "items") throw snapshotNotItems();
  return source;
}
