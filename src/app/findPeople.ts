import type { Person } from "../domain/types.ts";
import type { Deps } from "./context.ts";

/** The known people among these emails (names and chat ids for cards); unknown emails are left out. */
export async function findPeople(deps: Deps, input: { emails: string[] }): Promise<Person[]> {
  const emails = [...new Set(input.emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  return emails.length ? deps.store.people.byEmails(emails) : [];
}
