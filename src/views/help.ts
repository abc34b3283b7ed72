import { can, rolesAllowed, type Action } from "../domain/permissions.ts";
import type { Locale, Person } from "../domain/types.ts";
import { actionPhrase } from "./errors.ts";
import { t, type Messages } from "./i18n.ts";

// `/dispute help` and the refusals that have no dispute to speak of, from the permission table.

/** Which sub-commands need which permission; the others need none beyond being an Accord user. */
const NEEDS: Partial<Record<keyof Messages["reply"]["help"], Action>> = { new: "open", customer: "open", digest: "subscribe_digest" };
const ORDER = ["new", "list", "show", "customer", "export", "digest"] as const;

/** The help a person sees: only the commands they may use (everything for someone Accord does not know). */
export function helpText(viewer: Person | null, m: Messages): string {
  const lines = ORDER.filter((c) => !viewer || !NEEDS[c] || can(viewer, NEEDS[c]!)).map((c) => m.reply.help[c]);
  return [m.reply.help.title, ...lines, "", m.reply.help.filters].join("\n");
}

/** « Only credit controllers and admins may open disputes. » */
export function onlyRolesText(action: Action, locale: Locale): string {
  const m = t(locale);
  const roles = rolesAllowed(action).map((r) => m.roles[r]);
  const and = locale === "fr" ? " et " : " and ";
  const list = roles.length < 2 ? roles.join("") : `${roles.slice(0, -1).join(", ")}${and}${roles.at(-1)}`;
  return m.reply.onlyRoles(list, actionPhrase(action, locale));
}
