// Words of the Teams follow-ups of issue 13's review (the list rows' warning), kept apart from i18n.ts. In French a
// follow-up is « suivi », its reminder « rappel », never « relance » (dunning); a no-break space comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";

export const TEAMS_GAPS_TEXT = {
  en: {
    /** under a list row whose owner Accord cannot reach in Teams (TeamsReach), for everyone but that owner */
    listUnreachable: (who: string) => `⚠ ${who} cannot be reached in Teams yet: their notice is kept until they open Accord there.`,
  },
  fr: {
    listUnreachable: (who: string) => `⚠ ${who} n’est pas encore joignable dans Teams${NBSP}: son avis est conservé jusqu’à ce qu’il ou elle ouvre Accord dans Teams.`,
  },
} satisfies Record<Locale, Record<string, unknown>>;

export const teamsGapsText = (locale: Locale) => TEAMS_GAPS_TEXT[locale];
