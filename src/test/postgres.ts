import { inject } from "vitest";
import { createDatabase } from "../db/postgresServer.ts";

// A fresh PostgreSQL database for a test (or a test file), on the server the global set-up started
// (src/test/globalSetup.ts): uniquely named, migrated with migratePostgres. Call drop() when done
// (afterAll / finally).

export interface FreshPostgresDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Database name (label + random suffix, lower-case, at most 63 characters). */
  name: string;
  /** Terminates its connections and drops it. */
  drop(): Promise<void>;
}

/** `migrate: false` leaves it empty (no tables, no _prisma_migrations). */
export async function freshPostgresDatabase(label = "test", options: { migrate?: boolean } = {}): Promise<FreshPostgresDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  if (!adminUrl) throw new Error("no test PostgreSQL server: run vitest with --config src/vitest.config.ts (globalSetup)");
  return createDatabase(adminUrl, label, options);
}
