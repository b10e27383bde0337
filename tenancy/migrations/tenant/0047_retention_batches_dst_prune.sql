-- Retention in batches and DST deliveries after retention (issue 18 items 1 and 4, session 11).
-- docs/reporting.md "Opbevaring og sletning" and "Danmarks Statistik".

-- A deletion run is worked through in batches, one transaction each: how many batches are
-- done (progress; a run the worker lost continues with the cases that have no outcome).
ALTER TABLE retention_run ADD COLUMN batches integer NOT NULL DEFAULT 0;

-- A delivery older than what DST can still ask about keeps its summary (status, counts,
-- receipt) but not its XML: pruned_at says when the XML was removed.
ALTER TABLE dst_delivery ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE dst_delivery ADD COLUMN pruned_at timestamptz;
ALTER TABLE dst_delivery ADD CONSTRAINT dst_delivery_payload_or_pruned
    CHECK ((payload IS NULL) = (pruned_at IS NOT NULL));
