import { commentDispute as comment } from "../domain/lifecycle.ts";
import type { Deps } from "./context.ts";
import { mutateDispute, type MutationInput } from "./mutateDispute.ts";

export interface CommentDisputeInput extends MutationInput {
  text: string;
}

export function commentDispute(deps: Deps, input: CommentDisputeInput) {
  return mutateDispute(deps, input, "comment", ({ dispute, actor, now }) => comment(dispute, { byEmail: actor.email, text: input.text }, now));
}
