// The file's item keys (customer id, ref), to find duplicates: a million of them in about 35 MB instead
// of the ~120 MB a Map of strings per customer takes. An open-addressing hash table (linear probing) of
// entry numbers; each entry keeps its customer, its line and its ref's characters in one growing arena,
// and a slot is a match only when customer and ref are equal (exact: no false duplicates).

const EMPTY = 0;
/** Slots per entry, at least (load factor at most 0.75). */
const SLOTS_PER_ENTRY = 4 / 3;

function hashOf(customerId: number, ref: string): number {
  let h = Math.imul(customerId ^ 0x9e3779b9, 0x85ebca6b);
  for (let i = 0; i < ref.length; i++) h = Math.imul(h ^ ref.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

export class ItemKeys {
  private slots: Int32Array<ArrayBuffer>;
  private mask: number;
  private customers: Int32Array<ArrayBuffer>;
  private lines: Int32Array<ArrayBuffer>;
  /** where each entry's ref starts in `chars` (it ends where the next one starts) */
  private starts: Int32Array<ArrayBuffer>;
  /** Latin-1 refs take one byte a character; the arena widens to two bytes at the first other character. */
  private chars: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer>;
  private used = 0;
  size = 0;

  /** `expected`: about how many keys will come (sized once, instead of growing by copies). */
  constructor(expected = 0) {
    const entries = Math.max(1 << 12, Math.ceil(expected));
    this.slots = new Int32Array(ItemKeys.slotsFor(entries));
    this.mask = this.slots.length - 1;
    this.customers = new Int32Array(entries);
    this.lines = new Int32Array(entries);
    this.starts = new Int32Array(entries + 1);
    this.chars = new Uint8Array(entries * 12);
  }

  private static slotsFor(entries: number): number {
    let n = 1 << 13;
    while (n < entries * SLOTS_PER_ENTRY) n *= 2;
    return n;
  }

  private same(e: number, customerId: number, ref: string): boolean {
    if (this.customers[e] !== customerId) return false;
    const start = this.starts[e]!;
    if (this.starts[e + 1]! - start !== ref.length) return false;
    const chars = this.chars;
    for (let i = 0; i < ref.length; i++) if (chars[start + i] !== ref.charCodeAt(i)) return false;
    return true;
  }

  /** Adds the key; returns the line it was first seen on when it is already there (nothing added), else 0. */
  addOrFirstLine(customerId: number, ref: string, line: number): number {
    let s = hashOf(customerId, ref) & this.mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v === EMPTY) break;
      if (this.same(v - 1, customerId, ref)) return this.lines[v - 1]!;
      s = (s + 1) & this.mask;
    }
    const e = this.size;
    if (e === this.customers.length) this.growEntries();
    const n = ref.length;
    if (this.used + n > this.chars.length) this.growChars(this.used + n, this.chars instanceof Uint16Array);
    if (this.chars instanceof Uint8Array) {
      for (let i = 0; i < n; i++) {
        if (ref.charCodeAt(i) > 255) {
          this.growChars(this.chars.length, true);
          break;
        }
      }
    }
    const chars = this.chars;
    const at = this.used;
    for (let i = 0; i < n; i++) chars[at + i] = ref.charCodeAt(i);
    this.used = at + n;
    this.customers[e] = customerId;
    this.lines[e] = line;
    this.starts[e] = at;
    this.starts[e + 1] = this.used;
    this.slots[s] = e + 1;
    this.size++;
    if (this.size * SLOTS_PER_ENTRY > this.slots.length) this.rehash();
    return 0;
  }

  private growEntries(): void {
    const n = Math.ceil(this.customers.length * 1.5);
    const grow = (a: Int32Array<ArrayBuffer>, len: number): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(len);
      b.set(a);
      return b;
    };
    this.customers = grow(this.customers, n);
    this.lines = grow(this.lines, n);
    this.starts = grow(this.starts, n + 1);
  }

  private growChars(need: number, wide: boolean): void {
    let n = this.chars.length;
    while (n < need) n = Math.ceil(n * 1.5);
    const b = wide ? new Uint16Array(n) : new Uint8Array(n);
    b.set(this.chars.subarray(0, this.used));
    this.chars = b;
  }

  private refOf(e: number): string {
    const start = this.starts[e]!;
    const end = this.starts[e + 1]!;
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(this.chars[i]!);
    return s;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let s = hashOf(this.customers[e]!, this.refOf(e)) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
