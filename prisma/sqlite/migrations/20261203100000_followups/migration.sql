-- CreateTable
CREATE TABLE "FollowUp" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "disputeId" INTEGER NOT NULL,
    "firstMissedOn" TEXT,
    "unanswered" INTEGER NOT NULL DEFAULT 0,
    "lastReminderAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "disputeId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "outboxId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "FollowUp_disputeId_key" ON "FollowUp"("disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_disputeId_kind_dueAt_key" ON "Notice"("disputeId", "kind", "dueAt");
