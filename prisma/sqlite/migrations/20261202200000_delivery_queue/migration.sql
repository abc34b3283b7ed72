-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'webhook';
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedUntil" DATETIME;

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_status_seq_idx" ON "OutboxMessage"("channel", "status", "seq");
