-- Retention and deletion, and the daily raw data (issue 18, items 4 and 5).
-- docs/reporting.md "Opbevaring og sletning" and docs/raw-data.md.

-- The kommune's rules: how many years after closing a case is kept, and which closed
-- cases are preserved (archived before deletion). One row.
CREATE TABLE retention_rule (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    years           integer NOT NULL DEFAULT 5 CHECK (years BETWEEN 1 AND 100),
    placement_years integer NOT NULL DEFAULT 5 CHECK (placement_years BETWEEN 1 AND 100),
    preserve        text NOT NULL DEFAULT 'anbringelser'
                        CHECK (preserve IN ('ingen', 'anbringelser', 'alle')),
    changed_by      text,
    changed_at      timestamptz
);
INSERT INTO retention_rule DEFAULT VALUES;
GRANT SELECT, UPDATE ON retention_rule TO {{tenant_role}};

-- One approved deletion (a job), and what became of each case in it. A row names the case
-- by number, never by its content; the case id stays for the audit (``case_ref``, not
-- ``hovedsag_id``: these rows are the kommune's, not the case's, and never travel with it).
CREATE TABLE retention_run (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    approved_by  text NOT NULL,
    approved_name text NOT NULL,
    approved_at  timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'venter' CHECK (status IN ('venter', 'faerdig')),
    finished_at  timestamptz,
    deleted      integer NOT NULL DEFAULT 0,
    refused      integer NOT NULL DEFAULT 0
);
CREATE TABLE retention_run_case (
    run_id      uuid NOT NULL REFERENCES retention_run (id),
    case_ref    uuid NOT NULL,
    case_number text,
    outcome     text CHECK (outcome IN ('slettet', 'afvist')),
    reason      text,
    counts      jsonb,
    PRIMARY KEY (run_id, case_ref)
);
GRANT SELECT, INSERT, UPDATE ON retention_run, retention_run_case TO {{tenant_role}};

-- Deleting a case: the kommune role may delete the case's rows, but only inside a deletion
-- the retention job started (it sets trekant.deleting_case for its transaction); any
-- other DELETE of these rows is refused by the database, whatever the application does.
CREATE FUNCTION case_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('trekant.deleting_case', true), '') = '' THEN
        RAISE EXCEPTION '% rows are deleted only by the retention job', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['child', 'hovedsag', 'enkeltsag', 'underretning', 'activity',
        'journal_entry', 'afgoerelse', 'indsats', 'case_step', 'case_access', 'indstilling',
        'indstilling_tilbud', 'klage', 'letter', 'post_letter', 'delivery', 'inbound_post',
        'payment', 'bevilling_price', 'bevilling', 'visitation_draft', 'ics_document',
        'contact_decision', 'network_member', 'transfer_inbox', 'ankestyrelsen_report']
    LOOP
        EXECUTE format('GRANT DELETE ON %I TO {{tenant_role}}', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION case_delete_guard()', t || '_delete_guard', t);
    END LOOP;
END $$;
-- network_member.sibling_child_id of a deleted child is emptied.
GRANT UPDATE (sibling_child_id) ON network_member TO {{tenant_role}};

-- The daily raw data: when each row last changed (the incremental extract takes the rows
-- changed since the last successful one). Set on insert and every update.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END
$$;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['hovedsag', 'indsats', 'afgoerelse', 'activity', 'bevilling',
                             'bevilling_price', 'payment']
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()', t);
        EXECUTE format('CREATE INDEX %I ON %I (updated_at)', t || '_updated_at', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION touch_updated_at()', t || '_touch', t);
    END LOOP;
END $$;

-- One extract (a run): the files are under the data directory, kommune by kommune.
CREATE TABLE raw_extract (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    since       timestamptz,             -- NULL: full extract
    upto        timestamptz NOT NULL,    -- rows changed up to (and including) this moment
    finished_at timestamptz,
    status      text NOT NULL DEFAULT 'koerer' CHECK (status IN ('koerer', 'faerdig', 'fejlet')),
    requested_by text NOT NULL,
    files       jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{table, rows, bytes, sha256}]
    rows        bigint NOT NULL DEFAULT 0,
    bytes       bigint NOT NULL DEFAULT 0,
    seconds     numeric,
    error       text
);
CREATE INDEX raw_extract_started ON raw_extract (started_at DESC);
GRANT SELECT, INSERT, UPDATE ON raw_extract TO {{tenant_role}};

-- Machine keys for the data warehouse: shown once, stored as a SHA-256, named, revocable.
CREATE TABLE raw_data_key (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    token_hash  bytea NOT NULL CHECK (length(token_hash) = 32),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at  timestamptz,
    revoked_by  text
);
GRANT SELECT, INSERT, UPDATE ON raw_data_key TO {{tenant_role}};

-- The prior-case index entry and the transfer packages of a deleted case (shared 0008).
GRANT EXECUTE ON FUNCTION shared.retention_purge(uuid) TO {{tenant_role}};
