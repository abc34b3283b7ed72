// Words of the daily digest and of `/dispute digest` (issue 11), kept apart from i18n.ts. In French a follow-up is
// « suivi », its reminder « rappel »; « relance » is dunning only (the amount held from dunning is « suspendu des
// relances »). A no-break space comes before « : ; ! ? » and inside « ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";
const q = (s: string) => `«${NBSP}${s}${NBSP}»`;
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const pluralEn = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The full list the digest's rows point to when they do not all fit: the overdue list, privately, with its buttons. */
export const FULL_LIST_COMMAND = "/dispute list overdue all";
export const DIGEST_USAGE = "/dispute digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:@user]";

export interface ScheduleWords {
  time: string;
  cadence: "daily" | "weekly";
  always: boolean;
  reason: string | null;
  owner: string | null;
  timezone: string;
}

export const DIGEST_TEXT = {
  en: {
    // the digest
    title: (day: string) => `Dispute digest — ${day}`,
    allDisputes: "All open disputes",
    scopeReason: (r: string) => `Reason: ${r}`,
    scopeOwner: (o: string) => `Owner: ${o}`,
    headline: (count: number, amount: string, held: string | null) =>
      `${pluralEn(count, "open dispute", "open disputes")} · ${amount} disputed${held ? ` · ${held} held from dunning` : ""}`,
    heldOnly: (held: string) => `${held} held from dunning`,
    noneOpen: "No open dispute.",
    sinceLast: (when: string) => `Since the last digest (${when})`,
    sinceEver: "Since the start",
    sinceLine: (head: string, opened: number, resolved: number, median: string | null, withdrawn: number) =>
      `*${head}:* ${opened} opened · ${resolved} resolved${median ? ` (median ${median} to resolve)` : ""}${withdrawn ? ` · ${withdrawn} withdrawn` : ""}`,
    days: (d: string) => `${d} d`,
    lateTitle: (owners: number) => `Overdue or past SLA — ${pluralEn(owners, "owner", "owners")}`,
    lateNone: "No overdue follow-up, no SLA exceeded.",
    ownerLine: (count: number, overdue: number, sla: number, amounts: string, worst: string) =>
      `${pluralEn(count, "dispute", "disputes")}: ${overdue} overdue, ${sla} past SLA · ${amounts} · most overdue: ${worst}`,
    moreOwners: (n: number) => `… and ${pluralEn(n, "more owner", "more owners")}: \`${FULL_LIST_COMMAND}\` shows the full list`,
    reasonsTitle: "By reason",
    reasonLine: (label: string, count: number, amounts: string) => `${label}: ${count} · ${amounts}`,
    moreReasons: (n: number) => `… and ${pluralEn(n, "more reason", "more reasons")}`,
    oldestTitle: "Oldest open",
    chartAlt: (currency: string) => `Disputed amount by age and reason (${currency})`,
    fallback: (open: number, overdue: number, sla: number) => `Dispute digest: ${open} open, ${overdue} overdue, ${sla} past SLA`,
    // `/dispute digest`
    subscribed: (w: string) => `Done: this channel gets the dispute digest ${w}.`,
    updated: (w: string) => `Subscription changed: this channel gets the dispute digest ${w}.`,
    schedule: (s: ScheduleWords) =>
      [
        s.cadence === "daily" ? `every working day at ${s.time}` : `every week, on its first working day (Monday), at ${s.time}`,
        `(${s.timezone})`,
        ...(s.reason ? [`for reason ${s.reason}`] : []),
        ...(s.owner ? [`for ${s.owner}'s disputes`] : []),
        s.always ? "even when nothing is new" : "when there is something new or something to act on",
      ].join(" "),
    listTitle: "Digests of this channel:",
    listLine: (w: string, lang: string, by: string) => `• ${w}, in ${lang} (set by ${by})`,
    listEmpty: `No digest in this channel. To subscribe it: \`/dispute digest here 09:00\``,
    languages: { fr: "French", en: "English" } satisfies Record<Locale, string>,
    off: (n: number) => `Digest stopped for this channel (${pluralEn(n, "subscription", "subscriptions")} removed).`,
    offNone: "This channel has no digest.",
    notInChannel: "Accord is not in this channel, so it cannot post the digest here: add it with `/invite @Accord`, then type the command again.",
    notAChannel: "Subscribe a channel to the digest: type the command in that channel.",
    badTime: (v: string) => `"${v}" is not a time: give it as HH:MM, for instance \`/dispute digest here 08:30\`.`,
    badWord: (v: string) => `"${v}" is not understood. Usage: \`${DIGEST_USAGE}\``,
    unknownReason: (code: string, known: string) => `No dispute reason "${code}". Reasons: ${known}.`,
    unknownOwner: (who: string) => `${who} is not an Accord user: pick someone from the list after \`owner:@\`.`,
  },
  fr: {
    title: (day: string) => `Synthèse des litiges — ${day}`,
    allDisputes: "Tous les litiges ouverts",
    scopeReason: (r: string) => `Motif${NBSP}: ${r}`,
    scopeOwner: (o: string) => `Chargé de résolution${NBSP}: ${o}`,
    headline: (count: number, amount: string, held: string | null) =>
      `${plural(count, "litige ouvert", "litiges ouverts")} · ${amount} en litige${held ? ` · ${held} suspendus des relances` : ""}`,
    heldOnly: (held: string) => `${held} suspendus des relances`,
    noneOpen: "Aucun litige ouvert.",
    sinceLast: (when: string) => `Depuis la dernière synthèse (${when})`,
    sinceEver: "Depuis le début",
    sinceLine: (head: string, opened: number, resolved: number, median: string | null, withdrawn: number) =>
      `*${head}${NBSP}:* ${plural(opened, "ouvert", "ouverts")} · ${plural(resolved, "résolu", "résolus")}${median ? ` (en ${median}, médiane)` : ""}${withdrawn ? ` · ${plural(withdrawn, "retiré", "retirés")}` : ""}`,
    days: (d: string) => `${d}${NBSP}j`,
    lateTitle: (owners: number) => `En retard ou SLA dépassé — ${plural(owners, "chargé de résolution", "chargés de résolution")}`,
    lateNone: "Aucun suivi en retard, aucun SLA dépassé.",
    ownerLine: (count: number, overdue: number, sla: number, amounts: string, worst: string) =>
      `${plural(count, "litige", "litiges")}${NBSP}: ${overdue} en retard, ${sla} SLA dépassé${sla > 1 ? "s" : ""} · ${amounts} · le plus en retard${NBSP}: ${worst}`,
    moreOwners: (n: number) =>
      `… et ${n} autre${n > 1 ? "s" : ""} chargé${n > 1 ? "s" : ""} de résolution${NBSP}: \`${FULL_LIST_COMMAND}\` affiche la liste complète`,
    reasonsTitle: "Par motif",
    reasonLine: (label: string, count: number, amounts: string) => `${label}${NBSP}: ${count} · ${amounts}`,
    moreReasons: (n: number) => `… et ${n} autre${n > 1 ? "s" : ""} motif${n > 1 ? "s" : ""}`,
    oldestTitle: "Les plus anciens",
    chartAlt: (currency: string) => `Montant en litige par ancienneté et motif (${currency})`,
    fallback: (open: number, overdue: number, sla: number) => `Synthèse des litiges${NBSP}: ${open} ouverts, ${overdue} en retard, ${sla} SLA dépassé${sla > 1 ? "s" : ""}`,
    subscribed: (w: string) => `C’est noté${NBSP}: ce canal recevra la synthèse des litiges ${w}.`,
    updated: (w: string) => `Abonnement modifié${NBSP}: ce canal recevra la synthèse des litiges ${w}.`,
    schedule: (s: ScheduleWords) =>
      [
        s.cadence === "daily" ? `chaque jour ouvré à ${s.time}` : `chaque semaine, le premier jour ouvré (le lundi), à ${s.time}`,
        `(${s.timezone})`,
        ...(s.reason ? [`pour le motif ${q(s.reason)}`] : []),
        ...(s.owner ? [`pour les litiges de ${s.owner}`] : []),
        s.always ? "même sans nouveauté" : "quand il y a du nouveau ou quelque chose à traiter",
      ].join(" "),
    listTitle: `Synthèses de ce canal${NBSP}:`,
    listLine: (w: string, lang: string, by: string) => `• ${w}, en ${lang} (par ${by})`,
    listEmpty: `Aucune synthèse dans ce canal. Pour l’abonner${NBSP}: \`/dispute digest here 09:00\``,
    languages: { fr: "français", en: "anglais" } satisfies Record<Locale, string>,
    off: (n: number) => `Synthèse arrêtée pour ce canal (${plural(n, "abonnement supprimé", "abonnements supprimés")}).`,
    offNone: "Ce canal n’est abonné à aucune synthèse.",
    notInChannel: `Accord n’est pas dans ce canal et ne peut donc pas y publier la synthèse${NBSP}: ajoutez-le avec \`/invite @Accord\`, puis tapez de nouveau la commande.`,
    notAChannel: `Abonnez un canal à la synthèse${NBSP}: tapez la commande dans ce canal.`,
    badTime: (v: string) => `${q(v)} n’est pas une heure${NBSP}: indiquez-la sous la forme 08h30, par exemple \`/dispute digest here 08:30\`.`,
    badWord: (v: string) => `${q(v)} n’est pas compris. Usage${NBSP}: \`${DIGEST_USAGE}\``,
    unknownReason: (code: string, known: string) => `Aucun motif de litige ${q(code)}. Motifs${NBSP}: ${known}.`,
    unknownOwner: (who: string) => `${who} n’est pas un utilisateur d’Accord${NBSP}: choisissez quelqu’un dans la liste après \`owner:@\`.`,
  },
} as const satisfies Record<Locale, unknown>;
