import { releaseHolds as release } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute } from "./mutateDispute.ts";
import type { NoteInput } from "./withdrawDispute.ts";

/** Litigation ("contentieux") keeps the holds after resolution until a controller releases them. */
export function releaseHolds(deps: Deps, input: NoteInput) {
  return mutateDispute(deps, input, "release_holds", ({ dispute, actor, now }) => release(dispute, { byEmail: actor.email, note: input.note }, now));
}
