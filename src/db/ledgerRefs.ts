import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import type { LedgerKind } from "../ledger/headers.ts";
import { emptyRefs, type LedgerRefs } from "../ledger/validate.ts";

// What validation needs from the database, read once per import (no per-row SELECT): the customers'
// refs (items), the people's emails and chat ids (people, customers). Kept apart from the writers so the
// validating thread of a two-thread import loads no more than it needs.

const CUSTOMERS = `SELECT "id", "ref", "currency" FROM "Customer"`;
const PEOPLE = `SELECT "email", "slackUserId", "teamsUserId" FROM "Person"`;

function addPerson(refs: LedgerRefs, email: string, slack: string | null, teams: string | null): void {
  const e = email.toLowerCase();
  refs.people.add(e);
  if (slack) refs.slackOwners.set(slack, e);
  if (teams) refs.teamsOwners.set(teams, e);
}

export function loadSqliteRefs(db: BetterSqlite3.Database, kind: LedgerKind): LedgerRefs {
  const refs = emptyRefs();
  if (kind === "items") {
    for (const [id, ref, currency] of db.prepare(CUSTOMERS).raw().iterate() as IterableIterator<[number, string, string]>) refs.customers.set(ref, { id, currency });
  } else {
    for (const [email, slack, teams] of db.prepare(PEOPLE).raw().iterate() as IterableIterator<[string, string | null, string | null]>) addPerson(refs, email, slack, teams);
  }
  return refs;
}

export async function loadPostgresRefs(client: pg.ClientBase, kind: LedgerKind): Promise<LedgerRefs> {
  const refs = emptyRefs();
  if (kind === "items") {
    const r = await client.query<[number, string, string]>({ text: CUSTOMERS, rowMode: "array" });
    for (const [id, ref, currency] of r.rows) refs.customers.set(ref, { id, currency });
  } else {
    const r = await client.query<[string, string | null, string | null]>({ text: PEOPLE, rowMode: "array" });
    for (const [email, slack, teams] of r.rows) addPerson(refs, email, slack, teams);
  }
  return refs;
}
