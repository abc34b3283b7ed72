-- CreateTable
CREATE TABLE "Person" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "managerEmail" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'fr',
    "timezone" TEXT NOT NULL DEFAULT 'Europe/Paris',
    "slackUserId" TEXT,
    "teamsUserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "salesRepEmail" TEXT,
    "controllerEmail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Item" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "customerId" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "issuedOn" TEXT NOT NULL,
    "dueOn" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "openAmount" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "dunningLevel" TEXT NOT NULL DEFAULT 'none',
    "lastDunnedOn" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Item_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Reason" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "labelFr" TEXT NOT NULL,
    "labelEn" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "followUpDays" INTEGER NOT NULL DEFAULT 7,
    "slaDays" INTEGER NOT NULL DEFAULT 30,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "holdsDunning" BOOLEAN NOT NULL DEFAULT true
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "scope" TEXT NOT NULL,
    "reasonId" INTEGER NOT NULL,
    "priority" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "ownerEmail" TEXT NOT NULL,
    "openedByEmail" TEXT NOT NULL,
    "followUpOn" TEXT,
    "slaDueOn" TEXT,
    "currency" TEXT NOT NULL,
    "outcome" TEXT,
    "outcomeNote" TEXT,
    "creditNoteRef" TEXT,
    "concededAmount" BIGINT,
    "rootCause" TEXT,
    "creditNoteSeenAt" DATETIME,
    "holdsReleasedAt" DATETIME,
    "closedAt" DATETIME,
    "closedByEmail" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "openedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "openCustomerFlagId" INTEGER,
    CONSTRAINT "Dispute_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Dispute_reasonId_fkey" FOREIGN KEY ("reasonId") REFERENCES "Reason" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DisputeItem" (
    "disputeId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,

    PRIMARY KEY ("disputeId", "itemId"),
    CONSTRAINT "DisputeItem_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DisputeItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TimelineEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "disputeId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "byEmail" TEXT,
    "text" TEXT,
    "data" TEXT,
    CONSTRAINT "TimelineEntry_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Hold" (
    "itemId" INTEGER NOT NULL,
    "disputeId" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "since" DATETIME NOT NULL,

    PRIMARY KEY ("itemId", "disputeId"),
    CONSTRAINT "Hold_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Hold_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Counter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "deliveredAt" DATETIME
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "DunningRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "on" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "byEmail" TEXT,
    "letters" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_teamsUserId_key" ON "Person"("teamsUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_ref_key" ON "Customer"("ref");

-- CreateIndex
CREATE INDEX "Item_customerId_openAmount_idx" ON "Item"("customerId", "openAmount");

-- CreateIndex
CREATE UNIQUE INDEX "Item_customerId_ref_key" ON "Item"("customerId", "ref");

-- CreateIndex
CREATE UNIQUE INDEX "Reason_code_key" ON "Reason"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Dispute_number_key" ON "Dispute"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Dispute_openCustomerFlagId_key" ON "Dispute"("openCustomerFlagId");

-- CreateIndex
CREATE INDEX "Dispute_status_ownerEmail_idx" ON "Dispute"("status", "ownerEmail");

-- CreateIndex
CREATE INDEX "Dispute_customerId_status_idx" ON "Dispute"("customerId", "status");

-- CreateIndex
CREATE INDEX "DisputeItem_itemId_idx" ON "DisputeItem"("itemId");

-- CreateIndex
CREATE INDEX "TimelineEntry_disputeId_id_idx" ON "TimelineEntry"("disputeId", "id");

-- CreateIndex
CREATE INDEX "Hold_disputeId_idx" ON "Hold"("disputeId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_id_key" ON "OutboxMessage"("id");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_orderKey_seq_idx" ON "OutboxMessage"("orderKey", "seq");

