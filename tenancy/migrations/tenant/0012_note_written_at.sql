-- When a note was written, where that differs from when it reached the server: a note written
-- offline on a home visit arrives when the device is back online, but the journal must show
-- when it was written (the entry's `at` stays the time it was recorded, so nothing can be
-- back-dated into the record unnoticed).
ALTER TABLE journal_entry ADD COLUMN written_at timestamptz;
