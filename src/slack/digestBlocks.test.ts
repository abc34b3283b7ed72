import { describe, expect, it } from "vitest";
import type { DigestBrief, DigestFacts } from "../app/ports.ts";
import type { WhatToDecide } from "../app/whatToDecide.ts";
import { buildDigestView, chartInputs } from "../views/digestView.ts";
import { parseAction } from "../views/actions.ts";
import { digestMessage } from "./blocks/digest.ts";
import { checkBlockKit, LIMITS } from "./blocks/kit.ts";

// The digest's Slack message against Slack's limits (issue 11): a team of 200 owners, 100 reasons, three currencies,
// long names, in French and in English: within 50 blocks and the text limits, rows ending with "and N more".

const brief = (i: number, currency = "EUR"): DigestBrief => ({
  disputeId: i, number: `D-2026-${String(i).padStart(4, "0")}`, version: 2, customerName: `Client ${"très long ".repeat(20)}${i}`,
  ownerEmail: `owner${i}@acme.test`, ownerName: `Owner ${i}`, priority: "normal", currency, amount: 123456 * i, followUpOn: "2026-03-01",
  slaDueOn: "2026-02-01", openedAt: "2025-11-01T10:00:00.000Z", firstMissedOn: "2026-03-01", unanswered: 3,
});

function facts(owners: number, reasons: number): DigestFacts {
  return {
    now: "2026-03-12T08:00:00.000Z", since: "2026-03-11T08:00:00.000Z", today: "2026-03-12",
    open: { count: 1234, overdue: 400, slaBreached: 300, counts: { EUR: 1000, USD: 200, GBP: 34 }, amounts: { EUR: 123456789, USD: 5000000, GBP: 12345 } },
    held: { EUR: 100000000, USD: 4000000 },
    opened: { count: 12, amounts: { EUR: 345600 } },
    resolved: { count: 7, withdrawn: 1, medianDays: 4.5 },
    late: {
      ownersTotal: owners,
      owners: Array.from({ length: Math.min(owners, 20) }, (_, i) => ({
        email: `owner${i}@acme.test`, name: `Propriétaire au nom vraiment très long numéro ${i} ${"x".repeat(100)}`, slackUserId: i % 2 ? `U${i}` : null,
        count: 30 - i, overdue: 20 - (i % 20), slaBreached: 10, amounts: { EUR: 123456 * (i + 1), USD: 99900, GBP: 1 }, worst: { disputeId: 1000 + i, number: `D-2026-${1000 + i}`, version: 3 },
      })),
    },
    reasons: Array.from({ length: reasons }, (_, i) => ({ code: `r${i}`, labelFr: `Motif ${i} ${"é".repeat(40)}`, labelEn: `Reason ${i} ${"e".repeat(40)}`, count: 100 - i, amounts: { EUR: 100 * i, USD: 5 } })),
    oldest: [1, 2, 3, 4, 5].map((i) => brief(i)),
    chart: [
      { currency: "EUR", bucket: "0-30", reasonCode: "r0", labelFr: "Prix", labelEn: "Price", amount: 100 },
      { currency: "GBP", bucket: "90+", reasonCode: "r1", labelFr: "Qualité", labelEn: "Quality", amount: 5 },
    ],
  };
}

const decide = (): WhatToDecide => {
  const b = (i: number) => ({ ...brief(i), openedAt: new Date("2025-11-01T10:00:00Z") });
  return { today: "2026-03-12", slaBreaches: [1, 2, 3, 4, 5].map(b), oldest: [1, 2, 3, 4, 5].map(b), largest: [1, 2, 3, 4, 5].map(b), litigation: [1, 2, 3, 4, 5].map(b), thresholds: { EUR: 5000000 } };
};

const charts = ["EUR", "GBP", "USD", "CHF"].map((c) => ({ currency: c, url: `https://accord.example/charts/${"t".repeat(43)}.png` }));

describe("the digest message", () => {
  it.each(["fr", "en"] as const)("a team of 200 owners and 100 reasons stays within Slack's limits (%s), rows ending with and N more", (locale) => {
    const v = buildDigestView({ facts: facts(200, 100), decide: decide(), charts, locale, timezone: "Europe/Paris", reasonLabel: "Prix", ownerName: null });
    const msg = digestMessage(v);
    expect(checkBlockKit("message", msg)).toEqual([]);
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    const json = JSON.stringify(msg.blocks);
    const rows = msg.blocks.filter((b) => b.type === "actions");
    expect(rows.length).toBeGreaterThan(5);
    const more = locale === "fr" ? `… et ${200 - rows.length} autres chargés de résolution` : `… and ${200 - rows.length} more owners`;
    expect(json).toContain(more);
    expect(json).toContain("/dispute list overdue all");
    expect(msg.blocks.filter((b) => b.type === "image")).toHaveLength(3);
    // the owner @-mentioned when their Slack id is known, each row with Nudge and Reassign on their most overdue dispute
    expect(json).toContain("<@U1>");
    const first = rows[0]!.elements as { action_id: string; value: string }[];
    expect(first.map((e) => e.action_id)).toEqual(["dispute.nudge", "card.reassign"]);
    expect(parseAction(first[0]!.value)).toEqual({ t: "nudge", d: 1000 });
    expect(parseAction(first[1]!.value)).toEqual({ t: "card", a: "reassign", d: 1000, v: 3 });
    expect(json).toContain(locale === "fr" ? "… et " : "… and ");
  });

  it("headline figures per currency, never summed; French amounts and words", () => {
    const msg = digestMessage(buildDigestView({ facts: facts(2, 2), decide: decide(), charts: [], locale: "fr", timezone: "Europe/Paris", reasonLabel: null, ownerName: null }));
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain("*EUR* · 1000 litiges ouverts · 1\u202f234\u202f567,89\u00a0€ en litige · 1\u202f000\u202f000,00\u00a0€ suspendus des relances");
    expect(json).toContain("*USD* · 200 litiges ouverts · 50\u202f000,00\u00a0$US en litige");
    expect(json).toContain("Synthèse des litiges — jeudi 12 mars");
    expect(json).toContain("*Depuis la dernière synthèse (11 mars, 9\u00a0h\u00a000)\u00a0:* 12 ouverts · 7 résolus (en 4,5\u00a0j, médiane) · 1 retiré");
    expect(json).toContain("Tous les litiges ouverts");
    expect(json).not.toMatch(/relance(?!s)/); // « relances » only as dunning
    expect(json).not.toContain("… et"); // two owners: all shown
    expect(msg.blocks.filter((b) => b.type === "actions")).toHaveLength(2);
  });

  it("in English, with nothing late", () => {
    const f = { ...facts(0, 1), late: { ownersTotal: 0, owners: [] } };
    const msg = digestMessage(buildDigestView({ facts: f, decide: decide(), charts: [], locale: "en", timezone: "Europe/Paris", reasonLabel: null, ownerName: "Paul Durand" }));
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain("Dispute digest — Thursday 12 Mar");
    expect(json).toContain("*EUR* · 1000 open disputes · €1,234,567.89 disputed · €1,000,000.00 held from dunning");
    expect(json).toContain("No overdue follow-up, no SLA exceeded.");
    expect(json).toContain("Owner: Paul Durand");
    expect(msg.blocks.filter((b) => b.type === "actions")).toHaveLength(0);
  });

  it("chart inputs: one per currency, labels in the reader's language", () => {
    expect(chartInputs(facts(0, 0), "en")).toEqual([
      { currency: "EUR", cells: [{ bucket: "0-30", reason: "Price", amount: 100 }] },
      { currency: "GBP", cells: [{ bucket: "90+", reason: "Quality", amount: 5 }] },
    ]);
  });
});
