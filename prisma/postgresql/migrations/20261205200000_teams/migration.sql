-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "aadObjectId" TEXT,
ADD COLUMN     "lastPlatform" TEXT,
ADD COLUMN     "upn" TEXT;

-- CreateTable
CREATE TABLE "TeamsConversation" (
    "conversationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "serviceUrl" TEXT NOT NULL,
    "tenantId" TEXT,
    "teamsUserId" TEXT,
    "aadObjectId" TEXT,
    "teamId" TEXT,
    "channelId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TeamsConversation_pkey" PRIMARY KEY ("conversationId")
);

-- CreateTable
CREATE TABLE "TeamsCard" (
    "id" SERIAL NOT NULL,
    "disputeId" INTEGER NOT NULL,
    "conversationId" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "viewerEmail" TEXT,
    "postedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TeamsCard_pkey" PRIMARY KEY ("id")
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
