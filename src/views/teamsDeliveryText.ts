// Words of Teams delivery (issue 13), kept apart from i18n.ts: the person Accord cannot reach in Teams (shown on the
// card the others see and in App Home), and the answers of `digest` typed in a Teams channel. In French a follow-up is
// « suivi », its reminder « rappel », never « relance » (dunning); a no-break space comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";
import { shortDate } from "./followupText.ts";

const NBSP = "\u00a0";

export const TEAMS_DELIVERY_TEXT = {
  en: {
    /** on the card everyone but the owner sees */
    unreachable: (who: string) =>
      `⚠ ${who} cannot be reached in Teams yet (Accord is not installed for them). Their notice is kept and goes out as soon as they open Accord in Teams; an admin can pre-install the app for the team.`,
    /** App Home / personal chat: the people of your disputes Accord cannot reach */
    homeTitle: "Cannot be reached in Teams",
    homeLine: (who: string, since: string) => `${who} (since ${since})`,
    homeWhy: "Their notices go out once they open Accord in Teams.",
    more: (n: number) => `and ${n} more`,
    // `digest` in a Teams channel
    notAChannel: "Type `digest here` in the channel that should get the digest (a team's channel), not in a personal chat.",
    usage: "`digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:<email>]` subscribes this channel; `digest off` stops it; `digest` lists its digests.",
  },
  fr: {
    unreachable: (who: string) =>
      `⚠ ${who} n’est pas encore joignable dans Teams (Accord n’y est pas installé pour cette personne). Son avis est conservé et partira dès qu’elle ouvrira Accord dans Teams${NBSP}; un administrateur peut préinstaller l’application pour l’équipe.`,
    homeTitle: `Injoignables dans Teams${NBSP}`,
    homeLine: (who: string, since: string) => `${who} (depuis le ${since})`,
    homeWhy: "Leurs avis partiront dès qu’ils ouvriront Accord dans Teams.",
    more: (n: number) => `et ${n} autre${n > 1 ? "s" : ""}`,
    notAChannel: `Tapez \`digest here\` dans le canal qui doit recevoir la synthèse (un canal d’équipe), pas dans une conversation personnelle.`,
    usage: `\`digest here [HH:MM] [daily|weekly] [always] [reason:<code>] [owner:<e-mail>]\` abonne ce canal${NBSP}; \`digest off\` arrête ses synthèses${NBSP}; \`digest\` les liste.`,
  },
} as const satisfies Record<Locale, unknown>;

export const teamsDeliveryText = (locale: Locale) => TEAMS_DELIVERY_TEXT[locale];

/** App Home's line under the summary: « ⚠ Injoignables dans Teams : Paul Durand (depuis le 10 mars). Leurs avis… ». */
export function teamsReachHomeText(away: { name: string; since: Date }[], locale: Locale): string {
  const w = TEAMS_DELIVERY_TEXT[locale];
  const shown = away.slice(0, 10).map((u) => w.homeLine(u.name, shortDate(u.since.toISOString().slice(0, 10), locale)));
  const more = away.length > shown.length ? [w.more(away.length - shown.length)] : [];
  return `⚠ ${w.homeTitle}: ${[...shown, ...more].join(", ")}. ${w.homeWhy}`;
}
