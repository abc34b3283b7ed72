import { withdrawDispute as withdraw } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";
import { queueOpenerUpdate } from "./notifyOpener.ts";

export interface NoteInput extends MutationInput {
  note: string;
}

export function withdrawDispute(deps: Deps, input: NoteInput) {
  return mutateDispute(deps, input, "withdraw", async ({ tx, dispute, actor, now }) => {
    const change = withdraw(dispute, { byEmail: actor.email, note: input.note }, now);
    await queueOpenerUpdate(tx, deps, change.dispute, actor, { what: "withdrawn" }, now);
    return change;
  });
}
