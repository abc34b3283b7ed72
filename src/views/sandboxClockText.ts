// Words of the sandbox's clock (src/sandbox/sandbox.ts, POST /sandbox/api/clock): what a bad request is told, in
// the language of the person who clicked. The page's own button labels are in src/sandbox/public/i18n.js.
// French: a no-break space before « : ».

const NBSP = "\u00a0";
const list = (xs: readonly string[], or: string) => xs.map((x) => `"${x}"`).join(` ${or} `);

export const SANDBOX_CLOCK_TEXT = {
  en: {
    badAdvance: (allowed: readonly string[]) => `advance: the clock moves forward only, to ${list(allowed, "or")}`,
    unknownUser: "user: no such person in the sandbox",
    unknownField: (field: string) => `${field}: not a setting of the clock (only advance)`,
  },
  fr: {
    badAdvance: (allowed: readonly string[]) => `advance${NBSP}: l’horloge ne fait qu’avancer, à ${list(allowed, "ou")}`,
    unknownUser: `user${NBSP}: aucune personne de ce nom dans le bac à sable`,
    unknownField: (field: string) => `${field}${NBSP}: pas un réglage de l’horloge (seulement advance)`,
  },
} as const;
