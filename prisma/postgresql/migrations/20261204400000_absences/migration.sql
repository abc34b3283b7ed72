-- CreateTable
CREATE TABLE "Absence" (
    "id" SERIAL NOT NULL,
    "personEmail" TEXT NOT NULL,
    "fromOn" TEXT NOT NULL,
    "untilOn" TEXT NOT NULL,
    "deputyEmail" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Absence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Absence_personEmail_untilOn_idx" ON "Absence"("personEmail", "untilOn");
