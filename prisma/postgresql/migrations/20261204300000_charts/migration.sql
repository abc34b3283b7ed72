-- CreateTable
CREATE TABLE "Chart" (
    "token" TEXT NOT NULL,
    "png" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Chart_pkey" PRIMARY KEY ("token")
);

-- CreateIndex
CREATE INDEX "Chart_expiresAt_idx" ON "Chart"("expiresAt");
