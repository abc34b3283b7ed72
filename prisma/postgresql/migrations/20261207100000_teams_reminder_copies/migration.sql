-- AlterTable
ALTER TABLE "TeamsCard" ADD COLUMN "notice" TEXT;
