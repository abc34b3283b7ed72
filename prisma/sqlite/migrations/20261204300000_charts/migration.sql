-- CreateTable
CREATE TABLE "Chart" (
    "token" TEXT NOT NULL PRIMARY KEY,
    "png" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Chart_expiresAt_idx" ON "Chart"("expiresAt");
