// Words of the opener's notices (issue 11): the controller who opened a dispute is told when someone else
// resolves, withdraws or reassigns it; a per-person setting turns these notices off. A no-break space comes
// before « : ; ! ? » in French.

const NBSP = "\u00a0";

export const OPENER_TEXT = {
  en: {
    resolved: (number: string, by: string, outcome: string) => `Dispute ${number}, which you opened, was resolved by ${by}: ${outcome}.`,
    withdrawn: (number: string, by: string) => `Dispute ${number}, which you opened, was withdrawn by ${by}.`,
    reassigned: (number: string, by: string, from: string, to: string) => `Dispute ${number}, which you opened, was reassigned by ${by} from ${from} to ${to}.`,
    settingTitle: "Disputes you opened",
    settingOn: "You are told when someone else resolves, withdraws or reassigns a dispute you opened.",
    settingOff: "You are not told when someone else resolves, withdraws or reassigns a dispute you opened.",
    turnOff: "Stop telling me",
    turnOn: "Tell me",
  },
  fr: {
    resolved: (number: string, by: string, outcome: string) => `Le litige ${number}, que vous avez ouvert, a été résolu par ${by}${NBSP}: ${outcome}.`,
    withdrawn: (number: string, by: string) => `Le litige ${number}, que vous avez ouvert, a été retiré par ${by}.`,
    reassigned: (number: string, by: string, from: string, to: string) => `Le litige ${number}, que vous avez ouvert, a été réattribué par ${by} de ${from} à ${to}.`,
    settingTitle: "Litiges que vous avez ouverts",
    settingOn: "Vous êtes prévenu quand quelqu’un d’autre résout, retire ou réattribue un litige que vous avez ouvert.",
    settingOff: "Vous n’êtes pas prévenu quand quelqu’un d’autre résout, retire ou réattribue un litige que vous avez ouvert.",
    turnOff: "Ne plus me prévenir",
    turnOn: "Me prévenir",
  },
} as const;
