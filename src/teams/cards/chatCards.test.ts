import { describe, expect, it } from "vitest";
import { encodeAction } from "../../views/actions.ts";
import type { DisputeListView } from "../../views/lists.ts";
import { PAYLOAD_KEY } from "./actions.ts";
import { disputeListCard, LIST_SCOPE_KEY, TEAMS_LIST_NUDGE_VERB } from "./chatCards.ts";
import { MAX_CARD_BYTES, type AdaptiveJson } from "./disputeCard.ts";

// The personal chat's list card (pure): each row's Open, and Nudge where the view model offers it.

const row = (d: number, nudge: boolean, text = `D-2026-${String(d).padStart(4, "0")} · Boulangerie Dupont · 1 200,00 €`): DisputeListView["rows"][number] => ({
  disputeId: d,
  text,
  overdue: false,
  button: { label: "Ouvrir", value: encodeAction({ t: "show", d }) },
  ...(nudge ? { nudge: { label: "Envoyer un rappel", value: encodeAction({ t: "nudge", d }) } } : {}),
});
const list = (rows: DisputeListView["rows"]): DisputeListView => ({ title: `${rows.length} litiges`, empty: null, rows, more: null });
const actionsOf = (c: AdaptiveJson) => (c.body as AdaptiveJson[]).filter((n) => n.type === "ColumnSet").map((r) => JSON.parse(JSON.stringify(r)).columns[1].items[0].actions as AdaptiveJson[]);

describe("the Teams list card", () => {
  it("puts Nudge (an Action.Execute carrying the list's scope) next to Open on the rows the view model offers it", () => {
    const c = disputeListCard(list([row(1, true), row(2, false)]), "Litiges en retard", "fr", "overdue");
    const [first, second] = actionsOf(c);
    expect(first).toEqual([
      { type: "Action.Submit", title: "Ouvrir", data: { [PAYLOAD_KEY]: encodeAction({ t: "show", d: 1 }) } },
      { type: "Action.Execute", title: "Envoyer un rappel", verb: TEAMS_LIST_NUDGE_VERB, data: { [PAYLOAD_KEY]: encodeAction({ t: "nudge", d: 1 }), [LIST_SCOPE_KEY]: "overdue" } },
    ]);
    expect(second!.map((a) => a.type)).toEqual(["Action.Submit"]);
    // the `list` command's default scope
    expect(actionsOf(disputeListCard(list([row(1, true)]), "Vos litiges", "fr"))[0]![1]!.data).toMatchObject({ [LIST_SCOPE_KEY]: "mine" });
  });

  it("stays under Teams' card size with a Nudge on every row, counting the rows left out", () => {
    const rows = Array.from({ length: 120 }, (_, i) => row(i + 1, true, `D-2026-${String(i + 1).padStart(4, "0")} · ${"Société Générale de Boulangerie Industrielle ".repeat(4)}· 12 345,67 €`));
    const c = disputeListCard(list(rows), "Tous les litiges", "fr", "all");
    expect(Buffer.byteLength(JSON.stringify(c), "utf8")).toBeLessThan(MAX_CARD_BYTES);
    const shown = actionsOf(c).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(120);
    expect((c.body as AdaptiveJson[]).at(-1)).toMatchObject({ type: "TextBlock", text: `+${120 - shown}` });
  });

  it("says under a row when its owner cannot be reached in Teams", () => {
    const warning = "⚠ Paul Durand n’est pas encore joignable dans Teams\u00a0: son avis est conservé jusqu’à ce qu’il ou elle ouvre Accord dans Teams.";
    const c = disputeListCard(list([{ ...row(1, true), warning }, row(2, false)]), "Vos litiges", "fr");
    const cells = (c.body as AdaptiveJson[]).filter((n) => n.type === "ColumnSet").map((r) => JSON.parse(JSON.stringify(r)).columns[0].items as AdaptiveJson[]);
    expect(cells[0]).toEqual([expect.objectContaining({ text: row(1, true).text }), { type: "TextBlock", text: warning, wrap: true, color: "Attention", size: "Small", spacing: "None" }]);
    expect(cells[1]).toHaveLength(1);
  });
});
