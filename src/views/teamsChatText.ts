// Words of Accord's personal chat in Microsoft Teams (help, list, show, new, people Accord does not know),
// French and English, kept apart from i18n.ts. In French a follow-up is « suivi » (never « relance », which
// credit teams read as dunning); a no-break space comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";

export interface TeamsChatText {
  /** the first message after the app is installed in a personal chat */
  welcome: string;
  helpTitle: string;
  /** one line per command; `new` only for those who may open disputes */
  help: { new: string; list: string; show: string; help: string };
  helpChannel: string;
  /** the person is not an Accord user (matched by neither email nor UPN) */
  notKnown: (who: string | null) => string;
  /** `show` without a number */
  showWhich: string;
  /** `list` with a word it does not know */
  listWhich: (word: string) => string;
  /** a command it does not know */
  unknown: (word: string) => string;
  /** the `new` card */
  newTitle: string;
  newText: string;
  newButton: string;
  /** the list's "Open" button */
  open: string;
  /** the list's heading per scope */
  listScope: Record<"mine" | "overdue" | "all", string>;
  /** an unexpected failure, with the reference in the log */
  error: (ref: string) => string;
  /** a button Accord does not understand (an older card) */
  unknownButton: string;
}

export const TEAMS_CHAT_TEXT: Record<Locale, TeamsChatText> = {
  en: {
    welcome: "Hello! I am Accord: I will bring you the customer disputes you handle, their follow-ups and reminders, here in Teams.",
    helpTitle: "**Accord**: disputes on customer invoices. Write to me:",
    help: {
      new: "- **new**: open a dispute (a form opens)",
      list: "- **list** [mine | overdue | all]: your disputes (mine, the default), those whose follow-up is past (overdue), or every one you may see (all)",
      show: "- **show** D-2026-0042: a dispute's card, with what you may do on it",
      help: "- **help**: this message",
    },
    helpChannel: "In a channel, mention me: **@Accord help**. Disputes are handled in your personal chat with Accord.",
    notKnown: (who) =>
      `I cannot find you in Accord${who ? ` (${who})` : ""}. Ask an Accord administrator to add you with the email address of your Microsoft 365 account; then write to me again.`,
    showWhich: "Which dispute? Write **show** followed by its number, e.g. **show D-2026-0042**.",
    listWhich: (w) => `I do not know "${w}" after **list**: write **list mine**, **list overdue** or **list all**.`,
    unknown: (w) => `I did not understand "${w}".`,
    newTitle: "New dispute",
    newText: "Open a dispute on a customer's invoices: the form asks for the customer, the invoices, the reason, the customer's words and the owner.",
    newButton: "Open a dispute",
    open: "Open",
    listScope: { mine: "Your disputes", overdue: "Overdue disputes", all: "All the disputes you may see" },
    error: (ref) => `Sorry, something went wrong. Nothing was changed. (Reference ${ref}, for your administrator.)`,
    unknownButton: "Sorry, I did not understand that button (it may come from an older version of Accord). Nothing was changed.",
  },
  fr: {
    welcome: `Bonjour${NBSP}! Je suis Accord${NBSP}: je vous apporte ici, dans Teams, les litiges clients que vous traitez, leurs suivis et leurs rappels.`,
    helpTitle: `**Accord**${NBSP}: les litiges sur factures clients. Écrivez-moi${NBSP}:`,
    help: {
      new: `- **nouveau**${NBSP}: ouvrir un litige (un formulaire s’ouvre)`,
      list: `- **liste** [mes | en retard | tous]${NBSP}: vos litiges (mes, par défaut), ceux dont le prochain suivi est dépassé (en retard), ou tous ceux que vous pouvez voir (tous)`,
      show: `- **voir** D-2026-0042${NBSP}: la carte d’un litige, avec ce que vous pouvez y faire`,
      help: `- **aide**${NBSP}: ce message`,
    },
    helpChannel: `Dans un canal, mentionnez-moi${NBSP}: **@Accord aide**. Les litiges se traitent dans votre conversation privée avec Accord.`,
    notKnown: (who) =>
      `Je ne vous trouve pas dans Accord${who ? ` (${who})` : ""}. Demandez à un administrateur d’Accord de vous ajouter avec l’adresse e-mail de votre compte Microsoft 365, puis écrivez-moi de nouveau.`,
    showWhich: `Quel litige${NBSP}? Écrivez **voir** suivi de son numéro, par exemple **voir D-2026-0042**.`,
    listWhich: (w) => `Je ne connais pas « ${w} » après **liste**${NBSP}: écrivez **liste mes**, **liste en retard** ou **liste tous**.`,
    unknown: (w) => `Je n’ai pas compris « ${w} ».`,
    newTitle: "Nouveau litige",
    newText: `Ouvrir un litige sur des factures d’un client${NBSP}: le formulaire demande le client, les factures, le motif, les propos du client et le chargé de résolution.`,
    newButton: "Ouvrir un litige",
    open: "Ouvrir",
    listScope: { mine: "Vos litiges", overdue: "Litiges en retard", all: "Tous les litiges que vous pouvez voir" },
    error: (ref) => `Désolé, une erreur s’est produite. Rien n’a été modifié. (Référence ${ref}, pour votre administrateur.)`,
    unknownButton: "Désolé, je n’ai pas compris ce bouton (il vient peut-être d’une ancienne version d’Accord). Rien n’a été modifié.",
  },
};

export const teamsChatText = (locale: Locale): TeamsChatText => TEAMS_CHAT_TEXT[locale];

/** The activity's locale (fr-FR, fr-CA, en-US…) as one of Accord's; English unless French. */
export function localeOfActivity(locale: string | null | undefined): Locale {
  return /^fr\b/i.test(locale ?? "") ? "fr" : "en";
}
