import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../app/context.ts";
import { listDisputes } from "../../app/listDisputes.ts";
import { seedLedger, startTestAccord, type TestAccord } from "../../test/harness.ts";
import { onlyRolesText } from "../../views/help.ts";
import { t } from "../../views/i18n.ts";
import { TEAMS_ACTION_TEXT } from "../../views/teamsActionText.ts";
import { TEAMS_DATASETS } from "../cards/actions.ts";
import type { AdaptiveJson } from "../cards/disputeCard.ts";
import { handleDialogFetch, handleDialogSubmit, type TaskResponse } from "./dialog.ts";
import type { TeamsInvoke } from "./invoke.ts";
import { handleSearch } from "./search.ts";

// The new-dispute dialog and the type-ahead, handlers called directly (the HTTP path: src/teams/invoke.http.test.ts).

let a: TestAccord;
let deps: Deps;
const USERS = { claire: "29:claire", paul: "29:paul", sophie: "29:sophie", nobody: "29:nobody" } as const;
type Who = keyof typeof USERS;

beforeAll(async () => {
  a = await startTestAccord();
  await seedLedger(a);
  deps = { ...a.deps, chatQueue: ["teams"] };
  for (const who of ["claire", "paul", "sophie"] as const) await a.deps.store.teams.pin(`${who}@acme.fr`, { teamsUserId: USERS[who] });
});
afterAll(() => a.stop());

const h = () => ({ deps, log: { warn() {}, error() {}, info() {} } });
const activity = (who: Who, name: string, value: unknown): TeamsInvoke => ({ id: `x-${Math.random()}`, name, from: { id: USERS[who] }, conversation: { id: `a:personal-${who}` }, locale: "fr-FR", value });
const fetchDialog = (who: Who, data: Record<string, unknown> = { accord: "new" }) => handleDialogFetch(h(), activity(who, "task/fetch", { data, context: { theme: "default" } }));
const submit = (who: Who, data: Record<string, unknown>) => handleDialogSubmit(h(), activity(who, "task/submit", { data: { accord: "new", step: "submit", key: "dialog-key-0001", ...data }, context: { theme: "default" } }));
const search = (who: Who, dataset: string, queryText: string, data?: Record<string, unknown>) => handleSearch(h(), activity(who, "application/search", { queryText, dataset, queryOptions: { skip: 0, top: 15 }, ...(data ? { data } : {}) }));

function nodes(x: unknown, out: AdaptiveJson[] = []): AdaptiveJson[] {
  if (Array.isArray(x)) for (const y of x) nodes(y, out);
  else if (x && typeof x === "object") {
    out.push(x as AdaptiveJson);
    for (const y of Object.values(x)) nodes(y, out);
  }
  return out;
}
function cardOf(r: TaskResponse | null): AdaptiveJson {
  expect(r?.task.type).toBe("continue");
  const v = (r as Extract<TaskResponse, { task: { type: "continue" } }>).task.value;
  expect(v.card.contentType).toBe("application/vnd.microsoft.card.adaptive");
  return v.card.content;
}
const input = (c: AdaptiveJson, id: string) => nodes(c).find((n) => n.id === id);
/** The error shown under an input (the element right after it, in attention colour), or null. */
function errorUnder(c: AdaptiveJson, id: string): string | null {
  const body = c.body as AdaptiveJson[];
  let i = body.findIndex((x) => x.id === id) + 1;
  while (body[i] && body[i]!.type === "TextBlock" && body[i]!.color !== "Attention" && body[i]!.isSubtle) i++;
  return body[i]?.type === "TextBlock" && body[i]!.color === "Attention" ? (body[i]!.text as string) : null;
}
const messageOf = (r: TaskResponse | null): string => {
  expect(r?.task.type).toBe("message");
  return (r as Extract<TaskResponse, { task: { type: "message" } }>).task.value;
};
const itemId = async (ref: string) => (await deps.store.items.ofCustomer((await deps.store.customers.byRef(ref.startsWith("F-2") ? "C002" : "C001"))!.id, {})).find((i) => i.ref === ref)!.id;

describe("Teams new-dispute dialog", () => {
  it("opens with the Slack modal's fields, customers, invoices and people by type-ahead", async () => {
    const c = cardOf(await fetchDialog("claire"));
    expect(input(c, "customer")).toMatchObject({ type: "Input.ChoiceSet", "choices.data": { type: "Data.Query", dataset: TEAMS_DATASETS.customers }, valueChangedAction: { type: "Action.ResetInputs", targetInputIds: ["items"] } });
    // the invoices depend on the customer chosen above (the card's inputs go with the query)
    expect(input(c, "items")).toMatchObject({ isMultiSelect: true, "choices.data": { type: "Data.Query", dataset: TEAMS_DATASETS.items, associatedInputs: "auto" } });
    expect(input(c, "owner")).toMatchObject({ "choices.data": { dataset: TEAMS_DATASETS.people } });
    expect((input(c, "reason")?.choices as { value: string }[]).map((x) => x.value)).toContain("price");
    for (const id of ["partials", "priority", "statement", "follow_up", "notify", "scope"]) expect(input(c, id)).toBeTruthy();
    expect(input(c, "follow_up")?.type).toBe("Input.Date");
    const actions = c.actions as AdaptiveJson[];
    expect(actions.map((x) => (x.data as { step: string }).step)).toEqual(["submit", "items", "preview"]);
    expect(actions.every((x) => x.type === "Action.Submit" && (x.data as { accord: string }).accord === "new")).toBe(true);
    expect(JSON.stringify(c)).toContain(t("fr").form.newTitle);
  });

  it("is refused to those who may not open disputes, and to people Accord does not know; other dialogs are not Accord's", async () => {
    expect(messageOf(await fetchDialog("paul"))).toBe(onlyRolesText("open", "fr"));
    expect(messageOf(await fetchDialog("nobody"))).toBe(TEAMS_ACTION_TEXT.fr.notKnown);
    expect(await fetchDialog("claire", { somethingElse: true })).toBeNull();
  });

  it("gives every missing field its error in the dialog, in the person's language", async () => {
    const c = cardOf(await submit("claire", {}));
    expect(errorUnder(c, "customer")).toBeTruthy();
    expect(errorUnder(c, "items")).toBeTruthy();
    expect(errorUnder(c, "reason")).toBeTruthy();
    expect(errorUnder(c, "statement")).toBeTruthy();
    expect(errorUnder(c, "owner")).toBeNull();
    expect(JSON.stringify(c)).toContain(TEAMS_ACTION_TEXT.fr.fixFields);
  });

  it("lists the chosen customer's open invoices in a second step, keeping what was typed", async () => {
    const c = cardOf(await submit("claire", { step: "items", customer: "C001", statement: "Prix contesté", reason: "price" }));
    const items = input(c, "items")!;
    expect((items.choices as { title: string }[]).map((x) => x.title.split(" · ")[0])).toEqual(["F-1001", "F-1002", "F-1003"]);
    expect(items["choices.data"]).toMatchObject({ dataset: `${TEAMS_DATASETS.items}:C001` });
    expect(input(c, "statement")?.value).toBe("Prix contesté");
    expect(input(c, "customer")).toMatchObject({ value: "C001", choices: [{ title: "Boulangerie Dupont (C001)", value: "C001" }] });
    // the reason's default owner: the customer's sales rep
    expect(input(c, "owner")).toMatchObject({ value: "paul@acme.fr" });
  });

  it("shows field errors of the use case under their field: amounts, dates, owner", async () => {
    const f1 = String(await itemId("F-1001"));
    const base = { customer: "C001", items: f1, reason: "price", statement: "Prix non conforme" };
    expect(errorUnder(cardOf(await submit("claire", { ...base, partials: "F-1001 beaucoup" })), "partials")).toBeTruthy();
    expect(errorUnder(cardOf(await submit("claire", { ...base, partials: "F-9999 10" })), "partials")).toBe(t("fr").reply.partialLine("F-9999 10"));
    const past = cardOf(await submit("claire", { ...base, follow_up: "2026-01-05" }));
    expect(errorUnder(past, "follow_up")).toMatch(/déjà passée/);
    expect(input(past, "statement")?.value).toBe("Prix non conforme");
    expect(errorUnder(cardOf(await submit("claire", { ...base, owner: "qui@ailleurs.fr" })), "owner")).toBe(t("fr").reply.unknownOwner);
    // invoices of another customer (the customer was changed after picking them)
    expect(errorUnder(cardOf(await submit("claire", { ...base, customer: "C002" })), "items")).toBe(TEAMS_ACTION_TEXT.fr.itemsOfAnotherCustomer);
    expect((await listDisputes(deps, {}))).toHaveLength(0);
  });

  it("previews the owner's notice in the dialog", async () => {
    const c = cardOf(await submit("claire", { step: "preview", customer: "C001", items: String(await itemId("F-1002")), reason: "price", statement: "Remise oubliée" }));
    const json = JSON.stringify(c);
    expect(json).toContain(TEAMS_ACTION_TEXT.fr.previewOf);
    expect(json).toContain("Boulangerie Dupont");
  });

  it("opens the dispute, once for a double submission, and queues its card for Teams", async () => {
    const f2 = String(await itemId("F-2001"));
    const data = { key: "dialog-key-open-1", customer: "C002", items: f2, partials: "F-2001 300,00", reason: "price", statement: "Le client conteste le prix", priority: "high", notify: "true" };
    const text = messageOf(await submit("claire", data));
    const disputes = await listDisputes(deps, {});
    expect(disputes).toHaveLength(1);
    const d = disputes[0]!.dispute;
    expect(text).toBe(t("fr").reply.opened(d.number, "Sophie Leroy"));
    expect(d).toMatchObject({ ownerEmail: "sophie@acme.fr", openedByEmail: "claire@acme.fr", priority: "high" });
    expect(disputes[0]!.items.map((i) => [i.item.ref, i.amount])).toEqual([["F-2001", 30000]]);
    expect((await deps.store.outbox.list({ orderKey: d.number, limit: 10 })).filter((r) => r.channel === "teams").map((r) => r.type)).toEqual(["dispute.changed"]);
    // the same dialog sent again: the same dispute
    expect(messageOf(await submit("claire", data))).toBe(text);
    expect((await listDisputes(deps, {}))).toHaveLength(1);
  });

  it("answers malformed submissions with the dialog or a message, never opening a dispute", async () => {
    const before = (await listDisputes(deps, {})).length;
    for (const data of [{ items: "abc,," }, { customer: ["C001"] }, { customer: "C001", items: "999999" }, { customer: "NOPE" }, { key: "../../etc" }, { step: "explode" }, { priority: "ultra", customer: "C001", reason: "price", statement: "x", scope: "customer" }]) {
      const r = await submit("claire", data);
      expect(["continue", "message"]).toContain(r?.task.type);
    }
    expect(await handleDialogSubmit(h(), activity("claire", "task/submit", null))).toBeNull();
    expect(await handleDialogSubmit(h(), activity("claire", "task/submit", { data: "new" }))).toBeNull();
    expect((await listDisputes(deps, {})).length).toBe(before);
  });

  it("flags a whole customer from the dialog", async () => {
    const text = messageOf(await submit("claire", { key: "dialog-key-flag-1", customer: "C001", scope: "customer", reason: "price", statement: "Le client conteste tout" }));
    const flagged = (await listDisputes(deps, {})).find((x) => x.dispute.scope === "customer");
    expect(flagged?.dispute.ownerEmail).toBe("paul@acme.fr");
    expect(text).toBe(t("fr").reply.opened(flagged!.dispute.number, "Paul Durand"));
  });
});

describe("Teams type-ahead (application/search)", () => {
  const titles = (r: Awaited<ReturnType<typeof handleSearch>>) => r.value.results.map((x) => x.title);
  it("answers customers, the chosen customer's invoices and people with the same search use cases", async () => {
    const customers = await search("claire", TEAMS_DATASETS.customers, "boul");
    expect(customers).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.search.searchResponse" });
    expect(customers.value.results).toEqual([{ title: "Boulangerie Dupont (C001)", value: "C001" }]);
    // the customer chosen in the card (dependent inputs), or named in the dataset
    expect(titles(await search("claire", TEAMS_DATASETS.items, "", { customer: "C001" })).map((x) => x.split(" · ")[0])).toEqual(expect.arrayContaining(["F-1003"]));
    expect(titles(await search("claire", `${TEAMS_DATASETS.items}:C001`, "1003")).map((x) => x.split(" · ")[0])).toEqual(["F-1003"]);
    expect(await search("claire", TEAMS_DATASETS.items, "")).toMatchObject({ value: { results: [] } });
    // people who may own disputes, accents and case ignored
    expect((await search("paul", TEAMS_DATASETS.people, "SOPH")).value.results).toEqual([{ title: "Sophie Leroy (sophie@acme.fr)", value: "sophie@acme.fr" }]);
    // a manager does not own disputes
    expect((await search("paul", TEAMS_DATASETS.people, "marc")).value.results).toEqual([]);
  });

  it("answers nothing to those who may not search, and to people Accord does not know", async () => {
    expect((await search("paul", TEAMS_DATASETS.customers, "boul")).value.results).toEqual([]);
    expect((await search("nobody", TEAMS_DATASETS.people, "")).value.results).toEqual([]);
    expect((await search("claire", "graph.microsoft.com/users", "x")).value.results).toEqual([]);
  });
});
