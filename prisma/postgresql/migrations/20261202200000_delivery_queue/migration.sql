-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'webhook',
ADD COLUMN     "claimedUntil" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_status_seq_idx" ON "OutboxMessage"("channel", "status", "seq");
