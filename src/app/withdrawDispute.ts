import { withdrawDispute as withdraw } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

export interface NoteInput extends MutationInput {
  note: string;
}

export function withdrawDispute(deps: Deps, input: NoteInput) {
  return mutateDispute(deps, input, "withdraw", ({ dispute, actor, now }) => withdraw(dispute, { byEmail: actor.email, note: input.note }, now));
}
