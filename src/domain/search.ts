// Accent- and case-insensitive text search for type-ahead (customer search). SQLite's LIKE only folds ASCII
// case and cannot strip accents, so the adapters store a normalised key next to the row and compare
// normalised text as a plain substring.

/** NFD, combining marks (\p{M}) removed, lower case, whitespace runs collapsed to one space, trimmed. */
export function normalizeSearch(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** The stored search key of a customer: its ref and name, normalised. */
export const customerSearchKey = (c: { ref: string; name: string }): string => normalizeSearch(`${c.ref} ${c.name}`);
