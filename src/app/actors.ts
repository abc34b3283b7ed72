import { fail, invalid } from "../domain/errors.ts";
import type { Customer, Dispute, Person } from "../domain/types.ts";
import type { Repos } from "./ports.ts";

// Loading the acting person and the dispute a command is about, with the coded errors every adapter expects.

export async function actor(tx: Repos, email: string | undefined, field = "byEmail"): Promise<Person> {
  if (!email) return invalid(field, "actor_required", { field });
  const p = await tx.people.byEmail(email.trim().toLowerCase());
  if (!p) return fail("forbidden", "unknown_person", { email }, { field });
  return p;
}

export async function person(tx: Repos, email: string, field: string): Promise<Person> {
  const p = await tx.people.byEmail(email.trim().toLowerCase());
  if (!p) return invalid(field, "unknown_person", { email });
  return p;
}

/** Accepts a numeric id or a number such as D-2026-0042. */
export async function findDispute(tx: Repos, idOrNumber: string | number): Promise<Dispute> {
  const key = String(idOrNumber).trim();
  const d = /^\d+$/.test(key) ? await tx.disputes.byId(Number(key)) : await tx.disputes.byNumber(key.toUpperCase());
  if (!d) return fail("not_found", "dispute_not_found", { number: key });
  return d;
}

export async function customerOf(tx: Repos, d: Pick<Dispute, "customerId">): Promise<Customer> {
  const c = await tx.customers.byId(d.customerId);
  if (!c) return fail("not_found", "customer_not_found", { ref: String(d.customerId) });
  return c;
}
