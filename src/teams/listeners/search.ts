import { searchCustomers } from "../../app/searchCustomers.ts";
import { searchItems } from "../../app/searchItems.ts";
import { searchPeople } from "../../app/searchPeople.ts";
import { AccordError } from "../../domain/errors.ts";
import { customerOption, itemOption } from "../../views/forms.ts";
import { TEAMS_DATASETS } from "../cards/actions.ts";
import { identifyViewer, localeOf, unexpected, sdkHandlerContext, type TeamsHandlerContext, type TeamsInvoke } from "./invoke.ts";
import type { App } from "@microsoft/teams.apps";
import type { TeamsKit } from "../mount.ts";

// Dynamic type-ahead of Adaptive Cards (Input.ChoiceSet with `choices.data` / Data.Query, invoke
// `application/search`): customers, the open invoices of the chosen customer, the people who may own
// disputes. Answered by the same search use cases as Slack's external selects, for the person typing.

export interface SearchResult {
  title: string;
  value: string;
}

export type SearchResponse = { statusCode: 200; type: "application/vnd.microsoft.search.searchResponse"; value: { results: SearchResult[] } };

const answer = (results: SearchResult[]): SearchResponse => ({ statusCode: 200, type: "application/vnd.microsoft.search.searchResponse", value: { results } });

/** Teams shows at most 15 choices; a client may ask for fewer, or page on with skip. */
const MAX_RESULTS = 15;

/** The dataset of a customer's invoices: `accord.items` with the customer in the dependent inputs, or `accord.items:<ref>`. */
export const itemsDataset = (customerRef?: string | null): string => (customerRef ? `${TEAMS_DATASETS.items}:${customerRef}` : TEAMS_DATASETS.items);

interface SearchValue {
  queryText?: unknown;
  dataset?: unknown;
  queryOptions?: { skip?: unknown; top?: unknown };
  /** the card's other inputs (Data.Query associatedInputs "auto"): the chosen customer */
  data?: Record<string, unknown>;
}

export async function handleSearch(h: TeamsHandlerContext, activity: TeamsInvoke): Promise<SearchResponse> {
  const v = (activity.value ?? {}) as SearchValue;
  const q = typeof v.queryText === "string" ? v.queryText.slice(0, 100) : "";
  const dataset = typeof v.dataset === "string" ? v.dataset : "";
  const skip = Math.max(0, Math.min(Number(v.queryOptions?.skip) || 0, 500));
  const top = Math.max(1, Math.min(Number(v.queryOptions?.top) || MAX_RESULTS, MAX_RESULTS));
  let locale = localeOf(activity.locale);
  try {
    const viewer = await identifyViewer(h, activity);
    // someone Accord does not know searches nothing
    if (!viewer) return answer([]);
    locale = viewer.locale;
    const page = <T>(list: T[]) => list.slice(skip, skip + top);
    if (dataset === TEAMS_DATASETS.customers) {
      return answer(page(await searchCustomers(h.deps, { q, viewerEmail: viewer.email, limit: Math.min(skip + top, 100) })).map((c) => {
        const o = customerOption(c);
        return { title: o.label, value: o.value };
      }));
    }
    if (dataset === TEAMS_DATASETS.items || dataset.startsWith(`${TEAMS_DATASETS.items}:`)) {
      const chosen = typeof v.data?.customer === "string" && v.data.customer.trim() ? v.data.customer.trim() : dataset.slice(TEAMS_DATASETS.items.length + 1);
      if (!chosen) return answer([]);
      return answer(page(await searchItems(h.deps, { customerRef: chosen, q, viewerEmail: viewer.email, limit: Math.min(skip + top, 500) })).map((c) => {
        const o = itemOption(c, locale);
        return { title: o.label, value: o.value };
      }));
    }
    if (dataset === TEAMS_DATASETS.people) {
      return answer(page(await searchPeople(h.deps, { q, viewerEmail: viewer.email, limit: Math.min(skip + top, 100) })).map((p) => ({ title: `${p.name} (${p.email})`, value: p.email })));
    }
    return answer([]);
  } catch (err) {
    // a sales rep typing in a controller's form, a customer that is not there: no choices
    if (err instanceof AccordError) return answer([]);
    unexpected(h, err, locale, "card.search");
    return answer([]);
  }
}

/** The SDK's route of `application/search` (Data.Query type-ahead). */
export function registerSearch(sdk: App, kit: TeamsKit): void {
  sdk.on("card.search", async (ctx) => (await handleSearch(sdkHandlerContext(kit, ctx), ctx.activity as unknown as TeamsInvoke)) as never);
}
