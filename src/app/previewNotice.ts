import { displayDate } from "../domain/dates.ts";
import { fail } from "../domain/errors.ts";
import { displayAmount } from "../domain/money.ts";
import { renderTemplate } from "../domain/template.ts";
import type { Locale } from "../domain/types.ts";
import { findDispute } from "./actors.ts";
import type { Deps } from "./context.ts";
import { selectItems, type Selection } from "./selectItems.ts";

export interface NoticeDraft {
  customerRef: string;
  /** as openDispute takes them: amounts as typed, in the item's currency; none: the whole customer */
  items?: Selection | undefined;
  reasonCode: string;
  statement: string;
  followUpOn?: string | undefined;
}

export type PreviewNoticeInput = {
  locale: Locale;
  /** what #dispute_link becomes; default: the dispute's address in Accord */
  link?: string | undefined;
  /** an optional template to try instead of the saved one (admins editing it) */
  template?: string | undefined;
} & ({ dispute: string | number } | { draft: NoticeDraft });

const MAX_LISTED = 20;

/** The owner notice rendered from the company template, for a dispute or for a draft before it is opened. */
export async function previewNotice(deps: Deps, input: PreviewNoticeInput): Promise<{ text: string }> {
  const tx = deps.store;
  const settings = await tx.settings.get();
  const loc = input.locale;
  let customerRef: string;
  let reasonCode: string;
  let statement: string;
  let followUpOn: string | null;
  let number: string | null = null;
  let lines: { ref: string; amount: number }[];
  let currency: string;
  if ("dispute" in input) {
    const d = await findDispute(tx, input.dispute);
    const [customer, reason, items] = await Promise.all([tx.customers.byId(d.customerId), tx.reasons.byId(d.reasonId), tx.items.byIds(d.items.map((i) => i.itemId))]);
    const refs = new Map(items.map((i) => [i.id, i.ref]));
    customerRef = customer?.ref ?? "";
    reasonCode = reason?.code ?? "";
    statement = d.statement;
    followUpOn = d.followUpOn;
    number = d.number;
    currency = d.currency;
    lines = d.items.map((i) => ({ ref: refs.get(i.itemId) ?? String(i.itemId), amount: i.amount }));
  } else {
    const dr = input.draft;
    customerRef = dr.customerRef;
    reasonCode = dr.reasonCode;
    statement = dr.statement;
    followUpOn = dr.followUpOn ?? null;
    const customer = await tx.customers.byRef(dr.customerRef);
    if (!customer) return fail("not_found", "customer_not_found", { ref: dr.customerRef });
    currency = customer.currency;
    // the items and amounts exactly as openDispute will read them (the same selectItems): the preview shows
    // the disputed total the sent notice will show, partial amounts included
    const selected = dr.items?.length ? await selectItems(tx, customer, dr.items) : [];
    const refs = new Map((await tx.items.byIds(selected.map((i) => i.itemId))).map((i) => [i.id, i.ref]));
    lines = selected.map((i) => ({ ref: refs.get(i.itemId) ?? String(i.itemId), amount: i.amount }));
  }
  const customer = await tx.customers.byRef(customerRef);
  const reason = await tx.reasons.byCode(reasonCode);
  const money = (v: number) => displayAmount(v, currency, loc);
  const shown = lines.slice(0, MAX_LISTED).map((l) => `${l.ref} (${money(l.amount)})`);
  if (lines.length > MAX_LISTED) shown.push(loc === "fr" ? `et ${lines.length - MAX_LISTED} autres` : `and ${lines.length - MAX_LISTED} more`);
  const whole = loc === "fr" ? "tout le compte client" : "the whole customer account";
  const text = renderTemplate(input.template ?? settings.noticeTemplate[loc], {
    "#customer_name": customer?.name ?? customerRef,
    "#items_list_selected": lines.length ? shown.join(", ") : whole,
    "#reason": reason ? (loc === "fr" ? reason.labelFr : reason.labelEn) : reasonCode,
    "#comment": statement.trim(),
    "#follow_up_date": followUpOn ? displayDate(followUpOn, loc) : "—",
    "#total_disputed": lines.length ? money(lines.reduce((s, l) => s + l.amount, 0)) : "—",
    "#dispute_link": input.link ?? (number ? `${deps.publicUrl}/api/v1/disputes/${number}` : loc === "fr" ? "(lien à la création)" : "(link once created)"),
  });
  return { text };
}
