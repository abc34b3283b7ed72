-- CreateIndex
CREATE INDEX "Person_managerEmail_idx" ON "Person"("managerEmail");

-- CreateIndex
CREATE INDEX "TimelineEntry_byEmail_type_id_idx" ON "TimelineEntry"("byEmail", "type", "id");
