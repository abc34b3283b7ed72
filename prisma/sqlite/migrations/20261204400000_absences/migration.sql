-- CreateTable
CREATE TABLE "Absence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personEmail" TEXT NOT NULL,
    "fromOn" TEXT NOT NULL,
    "untilOn" TEXT NOT NULL,
    "deputyEmail" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Absence_personEmail_untilOn_idx" ON "Absence"("personEmail", "untilOn");
