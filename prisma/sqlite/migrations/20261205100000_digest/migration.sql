-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL DEFAULT 'slack',
    "channelId" TEXT NOT NULL,
    "filterKey" TEXT NOT NULL,
    "time" TEXT NOT NULL,
    "cadence" TEXT NOT NULL,
    "always" BOOLEAN NOT NULL DEFAULT false,
    "reasonCode" TEXT,
    "ownerEmail" TEXT,
    "locale" TEXT NOT NULL,
    "createdByEmail" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "coveredUntil" DATETIME
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "subscriptionId" INTEGER NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "outboxId" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestSubscription_platform_channelId_filterKey_key" ON "DigestSubscription"("platform", "channelId", "filterKey");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_subscriptionId_dueAt_key" ON "DigestRun"("subscriptionId", "dueAt");
