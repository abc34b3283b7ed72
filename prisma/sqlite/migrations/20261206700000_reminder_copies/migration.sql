-- AlterTable
ALTER TABLE "SlackCard" ADD COLUMN "notice" TEXT;
