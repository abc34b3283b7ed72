-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tat" DATETIME NOT NULL,
    "blockedUntil" DATETIME,
    "reason" TEXT,
    "updatedAt" DATETIME NOT NULL
);
