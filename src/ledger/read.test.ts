import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LedgerError, type RowError } from "./errors.ts";
import type { LedgerRow } from "./headers.ts";
import { openLedgerFile, openLedgerText, parseLedgerText } from "./read.ts";

// Reading from a file streams it in 64 KB chunks: rows, lines, encodings and JSON must come out as from
// the same text in memory, wherever the chunk boundaries fall.

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-read-"));
  dirs.push(dir);
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

async function all(source: { forEach: (v: (r: LedgerRow, l: number) => void, r: (e: RowError) => void) => Promise<void> }) {
  const rows: [number, LedgerRow][] = [];
  const errors: RowError[] = [];
  await source.forEach((r, l) => rows.push([l, r]), (e) => errors.push(e));
  return { rows, errors };
}

const HEADER = "Numéro pièce;Code client;Type;Date pièce;Échéance;Montant;Solde";

describe("openLedgerFile", () => {
  it("gives the rows and lines of the text in memory, across chunk boundaries (CRLF, blank lines, accents)", async () => {
    const lines = ["sep=;", "", HEADER];
    for (let i = 0; i < 30_000; i++) lines.push(i % 1000 === 7 ? "" : `F-${i};C${i % 50};Facture ${"é".repeat(i % 5)};05/01/2026;04/02/2026;${i},5;${i},5`);
    const text = lines.join("\r\n");
    const p = file("pièces.csv", "\ufeff" + text);
    const fromFile = await openLedgerFile(p);
    const fromText = openLedgerText(text, { fileName: "pièces.csv" });
    expect(fromFile.kind).toBe("items");
    const a = await all(fromFile);
    const b = await all(fromText);
    expect(a.rows.length).toBe(29_970);
    expect(a).toEqual(b);
    expect(a.rows[0]).toEqual([4, { ref: "F-0", customerRef: "C0", kind: "Facture", issuedOn: "05/01/2026", dueOn: "04/02/2026", amount: "0,5", openAmount: "0,5" }]);
    expect(a.rows.at(-1)![0]).toBe(30_003);
  });

  it("reads Windows-1252 bytes when the file is not UTF-8", async () => {
    const p = file("export", Buffer.from(`${HEADER}\nFA-1;C1;Facture;05/01/2026;04/02/2026;10;10\n`, "latin1"));
    const source = await openLedgerFile(p);
    expect(source.kind).toBe("items");
    expect((await all(source)).rows).toEqual([[2, { ref: "FA-1", customerRef: "C1", kind: "Facture", issuedOn: "05/01/2026", dueOn: "04/02/2026", amount: "10", openAmount: "10" }]]);
  });

  it("parses quoted files with csv-parse, reporting broken quoting on its line", async () => {
    const good = 'ref,customerRef,kind,issuedOn,dueOn,amount,openAmount\n"F,1",C1,invoice,2026-01-01,2026-02-01,"1,5","1,5"\n\n"F2",C1,invoice,2026-01-01,2026-02-01,2,2\n';
    expect((await all(await openLedgerFile(file("q.csv", good)))).rows.map(([l, r]) => [l, r.ref])).toEqual([
      [2, "F,1"],
      [4, "F2"],
    ]);
    const bad = 'ref,customerRef,kind,issuedOn,dueOn,amount,openAmount\nF1,C1,invoice,2026-01-01,2026-02-01,1,1\n"F2"x,C1,invoice,2026-01-01,2026-02-01,1,1\n';
    const { rows, errors } = await all(await openLedgerFile(file("b.csv", bad)));
    expect(rows.map(([l]) => l)).toEqual([2]);
    expect(errors).toMatchObject([{ line: 3, field: "row" }]);
    expect(errors[0]!.message).toMatch(/^CSV: /);
    expect(() => parseLedgerText(bad)).toThrow(LedgerError);
  });

  it("streams JSON arrays, and the { items: [...] } wrapper, one object at a time", async () => {
    const objects = Array.from({ length: 5000 }, (_, i) => ({ ref: `J${i}`, customerRef: "C1", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: i, openAmount: i, note: { "x]": "}{,\"" } }));
    const array = await openLedgerFile(file("rows.json", JSON.stringify(objects, null, 1)));
    expect(array.kind).toBe("items");
    const a = await all(array);
    expect(a.rows.length).toBe(5000);
    expect(a.rows[4999]).toEqual([5000, { ref: "J4999", customerRef: "C1", kind: "invoice", issuedOn: "2026-02-01", dueOn: "2026-03-03", amount: 4999, openAmount: 4999 }]);
    const wrapped = await openLedgerFile(file("export", JSON.stringify({ exportedAt: "2026-03-01", "items": objects.slice(0, 3), count: 3 })));
    expect(wrapped.kind).toBe("items");
    expect((await all(wrapped)).rows.map(([l, r]) => [l, r.ref])).toEqual([
      [1, "J0"],
      [2, "J1"],
      [3, "J2"],
    ]);
    const people = await openLedgerFile(file("x.json", JSON.stringify({ people: [{ email: "a@b.fr", name: "A", role: "sales" }] })));
    expect(people.kind).toBe("people");
  });

  it("rejects JSON that is not an array of objects, or broken, with the line", async () => {
    const fail = async (text: string) => {
      try {
        const s = await openLedgerFile(file("f.json", text), { kind: "items" });
        await all(s);
      } catch (e) {
        expect(e).toBeInstanceOf(LedgerError);
        return (e as LedgerError).errors[0]!;
      }
      throw new Error("expected a LedgerError");
    };
    expect(await fail('{"a": 1}')).toEqual({ line: 1, field: "json", message: "expected an array of objects" });
    expect(await fail('{"items": [], "people": []}')).toEqual({ line: 1, field: "json", message: "expected an array of objects" });
    expect(await fail("42")).toEqual({ line: 1, field: "json", message: "expected an array of objects" });
    expect(await fail('[\n{"ref": "A"},\n{"ref": }\n]')).toMatchObject({ line: 3, field: "json" });
    expect(await fail('[{"ref": "A"}')).toMatchObject({ field: "json", message: "invalid JSON: unexpected end of the data" });
  });

  it("reports an empty file and an unknown kind as before", async () => {
    await expect(openLedgerFile(file("empty.csv", "\n\n"))).rejects.toThrow("the file is empty");
    await expect(openLedgerFile(file("foo.csv", "foo;bar\n1;2\n"))).rejects.toThrow("cannot tell whether this file (foo.csv) holds people, customers or items");
    await expect(openLedgerFile(path.join(os.tmpdir(), "no-such-ledger-file.csv"))).rejects.toThrow(/cannot read/);
  });
});
