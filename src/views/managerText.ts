// Words of the manager view (issue 11), kept apart from i18n.ts. In French a follow-up is « suivi », its
// reminder « rappel » (never « relance », which credit teams read as dunning); a no-break space comes
// before « : ; ! ? ».
const NBSP = "\u00a0";

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const pluralEn = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const MANAGER_TEXT = {
  en: {
    teamTitle: "My team’s disputes",
    teamSummary: (count: number, overdue: number, amounts: string, people: number) =>
      `${pluralEn(count, "open dispute", "open disputes")} (${overdue} overdue) · disputed: ${amounts} · ${pluralEn(people, "person", "people")} in your team`,
    teamEmpty: "Nothing open in your team.",
    ownerLine: (name: string, count: number, overdue: number, amounts: string) => `*${name}*: ${count} open, ${overdue} overdue · ${amounts}`,
    ownerMoreRows: (n: number) => `+${n} more for this owner`,
    moreOwners: (n: number) => `and ${pluralEn(n, "more owner", "more owners")}: \`/dispute list all owner:@name\` shows their disputes`,
    nudge: "Nudge",
    reassign: "Reassign",
    noFollowUp: "no follow-up date",
    nextFollowUp: (on: string) => `next follow-up ${on}`,
    decideTitle: "What to decide",
    slaBreaches: "SLA exceeded",
    oldest: "Oldest open",
    largest: "Largest amounts",
    litigation: "Send to litigation?",
    litigationWhy: (threshold: string) => `past their SLA with at least 3 reminders unanswered, or from ${threshold}`,
    noThreshold: "no amount threshold",
    none: "none",
    openedOn: (on: string) => `opened ${on}`,
  },
  fr: {
    teamTitle: "Litiges de mon équipe",
    teamSummary: (count: number, overdue: number, amounts: string, people: number) =>
      `${plural(count, "litige ouvert", "litiges ouverts")} (${overdue} en retard) · en litige${NBSP}: ${amounts} · ${plural(people, "personne", "personnes")} dans votre équipe`,
    teamEmpty: "Rien d’ouvert dans votre équipe.",
    ownerLine: (name: string, count: number, overdue: number, amounts: string) =>
      `*${name}*${NBSP}: ${plural(count, "ouvert", "ouverts")}, ${overdue} en retard · ${amounts}`,
    ownerMoreRows: (n: number) => `+${n} autre${n > 1 ? "s" : ""} pour ce chargé de résolution`,
    moreOwners: (n: number) => `et ${n} autre${n > 1 ? "s" : ""} chargé${n > 1 ? "s" : ""} de résolution${NBSP}: \`/dispute list all owner:@nom\` affiche leurs litiges`,
    nudge: "Envoyer un rappel",
    reassign: "Réattribuer",
    noFollowUp: "pas de date de suivi",
    nextFollowUp: (on: string) => `prochain suivi ${on}`,
    decideTitle: "À décider",
    slaBreaches: "SLA dépassé",
    oldest: "Les plus anciens",
    largest: "Les montants les plus élevés",
    litigation: `Passer en contentieux${NBSP}?`,
    litigationWhy: (threshold: string) => `SLA dépassé avec au moins 3 rappels sans réponse, ou à partir de ${threshold}`,
    noThreshold: "pas de seuil de montant",
    none: "aucun",
    openedOn: (on: string) => `ouvert le ${on}`,
  },
} as const;
