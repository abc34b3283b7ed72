-- AlterTable
ALTER TABLE "Person" ADD COLUMN "aadObjectId" TEXT;
ALTER TABLE "Person" ADD COLUMN "upn" TEXT;
ALTER TABLE "Person" ADD COLUMN "lastPlatform" TEXT;

-- CreateTable
CREATE TABLE "TeamsConversation" (
    "conversationId" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "serviceUrl" TEXT NOT NULL,
    "tenantId" TEXT,
    "teamsUserId" TEXT,
    "aadObjectId" TEXT,
    "teamId" TEXT,
    "channelId" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TeamsCard" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "disputeId" INTEGER NOT NULL,
    "conversationId" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "viewerEmail" TEXT,
    "postedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_aadObjectId_key" ON "Person"("aadObjectId");

-- CreateIndex
CREATE INDEX "Person_upn_idx" ON "Person"("upn");

-- CreateIndex
CREATE INDEX "TeamsConversation_teamsUserId_idx" ON "TeamsConversation"("teamsUserId");

-- CreateIndex
CREATE INDEX "TeamsConversation_aadObjectId_idx" ON "TeamsConversation"("aadObjectId");

-- CreateIndex
CREATE INDEX "TeamsCard_disputeId_idx" ON "TeamsCard"("disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamsCard_conversationId_activityId_key" ON "TeamsCard"("conversationId", "activityId");
