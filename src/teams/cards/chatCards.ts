import type { Locale } from "../../domain/types.ts";
import type { DisputeListView } from "../../views/lists.ts";
import { teamsChatText } from "../../views/teamsChatText.ts";
import { MAX_CARD_BYTES, type AdaptiveJson } from "./disputeCard.ts";
import { PAYLOAD_KEY } from "./actions.ts";
import type { TeamsListScope } from "../chatCommand.ts";

// The personal chat's cards (pure): the dispute list (`list`), each row with an Open button, and the `new` card
// whose button opens the new-dispute dialog (task/fetch, answered by src/teams/listeners/dialog.ts).

/**
 * The verb of a list row's Nudge (an Action.Execute: data = the row's `nudge` payload and the list's scope). The
 * answer replaces the list with the same list, a notice on top (sent, or when the next nudge is possible):
 * src/teams/listeners/listNudge.ts.
 */
export const TEAMS_LIST_NUDGE_VERB = "accord.list.nudge";
/** The data key of the list's scope on a row's Nudge. */
export const LIST_SCOPE_KEY = "list";

/** The data of the `new` card's button: the dialog helper opens the new-dispute dialog on a task/fetch carrying it. */
export const NEW_DISPUTE_DATA = { [PAYLOAD_KEY]: "new" } as const;

const card = (body: AdaptiveJson[], actions?: AdaptiveJson[], lang?: Locale): AdaptiveJson => ({
  type: "AdaptiveCard",
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
  version: "1.5",
  ...(lang ? { lang } : {}),
  body,
  ...(actions?.length ? { actions } : {}),
});

const text = (s: string, extra: AdaptiveJson = {}): AdaptiveJson => ({ type: "TextBlock", text: s, wrap: true, ...extra });

/** The `new` answer: an Action.Submit with msteams task/fetch (Action.Execute cannot open a dialog). */
export function newDisputeCard(lang: Locale): AdaptiveJson {
  const w = teamsChatText(lang);
  return card([text(w.newTitle, { size: "Medium", weight: "Bolder" }), text(w.newText)], [{ type: "Action.Submit", title: w.newButton, style: "positive", data: { msteams: { type: "task/fetch" }, ...NEW_DISPUTE_DATA } }], lang);
}

/**
 * The list as a card: its heading, then one row per dispute (overdue ones marked) with an Open button, an
 * Action.Submit whose data carries the row's typed payload (`{ t: "show", d }`): Teams sends it back as a message
 * whose `value` the message listener reads. A row whose owner the viewer may nudge (the view model's `nudge`, as
 * Slack's list menu) also has « Envoyer un rappel » / "Nudge", an Action.Execute of TEAMS_LIST_NUDGE_VERB carrying
 * the list's `scope` so the answer is this list again. Within the card size limit (rows beyond it are counted in "more").
 */
export function disputeListCard(list: DisputeListView, heading: string, lang: Locale, scope: TeamsListScope = "mine"): AdaptiveJson {
  const w = teamsChatText(lang);
  const head: AdaptiveJson[] = [text(heading, { size: "Medium", weight: "Bolder" }), text(list.title, { isSubtle: true, spacing: "None" })];
  if (list.empty) head.push(text(list.empty));
  const rows = list.rows.map((r) => ({
    type: "ColumnSet",
    separator: true,
    columns: [
      {
        type: "Column",
        width: "stretch",
        verticalContentAlignment: "Center",
        items: [
          text(`${r.overdue ? "⚠ " : ""}${r.text}`, r.overdue ? { color: "Attention" } : {}),
          // the owner cannot be reached in Teams (their notice is kept), as on the card and in App Home
          ...(r.warning ? [text(r.warning, { color: "Attention", size: "Small", spacing: "None" })] : []),
        ],
      },
      {
        type: "Column",
        width: "auto",
        verticalContentAlignment: "Center",
        items: [
          {
            type: "ActionSet",
            actions: [
              { type: "Action.Submit", title: w.open, data: { [PAYLOAD_KEY]: r.button.value } },
              ...(r.nudge ? [{ type: "Action.Execute", title: r.nudge.label, verb: TEAMS_LIST_NUDGE_VERB, data: { [PAYLOAD_KEY]: r.nudge.value, [LIST_SCOPE_KEY]: scope } }] : []),
            ],
          },
        ],
      },
    ],
  }));
  let shown = rows.length;
  const build = () => {
    const dropped = rows.length - shown;
    const more = list.more ?? (dropped > 0 ? `+${dropped}` : null);
    return card([...head, ...rows.slice(0, shown), ...(more ? [text(more, { isSubtle: true })] : [])], undefined, lang);
  };
  let out = build();
  while (shown > 0 && Buffer.byteLength(JSON.stringify(out), "utf8") >= MAX_CARD_BYTES) {
    shown--;
    out = build();
  }
  return out;
}
