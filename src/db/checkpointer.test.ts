import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/harness.ts";
import { connect } from "./connect.ts";
import { kyselyStore, migrateDatabase } from "./store.ts";

describe("WAL checkpoints off the event loop", () => {
  it("keeps the WAL from growing while the store commits, without checkpointing in the store's commits", async () => {
    const file = path.join(tempDir(), "a.db");
    await migrateDatabase({ kind: "sqlite", file });
    const store = kyselyStore(connect({ kind: "sqlite", file }));
    const wal = () => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
    for (let i = 0; i < 400; i++) await store.counters.next("x");
    // The store's own connection never checkpoints: the file only shrinks back to its start
    // when the worker has checkpointed and a writer restarts the WAL.
    await new Promise((r) => setTimeout(r, 1500));
    const before = wal();
    for (let i = 0; i < 400; i++) await store.counters.next("x");
    const after = wal();
    expect(after).toBeLessThanOrEqual(before + 4096 * 4); // the WAL was reused after the worker's checkpoint
    expect(await store.counters.next("x")).toBe(801);
    await store.close();
  });
});
