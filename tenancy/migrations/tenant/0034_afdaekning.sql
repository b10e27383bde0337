-- The front of the process (issue 17 item 1): an afdækning (Barnets Lov § 19) is its own
-- enkeltsag, a short clarification with its conclusion and what follows (closing summary in
-- `summary`). The preliminary assessment of an investigation (§ 20, stk. 3) is the record of
-- the 4-month activity it completes (activity.record), so it needs no table of its own.
ALTER TABLE enkeltsag DROP CONSTRAINT enkeltsag_kind_check;
ALTER TABLE enkeltsag ADD CONSTRAINT enkeltsag_kind_check
    CHECK (kind IN ('afklaring', 'afdaekning', 'undersoegelse', 'afgoerelse', 'indsats'));
