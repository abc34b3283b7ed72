// Words of the daily digest's chart (issue 11), kept apart from i18n.ts. In French « j » is the unit of
// days, preceded by a no-break space; a no-break space also comes before « : ; ! ? ».
import type { Locale } from "../domain/types.ts";

const NBSP = "\u00a0";

/** Age buckets of a disputed amount, by days since the dispute was opened. */
export const AGE_BUCKETS = ["0-30", "31-60", "61-90", "90+"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export const DIGEST_CHART_TEXT = {
  en: {
    title: "Disputed amount by age and reason",
    subtitle: (currency: string, total: string) => `${currency} — total ${total}`,
    xAxis: "Age of the dispute",
    yAxis: "Disputed amount",
    buckets: { "0-30": "0–30 d", "31-60": "31–60 d", "61-90": "61–90 d", "90+": "> 90 d" } satisfies Record<AgeBucket, string>,
    empty: "No open dispute",
  },
  fr: {
    title: "Montant en litige par ancienneté et motif",
    subtitle: (currency: string, total: string) => `${currency} — total${NBSP}: ${total}`,
    xAxis: "Ancienneté du litige",
    yAxis: "Montant en litige",
    buckets: { "0-30": `0–30${NBSP}j`, "31-60": `31–60${NBSP}j`, "61-90": `61–90${NBSP}j`, "90+": `> 90${NBSP}j` } satisfies Record<AgeBucket, string>,
    empty: "Aucun litige ouvert",
  },
} as const satisfies Record<Locale, unknown>;
