-- DropIndex
DROP INDEX "Dispute_digest_late_idx";

-- CreateIndex
CREATE INDEX "Dispute_digest_owner_idx" ON "Dispute"("status", "ownerEmail", "currency", "reasonId", "openedAt", "slaDueOn", "firstMissedOn", "disputedAmount", "id");
