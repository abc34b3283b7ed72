-- AlterTable
ALTER TABLE "Person" ADD COLUMN "notifyOpenerUpdates" BOOLEAN NOT NULL DEFAULT true;
