// What a person writes to Accord in Teams (pure): `help` / `aide`, `new` / `nouveau`, `list [mine|overdue|all]` /
// `liste [mes|en retard|tous]`, `show D-2026-0042` / `voir D-2026-0042`, or a dispute number alone. The manifest's
// command menu (manifests/teams) puts these words in the compose box.

export type TeamsListScope = "mine" | "overdue" | "all";

export type TeamsChatCommand =
  | { kind: "help" }
  | { kind: "new" }
  | { kind: "list"; scope: TeamsListScope }
  | { kind: "list_unknown"; word: string }
  | { kind: "show"; number: string }
  | { kind: "show_which" }
  | { kind: "unknown"; word: string };

const SCOPES: Record<string, TeamsListScope> = {
  mine: "mine",
  my: "mine",
  mes: "mine",
  miens: "mine",
  moi: "mine",
  overdue: "overdue",
  late: "overdue",
  "en retard": "overdue",
  retard: "overdue",
  all: "all",
  tous: "all",
  toutes: "all",
  tout: "all",
};

const ENTITIES: Record<string, string> = { "&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'" };

/** The message as plain words: HTML tags (Teams may send <p>, <at>) and entities removed, spaces collapsed. */
export function plainText(text: string | null | undefined): string {
  return String(text ?? "")
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(nbsp|amp|lt|gt|quot|#39|apos);/gi, (e) => ENTITIES[e.toLowerCase()] ?? e)
    .replace(/[\s\u00a0\u202f]+/g, " ")
    .trim();
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export function parseChatCommand(text: string | null | undefined): TeamsChatCommand {
  const words = plainText(text).split(" ").filter(Boolean);
  const [head, ...rest] = words;
  if (!head) return { kind: "help" };
  switch (fold(head)) {
    case "help":
    case "aide":
    case "?":
      return { kind: "help" };
    case "new":
    case "nouveau":
    case "nouvel":
      return { kind: "new" };
    case "list":
    case "liste":
    case "lister": {
      const arg = fold(rest.join(" "));
      if (!arg) return { kind: "list", scope: "mine" };
      const scope = SCOPES[arg];
      return scope ? { kind: "list", scope } : { kind: "list_unknown", word: rest.join(" ") };
    }
    case "show":
    case "voir":
    case "afficher":
      return rest[0] ? { kind: "show", number: rest[0] } : { kind: "show_which" };
    default:
      return /^D-\d{4}-\d+$/i.test(head) ? { kind: "show", number: head } : { kind: "unknown", word: head.slice(0, 50) };
  }
}
