import type { App } from "@slack/bolt";
import { findPeople } from "../../app/findPeople.ts";
import { getDispute } from "../../app/getDispute.ts";
import { runDisputeAction } from "../../app/runDisputeAction.ts";
import { t } from "../../views/i18n.ts";
import { staleForm } from "../../views/forms.ts";
import { cardMessage, formModal, textMessage } from "../blocks.ts";
import { str } from "../forms.ts";
import type { Kit } from "../listen.ts";
import { cardFor } from "../render.ts";

// The forms a card's buttons open (Add update, Reassign, Set follow-up, Resolve, Edit, Withdraw, Reopen,
// Release holds): each field read as the person typed it, the use case checks everything.

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
        await runDisputeAction(deps, meta.a, { base: { dispute: meta.d, byEmail: viewer.email, version: meta.v, once }, values: form.values, to });
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
