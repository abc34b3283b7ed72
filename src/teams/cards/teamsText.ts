import type { Locale } from "../../domain/types.ts";

// Words of the Teams dispute card that the Slack card does not have, French and English.

export interface TeamsCardText {
  /** placeholder of the people picker (Reassign) */
  searchPerson: string;
}

export const TEAMS_CARD_TEXT: Record<Locale, TeamsCardText> = {
  en: { searchPerson: "Search for a person" },
  fr: { searchPerson: "Rechercher une personne" },
};

export const teamsText = (locale: Locale): TeamsCardText => TEAMS_CARD_TEXT[locale];
