-- CreateIndex
CREATE INDEX "Person_managerEmail_idx" ON "Person"("managerEmail");
