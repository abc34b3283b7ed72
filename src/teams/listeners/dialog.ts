import crypto from "node:crypto";
import type { Deps } from "../../app/context.ts";
import { missingFields, openDispute, type OpenDisputeInput } from "../../app/openDispute.ts";
import { previewNotice } from "../../app/previewNotice.ts";
import { proposeDisputeDefaults } from "../../app/proposeDisputeDefaults.ts";
import { listReasons } from "../../app/reasons.ts";
import { searchItems, type ItemChoice } from "../../app/searchItems.ts";
import { AccordError } from "../../domain/errors.ts";
import { toWellFormed } from "../../domain/text.ts";
import type { Customer, Locale, Person, Priority } from "../../domain/types.ts";
import { itemOption, newDisputeForm, type Field } from "../../views/forms.ts";
import { t } from "../../views/i18n.ts";
import { teamsActionText } from "../../views/teamsActionText.ts";
import { TEAMS_DATASETS } from "../cards/actions.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import { identifyViewer, localeOf, unexpected, words, sdkHandlerContext, type TeamsHandlerContext, type TeamsInvoke } from "./invoke.ts";
import { itemsDataset } from "./search.ts";
import type { App } from "@microsoft/teams.apps";
import type { TeamsKit } from "../mount.ts";

// The new-dispute dialog (task module) of Teams: `task/fetch` with data `{ accord: "new" }` (the `new`
// command's button, an Action.Submit of type task/fetch: Action.Execute cannot open a dialog) answers with the
// form as an Adaptive Card; `task/submit` opens the dispute through openDispute, or answers with the form again
// holding what was typed and each field's error in the person's language. The fields are Slack's modal's
// (src/views/forms.ts newDisputeForm), rendered for Teams: customers, the customer's invoices and people by
// dynamic type-ahead (Data.Query, src/teams/listeners/search.ts), the invoices depending on the chosen customer
// (associatedInputs), or in two steps ("Show invoices" lists the chosen customer's invoices). The card of the
// new dispute is posted by the Teams deliverer from the delivery-queue row openDispute wrote.

/** The data of the dialog's buttons (and of the `new` command's task/fetch). */
export const DIALOG_KEY = "accord";
export const NEW_DISPUTE = "new";
type Step = "submit" | "items" | "preview";

export type TaskResponse =
  | { task: { type: "continue"; value: { title: string; width: "medium" | "large"; height: "large"; card: { contentType: "application/vnd.adaptive.card" | "application/vnd.microsoft.card.adaptive"; content: AdaptiveJson } } } }
  | { task: { type: "message"; value: string } };

const message = (value: string): TaskResponse => ({ task: { type: "message", value } });

/** The data key of the follow-up date the dialog proposed (the reason's default when it was shown). */
const PROPOSED_FOLLOW_UP = "proposedFollowUp";

/** The invoices offered as static choices once the customer is known (more: by type-ahead). */
const STATIC_ITEMS = 100;

/** The dialog's inputs (ids), as the Slack modal's fields. */
const INPUTS = ["customer", "scope", "items", "partials", "reason", "priority", "statement", "owner", "follow_up", "notify"] as const;
type Values = Partial<Record<(typeof INPUTS)[number], string>>;

interface DialogState {
  viewer: Person;
  scope: "items" | "customer";
  customer: Customer | null;
  values: Values;
  /** errors keyed by input id; "" for those of no field */
  errors: Record<string, string>;
  /** the dialog's own key: a double submission opens one dispute */
  key: string;
  preview?: string | undefined;
}

const str = (v: unknown): string => (typeof v === "string" ? toWellFormed(v.trim()) : typeof v === "number" ? String(v) : "");

function dataOf(activity: TeamsInvoke): Record<string, unknown> | null {
  const v = activity.value as { data?: unknown } | undefined;
  const d = v?.data;
  return d && typeof d === "object" && !Array.isArray(d) ? (d as Record<string, unknown>) : null;
}

function valuesOf(data: Record<string, unknown>): Values {
  const out: Values = {};
  for (const id of INPUTS) {
    const v = data[id];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[id] = String(v);
  }
  return out;
}

const textBlock = (text: string, extra: AdaptiveJson = {}): AdaptiveJson => ({ type: "TextBlock", text, wrap: true, ...extra });
const errorBlock = (text: string): AdaptiveJson => textBlock(text, { color: "Attention", size: "Small", spacing: "None" });

/** The dialog as an Adaptive Card, from the platform-neutral form (the Slack modal's fields). */
async function renderDialog(deps: Deps, s: DialogState): Promise<TaskResponse> {
  const locale = s.viewer.locale;
  const m = t(locale);
  const w = teamsActionText(locale);
  const reasonCode = str(s.values.reason) || undefined;
  const defaults = await proposeDisputeDefaults(deps, { viewerEmail: s.viewer.email, customerRef: s.customer?.ref, reasonCode });
  const reasons = await listReasons(deps, { activeOnly: true });
  const form = newDisputeForm({ scope: s.scope, customer: s.customer, selected: [], reasons, defaults, statement: s.values.statement }, locale);
  const offered: ItemChoice[] = s.customer && s.scope === "items" ? await searchItems(deps, { customerRef: s.customer.ref, q: "", viewerEmail: s.viewer.email, limit: STATIC_ITEMS }) : [];
  const v = s.values;
  const body: AdaptiveJson[] = [textBlock(form.title, { size: "Large", weight: "Bolder" })];
  if (s.errors[""]) body.push({ type: "Container", style: "attention", items: [textBlock(s.errors[""], { color: "Attention", weight: "Bolder" })] });
  else if (Object.keys(s.errors).length) body.push({ type: "Container", style: "attention", items: [textBlock(w.fixFields, { color: "Attention", weight: "Bolder" })] });
  if (s.preview) body.push({ type: "Container", style: "emphasis", items: [textBlock(w.previewOf, { weight: "Bolder" }), textBlock(s.preview)] });
  const push = (el: AdaptiveJson, hint?: string) => {
    body.push(el);
    if (hint) body.push(textBlock(hint, { isSubtle: true, size: "Small", spacing: "None" }));
    const id = el.id as string | undefined;
    if (id && s.errors[id]) body.push(errorBlock(s.errors[id]));
  };
  for (const f of form.fields) {
    const field = f as Field;
    switch (field.kind) {
      case "search":
        if (field.id === "customer") {
          const value = str(v.customer) || s.customer?.ref || "";
          push({
            type: "Input.ChoiceSet",
            id: "customer",
            label: field.label,
            style: "filtered",
            placeholder: w.customerSearch,
            choices: s.customer ? [{ title: `${s.customer.name} (${s.customer.ref})`, value: s.customer.ref }] : [],
            "choices.data": { type: "Data.Query", dataset: TEAMS_DATASETS.customers },
            ...(value ? { value } : {}),
            // another customer: the invoices picked are no longer theirs
            valueChangedAction: { type: "Action.ResetInputs", targetInputIds: ["items"] },
          });
          push({ type: "Input.Toggle", id: "scope", title: w.wholeCustomerHint, label: w.wholeCustomer, valueOn: "customer", valueOff: "items", value: s.scope });
        } else if (field.id === "items") {
          const picked = str(v.items);
          const pickedIds = new Set(picked.split(",").map((x) => x.trim()).filter(Boolean));
          const choices = offered.map((c) => itemOption(c, locale)).map((o) => ({ title: o.label, value: o.value }));
          push(
            {
              type: "Input.ChoiceSet",
              id: "items",
              label: s.customer ? `${field.label} · ${w.itemsOf(s.customer.name)}` : field.label,
              isMultiSelect: true,
              style: "filtered",
              placeholder: w.itemsSearch,
              choices,
              // typing searches the invoices of the customer chosen above (dependent inputs), or of the one shown
              "choices.data": { type: "Data.Query", dataset: itemsDataset(s.customer?.ref), associatedInputs: "auto" },
              ...(pickedIds.size ? { value: [...pickedIds].join(",") } : {}),
            },
            s.customer ? (offered.length ? field.hint : w.noItems(s.customer.name)) : w.itemsAfterCustomer,
          );
          push({ type: "Input.Text", id: "partials", label: m.form.partialList, isMultiline: true, maxLength: 3000, ...(v.partials ? { value: v.partials } : {}) }, m.form.partialListHint);
        }
        break;
      case "info":
        body.push(textBlock(field.text, { isSubtle: true }));
        break;
      case "select": {
        const priority = field.id === "priority";
        const value = priority ? str(v.priority) : str(v.reason) || field.initial || "";
        push({
          type: "Input.ChoiceSet",
          id: field.id,
          label: field.label,
          style: priority ? "compact" : "filtered",
          ...(priority ? { placeholder: w.priorityDefault } : {}),
          choices: field.options.slice(0, 100).map((o) => ({ title: o.label, value: o.value })),
          ...(value ? { value } : {}),
        });
        break;
      }
      case "text":
        push({ type: "Input.Text", id: field.id, label: field.label, ...(field.multiline ? { isMultiline: true } : {}), ...(field.maxLength ? { maxLength: field.maxLength } : {}), ...(str(v[field.id as keyof Values]) ? { value: v[field.id as keyof Values] } : {}) }, field.hint);
        break;
      case "person": {
        const value = str(v.owner) || field.initialEmail || "";
        const who = value ? await deps.store.people.byEmail(value.toLowerCase()) : null;
        push(
          {
            type: "Input.ChoiceSet",
            id: "owner",
            label: field.label,
            style: "filtered",
            placeholder: w.ownerSearch,
            choices: value ? [{ title: who ? `${who.name} (${who.email})` : value, value }] : [],
            "choices.data": { type: "Data.Query", dataset: TEAMS_DATASETS.people },
            ...(value ? { value } : {}),
          },
          field.hint,
        );
        break;
      }
      case "date": {
        const value = str(v.follow_up) || field.initial || "";
        push({ type: "Input.Date", id: "follow_up", label: field.label, ...(value ? { value } : {}) }, w.followUpDefault);
        break;
      }
      case "checkbox":
        push({ type: "Input.Toggle", id: "notify", label: field.label, title: field.option, valueOn: "true", valueOff: "false", value: v.notify === "false" ? "false" : "true" });
        break;
      case "button":
      case "card":
        break;
    }
  }
  // the follow-up date the form proposes (the reason's days): submitted unchanged, it is the reason's default, so
  // that another reason chosen afterwards brings its own (as Slack's form refreshes on the reason)
  const proposed = defaults.followUpOn ?? null;
  const submit = (title: string, step: Step, style?: "positive"): AdaptiveJson => ({
    type: "Action.Submit",
    title,
    data: { [DIALOG_KEY]: NEW_DISPUTE, step, key: s.key, ...(proposed ? { [PROPOSED_FOLLOW_UP]: proposed } : {}) },
    ...(style ? { style } : {}),
  });
  const actions = [submit(form.submit ?? m.form.create, "submit", "positive"), ...(s.scope === "items" ? [submit(w.showItems, "items")] : []), submit(m.form.preview, "preview")];
  const content: AdaptiveJson = { type: "AdaptiveCard", $schema: "http://adaptivecards.io/schemas/adaptive-card.json", version: "1.5", lang: locale, body, actions };
  return { task: { type: "continue", value: { title: form.title, width: "medium", height: "large", card: { contentType: "application/vnd.microsoft.card.adaptive", content } } } };
}

/** `task/fetch`: the dialog, for those who may open disputes. Null: not Accord's dialog. */
export async function handleDialogFetch(h: TeamsHandlerContext, activity: TeamsInvoke): Promise<TaskResponse | null> {
  const data = dataOf(activity);
  if (!data || data[DIALOG_KEY] !== NEW_DISPUTE) return null;
  let locale = localeOf(activity.locale);
  try {
    const viewer = await identifyViewer(h, activity);
    if (!viewer) return message(teamsActionText(locale).notKnown);
    locale = viewer.locale;
    const ref = str(data.customer);
    const customer = ref ? await h.deps.store.customers.byRef(ref) : null;
    return await renderDialog(h.deps, { viewer, scope: data.scope === "customer" ? "customer" : "items", customer, values: {}, errors: {}, key: crypto.randomUUID() });
  } catch (err) {
    return message(words(h, err, locale, "dialog.open"));
  }
}

/** A line of the partial amounts that names no selected item. */
class PartialLine extends Error {
  constructor(readonly line: string) {
    super(`not an item of the selection: ${line}`);
  }
}

/** Use-case fields -> the dialog's inputs. */
const FIELD_OF: Record<string, (typeof INPUTS)[number]> = {
  customerRef: "customer",
  items: "items",
  reasonCode: "reason",
  statement: "statement",
  ownerEmail: "owner",
  followUpOn: "follow_up",
  priority: "priority",
};

/** `task/submit`: open the dispute, or the dialog again with the field errors (or the invoices, or the notice preview). */
export async function handleDialogSubmit(h: TeamsHandlerContext, activity: TeamsInvoke): Promise<TaskResponse | null> {
  const data = dataOf(activity);
  if (!data || data[DIALOG_KEY] !== NEW_DISPUTE) return null;
  let locale = localeOf(activity.locale);
  const deps = h.deps;
  try {
    const viewer = await identifyViewer(h, activity);
    if (!viewer) return message(teamsActionText(locale).notKnown);
    locale = viewer.locale;
    const m = t(locale);
    const w = teamsActionText(locale);
    const values = valuesOf(data);
    // the proposed follow-up left as it was is no choice: the reason's default applies (the reason may have changed)
    if (values.follow_up && str(values.follow_up) === str(data[PROPOSED_FOLLOW_UP])) delete values.follow_up;
    const step: Step = data.step === "items" || data.step === "preview" ? data.step : "submit";
    const key = /^[\w-]{8,64}$/.test(str(data.key)) ? str(data.key) : crypto.randomUUID();
    const scope = values.scope === "customer" ? "customer" : "items";
    const customerRef = str(values.customer);
    const customer = customerRef ? await deps.store.customers.byRef(customerRef) : null;
    const state: DialogState = { viewer, scope, customer, values, errors: {}, key };
    const again = (errors: Record<string, string>, preview?: string) => renderDialog(deps, { ...state, errors, preview });
    if (customerRef && !customer) return await again({ customer: words(h, new AccordError("validation", { key: "customer_not_found", params: { ref: customerRef } }, { field: "customerRef" }), locale, "dialog.submit") });

    // the selected invoices (ids) of the chosen customer, with the amounts typed for some of them
    const ids = str(values.items).split(",").map((x) => x.trim()).filter(Boolean);
    const choices = customer && ids.length ? await searchItems(deps, { customerRef: customer.ref, q: "", viewerEmail: viewer.email, limit: 500 }) : [];
    const byId = new Map(choices.map((c) => [String(c.item.id), c]));
    if (customer && ids.some((id) => !byId.has(id))) return await again({ items: w.itemsOfAnotherCustomer });
    const picked = ids.map((id) => ({ ref: byId.get(id)!.item.ref, field: "items" as "items" | "partials", amount: undefined as string | undefined }));
    try {
      const byRef = new Map(picked.map((p) => [p.ref.toLowerCase(), p]));
      for (const line of str(values.partials).split("\n").map((l) => l.trim()).filter(Boolean)) {
        const mm = /^(\S+)\s+(.+)$/.exec(line);
        const p = mm ? byRef.get(mm[1]!.toLowerCase()) : undefined;
        if (!p) throw new PartialLine(line);
        Object.assign(p, { amount: mm![2]!, field: "partials" });
      }
    } catch (err) {
      if (err instanceof PartialLine) return await again({ partials: m.reply.partialLine(err.line) });
      throw err;
    }
    const items = picked.map((p) => ({ ref: p.ref, ...(p.amount !== undefined ? { amount: p.amount } : {}) }));

    if (step === "items") return await again({});
    const ownerPicked = str(values.owner);
    const owner = ownerPicked ? await deps.store.people.byEmail(ownerPicked.toLowerCase()) : null;
    if (step === "preview") {
      let text: string;
      try {
        text = (await previewNotice(deps, { locale: owner?.locale ?? locale, draft: { customerRef, items, reasonCode: str(values.reason), statement: str(values.statement) || "…", followUpOn: str(values.follow_up) || undefined } })).text;
      } catch (err) {
        text = words(h, err, locale, "dialog.preview");
      }
      return await again({}, text);
    }
    if (ownerPicked && !owner) return await again({ owner: m.reply.unknownOwner });

    const input = {
      customerRef,
      // scope "customer" with invoices picked: the use case says they do not go together
      ...(scope === "items" ? { items } : { scope: "customer" as const, ...(items.length ? { items } : {}) }),
      reasonCode: str(values.reason),
      statement: str(values.statement),
      openedByEmail: viewer.email,
      ...(owner ? { ownerEmail: owner.email } : {}),
      ...(str(values.follow_up) ? { followUpOn: str(values.follow_up) } : {}),
      ...(str(values.priority) ? { priority: str(values.priority) as Priority } : {}),
    } satisfies OpenDisputeInput;
    // every missing field at once (the use case would refuse only the first)
    const missing = missingFields(input);
    if (missing.length) return await again(Object.fromEntries(missing.map((err) => [FIELD_OF[err.field ?? ""] ?? "", words(h, err, locale, "dialog.submit")])));
    const hash = crypto.createHash("sha256").update(JSON.stringify(input)).digest("hex");
    try {
      const r = await openDispute(deps, { ...input, origin: { notifyOwner: values.notify !== "false" }, idempotency: { key: `teams-dialog:${key}`, hash } });
      const ownerOf = r.dispute.ownerEmail === owner?.email ? owner : await deps.store.people.byEmail(r.dispute.ownerEmail);
      return message(m.reply.opened(r.dispute.number, ownerOf?.name ?? r.dispute.ownerEmail));
    } catch (err) {
      if (!(err instanceof AccordError) || err.code === "forbidden") throw err;
      const item = /^items\[(\d+)\]/.exec(err.field ?? "");
      const target = item ? (picked[Number(item[1])]?.field ?? "items") : (FIELD_OF[err.field ?? ""] ?? "");
      return await again({ [target]: words(h, err, locale, "dialog.submit") });
    }
  } catch (err) {
    return message(err instanceof AccordError ? words(h, err, locale, "dialog.submit") : unexpected(h, err, locale, "dialog.submit"));
  }
}

/** The SDK's routes of `task/fetch` and `task/submit`: Accord's dialog, else the next route. */
export function registerDialog(sdk: App, kit: TeamsKit): void {
  sdk.on("dialog.open", async (ctx) => ((await handleDialogFetch(sdkHandlerContext(kit, ctx), ctx.activity as unknown as TeamsInvoke)) ?? (await ctx.next())) as never);
  sdk.on("dialog.submit", async (ctx) => ((await handleDialogSubmit(sdkHandlerContext(kit, ctx), ctx.activity as unknown as TeamsInvoke)) ?? (await ctx.next())) as never);
}
