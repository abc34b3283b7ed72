-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "searchKey" TEXT NOT NULL DEFAULT '';

-- Backfill. SQLite cannot strip accents, so this is only an approximation (ASCII-lowercased "ref name").
-- migrate() in src/db/sqlite.ts (app start, `accord migrate`) recomputes every key exactly in TypeScript
-- (normalizeSearch) in the same transaction, right after applying this migration. A database migrated with
-- `prisma migrate deploy` instead keeps the approximation for rows written before the migration.
UPDATE "Customer" SET "searchKey" = lower("ref" || ' ' || "name");
