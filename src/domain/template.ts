// The owner-notice template (settings.noticeTemplate): placeholders replaced by the dispute's values.
// Pure: the caller formats amounts and dates in the reader's locale.

export const NOTICE_PLACEHOLDERS = [
  "#customer_name",
  "#items_list_selected",
  "#reason",
  "#comment",
  "#follow_up_date",
  "#total_disputed",
  "#dispute_link",
] as const;
export type NoticePlaceholder = (typeof NOTICE_PLACEHOLDERS)[number];

export type NoticeValues = Record<NoticePlaceholder, string>;

// Longest first, so that a placeholder that is the prefix of another never eats it.
const PATTERN = new RegExp([...NOTICE_PLACEHOLDERS].sort((a, b) => b.length - a.length).join("|"), "g");

/** Replaces every known placeholder in one pass (values are never re-scanned); unknown `#words` stay as written. */
export function renderTemplate(template: string, values: NoticeValues): string {
  return template.replace(PATTERN, (m) => values[m as NoticePlaceholder]);
}

/** The placeholders a template uses, in order of first use. */
export function usedPlaceholders(template: string): NoticePlaceholder[] {
  return [...new Set(template.match(PATTERN) ?? [])] as NoticePlaceholder[];
}
