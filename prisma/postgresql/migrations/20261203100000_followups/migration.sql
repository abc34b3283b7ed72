-- CreateTable
CREATE TABLE "FollowUp" (
    "id" SERIAL NOT NULL,
    "disputeId" INTEGER NOT NULL,
    "firstMissedOn" TEXT,
    "unanswered" INTEGER NOT NULL DEFAULT 0,
    "lastReminderAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FollowUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" SERIAL NOT NULL,
    "disputeId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "outboxId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FollowUp_disputeId_key" ON "FollowUp"("disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_disputeId_kind_dueAt_key" ON "Notice"("disputeId", "kind", "dueAt");
