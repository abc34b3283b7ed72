import type { Deps } from "../app/context.ts";

/**
 * The deliverer's dependencies with the company's settings and the dispute reasons read once per claim round
 * (`round()` changes before each claim) instead of once per row: every row of a round is rendered with what was
 * stored when the round began, as if they had been rendered together. A read that fails is not kept.
 */
export function roundReads(deps: Deps, round: () => number): Deps {
  const store = deps.store;
  const once = <T>(read: () => Promise<T>): (() => Promise<T>) => {
    let kept: { round: number; value: Promise<T> } | null = null;
    return () => {
      const r = round();
      if (kept?.round === r) return kept.value;
      const value = read();
      const entry = { round: r, value };
      kept = entry;
      value.catch(() => {
        if (kept === entry) kept = null;
      });
      return value;
    };
  };
  const settings = once(() => store.settings.get());
  const reasons = once(() => store.reasons.list());
  return {
    ...deps,
    store: {
      ...store,
      settings: { ...store.settings, get: settings },
      reasons: { ...store.reasons, list: (...args: Parameters<typeof store.reasons.list>) => (args.length ? store.reasons.list(...args) : reasons()) },
    },
  };
}
