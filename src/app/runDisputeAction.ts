import { invalid } from "../domain/errors.ts";
import { toWellFormed } from "../domain/text.ts";
import type { Outcome, Priority } from "../domain/types.ts";
import { commentDispute } from "./commentDispute.ts";
import type { Deps } from "./context.ts";
import { editDispute } from "./editDispute.ts";
import type { DisputeAction } from "./prepareDisputeAction.ts";
import { reassignDispute } from "./reassignDispute.ts";
import { releaseHolds } from "./releaseHolds.ts";
import { reopenDispute } from "./reopenDispute.ts";
import { resolveDispute } from "./resolveDispute.ts";
import { setFollowUp } from "./setFollowUp.ts";
import { withdrawDispute } from "./withdrawDispute.ts";

// After a card's form (prepareDisputeAction before it opens): the submitted form's values, as the person typed
// them, handed to the action's use case, which checks everything. Slack's modals (src/slack/listeners/cardForms.ts)
// and Teams' inline inputs (src/teams/listeners/cardAction.ts) call it alike, so both platforms read the same fields
// the same way; each maps the use case's field errors back to its own inputs.

/** The actions a card's form submits (the card payloads' CARD_ACTIONS). */
export type FormAction = Extract<DisputeAction, "comment" | "reassign" | "follow_up" | "resolve" | "edit" | "withdraw" | "reopen" | "release_holds">;

/** A field as a platform reads it back: text, a choice, several choices, or nothing. */
export type FormValue = string | string[] | null | undefined;

export interface FormSubmission {
  /** the dispute, the acting person, the card's version and the submission's once-key (a double click applies once) */
  base: { dispute: number; byEmail: string; version: number; once: string };
  values: Record<string, FormValue>;
  /** the Accord person picked for Reassign (an email); null when the platform's pick matches nobody Accord knows */
  to: string | null;
}

/** A field as typed: trimmed, well-formed text; "" when empty or not text. */
export const formText = (v: FormValue): string => (typeof v === "string" ? toWellFormed(v.trim()) : "");

const RUN: Record<FormAction, (deps: Deps, s: FormSubmission, v: (id: string) => string) => Promise<unknown>> = {
  comment: (deps, { base }, v) => commentDispute(deps, { ...base, text: v("text") }),
  reassign: (deps, { base, to }, v) => reassignDispute(deps, { ...base, toEmail: to ?? invalid("toEmail", "owner_unknown", {}), note: v("note") || undefined }),
  follow_up: (deps, { base }, v) => setFollowUp(deps, { ...base, on: v("on"), note: v("note") || undefined }),
  resolve: (deps, { base }, v) =>
    resolveDispute(deps, {
      ...base,
      outcome: v("outcome") as Outcome,
      note: v("note"),
      creditNoteRef: v("credit_note_ref") || null,
      concededAmount: v("conceded") || null,
      rootCause: v("root_cause") || null,
    }),
  withdraw: (deps, { base }, v) => withdrawDispute(deps, { ...base, note: v("note") }),
  reopen: (deps, { base }, v) => reopenDispute(deps, { ...base, note: v("note") }),
  release_holds: (deps, { base }, v) => releaseHolds(deps, { ...base, note: v("note") }),
  edit: (deps, { base }, v) =>
    editDispute(deps, { ...base, reasonCode: v("reason") || undefined, priority: (v("priority") || undefined) as Priority | undefined, statement: v("statement") || undefined, note: v("note") || undefined }),
};

/** Runs the card form's action with its submitted values (field ids: text, to, note, on, outcome, credit_note_ref, conceded, root_cause, reason, priority, statement). */
export function runDisputeAction(deps: Deps, action: FormAction, submission: FormSubmission): Promise<unknown> {
  return RUN[action](deps, submission, (id) => formText(submission.values[id]));
}
