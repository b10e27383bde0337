-- Retention (issue 18 item 4): a kommune deleting one of its own cases past its retention
-- period takes the case out of the prior-case index and deletes the transfer packages it
-- sent or received for it (their sealed file chunks go with them, ON DELETE CASCADE), and
-- the forwards and the answered requests' link to them. Only the caller's own index row and
-- the caller's own packages (sent for this case, or received and imported as it). Returns
-- how many of each were deleted. Granted to each kommune role by tenant migration 0041.
CREATE FUNCTION shared.retention_purge(p_ref uuid)
RETURNS TABLE (index_rows integer, transfers integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    me text := shared.require_kommune();
    n_index integer;
    n_transfers integer;
    ids uuid[];
BEGIN
    DELETE FROM shared.cpr_index i WHERE i.tenant_code = me AND i.hovedsag_ref = p_ref;
    GET DIAGNOSTICS n_index = ROW_COUNT;
    SELECT coalesce(array_agg(t.id), '{}') INTO ids FROM shared.transfer t
    WHERE (t.from_code = me AND t.from_case_ref = p_ref)
       OR (t.to_code = me AND t.imported_case_ref = p_ref);
    DELETE FROM shared.transfer_forward f WHERE f.transfer_id = ANY (ids);
    UPDATE shared.transfer_request r SET transfer_id = NULL WHERE r.transfer_id = ANY (ids);
    DELETE FROM shared.transfer t WHERE t.id = ANY (ids);
    GET DIAGNOSTICS n_transfers = ROW_COUNT;
    RETURN QUERY SELECT n_index, n_transfers;
END $$;
REVOKE ALL ON FUNCTION shared.retention_purge(uuid) FROM PUBLIC;
