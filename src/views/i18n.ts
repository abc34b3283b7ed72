// Error messages are not here: src/views/errors.ts renders coded errors.
import type { Action } from "../domain/permissions.ts";
import type { DisputeStatus, Locale, Outcome, Priority } from "../domain/types.ts";

// The message catalogue, keyed by locale. The person's `locale` decides; unknown people get both.

export interface Messages {
  status: Record<DisputeStatus, string>;
  priority: Record<Priority, string>;
  outcome: Record<Outcome, string>;
  action: Record<Exclude<Action, "open" | "view" | "nudge" | "subscribe_digest" | "admin" | "run_dunning">, string>;
  field: {
    customer: string;
    reason: string;
    priority: string;
    disputed: string;
    status: string;
    owner: string;
    openedBy: string;
    followUp: string;
    sla: string;
    dunning: string;
    items: string;
    statement: string;
    scope: string;
  };
  card: {
    wholeCustomer: string;
    overdue: string;
    late: string;
    more: (n: number) => string;
    held: (held: string, disputed: string) => string;
    notHeld: string;
    released: string;
    creditPending: (amount: string) => string;
    litigationHeld: (amount: string) => string;
    flagged: string;
    resolution: (outcome: string, by: string, note: string) => string;
    allPaid: string;
    lastUpdate: (who: string, when: string, text: string) => string;
    itemLine: (ref: string, due: string, amount: string, held: string | null) => string;
    none: string;
  };
  timeline: {
    opened: (by: string) => string;
    edited: (by: string, what: string) => string;
    commented: (by: string, text: string) => string;
    reassigned: (by: string, from: string, to: string) => string;
    follow_up_set: (by: string, on: string) => string;
    resolved: (by: string, outcome: string) => string;
    withdrawn: (by: string) => string;
    reopened: (by: string) => string;
    holds_released: (by: string) => string;
    credit_note_received: (ref: string) => string;
    reminded: string;
    escalated: string;
    notified: string;
    note: (text: string) => string;
    system: string;
  };
  form: {
    newTitle: string;
    flagTitle: string;
    create: string;
    save: string;
    cancel: string;
    close: string;
    customer: string;
    customerHint: string;
    items: string;
    itemsHint: string;
    partial: (ref: string, max: string) => string;
    partialHint: string;
    partialList: string;
    partialListHint: string;
    reason: string;
    priority: string;
    statement: string;
    statementHint: string;
    owner: string;
    ownerHint: string;
    followUp: string;
    slaInfo: (date: string) => string;
    notify: string;
    notifyOption: string;
    preview: string;
    previewTitle: string;
    customerMode: (name: string) => string;
    itemOption: (ref: string, due: string, amount: string, level: string) => string;
    commentTitle: string;
    comment: string;
    reassignTitle: string;
    reassignTo: string;
    note: string;
    noteOptional: string;
    followUpTitle: string;
    followUpOn: string;
    resolveTitle: string;
    outcome: string;
    resolveNote: string;
    creditNoteRef: string;
    conceded: string;
    concededHint: (max: string) => string;
    rootCause: string;
    withdrawTitle: string;
    withdrawNote: string;
    reopenTitle: string;
    reopenNote: string;
    releaseTitle: string;
    editTitle: string;
    staleTitle: string;
    stale: string;
    reasonTitleNew: string;
    reasonTitleEdit: string;
    reasonPick: string;
    reasonCode: string;
    labelFr: string;
    labelEn: string;
    active: string;
    activeOption: string;
    sortOrder: string;
    followUpDays: string;
    slaDays: string;
    holdsDunning: string;
    holdsOption: string;
    templateTitle: string;
    templateFr: string;
    templateEn: string;
    placeholders: (list: string) => string;
  };
  list: {
    title: (n: number) => string;
    empty: string;
    open: string;
    more: (n: number) => string;
  };
  home: {
    title: string;
    summary: (count: number, overdue: number, disputed: string, held: string) => string;
    empty: string;
    more: (n: number) => string;
    newDispute: string;
    admin: string;
    reasons: string;
    reasonLine: (order: number, code: string, fr: string, en: string, followUp: number, sla: number, priority: string, holds: boolean, active: boolean) => string;
    addReason: string;
    editReason: string;
    template: string;
    editTemplate: string;
  };
  reply: {
    help: string;
    notKnown: string;
    forbidden: string;
    notFound: (what: string) => string;
    customerNotFound: (q: string) => string;
    whichCustomer: string;
    opened: (number: string, owner: string) => string;
    done: (number: string) => string;
    exportReady: (n: number) => string;
    exportEmpty: string;
    unknownAction: string;
    expired: string;
    error: (ref: string) => string;
    alreadyFlagged: (number: string) => string;
    commentAdded: (number: string) => string;
    unknownOwner: string;
    amountInvalid: (text: string) => string;
    dateInvalid: string;
    partialLine: (line: string) => string;
  };
  delivery: {
    /** to admins, when the Slack token works again after a pause */
    resumed: (reason: string, since: string, waiting: number) => string;
    /** on the card, for everyone but its owner: the owner's notice could not be delivered */
    undelivered: (owner: string, reason: string) => string;
  };
}

const en: Messages = {
  status: { open: "Open", resolved: "Resolved", withdrawn: "Withdrawn" },
  priority: { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" },
  outcome: {
    credit_note: "Credit note",
    invoice_corrected: "Invoice corrected",
    customer_paid: "Customer paid",
    rejected: "Rejected (customer owes)",
    written_off: "Written off",
    litigation: "Sent to litigation",
    other: "Other",
  },
  action: {
    edit: "Edit",
    comment: "Add update",
    follow_up: "Set follow-up",
    reassign: "Reassign",
    resolve: "Resolve",
    withdraw: "Withdraw",
    reopen: "Reopen",
    release_holds: "Release holds",
  },
  field: {
    customer: "Customer",
    reason: "Reason",
    priority: "Priority",
    disputed: "Disputed",
    status: "Status",
    owner: "Owner",
    openedBy: "Opened by",
    followUp: "Follow-up",
    sla: "SLA due",
    dunning: "Dunning",
    items: "Items",
    statement: "The customer says",
    scope: "Scope",
  },
  card: {
    wholeCustomer: "Whole customer account (customer-level dispute)",
    overdue: "overdue",
    late: "late",
    more: (n) => `and ${n} more`,
    held: (held, disputed) => `${held} held of ${disputed} disputed`,
    notHeld: "Not held (this reason does not stop dunning)",
    released: "Released: dunnable again",
    creditPending: (a) => `${a} held until the credit note is in the ledger`,
    litigationHeld: (a) => `${a} held (litigation) until released`,
    flagged: "Customer flagged (L)",
    resolution: (o, by, note) => `${o} — ${by}: ${note}`,
    allPaid: "Every disputed item has been paid meanwhile: resolve as “Customer paid”?",
    lastUpdate: (who, when, text) => `Last update — ${who}, ${when}: ${text}`,
    itemLine: (ref, due, amount, held) => `${ref} · due ${due} · ${amount}${held ? ` · held ${held}` : ""}`,
    none: "—",
  },
  timeline: {
    opened: (by) => `Opened by ${by}`,
    edited: (by, what) => `${by} edited ${what}`,
    commented: (by, text) => `${by}: ${text}`,
    reassigned: (by, from, to) => `${by} reassigned from ${from} to ${to}`,
    follow_up_set: (by, on) => `${by} set the follow-up to ${on}`,
    resolved: (by, o) => `${by} resolved it: ${o}`,
    withdrawn: (by) => `${by} withdrew it`,
    reopened: (by) => `${by} reopened it`,
    holds_released: (by) => `${by} released the holds`,
    credit_note_received: (ref) => `Credit note ${ref} received: the conceded amount is released`,
    reminded: "Reminder sent to the owner",
    escalated: "Escalated",
    notified: "Owner notified",
    note: (t) => ` — “${t}”`,
    system: "Accord",
  },
  form: {
    newTitle: "New dispute",
    flagTitle: "Flag a customer",
    create: "Open dispute",
    save: "Save",
    cancel: "Cancel",
    close: "Close",
    customer: "Customer",
    customerHint: "Type a customer ref or name",
    items: "Disputed items",
    itemsHint: "Open invoices of the customer: ref, due date, open amount, level",
    partial: (ref, max) => `Disputed amount of ${ref} (max ${max})`,
    partialHint: "Leave empty to dispute the whole undisputed remainder",
    partialList: "Partial amounts",
    partialListHint: "One line per partially disputed item: REF amount (e.g. F-2026-001 120.50). Items not listed are disputed in full.",
    reason: "Reason",
    priority: "Priority",
    statement: "The customer's own words",
    statementHint: "What the customer said, as they said it",
    owner: "Resolution owner",
    ownerHint: "Default: the customer's sales rep",
    followUp: "Follow-up date",
    slaInfo: (d) => `To resolve by ${d} (the reason's SLA)`,
    notify: "Notice",
    notifyOption: "Notify the owner with the notice",
    preview: "Preview notice",
    previewTitle: "Owner notice",
    customerMode: (n) => `The whole account of ${n} is flagged as disputed (customer-level dispute).`,
    itemOption: (ref, due, amount, level) => `${ref} · ${due} · ${amount} · ${level}`,
    commentTitle: "Add update",
    comment: "Update",
    reassignTitle: "Reassign",
    reassignTo: "New owner",
    note: "Note",
    noteOptional: "Note (optional)",
    followUpTitle: "Set follow-up",
    followUpOn: "Next follow-up",
    resolveTitle: "Resolve",
    outcome: "Outcome",
    resolveNote: "How it was resolved",
    creditNoteRef: "Credit note ref",
    conceded: "Conceded amount",
    concededHint: (m) => `Default for a credit note: the whole disputed amount (${m})`,
    rootCause: "Root cause",
    withdrawTitle: "Withdraw",
    withdrawNote: "Why is it withdrawn?",
    reopenTitle: "Reopen",
    reopenNote: "Why is it reopened?",
    releaseTitle: "Release holds",
    editTitle: "Edit dispute",
    staleTitle: "Dispute changed",
    stale: "This dispute changed while you were filling the form: nothing was saved. Here it is as it is now; try again from the card.",
    reasonTitleNew: "New reason",
    reasonTitleEdit: "Edit reason",
    reasonPick: "Reason to edit",
    reasonCode: "Code (a-z, 0-9, _)",
    labelFr: "Label (French)",
    labelEn: "Label (English)",
    active: "Active",
    activeOption: "Offered for new disputes",
    sortOrder: "Order",
    followUpDays: "Days to first follow-up",
    slaDays: "Days to resolve (SLA)",
    holdsDunning: "Dunning",
    holdsOption: "Holds dunning while open",
    templateTitle: "Owner notice",
    templateFr: "Template (French)",
    templateEn: "Template (English)",
    placeholders: (l) => `Placeholders: ${l}`,
  },
  list: {
    title: (n) => `${n} dispute${n === 1 ? "" : "s"}`,
    empty: "No dispute matches.",
    open: "Open",
    more: (n) => `and ${n} more: narrow the filters or use /dispute export`,
  },
  home: {
    title: "My disputes",
    summary: (c, o, d, h) => `${c} open dispute${c === 1 ? "" : "s"} (${o} overdue) · disputed ${d} · held ${h}`,
    empty: "Nothing open for you. 🎉",
    more: (n) => `and ${n} more: /dispute list mine`,
    newDispute: "New dispute",
    admin: "Administration",
    reasons: "Dispute reasons",
    reasonLine: (o, code, fr, en, f, s, p, h, a) =>
      `${o}. ${en} / ${fr} (\`${code}\`) · follow-up ${f} d · SLA ${s} d · ${p}${h ? "" : " · does not hold dunning"}${a ? "" : " · inactive"}`,
    addReason: "Add reason",
    editReason: "Edit reason",
    template: "Owner notice template",
    editTemplate: "Edit template",
  },
  reply: {
    help:
      "*/dispute* — disputes on customer invoices\n" +
      "• `/dispute new [customer]` — open a dispute\n" +
      "• `/dispute list [mine|overdue|all] [reason:<code>] [owner:@user]` — list disputes\n" +
      "• `/dispute show D-2026-0042` — show a dispute\n" +
      "• `/dispute customer <ref or name>` — flag a customer (customer-level dispute), or clear the flag\n" +
      "• `/dispute export [csv|xlsx] [mine|overdue|all] [reason:<code>] [owner:@user]` — the list as a file in your DMs",
    notKnown:
      "You are not an Accord user yet. Ask an admin to add you (POST /api/v1/people, or `npm run accord -- import people.csv`) with the email of your Slack account.",
    forbidden: "Sorry, you may not do that on this dispute. Nothing was changed.",
    notFound: (w) => `No dispute ${w}.`,
    customerNotFound: (q) => `No customer matches “${q}”.`,
    whichCustomer: "Several customers match. Which one?",
    opened: (n, o) => `Dispute ${n} opened; ${o} is the owner.`,
    done: (n) => `Done: ${n} is updated.`,
    exportReady: (n) => `Your export of ${n} dispute${n === 1 ? "" : "s"} is in your DMs.`,
    exportEmpty: "No dispute matches: nothing to export.",
    unknownAction: "Sorry, I did not understand that button (it may come from an older version of Accord). Nothing was changed.",
    expired: "Slack took too long to open the form: please try again.",
    error: (ref) => `Something went wrong on our side (reference ${ref}). Nothing was changed.`,
    alreadyFlagged: (n) => `This customer is already flagged by ${n}.`,
    commentAdded: (n) => `Added to ${n}.`,
    unknownOwner: "This person is not an Accord user: pick someone else or ask an admin to add them.",
    amountInvalid: (t) => `“${t}” is not an amount (e.g. 1234.56).`,
    dateInvalid: "Pick a date.",
    partialLine: (l) => `Cannot read “${l}”: write REF amount.`,
  },
  delivery: {
    resumed: (reason, since, n) =>
      `Slack deliveries were paused from ${since} UTC: the bot token was refused (${reason}). They have resumed${n ? `; ${n} waiting message${n === 1 ? " is" : "s are"} being delivered now` : ""}. Nothing was lost.`,
    undelivered: (owner, reason) => `:warning: The notice could not be delivered to ${owner} in Slack (${reason}). An admin can retry it from GET /api/v1/outbox?status=failed.`,
  },
};

const fr: Messages = {
  status: { open: "Ouvert", resolved: "Résolu", withdrawn: "Retiré" },
  priority: { low: "Basse", normal: "Normale", high: "Haute", urgent: "Urgente" },
  outcome: {
    credit_note: "Avoir",
    invoice_corrected: "Facture corrigée",
    customer_paid: "Client a payé",
    rejected: "Rejeté (le client doit)",
    written_off: "Passé en perte",
    litigation: "Envoyé au contentieux",
    other: "Autre",
  },
  action: {
    edit: "Modifier",
    comment: "Ajouter un point",
    follow_up: "Date de relance",
    reassign: "Réattribuer",
    resolve: "Résoudre",
    withdraw: "Retirer",
    reopen: "Rouvrir",
    release_holds: "Libérer les blocages",
  },
  field: {
    customer: "Client",
    reason: "Motif",
    priority: "Priorité",
    disputed: "En litige",
    status: "Statut",
    owner: "Chargé de résolution",
    openedBy: "Ouvert par",
    followUp: "Relance",
    sla: "Échéance SLA",
    dunning: "Relances",
    items: "Pièces",
    statement: "Le client dit",
    scope: "Portée",
  },
  card: {
    wholeCustomer: "Tout le compte client (litige client)",
    overdue: "en retard",
    late: "dépassée",
    more: (n) => `et ${n} autres`,
    held: (held, disputed) => `${held} bloqués sur ${disputed} en litige`,
    notHeld: "Non bloqué (ce motif ne suspend pas les relances)",
    released: "Débloqué : relançable à nouveau",
    creditPending: (a) => `${a} bloqués jusqu'à l'arrivée de l'avoir`,
    litigationHeld: (a) => `${a} bloqués (contentieux) jusqu'à libération`,
    flagged: "Client signalé (L)",
    resolution: (o, by, note) => `${o} — ${by} : ${note}`,
    allPaid: "Toutes les pièces en litige ont été payées entre-temps : résoudre en « Client a payé » ?",
    lastUpdate: (who, when, text) => `Dernier point — ${who}, ${when} : ${text}`,
    itemLine: (ref, due, amount, held) => `${ref} · échéance ${due} · ${amount}${held ? ` · bloqué ${held}` : ""}`,
    none: "—",
  },
  timeline: {
    opened: (by) => `Ouvert par ${by}`,
    edited: (by, what) => `${by} a modifié ${what}`,
    commented: (by, text) => `${by} : ${text}`,
    reassigned: (by, from, to) => `${by} a réattribué de ${from} à ${to}`,
    follow_up_set: (by, on) => `${by} a fixé la relance au ${on}`,
    resolved: (by, o) => `${by} l'a résolu : ${o}`,
    withdrawn: (by) => `${by} l'a retiré`,
    reopened: (by) => `${by} l'a rouvert`,
    holds_released: (by) => `${by} a libéré les blocages`,
    credit_note_received: (ref) => `Avoir ${ref} reçu : le montant concédé est débloqué`,
    reminded: "Rappel envoyé au chargé de résolution",
    escalated: "Escaladé",
    notified: "Chargé de résolution prévenu",
    note: (t) => ` — « ${t} »`,
    system: "Accord",
  },
  form: {
    newTitle: "Nouveau litige",
    flagTitle: "Signaler un client",
    create: "Ouvrir le litige",
    save: "Enregistrer",
    cancel: "Annuler",
    close: "Fermer",
    customer: "Client",
    customerHint: "Code ou nom du client",
    items: "Pièces en litige",
    itemsHint: "Factures ouvertes du client : n°, échéance, reste dû, niveau",
    partial: (ref, max) => `Montant en litige de ${ref} (max ${max})`,
    partialHint: "Vide : tout le reste non contesté",
    partialList: "Montants partiels",
    partialListHint: "Une ligne par pièce contestée en partie : N° montant (ex. F-2026-001 120,50). Les autres le sont en totalité.",
    reason: "Motif",
    priority: "Priorité",
    statement: "Les mots du client",
    statementHint: "Ce que le client a dit, tel qu'il l'a dit",
    owner: "Chargé de résolution",
    ownerHint: "Par défaut : le commercial du client",
    followUp: "Date de relance",
    slaInfo: (d) => `À résoudre avant le ${d} (SLA du motif)`,
    notify: "Notification",
    notifyOption: "Prévenir le chargé de résolution",
    preview: "Aperçu du message",
    previewTitle: "Message au chargé",
    customerMode: (n) => `Tout le compte de ${n} est signalé en litige (litige client).`,
    itemOption: (ref, due, amount, level) => `${ref} · ${due} · ${amount} · ${level}`,
    commentTitle: "Ajouter un point",
    comment: "Point",
    reassignTitle: "Réattribuer",
    reassignTo: "Nouveau chargé",
    note: "Note",
    noteOptional: "Note (facultatif)",
    followUpTitle: "Date de relance",
    followUpOn: "Prochaine relance",
    resolveTitle: "Résoudre",
    outcome: "Issue",
    resolveNote: "Comment il a été résolu",
    creditNoteRef: "N° de l'avoir",
    conceded: "Montant concédé",
    concededHint: (m) => `Par défaut pour un avoir : tout le montant en litige (${m})`,
    rootCause: "Cause racine",
    withdrawTitle: "Retirer",
    withdrawNote: "Pourquoi le retirer ?",
    reopenTitle: "Rouvrir",
    reopenNote: "Pourquoi le rouvrir ?",
    releaseTitle: "Libérer les blocages",
    editTitle: "Modifier le litige",
    staleTitle: "Litige modifié",
    stale: "Ce litige a changé pendant que vous remplissiez le formulaire : rien n'a été enregistré. Le voici tel qu'il est ; recommencez depuis la carte.",
    reasonTitleNew: "Nouveau motif",
    reasonTitleEdit: "Modifier un motif",
    reasonPick: "Motif à modifier",
    reasonCode: "Code (a-z, 0-9, _)",
    labelFr: "Libellé (français)",
    labelEn: "Libellé (anglais)",
    active: "Actif",
    activeOption: "Proposé pour les nouveaux litiges",
    sortOrder: "Ordre",
    followUpDays: "Jours avant 1re relance",
    slaDays: "Jours pour résoudre (SLA)",
    holdsDunning: "Relances",
    holdsOption: "Suspend les relances",
    templateTitle: "Message au chargé",
    templateFr: "Modèle (français)",
    templateEn: "Modèle (anglais)",
    placeholders: (l) => `Variables : ${l}`,
  },
  list: {
    title: (n) => `${n} litige${n > 1 ? "s" : ""}`,
    empty: "Aucun litige ne correspond.",
    open: "Ouvrir",
    more: (n) => `et ${n} autres : affinez les filtres ou utilisez /dispute export`,
  },
  home: {
    title: "Mes litiges",
    summary: (c, o, d, h) => `${c} litige${c > 1 ? "s" : ""} ouvert${c > 1 ? "s" : ""} (${o} en retard) · en litige ${d} · bloqué ${h}`,
    empty: "Rien d'ouvert pour vous. 🎉",
    more: (n) => `et ${n} autres : /dispute list mine`,
    newDispute: "Nouveau litige",
    admin: "Administration",
    reasons: "Motifs de litige",
    reasonLine: (o, code, fr, en, f, s, p, h, a) =>
      `${o}. ${fr} / ${en} (\`${code}\`) · relance ${f} j · SLA ${s} j · ${p}${h ? "" : " · ne suspend pas les relances"}${a ? "" : " · inactif"}`,
    addReason: "Ajouter un motif",
    editReason: "Modifier un motif",
    template: "Modèle du message au chargé",
    editTemplate: "Modifier le modèle",
  },
  reply: {
    help:
      "*/dispute* — litiges sur factures clients\n" +
      "• `/dispute new [client]` — ouvrir un litige\n" +
      "• `/dispute list [mine|overdue|all] [reason:<code>] [owner:@personne]` — lister les litiges\n" +
      "• `/dispute show D-2026-0042` — afficher un litige\n" +
      "• `/dispute customer <code ou nom>` — signaler un client (litige client) ou lever le signalement\n" +
      "• `/dispute export [csv|xlsx] [mine|overdue|all] [reason:<code>] [owner:@personne]` — la liste en fichier, dans vos messages",
    notKnown:
      "Vous n'êtes pas encore utilisateur d'Accord. Demandez à un administrateur de vous ajouter (POST /api/v1/people, ou `npm run accord -- import people.csv`) avec l'email de votre compte Slack.",
    forbidden: "Désolé, vous ne pouvez pas faire cela sur ce litige. Rien n'a été modifié.",
    notFound: (w) => `Aucun litige ${w}.`,
    customerNotFound: (q) => `Aucun client ne correspond à « ${q} ».`,
    whichCustomer: "Plusieurs clients correspondent. Lequel ?",
    opened: (n, o) => `Litige ${n} ouvert ; ${o} en est chargé.`,
    done: (n) => `C'est fait : ${n} est à jour.`,
    exportReady: (n) => `Votre export de ${n} litige${n > 1 ? "s" : ""} est dans vos messages.`,
    exportEmpty: "Aucun litige ne correspond : rien à exporter.",
    unknownAction: "Désolé, je n'ai pas compris ce bouton (il vient peut-être d'une ancienne version d'Accord). Rien n'a été modifié.",
    expired: "Slack a mis trop de temps à ouvrir le formulaire : réessayez.",
    error: (ref) => `Une erreur s'est produite de notre côté (référence ${ref}). Rien n'a été modifié.`,
    alreadyFlagged: (n) => `Ce client est déjà signalé par ${n}.`,
    commentAdded: (n) => `Ajouté à ${n}.`,
    unknownOwner: "Cette personne n'est pas utilisatrice d'Accord : choisissez quelqu'un d'autre ou demandez à un administrateur de l'ajouter.",
    amountInvalid: (t) => `« ${t} » n'est pas un montant (ex. 1234,56).`,
    dateInvalid: "Choisissez une date.",
    partialLine: (l) => `Ligne illisible « ${l} » : écrivez N° montant.`,
  },
  delivery: {
    resumed: (reason, since, n) =>
      `Les envois vers Slack étaient suspendus depuis le ${since} UTC : le jeton du bot était refusé (${reason}). Ils ont repris${n ? ` ; ${n} message${n === 1 ? " en attente part" : "s en attente partent"} maintenant` : ""}. Rien n'a été perdu.`,
    undelivered: (owner, reason) => `:warning: L'avis n'a pas pu être remis à ${owner} dans Slack (${reason}). Un administrateur peut le renvoyer depuis GET /api/v1/outbox?status=failed.`,
  },
};

export const MESSAGES: Record<Locale, Messages> = { en, fr };

export function t(locale: Locale | null | undefined): Messages {
  return MESSAGES[locale === "en" ? "en" : "fr"];
}

/** For someone Accord does not know (no locale): both languages. */
export function bilingual(pick: (m: Messages) => string): string {
  return `${pick(fr)}\n\n${pick(en)}`;
}
