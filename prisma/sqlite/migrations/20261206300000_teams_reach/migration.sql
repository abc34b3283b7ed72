-- AlterTable
ALTER TABLE "Person" ADD COLUMN "chatPlatform" TEXT;

-- CreateTable
CREATE TABLE "TeamsReach" (
    "email" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT NOT NULL,
    "since" DATETIME NOT NULL
);
