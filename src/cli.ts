import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { formatRowError, importLedger, LEDGER_KINDS, LedgerError, type LedgerFormat, type LedgerKind, type LedgerResult } from "./db/ledger.ts";
import { describeDatabase } from "./db/connect.ts";
import { migrateDatabase } from "./db/store.ts";
import type { Deps } from "./app/context.ts";
import { reloadDemo, seedDemo } from "./app/seedDemo.ts";
import { AccordError } from "./domain/errors.ts";
import { apiMessage } from "./views/errors.ts";
import { createLogger } from "./logger.ts";
import { openDeps } from "./server.ts";
import { DIGEST_CHANNEL } from "./sandbox/channels.ts";
import { clockFile, resetClockOffset } from "./sandbox/clock.ts";
import { conversationsFile } from "./sandbox/conversations.ts";

// Command-line entry: `npm run accord -- <command> [options]`. Each command is one entry of the table
// below (name -> usage, summary, run); add new ones there. A command returns its exit code.

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 done, 1 the command failed (e.g. a rejected file), 2 wrong usage or configuration. */
export class UsageError extends Error {}

function config(): Config {
  return loadConfig();
}

/** The demo for the sandbox (config.sandbox) subscribes its managers' channel to the daily digest. */
function sandboxDemo(cfg: Config): { digestChannel?: string } {
  return cfg.sandbox ? { digestChannel: DIGEST_CHANNEL.id } : {};
}

/** Runs `fn` with the use-case dependencies on the configured database (migrated), then closes it. */
async function withDeps<T>(cfg: Config, fn: (deps: Deps) => Promise<T>): Promise<T> {
  // The CLI prints its own summary: only warnings and errors from the log.
  const deps = await openDeps(cfg, { log: createLogger(cfg.logLevel === "info" ? "warn" : cfg.logLevel) });
  try {
    return await fn(deps);
  } finally {
    await deps.store.close();
  }
}


export const commands: Record<string, Command> = {
  import: {
    usage: "import <file> [--kind people|customers|items] [--format csv|json] [--snapshot]",
    summary: "import people, customers or items from an ERP export (CSV with ; or , / JSON), all or nothing",
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          kind: { type: "string" },
          format: { type: "string" },
          snapshot: { type: "boolean", default: false },
        },
      });
      const [file, ...extra] = positionals;
      if (!file || extra.length) throw new UsageError("give exactly one file to import");
      const kind = values.kind;
      if (kind !== undefined && !(LEDGER_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${LEDGER_KINDS.join(", ")}`);
      const format = values.format;
      if (format !== undefined && format !== "csv" && format !== "json") throw new UsageError("--format must be csv or json");
      const filePath = path.resolve(file);
      if (!fs.existsSync(filePath)) {
        io.err(`${file}: no such file`);
        return 1;
      }
      const cfg = config();
      await migrateDatabase(cfg.database, cfg.databaseOptions);
      const started = performance.now();
      let result: LedgerResult;
      try {
        result = await importLedger({
          database: cfg.database,
          collectionsMode: cfg.collections.mode,
          path: filePath,
          snapshot: values.snapshot ?? false,
          ...(kind ? { kind: kind as LedgerKind } : {}),
          ...(format ? { format: format as LedgerFormat } : {}),
        });
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        for (const error of e.errors) io.err(formatRowError(error));
        const more = e.details.errorCount - e.errors.length;
        if (more > 0) io.err(`... and ${more} more error${more === 1 ? "" : "s"} (only the first ${e.errors.length} are listed)`);
        io.err(`${file}: rejected, nothing imported (${e.details.errorCount} error${e.details.errorCount === 1 ? "" : "s"})`);
        return 1;
      }
      // Holds follow the ledger (payments shrink them, awaited credit notes release them) in the import's own transaction.
      const moved = result;
      const seconds = (performance.now() - started) / 1000;
      io.out(
        `${file}: ${result.kind}, ${result.rows} rows: ${result.inserted} inserted, ${result.updated} updated, ` +
          `${result.unchanged} unchanged, ${result.closed} closed in ${seconds.toFixed(2)} s` +
          (moved.holdChanges || moved.creditNotesMatched ? `; ${moved.holdChanges} hold changes, ${moved.creditNotesMatched} awaited credit notes received` : ""),
      );
      return 0;
    },
  },

  seed: {
    usage: "seed --demo [--reset [--discard-data]]",
    summary: "load the French B2B demo (people, 50 customers, items, disputes) into an empty database; --reset reloads it",
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { demo: { type: "boolean", default: false }, reset: { type: "boolean", default: false }, "discard-data": { type: "boolean", default: false } },
      });
      if (!values.demo || positionals.length) throw new UsageError("only the demo can be seeded: seed --demo");
      if (values["discard-data"] && !values.reset) throw new UsageError("--discard-data goes with --reset");
      const cfg = config();
      const where = describeDatabase(cfg.database);
      let r: Awaited<ReturnType<typeof seedDemo>>;
      if (values.reset) {
        const answer = await withDeps(cfg, (deps) => reloadDemo(deps, { discardData: values["discard-data"] ?? false, ...sandboxDemo(cfg) }));
        if ("refused" in answer) {
          const { people, customers } = answer.refused;
          const sample = (xs: string[]) => xs.slice(0, 3).join(", ") + (xs.length > 3 ? ", …" : "");
          const found = [people.length ? `${people.length} people (${sample(people)})` : "", customers.length ? `${customers.length} customers (${sample(customers)})` : ""].filter(Boolean).join(" and ");
          io.err(`${where}: holds data the demo did not load, ${found}; nothing changed. To delete everything and reload the demo: seed --demo --reset --discard-data`);
          return 1;
        }
        r = answer.loaded;
        // the sandbox's clock goes back to real time with a new demo (src/sandbox/clock.ts)
        resetClockOffset(clockFile(conversationsFile(cfg.database)));
        io.out(`${where}: every table emptied and the demo reloaded: ${r.people} people, ${r.customers} customers, ${r.items} items, ${r.disputes} disputes`);
        return 0;
      }
      try {
        r = await withDeps(cfg, (deps) => seedDemo(deps, sandboxDemo(cfg)));
        resetClockOffset(clockFile(conversationsFile(cfg.database)));
      } catch (e) {
        if (!(e instanceof AccordError) || e.key !== "demo_needs_empty_db") throw e;
        io.err(`${where}: already holds customers, nothing loaded: the demo loads only into an empty database (seed --demo --reset reloads it)`);
        return 1;
      }
      io.out(`${where}: demo loaded: ${r.people} people, ${r.customers} customers, ${r.items} items, ${r.disputes} disputes`);
      return 0;
    },
  },

  migrate: {
    usage: "migrate",
    summary: "apply the pending database migrations (prisma/sqlite or prisma/postgresql, as DATABASE_URL says) to DATABASE_URL",
    async run(args, io) {
      if (args.length) throw new UsageError("migrate takes no arguments");
      const cfg = config();
      const where = describeDatabase(cfg.database);
      const applied = await migrateDatabase(cfg.database, cfg.databaseOptions);
      if (applied.length === 0) io.out(`${where}: up to date, no migration to apply`);
      else for (const name of applied) io.out(`${where}: applied ${name}`);
      return 0;
    },
  },

  help: {
    usage: "help",
    summary: "list the commands",
    async run(_args, io) {
      io.out(usage());
      return 0;
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    "usage: npm run accord -- <command> [options]",
    "",
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    "The database is DATABASE_URL (default file:./data/accord.db).",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`${(e as Error).message}\nusage: npm run accord -- ${command.usage}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    if (e instanceof AccordError) {
      io.err(`${name} failed: ${apiMessage(e)}`);
      return 1;
    }
    io.err(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
