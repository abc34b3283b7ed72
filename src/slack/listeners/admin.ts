import type { App } from "@slack/bolt";
import { createReason, searchReasons, updateReason } from "../../app/reasons.ts";
import { getAdminSettings, updateSettings } from "../../app/settings.ts";
import type { Priority } from "../../domain/types.ts";
import { pickReasonForm, reasonForm, reasonOptions, templateForm } from "../../views/forms.ts";
import { list, str, type FieldValue } from "../forms.ts";
import type { Kit } from "../listen.ts";

// The App Home admin section: reasons (add, pick one to edit, the form) and the owner-notice template.
// The use cases check who is an admin and every value.

/** A whole number as typed ("" = left out, anything else the use case judges: NaN is out of range). */
const int = (v: FieldValue | undefined): number | undefined => (str(v) === "" ? undefined : Number(str(v)));

export function registerAdmin(app: App, k: Kit): void {
  const { deps } = k;

  app.action(/^admin\./, k.onAction({ expects: "admin", where: "admin" }, async ({ body, userId, viewer, p }) => {
    const { reasons, settings } = await getAdminSettings(deps, { byEmail: viewer.email });
    const form = p.a === "add_reason" ? reasonForm(reasons, null, viewer.locale) : p.a === "edit_reason" ? pickReasonForm(reasons, viewer.locale) : templateForm(settings, viewer.locale);
    await k.openModal(body.trigger_id, form, body, userId, viewer.locale);
  }));

  // the reason picked in the "edit a reason" modal: its form replaces the picker
  app.action(
    "pick",
    k.inModal(async ({ body, viewer, form }) => {
      const { reasons } = await getAdminSettings(deps, { byEmail: viewer.email });
      const editing = reasons.find((r) => r.code === str(form.values.pick));
      if (editing) await k.updateModal(body.view, reasonForm(reasons, editing, viewer.locale));
    }),
  );

  // type-ahead of reasons: "reason" in the new-dispute form (active ones), "pick" in the admin picker (all)
  for (const id of ["reason", "pick"]) {
    app.options({ action_id: id }, k.onOptions(async ({ viewer, q }) => reasonOptions(await searchReasons(deps, { q, activeOnly: id === "reason", limit: 100 }), viewer.locale)));
  }

  app.view("form.reason", k.onView({ expects: "reason", where: "form.reason" }, async ({ form, meta, viewer }) => {
    const v = form.values;
    const data = {
      labelFr: str(v.label_fr),
      labelEn: str(v.label_en),
      active: list(v.active).includes("yes"),
      sortOrder: int(v.sort_order),
      followUpDays: int(v.follow_up_days),
      slaDays: int(v.sla_days),
      priority: (str(v.priority) || undefined) as Priority | undefined,
      holdsDunning: list(v.holds).includes("yes"),
    };
    if (meta.code) await updateReason(deps, { code: meta.code, byEmail: viewer.email, patch: data });
    else await createReason(deps, { code: str(v.code), byEmail: viewer.email, ...data });
    return { after: async () => void (viewer.slackUserId && k.cards.scheduleHome(viewer.slackUserId)) };
  }));

  app.view("form.template", k.onView({ expects: "template", where: "form.template" }, async ({ form, viewer }) => {
    await updateSettings(deps, { byEmail: viewer.email, patch: { noticeTemplate: { fr: str(form.values.fr), en: str(form.values.en) } } });
    return { after: async () => void (viewer.slackUserId && k.cards.scheduleHome(viewer.slackUserId)) };
  }));
}
