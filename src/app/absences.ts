import { fail, invalid } from "../domain/errors.ts";
import { isIsoDate } from "../domain/dates.ts";
import type { Person } from "../domain/types.ts";
import { actor, person } from "./actors.ts";
import type { Deps } from "./context.ts";
import type { Absence, Repos } from "./ports.ts";

// Absences and deputies (issue 11): a person away on calendar dates, with the deputy (« suppléant ») who gets
// their follow-up reminders meanwhile. Set by the person themself, their manager or an admin.

/** Who may set or remove `subject`'s absences: themself, their manager, an admin. */
async function mayManage(tx: Repos, byEmail: string | undefined, subject: Person): Promise<Person> {
  const by = await actor(tx, byEmail);
  if (by.email !== subject.email && by.role !== "admin" && subject.managerEmail !== by.email) {
    fail("forbidden", "absence_forbidden", { email: by.email, person: subject.email }, { field: "byEmail" });
  }
  return by;
}

export async function listAbsences(deps: Pick<Deps, "store">, input: { personEmail: string }): Promise<Absence[]> {
  const p = await person(deps.store, input.personEmail, "email");
  return deps.store.absences.listFor(p.email);
}

export async function addAbsence(
  deps: Pick<Deps, "store" | "clock">,
  input: { personEmail: string; byEmail: string; fromOn: string; untilOn: string; deputyEmail?: string | null },
): Promise<Absence> {
  return deps.store.transaction(async (tx) => {
    const p = await person(tx, input.personEmail, "email");
    await mayManage(tx, input.byEmail, p);
    if (!isIsoDate(input.fromOn)) invalid("fromOn", "date_invalid", { field: "fromOn", value: input.fromOn });
    if (!isIsoDate(input.untilOn)) invalid("untilOn", "date_invalid", { field: "untilOn", value: input.untilOn });
    if (input.untilOn < input.fromOn) invalid("untilOn", "date_out_of_range", { field: "untilOn", value: input.untilOn, min: input.fromOn });
    let deputyEmail: string | null = null;
    if (input.deputyEmail) {
      const deputy = await person(tx, input.deputyEmail, "deputyEmail");
      if (deputy.email === p.email) invalid("deputyEmail", "deputy_is_self", { email: deputy.email });
      deputyEmail = deputy.email;
    }
    return tx.absences.add({ personEmail: p.email, fromOn: input.fromOn, untilOn: input.untilOn, deputyEmail, createdAt: deps.clock() });
  });
}

export async function removeAbsence(deps: Pick<Deps, "store">, input: { personEmail: string; byEmail: string | undefined; id: number }): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const p = await person(tx, input.personEmail, "email");
    await mayManage(tx, input.byEmail, p);
    if (!(await tx.absences.remove(p.email, input.id))) fail("not_found", "absence_not_found", { id: input.id });
  });
}
