import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import type { DialectName } from "./dialect.ts";

// Queries compiled once per shape. Building a query with Kysely and compiling it costs more than running
// it on SQLite (tens of microseconds for a select of two dozen columns), and a use case runs a dozen of
// them. A shape is a query whose SQL text depends only on its key: it is built once per dialect with
// placeholders in place of its parameters, compiled, and then run with each call's values put where the
// placeholders landed in the compiled parameter list.
//
// Rules for a `build` function: it is called once per (dialect, key); it must not look at its arguments
// (they are placeholders) and everything that changes the statement's text (a filter given or not, the
// number of rows inserted) must be part of the key. A placeholder Kysely did not pass through as a
// parameter (used in a way that needs its value) is an error at the first call, never a wrong query.

/** Stands for the i-th parameter while a shape is compiled. */
class Placeholder {
  constructor(readonly index: number) {}
}

interface Shape {
  readonly compiled: CompiledQuery;
  /** per compiled parameter: the index of the call's argument, or -1 for a constant of the query */
  readonly from: readonly number[];
}

const shapes: Record<DialectName, Map<string, Shape>> = { sqlite: new Map(), postgres: new Map() };

function compileShape(key: string, arity: number, build: (...p: never[]) => Compilable<unknown>): Shape {
  const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i));
  const compiled = build(...(placeholders as never[])).compile();
  const used = new Set<number>();
  const from = compiled.parameters.map((p) => {
    if (p instanceof Placeholder) {
      used.add(p.index);
      return p.index;
    }
    return -1;
  });
  if (used.size !== arity) throw new Error(`query shape ${key}: ${arity - used.size} of its ${arity} parameters did not reach the compiled query`);
  return { compiled, from };
}

export type RunShape = <const P extends readonly unknown[], O>(db: Kysely<never> | Kysely<any>, key: string, params: P, build: (...p: P) => Compilable<O>) => Promise<QueryResult<O>>;

/** Runs shaped queries of one dialect on any Kysely instance of that dialect (top level or a transaction's). */
export function shapedQueries(dialect: DialectName): RunShape {
  const cache = shapes[dialect];
  return (db, key, params, build) => {
    let s = cache.get(key);
    if (!s) cache.set(key, (s = compileShape(key, params.length, build as never)));
    const from = s.from;
    const c = s.compiled;
    const parameters = new Array<unknown>(from.length);
    for (let j = 0; j < from.length; j++) {
      const i = from[j]!;
      parameters[j] = i < 0 ? c.parameters[j] : params[i];
    }
    return db.executeQuery({ query: c.query, queryId: c.queryId, sql: c.sql, parameters }) as never;
  };
}
