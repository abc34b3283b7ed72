// Words of the Teams card actions and of the new-dispute dialog (issue 13), kept apart from i18n.ts. In French a
// follow-up is « suivi » (never « relance », which credit teams read as dunning); a no-break space comes before
// « : ; ! ? ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";

export interface TeamsActionText {
  /** on the card returned after a click on an out-of-date card */
  staleCard: string;
  /** above the action's inputs shown again with their errors */
  fixFields: string;
  /** a Teams user Accord does not know */
  notKnown: string;
  /** the card's answer after a saved action */
  saved: (number: string) => string;
  /** the action's inputs shown again: back to the card without saving */
  back: string;

  // the new-dispute dialog
  wholeCustomer: string;
  wholeCustomerHint: string;
  customerSearch: string;
  itemsSearch: string;
  itemsAfterCustomer: string;
  showItems: string;
  priorityDefault: string;
  followUpDefault: string;
  ownerSearch: string;
  /** an item id the form sent that is not an open invoice of the chosen customer (the customer was changed) */
  itemsOfAnotherCustomer: string;
  /** the invoices of the chosen customer listed below (the second step) */
  itemsOf: (customer: string) => string;
  noItems: (customer: string) => string;
  previewOf: string;
}

export const TEAMS_ACTION_TEXT: Record<Locale, TeamsActionText> = {
  en: {
    staleCard: "This dispute changed since this card was shown: nothing was saved. Here it is as it is now; try again.",
    fixFields: "Please correct the fields below: nothing was saved yet.",
    notKnown: "You are not an Accord user yet. Ask an admin to add you with the email of your Microsoft 365 account.",
    saved: (n) => `Done: ${n} is updated.`,
    back: "Back to the card",
    wholeCustomer: "Customer-level dispute",
    wholeCustomerHint: "Flag the whole customer (no invoice selected)",
    customerSearch: "Type a customer ref or name",
    itemsSearch: "Search the customer's open invoices",
    itemsAfterCustomer: "Choose the customer first: its open invoices are then offered here (or use “Show invoices”).",
    showItems: "Show invoices",
    priorityDefault: "Default: the reason's priority",
    followUpDefault: "Left empty: the reason's days to the first follow-up",
    ownerSearch: "Default: the customer's sales rep",
    itemsOfAnotherCustomer: "These invoices are not open invoices of this customer: choose them again.",
    itemsOf: (c) => `Open invoices of ${c}`,
    noItems: (c) => `${c} has no open invoice that can still be disputed.`,
    previewOf: "Owner notice (preview)",
  },
  fr: {
    staleCard: `Ce litige a changé depuis l'affichage de cette carte${NBSP}: rien n'a été enregistré. Le voici tel qu'il est maintenant${NBSP}; recommencez.`,
    fixFields: `Corrigez les champs ci-dessous${NBSP}: rien n'a encore été enregistré.`,
    notKnown: "Vous n'êtes pas encore utilisateur d'Accord. Demandez à un administrateur de vous ajouter avec l'adresse e-mail de votre compte Microsoft 365.",
    saved: (n) => `C'est fait${NBSP}: ${n} est à jour.`,
    back: "Revenir à la carte",
    wholeCustomer: "Litige au niveau du client",
    wholeCustomerHint: "Signaler le client entier (sans choisir de facture)",
    customerSearch: "Code ou nom du client",
    itemsSearch: "Rechercher parmi les factures ouvertes du client",
    itemsAfterCustomer: `Choisissez d'abord le client${NBSP}: ses factures ouvertes vous sont ensuite proposées ici (ou utilisez «${NBSP}Afficher les factures${NBSP}»).`,
    showItems: "Afficher les factures",
    priorityDefault: `Par défaut${NBSP}: celle du motif`,
    followUpDefault: `Laissé vide${NBSP}: la date de premier suivi prévue par le motif`,
    ownerSearch: `Par défaut${NBSP}: le commercial du client`,
    itemsOfAnotherCustomer: `Ces factures ne sont pas des factures ouvertes de ce client${NBSP}: choisissez-les à nouveau.`,
    itemsOf: (c) => `Factures ouvertes de ${c}`,
    noItems: (c) => `${c} n'a aucune facture ouverte qui puisse encore être contestée.`,
    previewOf: "Message au chargé de résolution (aperçu)",
  },
};

export const teamsActionText = (locale: Locale): TeamsActionText => TEAMS_ACTION_TEXT[locale];
