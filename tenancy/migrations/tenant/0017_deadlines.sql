-- Deadlines (issue 12 items 5 and 7, docs/deadlines.md).
-- Whether the kommune's offices are closed on 24 December, 31 December and Grundlovsdag
-- (5 June), so working-day deadlines skip them. On by default; the administrator changes it.
ALTER TABLE kommune_settings ADD COLUMN closed_days boolean NOT NULL DEFAULT true;
-- An activity due "as soon as possible": the statutory deadline had passed before the
-- activity could exist (a placement that began after 17½). `due_reason` says why; it is
-- not counted as overdue or missed.
ALTER TABLE activity ADD COLUMN due_asap boolean NOT NULL DEFAULT false;
-- The Børnesagsbarometer counts cases by the month of their decision (backend/mi/dashboard.py).
CREATE INDEX afgoerelse_decided ON afgoerelse (decided_on);
-- The receipt rule cited no section of Barnets Lov (issue 12 item 9): open receipts get the
-- rule's current citation, which says it is not confirmed.
UPDATE activity SET basis = 'Barnets Lov § 136 (tidl. SEL § 155 b, stk. 1): bekræft modtagelsen '
    'inden 6 hverdage (henvisning ikke bekræftet)'
WHERE rule_id = 'kvittering-fagperson' AND status = 'open';
