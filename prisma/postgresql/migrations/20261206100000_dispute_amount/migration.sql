-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN "disputedAmount" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "firstMissedOn" TEXT;

-- AlterTable
ALTER TABLE "Hold" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "DisputeHeld" (
    "disputeId" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "DisputeHeld_pkey" PRIMARY KEY ("disputeId","currency")
);

-- CreateIndex
CREATE INDEX "Dispute_digest_open_idx" ON "Dispute"("status", "currency", "reasonId", "openedAt", "slaDueOn", "firstMissedOn", "disputedAmount");

-- CreateIndex
CREATE INDEX "Dispute_digest_late_idx" ON "Dispute"("status", "ownerEmail", "currency", "slaDueOn", "firstMissedOn", "disputedAmount", "id");

-- CreateIndex
CREATE INDEX "Dispute_status_closedAt_openedAt_idx" ON "Dispute"("status", "closedAt", "openedAt");

-- CreateIndex
CREATE INDEX "DisputeHeld_currency_amount_idx" ON "DisputeHeld"("currency", "amount");

-- AddForeignKey
ALTER TABLE "DisputeHeld" ADD CONSTRAINT "DisputeHeld_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill (hand-written): a dispute's disputed amount is the sum of its items', its first missed follow-up its
-- FollowUp's; a hold's currency is its item's; DisputeHeld sums each dispute's holds per currency
UPDATE "Dispute" SET
    "disputedAmount" = coalesce((SELECT sum(di."amount") FROM "DisputeItem" di WHERE di."disputeId" = "Dispute"."id"), 0),
    "firstMissedOn" = (SELECT f."firstMissedOn" FROM "FollowUp" f WHERE f."disputeId" = "Dispute"."id");
UPDATE "Hold" SET "currency" = (SELECT i."currency" FROM "Item" i WHERE i."id" = "Hold"."itemId");
INSERT INTO "DisputeHeld" ("disputeId", "currency", "amount") SELECT "disputeId", "currency", sum("amount") FROM "Hold" GROUP BY "disputeId", "currency";
