-- CreateTable
CREATE TABLE "SlackCard" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "disputeId" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "viewerEmail" TEXT,
    "postedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SlackDmChannel" (
    "slackUserId" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SlackSeenEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seenAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SlackCard_disputeId_idx" ON "SlackCard"("disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "SlackCard_channel_ts_key" ON "SlackCard"("channel", "ts");

-- CreateIndex
CREATE INDEX "SlackSeenEvent_seenAt_idx" ON "SlackSeenEvent"("seenAt");

