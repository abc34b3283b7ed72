import type { TestProject } from "vitest/node";
import { startPostgresServer } from "../db/postgresServer.ts";

// Vitest global set-up (src/vitest.config.ts): one PostgreSQL server for the whole run, TEST_DATABASE_URL
// when set, else an embedded one (src/db/postgresServer.ts). Tests get its admin URL through
// inject("postgresAdminUrl"); src/test/postgres.ts makes a fresh migrated database on it per test or file.

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server (database `postgres`). */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  project.provide("postgresAdminUrl", server.adminUrl);
  return () => server.stop();
}
