-- What completing a statutory activity recorded (the 24-hour assessment's answers, the date
-- a receipt was sent, ...): one record per activity, written once when it is completed, so
-- a jsonb column on the activity rather than a table of its own. Its fields are the rule's
-- completion form (backend/casework/rules.py); the same record is in the journal as text.
ALTER TABLE activity ADD COLUMN record jsonb;
ALTER TABLE activity ADD CONSTRAINT activity_record_done
    CHECK (record IS NULL OR (status = 'done' AND jsonb_typeof(record) = 'object'));
