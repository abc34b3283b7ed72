-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "coveredUntil" TIMESTAMPTZ(3),

    CONSTRAINT "DigestSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" SERIAL NOT NULL,
    "subscriptionId" INTEGER NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "outboxId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestSubscription_platform_channelId_filterKey_key" ON "DigestSubscription"("platform", "channelId", "filterKey");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_subscriptionId_dueAt_key" ON "DigestRun"("subscriptionId", "dueAt");
