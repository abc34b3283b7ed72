-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "chatPlatform" TEXT;

-- CreateTable
CREATE TABLE "TeamsReach" (
    "email" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TeamsReach_pkey" PRIMARY KEY ("email")
);
