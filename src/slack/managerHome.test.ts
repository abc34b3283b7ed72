import { afterEach, describe, expect, it } from "vitest";
import type { DisputeBrief } from "../app/ports.ts";
import { remindFollowUps } from "../app/remindFollowUps.ts";
import type { TeamOverview } from "../app/teamOverview.ts";
import { DEFAULT_SETTINGS } from "../domain/settings.ts";
import { NOTICE_PLACEHOLDERS } from "../domain/template.ts";
import { parseAction } from "../views/actions.ts";
import { buildHome } from "../views/lists.ts";
import { MANAGER_TEXT } from "../views/managerText.ts";
import { buildTeamSection } from "../views/teamView.ts";
import { mineOf, personOf, reasonOf } from "../test/builders.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../test/harness.ts";
import { ACTION_IDS, checkBlockKit, homeView, LIMITS, type Block } from "./blocks.ts";
import { renderHome, TEAM_ROWS_PER_OWNER } from "./render.ts";

// The manager view in the App Home (issue 11): a team section per owner with Nudge and Reassign on each row, then
// "what to decide"; within Slack's 100 blocks for a home, whatever the size of the team.

const brief = (i: number, owner: string, over: Partial<DisputeBrief> = {}): DisputeBrief => ({
  disputeId: i, number: `LIT-2026-${String(i).padStart(4, "0")}`, version: 2, customerName: `Client <${i}> & fils`, ownerEmail: owner, ownerName: owner.split("@")[0]!,
  priority: "normal", currency: "EUR", amount: 1234_56, followUpOn: "2026-03-20", slaDueOn: "2026-03-01", openedAt: new Date("2026-02-01T10:00:00Z"),
  firstMissedOn: "2026-03-03", unanswered: 2, ...over,
});

function teamOf(owners: number, rowsEach = 4): TeamOverview {
  const list = Array.from({ length: owners }, (_, o) => {
    const email = `owner${o}@acme.fr`;
    const rows = Array.from({ length: rowsEach }, (_, r) => brief(o * 100 + r + 1, email));
    return { email, name: `Owner ${o} ${"x".repeat(100)}`, count: rowsEach + 3, overdue: rowsEach, amounts: { EUR: 10_000_00, USD: 500_00 }, rows };
  });
  const five = list.flatMap((o) => o.rows).slice(0, 5);
  return {
    today: "2026-03-10", teamSize: owners, owners: list, totals: { count: owners * (rowsEach + 3), overdue: owners * rowsEach, amounts: { EUR: 1e9, USD: 5e6 } },
    decide: { today: "2026-03-10", slaBreaches: five, oldest: five, largest: five, litigation: five, thresholds: { EUR: 50000_00 } },
  };
}

const texts = (blocks: Block[]) => JSON.stringify(blocks);
const buttons = (blocks: Block[]) =>
  blocks.filter((b) => b.type === "actions").flatMap((b) => (b.elements as Block[]).map((e) => ({ id: e.action_id as string, value: e.value as string, label: (e.text as { text: string }).text })));

describe("manager home rendering", () => {
  const marc = personOf("marc@acme.fr", { role: "manager", locale: "fr" });

  it("shows each owner with counts and amounts, each row with Nudge and Reassign, then what to decide", () => {
    const team = teamOf(2, 2);
    const home = homeView(buildHome(mineOf(0), marc, "fr", { maxCards: 35, team: buildTeamSection(team, "fr", { rowsPerOwner: TEAM_ROWS_PER_OWNER }) }));
    expect(checkBlockKit("home", home)).toEqual([]);
    const all = texts(home.blocks);
    expect(all).toContain(MANAGER_TEXT.fr.teamTitle);
    expect(all).toContain("Owner 0");
    expect(all).toContain("5 ouverts, 2 en retard");
    expect(all).toContain("10\u202f000,00\u00a0€ + 500,00\u00a0$US");
    expect(all).toContain("en retard depuis le 3 mars, 2 rappels sans réponse");
    expect(all).toContain("Client &lt;1&gt; &amp; fils"); // escaped
    expect(all).toContain("+3 autres pour ce chargé de résolution");
    for (const title of [MANAGER_TEXT.fr.decideTitle, MANAGER_TEXT.fr.slaBreaches, MANAGER_TEXT.fr.oldest, MANAGER_TEXT.fr.largest, MANAGER_TEXT.fr.litigation]) expect(all).toContain(title);
    expect(all).toContain("50\u202f000,00\u00a0€");
    expect(all.toLowerCase()).not.toContain("relance");
    const b = buttons(home.blocks);
    expect(b.filter((x) => x.id === ACTION_IDS.nudge).map((x) => parseAction(x.value))).toEqual([1, 2, 101, 102].map((d) => ({ t: "nudge", d })));
    expect(b.filter((x) => x.id === ACTION_IDS.cardButton("reassign")).map((x) => parseAction(x.value))).toEqual([1, 2, 101, 102].map((d) => ({ t: "card", a: "reassign", d, v: 2 })));
    expect(b.find((x) => x.id === ACTION_IDS.nudge)?.label).toBe("Envoyer un rappel");
  });

  it("says so when the team has nothing open, in English too", () => {
    const team = { ...teamOf(0), teamSize: 3 };
    const home = homeView(buildHome(mineOf(0), { ...marc, locale: "en" }, "en", { maxCards: 35, team: buildTeamSection(team, "en", { rowsPerOwner: 3 }) }));
    const all = texts(home.blocks);
    expect(all).toContain("Nothing open in your team.");
    expect(all).toContain("3 people in your team");
    expect(all).toContain("What to decide");
  });

  it("a team of 200 owners stays within 100 blocks and ends with 'and N more', with or without cards and the admin section", () => {
    const admin = { reasons: Array.from({ length: 30 }, (_, i) => reasonOf(i + 1)), templates: DEFAULT_SETTINGS.noticeTemplate, placeholders: NOTICE_PLACEHOLDERS };
    for (const [mine, withAdmin] of [[0, false], [60, false], [60, true]] as const) {
      for (const locale of ["fr", "en"] as const) {
        const section = buildTeamSection(teamOf(200), locale, { rowsPerOwner: TEAM_ROWS_PER_OWNER });
        const home = homeView(buildHome(mineOf(mine, 20), marc, locale, { maxCards: 35, team: section, ...(withAdmin ? { admin } : {}) }));
        expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
        expect(checkBlockKit("home", home)).toEqual([]);
        const all = texts(home.blocks);
        const shown = home.blocks.filter((b) => b.type === "section" && /^\*Owner \d/.test(String((b.text as { text: string }).text))).length;
        expect(shown).toBeGreaterThan(mine ? 2 : 8);
        expect(buttons(home.blocks).filter((x) => x.id === ACTION_IDS.nudge).length).toBe(shown * TEAM_ROWS_PER_OWNER);
        const last = home.blocks.filter((b) => b.type === "context").map((b) => JSON.stringify(b));
        expect(last.some((x) => x.includes(JSON.stringify(section.moreOwners(200 - shown)).slice(1, -1)))).toBe(true);
        expect(all).toContain(MANAGER_TEXT[locale].decideTitle); // what to decide always shows
        if (mine) expect(all).toContain("LIT-"); // and the manager's own cards still do
      }
    }
  });
});

describe("renderHome for a manager (store to blocks)", () => {
  let a: TestAccord | null = null;
  afterEach(async () => {
    await a?.stop();
    a = null;
  });

  it("a manager with nothing of their own sees the team's open disputes, not only « Rien d'ouvert pour vous »", async () => {
    a = await startTestAccord({}, { now: "2026-03-10T09:00:00Z" });
    await seedLedger(a);
    const r = await a.call("POST", "/api/v1/disputes", {
      customerRef: "C002", items: [{ ref: "F-2001" }], reasonCode: "price", statement: "Prix erroné", openedByEmail: "claire@acme.fr", ownerEmail: "sophie@acme.fr", followUpOn: "2026-03-11",
    });
    expect(r.status).toBe(201);
    await remindFollowUps(a.deps, new Date("2026-03-11T08:00:00Z"));
    a.clock.set("2026-03-11T10:00:00Z");
    const marc = (await a.deps.store.people.byEmail("marc@acme.fr"))!;
    const home = await renderHome(a.deps, marc);
    expect(checkBlockKit("home", home)).toEqual([]);
    const all = texts(home.blocks);
    expect(all).toContain("Litiges de mon équipe");
    expect(all).toContain("Sophie Leroy");
    expect(all).toContain("1 ouvert, 1 en retard");
    expect(all).toContain(`⚠ ${r.body.dispute.number} · Garage Moreau`);
    expect(buttons(home.blocks).filter((x) => x.id === ACTION_IDS.nudge).map((x) => parseAction(x.value))).toEqual([{ t: "nudge", d: r.body.dispute.id }]);
    // Claire (no team) gets no team section
    const claire = (await a.deps.store.people.byEmail("claire@acme.fr"))!;
    expect(texts((await renderHome(a.deps, claire)).blocks)).not.toContain("Litiges de mon équipe");
  });
});
