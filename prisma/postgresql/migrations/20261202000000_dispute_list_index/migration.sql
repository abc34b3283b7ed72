-- CreateIndex
CREATE INDEX "Dispute_openedAt_id_idx" ON "Dispute"("openedAt", "id");
