-- A transferred case carries every file whole (issue 15: package format version 2).
--
-- The package (shared.transfer.package) keeps the rows, the documents' rows and text
-- included, and a manifest of the files (per file: the sender's document id, the stream,
-- its size, its number of chunks, its SHA-256 and its first chunk). The bytes travel here,
-- one row per chunk of at most 1 MiB, each sealed on its own (AES-256-GCM, key derived from
-- TREKANT_DATA_KEY and the transfer id, bound to the transfer, the chunk's place and the two
-- kommuner: a chunk moved to another transfer or position does not open). The manifest is
-- inside what the package's seal, SHA-256 and MAC cover.
--
-- Row-level security as shared.transfer: only the two kommuner read a chunk; the sender
-- writes them in the transaction that sends the transfer, before the transfer row (the
-- foreign key is checked at commit) and never after it (the policy below), so they are
-- written once; no kommune role may change or delete one; the operator role and the bare
-- application role get nothing. They are kept as long as the package is (the sender's copy
-- as sent); deleting the transfer row deletes them.
ALTER TABLE shared.transfer ADD CONSTRAINT transfer_parties UNIQUE (id, from_code, to_code);
ALTER TABLE shared.transfer ADD COLUMN file_count integer NOT NULL DEFAULT 0
    CHECK (file_count >= 0);
ALTER TABLE shared.transfer ADD COLUMN file_bytes bigint NOT NULL DEFAULT 0
    CHECK (file_bytes >= 0);

CREATE TABLE shared.transfer_chunk (
    transfer_id uuid NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 0),
    from_code   text NOT NULL,
    to_code     text NOT NULL,
    bytes       bytea NOT NULL,
    PRIMARY KEY (transfer_id, seq),
    FOREIGN KEY (transfer_id, from_code, to_code)
        REFERENCES shared.transfer (id, from_code, to_code) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
-- Sealed bytes do not compress.
ALTER TABLE shared.transfer_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;
ALTER TABLE shared.transfer_chunk ENABLE ROW LEVEL SECURITY;
CREATE POLICY transfer_chunk_read ON shared.transfer_chunk FOR SELECT
    USING ((SELECT shared.caller_kommune()) IN (from_code, to_code));
-- Only the sender, only to an active kommune, and only while its transfer row does not
-- exist yet (the same transaction inserts it after the chunks).
CREATE POLICY transfer_chunk_send ON shared.transfer_chunk FOR INSERT
    WITH CHECK (from_code = (SELECT shared.caller_kommune())
                AND shared.kommune_is_active(to_code)
                AND NOT EXISTS (SELECT 1 FROM shared.transfer t
                                WHERE t.id = transfer_chunk.transfer_id));

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
                   'package_version, package_counts, sent_at, sent_by, sent_by_name, request_id, '
                   'file_count, file_bytes), '
                   'UPDATE (status, decided_at, decided_by, decided_by_name, reason, imported_at, '
                   'imported_case_ref, error, sender_closed_at) ON shared.transfer TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (transfer_id, seq, from_code, to_code, bytes) '
                   'ON shared.transfer_chunk TO %s', p_role);
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
