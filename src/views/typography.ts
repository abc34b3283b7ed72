// French typography, applied by construction to every French text Accord writes (src/views/fr.ts, the
// French error catalogue in src/views/errors.ts): a non-breaking space before « : » and inside « »,
// a narrow non-breaking one before ; ! ?. The catalogues are written with plain spaces.

export function frenchTypography(text: string): string {
  return text
    .replace(/ +:/g, "\u00a0:")
    .replace(/ +([;!?])/g, "\u202f$1")
    .replace(/« +/g, "«\u00a0")
    .replace(/ +»/g, "\u00a0»");
}
