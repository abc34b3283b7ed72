import type { App } from "@slack/bolt";
import { commentDispute } from "../../app/commentDispute.ts";
import { editDispute } from "../../app/editDispute.ts";
import { findPeople } from "../../app/findPeople.ts";
import { getDispute } from "../../app/getDispute.ts";
import { reassignDispute } from "../../app/reassignDispute.ts";
import { releaseHolds } from "../../app/releaseHolds.ts";
import { reopenDispute } from "../../app/reopenDispute.ts";
import { resolveDispute } from "../../app/resolveDispute.ts";
import { setFollowUp } from "../../app/setFollowUp.ts";
import { withdrawDispute } from "../../app/withdrawDispute.ts";
import type { Deps } from "../../app/context.ts";
import { invalid } from "../../domain/errors.ts";
import type { Outcome, Priority } from "../../domain/types.ts";
import { t } from "../../views/i18n.ts";
import type { CardAction } from "../../views/actions.ts";
import { staleForm } from "../../views/forms.ts";
import { cardMessage, formModal, textMessage } from "../blocks.ts";
import { str, type SubmittedForm } from "../forms.ts";
import type { Kit } from "../listen.ts";
import { cardFor } from "../render.ts";

// The forms a card's buttons open (Add update, Reassign, Set follow-up, Resolve, Edit, Withdraw, Reopen,
// Release holds): each field read as the person typed it, the use case checks everything.

interface CardCall {
  deps: Deps;
  base: { dispute: number; byEmail: string; version: number; once: string };
  v: SubmittedForm["values"];
  /** the Accord person (email) behind the Slack user picked in the form; null when Accord does not know them */
  to: string | null;
}

const RUN: Record<CardAction, (c: CardCall) => Promise<unknown>> = {
  comment: ({ deps, base, v }) => commentDispute(deps, { ...base, text: str(v.text) }),
  reassign: ({ deps, base, v, to }) => reassignDispute(deps, { ...base, toEmail: to ?? invalid("toEmail", "owner_unknown", {}), note: str(v.note) || undefined }),
  follow_up: ({ deps, base, v }) => setFollowUp(deps, { ...base, on: str(v.on), note: str(v.note) || undefined }),
  resolve: ({ deps, base, v }) =>
    resolveDispute(deps, {
      ...base,
      outcome: str(v.outcome) as Outcome,
      note: str(v.note),
      creditNoteRef: str(v.credit_note_ref) || null,
      concededAmount: str(v.conceded) || null,
      rootCause: str(v.root_cause) || null,
    }),
  withdraw: ({ deps, base, v }) => withdrawDispute(deps, { ...base, note: str(v.note) }),
  reopen: ({ deps, base, v }) => reopenDispute(deps, { ...base, note: str(v.note) }),
  release_holds: ({ deps, base, v }) => releaseHolds(deps, { ...base, note: str(v.note) }),
  edit: ({ deps, base, v }) =>
    editDispute(deps, { ...base, reasonCode: str(v.reason) || undefined, priority: (str(v.priority) || undefined) as Priority | undefined, statement: str(v.statement) || undefined, note: str(v.note) || undefined }),
};

export function registerCardForms(app: App, k: Kit): void {
  const { deps, gateway } = k;
  app.view(
    "form.card",
    k.onView(
      {
        expects: "card",
        where: "form.card",
        // the dispute changed meanwhile: the modal shows it as it is now
        refused: async (err, { meta, viewer }) => {
          if (err.code !== "stale_version" && err.code !== "illegal_transition") return null;
          const { card, people } = await cardFor(deps, await getDispute(deps, { dispute: meta.d }), viewer, viewer.locale);
          return { response_action: "update", view: formModal(staleForm(card, viewer.locale), { ...people.options, slackIdOf: people.slackIdOf }) };
        },
      },
      async ({ form, meta, viewer, once, userId }) => {
        const picked = str(form.values.to);
        const to = picked ? ((await gateway.personOf(picked))?.email ?? null) : null;
        await RUN[meta.a]({ deps, base: { dispute: meta.d, byEmail: viewer.email, version: meta.v, once }, v: form.values, to });
        if (meta.a !== "reassign" && !meta.ru) return;
        // Posted copies are refreshed by the delivery queue; an ephemeral one (`/dispute show`, a manager's
        // usual copy) is not posted: it is replaced through its response_url. A reassignment is confirmed.
        return {
          after: async () => {
            const x = await getDispute(deps, { dispute: meta.d });
            if (meta.ru) {
              const { card, people } = await cardFor(deps, x, viewer, viewer.locale);
              const msg = cardMessage(card, people.options);
              await fetch(meta.ru, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ replace_original: true, response_type: "ephemeral", text: msg.text, blocks: msg.blocks }) }).catch((err: unknown) => k.log.warn({ err }, "ephemeral card not replaced"));
            }
            if (meta.a === "reassign") {
              const owner = (await findPeople(deps, { emails: [x.dispute.ownerEmail] }))[0];
              await k.tell(meta.ch ? { channel: { id: meta.ch } } : {}, userId, textMessage(t(viewer.locale).reply.reassigned(x.dispute.number, owner?.name ?? x.dispute.ownerEmail)));
            }
          },
        };
      },
    ),
  );
}
