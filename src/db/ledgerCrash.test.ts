import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { Deps } from "../app/context.ts";
import { reconcileHolds } from "../app/ledgerChanged.ts";
import { openDispute } from "../app/openDispute.ts";
import type { Store } from "../app/ports.ts";
import { ensureDefaultReasons } from "../app/reasons.ts";
import { resolveDispute } from "../app/resolveDispute.ts";
import { freshPostgresDatabase } from "../test/postgres.ts";
import type { DatabaseTarget } from "./connect.ts";
import { importLedger, runLedgerJob, type LedgerJob } from "./ledger.ts";
import { migrateSqlite as migrate } from "./migrate.ts";
import { openSqlite } from "./sqlite.ts";
import { openStore } from "./store.ts";

// The ledger's effects run inside the import's own transaction (holds re-derived, awaited credit notes
// received, webhook outbox written): an import is committed with its holds or not at all. The crash
// tests kill an import process (SIGKILL: no clean-up, no ROLLBACK) right before and right after its COMMIT.

const NOW = new Date("2026-03-15T09:00:00.000Z");
const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function freshTarget(backend: "sqlite" | "postgres"): Promise<DatabaseTarget> {
  if (backend === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-ledger-crash-"));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "accord.db");
    const db = openSqlite(file);
    migrate(db);
    db.close();
    return { kind: "sqlite", file };
  }
  const fresh = await freshPostgresDatabase("ledger_crash");
  cleanup.push(() => fresh.drop());
  return { kind: "postgres", url: fresh.url };
}

const silent = { warn() {}, error() {}, info() {} };

async function depsOn(target: DatabaseTarget, collectionsMode: Deps["collectionsMode"] = "embedded"): Promise<Deps> {
  const { store } = await openStore(target);
  cleanup.unshift(() => store.close());
  await ensureDefaultReasons(store.reasons);
  return { store, clock: () => NOW, newId: () => crypto.randomUUID(), collectionsMode, publicUrl: "http://localhost", listeners: [], log: silent };
}

const job = (target: DatabaseTarget, text: string, collectionsMode: LedgerJob["collectionsMode"] = "embedded"): LedgerJob => ({ database: target, text, now: NOW.getTime(), collectionsMode });

const LEDGER = [
  "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount",
  "F-1;C001;invoice;2026-01-05;2026-02-04;1000,00;1000,00",
  "F-2;C001;invoice;2026-01-15;2026-02-14;500,00;500,00",
].join("\n");
const CREDIT_NOTE = "ref;customerRef;kind;issuedOn;dueOn;amount;openAmount\nAV-9;C001;credit_note;2026-03-14;2026-03-14;-400,00;-400,00\n";

/** C001 with two invoices; a dispute on 400.00 of F-1, resolved by a credit note AV-9 not yet in the ledger (so F-1 stays held). */
async function disputeAwaitingCreditNote(target: DatabaseTarget, deps: Deps): Promise<number> {
  await runLedgerJob({ database: target, kind: "people", rows: [{ email: "claire@acme.test", name: "Claire", role: "controller" }, { email: "paul@acme.test", name: "Paul", role: "sales" }], now: NOW.getTime() });
  await runLedgerJob({ database: target, kind: "customers", rows: [{ ref: "C001", name: "Boulangerie Dupont", salesRepEmail: "paul@acme.test", controllerEmail: "claire@acme.test" }], now: NOW.getTime() });
  await runLedgerJob(job(target, LEDGER));
  const { dispute } = await openDispute(deps, { customerRef: "C001", items: [{ ref: "F-1", amount: "400.00" }], reasonCode: "price", statement: "Prix non conforme au contrat.", openedByEmail: "claire@acme.test" });
  await resolveDispute(deps, { dispute: dispute.id, byEmail: "claire@acme.test", outcome: "credit_note", note: "Avoir accordé.", creditNoteRef: "AV-9", concededAmount: "400.00" });
  return dispute.id;
}

async function state(store: Store, disputeId: number) {
  const customer = (await store.customers.byRef("C001"))!;
  const items = await store.items.ofCustomer(customer.id);
  const holds = await store.holds.list({ customerIds: [customer.id] });
  const dispute = (await store.disputes.byId(disputeId))!;
  return { refs: items.map((i) => i.ref).sort(), holds: holds.map((h) => [items.find((i) => i.id === h.itemId)?.ref, h.amount, h.kind]), creditNoteSeen: dispute.creditNoteSeenAt !== null };
}

describe.each(["sqlite", "postgres"] as const)("the ledger's effects in the import's transaction, on %s", (backend) => {
  it("an imported credit note releases the dispute waiting for it and its holds, in the same commit", async () => {
    const target = await freshTarget(backend);
    const deps = await depsOn(target, "webhook");
    const disputeId = await disputeAwaitingCreditNote(target, deps);
    expect(await state(deps.store, disputeId)).toEqual({ refs: ["F-1", "F-2"], holds: [["F-1", 400_00, "credit_pending"]], creditNoteSeen: false });
    const outboxBefore = (await deps.store.outbox.list({})).length;

    const result = await importLedger({ database: target, text: CREDIT_NOTE, now: NOW, collectionsMode: "webhook" });
    expect(result).toMatchObject({ inserted: 1, creditNotes: [{ ref: "AV-9" }], creditNotesMatched: 1, changedDisputeIds: [disputeId] });
    expect(result.holdChanges).toBeGreaterThan(0);
    expect(await state(deps.store, disputeId)).toEqual({ refs: ["AV-9", "F-1", "F-2"], holds: [], creditNoteSeen: true });
    // webhook mode: the resumed dunning is in the outbox, written by the same transaction
    const outbox = await deps.store.outbox.list({});
    expect(outbox.length).toBeGreaterThan(outboxBefore);
    expect(outbox.map((m) => m.type)).toContain("dunning.resumed");
    expect(await reconcileHolds(deps)).toBe(0);

    // the same file again: nothing changes, no effect
    expect(await importLedger({ database: target, text: CREDIT_NOTE, now: NOW, collectionsMode: "webhook" })).toMatchObject({ unchanged: 1, holdChanges: 0, creditNotesMatched: 0, changedDisputeIds: [] });
  });

  /** Runs the import in a child process that SIGKILLs itself right before or right after its COMMIT. */
  async function killedImport(j: LedgerJob, at: "before" | "after"): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accord-ledger-kill-"));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const script = path.join(dir, "import.mts");
    fs.writeFileSync(
      script,
      `import { runLedgerJob } from ${JSON.stringify(path.join(ROOT, "src/db/ledgerJobs.ts"))};
       const job = JSON.parse(process.argv[2]);
       await runLedgerJob(job, { onCommit: (when) => { if (when === ${JSON.stringify(at)}) process.kill(process.pid, "SIGKILL"); } });
       console.log("not killed");`,
    );
    const outcome = await run(process.execPath, ["--import", "tsx", script, JSON.stringify(j)], { cwd: ROOT }).then(
      (r) => ({ signal: null as string | null, out: r.stdout }),
      (e: { signal?: string; stdout?: string }) => ({ signal: e.signal ?? null, out: e.stdout ?? "" }),
    );
    expect(outcome).toMatchObject({ signal: "SIGKILL" });
  }

  it("the start-up reconciliation heals a hold removed by hand, a batch of customers at a time", async () => {
    const target = await freshTarget(backend);
    const deps = await depsOn(target);
    const disputeId = await disputeAwaitingCreditNote(target, deps);
    const right = await state(deps.store, disputeId);
    const removeHolds = async () => {
      const del = `DELETE FROM "Hold"`;
      if (target.kind === "sqlite") {
        const raw = openSqlite(target.file);
        raw.prepare(del).run();
        raw.close();
      } else {
        const { default: pg } = await import("pg");
        const c = new pg.Client({ connectionString: target.url });
        await c.connect();
        await c.query(del);
        await c.end();
      }
      expect((await state(deps.store, disputeId)).holds).toEqual([]);
    };
    await removeHolds();
    expect(await reconcileHolds(deps, { batch: 1 })).toBe(1);
    expect(await state(deps.store, disputeId)).toEqual(right);
    // stopped (shutdown) before its first batch: nothing is written
    await removeHolds();
    const stopped = new AbortController();
    stopped.abort();
    expect(await reconcileHolds(deps, { signal: stopped.signal })).toBe(0);
    expect((await state(deps.store, disputeId)).holds).toEqual([]);
  });

  it("an import killed right before its COMMIT leaves nothing: no item, holds and dispute as they were", async () => {
    const target = await freshTarget(backend);
    const deps = await depsOn(target);
    const disputeId = await disputeAwaitingCreditNote(target, deps);
    const before = await state(deps.store, disputeId);
    await killedImport(job(target, CREDIT_NOTE), "before");
    expect(await state(deps.store, disputeId)).toEqual(before);
    expect(await reconcileHolds(deps)).toBe(0);
  }, 60_000);

  it("an import killed right after its COMMIT leaves everything: the item, and the holds already right", async () => {
    const target = await freshTarget(backend);
    const deps = await depsOn(target);
    const disputeId = await disputeAwaitingCreditNote(target, deps);
    await killedImport(job(target, CREDIT_NOTE), "after");
    expect(await state(deps.store, disputeId)).toEqual({ refs: ["AV-9", "F-1", "F-2"], holds: [], creditNoteSeen: true });
    // nothing for the start-up reconciliation to heal
    expect(await reconcileHolds(deps)).toBe(0);
  }, 60_000);
});
