import crypto from "node:crypto";
import type { App } from "@slack/bolt";
import { missingFields, openDispute, type OpenDisputeInput } from "../../app/openDispute.ts";
import { previewNotice } from "../../app/previewNotice.ts";
import { searchCustomers } from "../../app/searchCustomers.ts";
import { searchItems, type ItemChoice } from "../../app/searchItems.ts";
import type { Person, Priority } from "../../domain/types.ts";
import { customerOption, itemOption, noticePreviewForm } from "../../views/forms.ts";
import { t } from "../../views/i18n.ts";
import { ACTION_IDS, formModal, textMessage } from "../blocks.ts";
import { errorsFor, list, readView, str, type SubmittedForm } from "../forms.ts";
import type { Kit, Submission } from "../listen.ts";

// The new-dispute modal: type-ahead (customers, their items), refresh on customer / items / reason, the
// notice preview, and the submission. Amounts go to the use case as typed ("200,00"): it reads them in the
// item's currency.

/** A selected item: its ref, its amount as typed, and where that amount was typed (for errors). */
interface Picked {
  id: number;
  ref: string;
  amount?: string;
  field: string;
}

/** Item options carry the item id: the refs of the selected ones, from the customer's items. */
async function selectedItems(k: Kit, customerRef: string, form: SubmittedForm, viewer: Person): Promise<ItemChoice[]> {
  const ids = list(form.values.items).map(Number);
  if (!customerRef || !ids.length) return [];
  const choices = await searchItems(k.deps, { customerRef, q: "", viewerEmail: viewer.email, limit: 500 });
  const byId = new Map(choices.map((c) => [c.item.id, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is ItemChoice => !!c);
}

/** The amount fields, then the "REF amount" lines of the partial-amounts box. */
function picked(form: SubmittedForm, items: ItemChoice[]): Picked[] {
  const out: Picked[] = items.map((c) => ({ id: c.item.id, ref: c.item.ref, field: `amount_${c.item.id}`, ...(str(form.values[`amount_${c.item.id}`]) ? { amount: str(form.values[`amount_${c.item.id}`]) } : {}) }));
  const byRef = new Map(out.map((p) => [p.ref.toLowerCase(), p]));
  for (const line of str(form.values.partials).split("\n").map((l) => l.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const p = m ? byRef.get(m[1]!.toLowerCase()) : undefined;
    if (!p) throw new PartialLine(line);
    Object.assign(p, { amount: m![2]!, field: "partials" });
  }
  return out;
}

class PartialLine extends Error {
  constructor(readonly line: string) {
    super(`not an item of the selection: ${line}`);
  }
}

const customerRefOf = (form: SubmittedForm): string => str(form.values.customer) || (form.meta?.m === "new" ? (form.meta.c ?? "") : "");

/** The submitted new-dispute form as the use case's input (values as typed), or what Slack itself cannot read. */
async function readNewDispute(k: Kit, { form, meta, viewer }: Submission<"new">): Promise<{ errors: Record<string, string> } | { input: OpenDisputeInput; hash: string; items: Picked[]; owner: Person | null }> {
  const m = t(viewer.locale);
  let items: Picked[] = [];
  try {
    items = meta.scope === "items" ? picked(form, await selectedItems(k, customerRefOf(form), form, viewer)) : [];
  } catch (err) {
    if (err instanceof PartialLine) return { errors: { [form.blockOf("partials") ?? "partials"]: m.reply.partialLine(err.line) } };
    throw err;
  }
  const ownerSlack = str(form.values.owner);
  const owner = ownerSlack ? await k.gateway.personOf(ownerSlack) : null;
  if (ownerSlack && !owner) return { errors: { [form.blockOf("owner") ?? "owner"]: m.reply.unknownOwner } };
  const input = {
    customerRef: customerRefOf(form),
    ...(meta.scope === "items" ? { items: items.map((i) => ({ ref: i.ref, ...(i.amount !== undefined ? { amount: i.amount } : {}) })) } : { scope: "customer" as const }),
    reasonCode: str(form.values.reason),
    statement: str(form.values.statement),
    openedByEmail: viewer.email,
    ...(owner ? { ownerEmail: owner.email } : {}),
    ...(str(form.values.follow_up) ? { followUpOn: str(form.values.follow_up) } : {}),
    ...(str(form.values.priority) ? { priority: str(form.values.priority) as Priority } : {}),
  };
  // every missing field gets its own message, all at once (the use case would refuse only the first)
  const missing = missingFields(input);
  if (missing.length) return { errors: Object.assign({}, ...missing.map((err) => errorsFor(err, form, viewer.locale))) as Record<string, string> };
  const hash = crypto.createHash("sha256").update(JSON.stringify(input)).digest("hex");
  return { input: { ...input, origin: { notifyOwner: list(form.values.notify).includes("yes") } }, hash, items, owner };
}

export function registerNewDispute(app: App, k: Kit): void {
  const { deps, gateway } = k;

  app.view(
    "form.new",
    k.onView({ expects: "new", where: "form.new" }, async (s) => {
      const m = t(s.viewer.locale);
      const read = await readNewDispute(k, s);
      if ("errors" in read) return { response: { response_action: "errors", errors: read.errors } };
      s.itemFieldOf = (i) => read.items[i]?.field ?? null;
      const r = await openDispute(deps, { ...read.input, idempotency: { key: `slack-view:${String(s.body.view.id)}`, hash: read.hash } });
      if (r.replayed) return;
      const text = m.reply.opened(r.dispute.number, read.owner?.name ?? r.dispute.ownerEmail);
      return { after: () => k.tell(s.meta.ch ? { channel: { id: s.meta.ch } } : {}, s.userId, textMessage(text)) };
    }),
  );

  // refresh the form when the customer, the items or the reason change
  const refresh = k.inModal(async ({ body, viewer, form }) => {
    const meta = form.meta;
    if (!meta || meta.m !== "new") return;
    const ref = customerRefOf(form);
    const customer = ref ? ((await searchCustomers(deps, { q: ref, viewerEmail: viewer.email, limit: 1 }))[0] ?? null) : null;
    const selected = customer && customer.ref === meta.c && meta.scope === "items" ? await selectedItems(k, customer.ref, form, viewer) : [];
    // a priority or follow-up date the person chose stays; the untouched ones follow the (new) reason
    const priority = str(form.values.priority);
    const followUp = str(form.values.follow_up);
    const chosen = {
      priority: priority && (meta.t?.includes("priority") || priority !== meta.p) ? (priority as Priority) : undefined,
      followUpOn: followUp && (meta.t?.includes("follow_up") || followUp !== meta.f) ? followUp : undefined,
    };
    const { form: next, slackIds } = await k.newForm({ customer, scope: meta.scope, channel: meta.ch, reasonCode: str(form.values.reason) || undefined, selected, chosen }, viewer);
    await k.updateModal(body.view, next, slackIds);
  });
  for (const id of ["customer", "items", "reason"]) app.action(id, refresh);

  app.action(
    ACTION_IDS.formButton("preview"),
    k.inModal(async ({ body, viewer, form }) => {
      let text: string;
      try {
        // the items and amounts as the submission reads them (picked): the notice sent shows the same total
        const items = picked(form, await selectedItems(k, customerRefOf(form), form, viewer));
        const owner = str(form.values.owner) ? await gateway.personOf(str(form.values.owner)) : null;
        const draft = { customerRef: customerRefOf(form), items: items.map((i) => ({ ref: i.ref, ...(i.amount !== undefined ? { amount: i.amount } : {}) })), reasonCode: str(form.values.reason), statement: str(form.values.statement) || "…", followUpOn: str(form.values.follow_up) || undefined };
        text = (await previewNotice(deps, { locale: owner?.locale ?? viewer.locale, draft })).text;
      } catch (err) {
        text = k.words(err, viewer.locale, "preview");
      }
      await gateway.call("views.push", { trigger_id: body.trigger_id, view: formModal(noticePreviewForm(text, viewer.locale)) }).catch((err: unknown) => k.log.warn({ err }, "preview could not be shown"));
    }),
  );

  // type-ahead: customers, then the chosen customer's open invoices
  app.options({ action_id: "customer" }, k.onOptions(async ({ viewer, q }) => (await searchCustomers(deps, { q, viewerEmail: viewer.email, limit: 100 })).map(customerOption)));
  app.options(
    { action_id: "items" },
    k.onOptions(async ({ body, viewer, q }) => {
      const ref = body.view ? customerRefOf(readView(body.view)) : "";
      return ref ? (await searchItems(deps, { customerRef: ref, q, viewerEmail: viewer.email, limit: 100 })).map((c) => itemOption(c, viewer.locale)) : [];
    }),
  );
}
