import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["src/**/*.test.ts"],
    // one PostgreSQL server for the whole run (TEST_DATABASE_URL, else embedded): src/test/postgres.ts
    globalSetup: ["src/test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
