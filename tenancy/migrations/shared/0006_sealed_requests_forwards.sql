-- The rest of what the two kommuner send each other through shared is sealed too (issue 13,
-- item 9): a forwarded notification (shared.transfer_forward.payload: who reported, and
-- the concerns) and a request for a case (shared.transfer_request.child_name, message and
-- answer). AES-GCM under a key derived from TREKANT_DATA_KEY (environment only) and the row
-- id, bound to the row id, the sender and the receiver (and the field), as the transfer
-- package of migration 0004. The operator role and a dump read base64, not the text.
--
-- The application chooses the row id before it inserts (the sealed value is bound to it),
-- so the kommune roles may now insert the id. Rows written before this migration are plain
-- until `trekant db bootstrap` (or `tenant migrate`, `just run`) seals them in place; the
-- reader knows which is which by the `sealed` column. Kommune roles cannot set it (their
-- INSERT grant names the columns), so a new row is always read as sealed. A sealed
-- notification is kept in `payload` as a JSON string (the base64 text).
ALTER TABLE shared.transfer_request ADD COLUMN sealed boolean NOT NULL DEFAULT false;
ALTER TABLE shared.transfer_request ALTER COLUMN sealed SET DEFAULT true;
ALTER TABLE shared.transfer_forward ADD COLUMN sealed boolean NOT NULL DEFAULT false;
ALTER TABLE shared.transfer_forward ALTER COLUMN sealed SET DEFAULT true;

CREATE OR REPLACE FUNCTION shared.grant_cross_kommune(p_role regrole) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA shared TO %s', p_role);
    EXECUTE format('GRANT SELECT (code, name, status) ON shared.tenant TO %s', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION shared.caller_kommune(), '
                   'shared.kommune_is_active(text), '
                   'shared.cpr_index_sync(uuid, bytea, text, date, date, text), '
                   'shared.cpr_prior_cases(bytea[], text, text), shared.cpr_own_cases(bytea), '
                   'shared.post_job(text, text, jsonb) TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (id, from_code, to_code, from_name, to_name, from_case_ref, status, '
                   'summary, child_name, child_birth_date, package, package_sha256, package_mac, '
                   'package_version, package_counts, sent_at, sent_by, sent_by_name, request_id), '
                   'UPDATE (status, decided_at, decided_by, decided_by_name, reason, imported_at, '
                   'imported_case_ref, error, sender_closed_at) ON shared.transfer TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (id, from_code, to_code, from_name, to_name, cpr_hmac, '
                   'child_name, message, status, created_by, created_by_name), '
                   'UPDATE (status, answered_at, answered_by, answered_by_name, answer, '
                   'transfer_id) ON shared.transfer_request TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (id, transfer_id, from_code, to_code, kind, payload, '
                   'created_by), UPDATE (imported_at, imported_ref) '
                   'ON shared.transfer_forward TO %s', p_role);
END $$;
REVOKE ALL ON FUNCTION shared.grant_cross_kommune(regrole) FROM PUBLIC;

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT role_name FROM shared.tenant LOOP
        PERFORM shared.grant_cross_kommune(r.role_name::regrole);
    END LOOP;
END $$;
