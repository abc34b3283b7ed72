// The sandbox page's own words, in French and English, and the formatting of amounts and dates in the
// person's locale (Intl). Accord's messages, modals and Home tab arrive already in the person's language.
// The French words are written with plain spaces; French typography is applied to them by construction
// (typeset below, the rules of src/views/typography.ts): a non-breaking space before « : » and inside « »,
// a narrow non-breaking one before ; ! ?.

/** French plural: 0 and 1 take the singular. */
const frPlural = (n, one, many) => `${n} ${n > 1 ? many : one}`;

const fr = {
  htmlTitle: "Accord — bac à sable",
  banner: "BAC À SABLE",
  bannerText: "Un espace de travail de démonstration, sur cet ordinateur seulement : ni Slack ni Teams ne sont connectés, les données sont fictives.",
  youAre: "Vous êtes",
  roles: { controller: "chargé·e de recouvrement", sales: "commercial·e", manager: "manager", admin: "administrateur·rice" },
  tabSlack: "Slack",
  tabTeams: "Teams",
  later: "bientôt",
  teamsLater: "La vue Teams arrive avec l'application Teams.",
  clock: "Heure du bac à sable",
  clockHint: "L'heure qu'Accord utilise ici. Avancez-la pour voir arriver les rappels, les escalades et la synthèse du matin.",
  advanceTomorrow: "Avancer à demain 9 h 00",
  advanceWeek: "+1 semaine",
  /** after an advance: what the jobs sent at the new time */
  advanced: (when, notices, digests) =>
    `Horloge avancée au ${when} : ${notices ? frPlural(notices, "rappel ou escalade", "rappels ou escalades") : "aucun rappel"}, ${digests ? frPlural(digests, "synthèse publiée", "synthèses publiées") : "aucune synthèse"}.`,
  channels: "Canaux",
  apps: "Applications",
  channelComposer: (name) => `Écrire dans #${name}, ou une commande : /dispute digest`,
  emptyChannel: (name) => `Voici #${name}. La synthèse quotidienne des litiges y arrive chaque jour ouvré à 9 h 00 : avancez l'horloge pour la voir.`,
  messages: "Messages",
  home: "Accueil",
  appName: "Accord",
  app: "APP",
  you: "vous",
  onlyYou: "Visible uniquement par vous",
  edited: "(modifié)",
  replies: (n) => (n === 1 ? "1 réponse" : `${n} réponses`),
  hideReplies: "Masquer les réponses",
  replyPlaceholder: "Répondre dans le fil… (devient une mise à jour du litige)",
  send: "Envoyer",
  composer: "Écrire à Accord, ou une commande : /dispute new",
  tryThese: "Essayez :",
  unknownCommand: (c) => `${c} n'est pas une commande de cet espace. Essayez /dispute help.`,
  emptyDm: "Voici votre conversation avec Accord. Tapez /dispute new pour ouvrir un litige, /dispute list pour voir les litiges ouverts, ou ouvrez l'onglet Accueil.",
  homeLoading: "Chargement de l'accueil…",
  openDispute: "Ouvrir un litige",
  moreActions: "Plus d'actions",
  file: "Fichier",
  download: "Télécharger",
  // Block Kit widgets
  optional: "facultatif",
  choose: "Choisir…",
  search: "Rechercher…",
  noResults: "Aucun résultat",
  remove: "Retirer",
  cancel: "Annuler",
  more: "Plus d'actions",
  // collections panel
  collections: "Module de recouvrement (intégré)",
  collectionsHint: "Ce que le module de relance d'Accord suspend, et ce que sa prochaine campagne enverrait.",
  customer: "Client",
  allCustomers: "Tous les clients",
  /** what the customer picker says of a customer: its held items and its open disputes (each only when there are some) */
  customerCounts: (holds, disputes) =>
    [holds ? frPlural(holds, "pièce suspendue", "pièces suspendues") : "", disputes ? frPlural(disputes, "litige ouvert", "litiges ouverts") : ""].filter(Boolean).join(", "),
  held: "Suspendu",
  holdsTitle: "Pièces suspendues de relance",
  noHolds: "Aucune pièce suspendue.",
  item: "Pièce",
  dispute: "Litige",
  since: "Depuis",
  kind: { dispute: "litige", customer: "client en litige", credit_pending: "avoir attendu", litigation: "contentieux" },
  runTitle: (d) => `Prochaine campagne de relance (${d})`,
  perItem: "À la pièce",
  perAccount: "Situation de compte",
  companyMode: "réglage de la société",
  noLetters: "Aucune relance à envoyer.",
  runSummary: (n, total) => `${n} lettre${n > 1 ? "s" : ""} · ${total} réclamés`,
  letterTotal: "Total réclamé",
  heldPart: "dont suspendu",
  notClaimed: "suspendu, non réclamé",
  notSent: (n) => `Hors campagne (${frPlural(n, "pièce", "pièces")}) :`,
  whyNotSent: (x, f) =>
    ({
      not_yet_due: () => `pas encore échue : ${f.level(x.nextLevel)} le ${f.date(x.until)}`,
      min_gap: () => `délai minimal entre relances : ${f.level(x.nextLevel)} pas avant le ${f.date(x.until)}`,
      fully_held: () => `entièrement suspendue par ${(x.heldBy ?? []).join(", ")}`,
      non_positive_total: () => `sa lettre ${f.level(x.letterLevel)} a un solde de ${f.amount(x.letterTotal)} (non positif)`,
      last_level: () => `au dernier niveau (${f.level(x.level)})`,
      credit_other_level: () => `avoir ou règlement au niveau ${f.level(x.level)} : aucune lettre à ce niveau`,
    })[x.reason]?.() ?? x.reason,
  flagged: "L (client en litige)",
  statementTitle: "Situation de compte",
  due: "Échéance",
  level: "Niveau",
  open: "Solde",
  dunnable: "Relançable",
  status: { none: "", disputed: "en litige", dispute_resolved: "litige résolu" },
  ledgerTitle: "Grand livre : importer un avoir",
  ledgerHint: "Comme un import de l'ERP (POST /api/v1/items) : les montants concédés en attente de cet avoir sont libérés.",
  creditRef: "Référence de l'avoir",
  amount: "Montant",
  date: "Date",
  importIt: "Importer l'avoir",
  imported: (r) => `Avoir importé (${r.inserted ? "nouveau" : "mis à jour"}). Litiges qui l'attendaient : ${r.creditNotesMatched}.`,
  failed: "Échec",
  levels: { none: "aucune", notice: "prévenance" },
  kinds: { invoice: "facture", credit_note: "avoir", payment: "règlement" },
};

/** French typography on a text (the same rules as src/views/typography.ts). */
export function typeset(text) {
  return text
    .replace(/ +:/g, "\u00a0:")
    .replace(/ +([;!?])/g, "\u202f$1")
    .replace(/« +/g, "«\u00a0")
    .replace(/ +»/g, "\u00a0»");
}

/** Every string of a catalogue, and every string a function of it returns, typeset. */
function typesetAll(value) {
  if (typeof value === "string") return typeset(value);
  if (typeof value === "function") return (...args) => typesetAll(value(...args));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typesetAll(v)]));
  return value;
}

const en = {
  htmlTitle: "Accord — sandbox",
  banner: "SANDBOX",
  bannerText: "A demo workspace on this computer only: neither Slack nor Teams is connected, and the data is made up.",
  youAre: "You are",
  roles: { controller: "credit controller", sales: "sales rep", manager: "manager", admin: "admin" },
  tabSlack: "Slack",
  tabTeams: "Teams",
  later: "soon",
  teamsLater: "The Teams view comes with the Teams app.",
  clock: "Sandbox time",
  clockHint: "The time Accord uses here. Move it forward to watch reminders, escalations and the morning digest arrive.",
  advanceTomorrow: "Advance to tomorrow 09:00",
  advanceWeek: "+1 week",
  advanced: (when, notices, digests) =>
    `Clock moved to ${when}: ${notices ? `${notices} reminder${notices > 1 ? "s" : ""} or escalation${notices > 1 ? "s" : ""}` : "no reminder"}, ${digests ? `${digests} digest${digests > 1 ? "s" : ""} posted` : "no digest"}.`,
  channels: "Channels",
  apps: "Apps",
  channelComposer: (name) => `Write in #${name}, or a command: /dispute digest`,
  emptyChannel: (name) => `This is #${name}. The daily dispute digest arrives here every working day at 09:00: move the clock forward to see it.`,
  messages: "Messages",
  home: "Home",
  appName: "Accord",
  app: "APP",
  you: "you",
  onlyYou: "Only visible to you",
  edited: "(edited)",
  replies: (n) => (n === 1 ? "1 reply" : `${n} replies`),
  hideReplies: "Hide replies",
  replyPlaceholder: "Reply in thread… (becomes an update on the dispute)",
  send: "Send",
  composer: "Message Accord, or a command: /dispute new",
  tryThese: "Try:",
  unknownCommand: (c) => `${c} is not a command in this workspace. Try /dispute help.`,
  emptyDm: "This is your conversation with Accord. Type /dispute new to open a dispute, /dispute list to see the open ones, or open the Home tab.",
  homeLoading: "Loading Home…",
  openDispute: "Open a dispute",
  moreActions: "More actions",
  file: "File",
  download: "Download",
  optional: "optional",
  choose: "Select an item",
  search: "Search…",
  noResults: "No results",
  remove: "Remove",
  cancel: "Cancel",
  more: "More actions",
  collections: "Collections module (embedded)",
  collectionsHint: "What Accord's dunning module holds back, and what its next run would send.",
  customer: "Customer",
  allCustomers: "All customers",
  customerCounts: (holds, disputes) =>
    [holds ? `${holds} item${holds === 1 ? "" : "s"} held` : "", disputes ? `${disputes} open dispute${disputes === 1 ? "" : "s"}` : ""].filter(Boolean).join(", "),
  held: "Held",
  holdsTitle: "Items held from dunning",
  noHolds: "Nothing is held.",
  item: "Item",
  dispute: "Dispute",
  since: "Since",
  kind: { dispute: "dispute", customer: "customer dispute", credit_pending: "credit note awaited", litigation: "litigation" },
  runTitle: (d) => `Next dunning run (${d})`,
  perItem: "Per item",
  perAccount: "Per account",
  companyMode: "company setting",
  noLetters: "No reminder to send.",
  runSummary: (n, total) => `${n} letter${n > 1 ? "s" : ""} · ${total} claimed`,
  letterTotal: "Claimed",
  heldPart: "held",
  notClaimed: "held, not claimed",
  notSent: (n) => `Left out of the run (${n} item${n > 1 ? "s" : ""}):`,
  whyNotSent: (x, f) =>
    ({
      not_yet_due: () => `not yet due: ${f.level(x.nextLevel)} on ${f.date(x.until)}`,
      min_gap: () => `minimum gap: ${f.level(x.nextLevel)} not before ${f.date(x.until)}`,
      fully_held: () => `fully held by ${(x.heldBy ?? []).join(", ")}`,
      non_positive_total: () => `its ${f.level(x.letterLevel)} letter's net total is ${f.amount(x.letterTotal)} (not positive)`,
      last_level: () => `at the last level (${f.level(x.level)})`,
      credit_other_level: () => `credit at ${f.level(x.level)}: no letter at that level`,
    })[x.reason]?.() ?? x.reason,
  flagged: "L (customer in dispute)",
  statementTitle: "Account statement",
  due: "Due",
  level: "Level",
  open: "Open",
  dunnable: "Dunnable",
  status: { none: "", disputed: "disputed", dispute_resolved: "dispute resolved" },
  ledgerTitle: "Ledger: import a credit note",
  ledgerHint: "Like an ERP import (POST /api/v1/items): conceded amounts waiting for this credit note are released.",
  creditRef: "Credit note ref",
  amount: "Amount",
  date: "Date",
  importIt: "Import the credit note",
  imported: (r) => `Credit note imported (${r.inserted ? "new" : "updated"}). Disputes that were waiting for it: ${r.creditNotesMatched}.`,
  failed: "Failed",
  levels: { none: "none", notice: "pre-due notice" },
  kinds: { invoice: "invoice", credit_note: "credit note", payment: "payment" },
};

export const MESSAGES = { fr: typesetAll(fr), en };

export function words(lang) {
  return MESSAGES[lang] ?? en;
}

/** Intl formatting in the person's locale (the locales Accord's own renderers use). */
export function formats(lang, timeZone) {
  const locale = lang === "fr" ? "fr-FR" : "en-GB";
  const money = new Map();
  return {
    locale,
    amount(decimal, currency) {
      let f = money.get(currency);
      if (!f) {
        f = new Intl.NumberFormat(locale, { style: "currency", currency });
        money.set(currency, f);
      }
      return f.format(Number(decimal));
    },
    date(iso) {
      if (!iso) return "";
      return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
    },
    instant(isoOrMs) {
      return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(isoOrMs));
    },
    /** the sandbox's clock: weekday, date and time in the person's time zone */
    clock(iso) {
      return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(iso));
    },
    time(ms) {
      return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(ms));
    },
  };
}
