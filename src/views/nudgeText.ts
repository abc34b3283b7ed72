// Words of the Nudge (issue 11), kept apart from i18n.ts. In French a nudge is a « rappel » (never « relance »,
// which credit teams read as dunning); a no-break space comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";

export const NUDGE_TEXT = {
  en: {
    button: "Nudge",
    sent: (owner: string) => `Nudge sent to ${owner}.`,
    /** the owner is away: the nudge went to their deputy */
    sentToDeputy: (deputy: string, owner: string) => `Nudge sent to ${deputy}, deputy of ${owner}.`,
    tooSoon: (last: string, next: string) => `A nudge was already sent at ${last}; the next one is possible at ${next}.`,
    /** on top of the card in the owner's DM */
    line: (who: string, number: string) => `Nudge from ${who}: please give an update on dispute ${number}.`,
    timeline: (who: string, owner: string) => `${who} nudged ${owner}`,
  },
  fr: {
    button: "Envoyer un rappel",
    sent: (owner: string) => `Rappel envoyé à ${owner}.`,
    sentToDeputy: (deputy: string, owner: string) => `Rappel envoyé à ${deputy}, suppléant de ${owner}.`,
    tooSoon: (last: string, next: string) => `Rappel déjà envoyé à ${last}${NBSP}; prochain possible à ${next}.`,
    line: (who: string, number: string) => `Rappel de ${who}${NBSP}: merci de faire le point sur le litige ${number}.`,
    timeline: (who: string, owner: string) => `${who} a envoyé un rappel à ${owner}`,
  },
} as const;

/** An instant's time of day where the reader is: « 10 h 12 » / "10:12". */
export function timeOfDay(at: Date, timezone: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const h = parts.find((p) => p.type === "hour")!.value;
  const m = parts.find((p) => p.type === "minute")!.value;
  return locale === "fr" ? `${Number(h)}${NBSP}h${NBSP}${m}` : `${h}:${m}`;
}

/** The refusal of a nudge within the hour, in the reader's time zone. */
export function tooSoonText(lastAt: Date, nextAt: Date, timezone: string, locale: Locale): string {
  return NUDGE_TEXT[locale].tooSoon(timeOfDay(lastAt, timezone, locale), timeOfDay(nextAt, timezone, locale));
}
