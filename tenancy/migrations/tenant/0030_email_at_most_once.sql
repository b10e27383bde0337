-- E-mail is sent at most once (backend/post, "deliver"): before Trekant talks to the mail
-- server it sets ``attempt_started_at`` in a transaction of its own that commits first; the
-- attempt's outcome (sent, or failed) clears it. A run that finds it set on a waiting
-- delivery does not send again (the process died between sending and storing the outcome):
-- the delivery becomes ``uafklaret`` until the caseworker sends it again on purpose.
ALTER TABLE delivery ADD COLUMN attempt_started_at timestamptz;
ALTER TABLE delivery DROP CONSTRAINT delivery_status_check;
ALTER TABLE delivery ADD CONSTRAINT delivery_status_check
    CHECK (status IN ('afventer', 'sendt', 'fejlet', 'uafklaret'));
