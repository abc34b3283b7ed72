// Words of absences and deputies (issue 11), kept apart from i18n.ts. The deputy is the « suppléant »; a
// follow-up reminder is a « rappel » (never « relance »); a no-break space comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";
import { shortDate } from "./followupText.ts";

const NBSP = "\u00a0";

export const ABSENCE_TEXT = {
  en: {
    onBehalfOf: (name: string, until: string) => `${name} is away (until ${until}) and you are their deputy: `,
  },
  fr: {
    onBehalfOf: (name: string, until: string) => `En l’absence de ${name} (jusqu’au ${until}), vous êtes son suppléant${NBSP}: `,
  },
} as const;

/** « En l’absence de Camille Martin (jusqu’au 12 déc.), vous êtes son suppléant : » before a deputy's reminder. */
export function onBehalfOfLine(ownerName: string, untilOn: string, locale: Locale): string {
  return ABSENCE_TEXT[locale].onBehalfOf(ownerName, shortDate(untilOn, locale));
}
