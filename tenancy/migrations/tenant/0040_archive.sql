-- Arkiveringsversioner for Rigsarkivet (issue 18 item 3, backend/archive, docs/reporting.md
-- "Rigsarkivet"): one row per version (the period of closed cases, its AVID, status,
-- counts, size and the read-back result) and the cases it contains. The case ids carry no
-- foreign key: a case deleted after its retention period (issue 18 item 4) stays recorded
-- as archived here.

CREATE TABLE archive_version (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    avid           text NOT NULL UNIQUE CHECK (avid ~ '^AVID\.[A-ZÆØÅ]{2,4}\.[1-9][0-9]*$'),
    period_from    date NOT NULL,
    period_to      date NOT NULL CHECK (period_to >= period_from),
    status         text NOT NULL DEFAULT 'venter'
                       CHECK (status IN ('venter', 'koerer', 'klar', 'fejlet')),
    cases          integer NOT NULL CHECK (cases > 0),
    documents      integer NOT NULL DEFAULT 0,
    table_rows     integer NOT NULL DEFAULT 0,
    files          integer NOT NULL DEFAULT 0,
    size_bytes     bigint NOT NULL DEFAULT 0,
    -- what the database meant to write (rows per table, documents): a later read-back
    -- compares with this, not with the database (retention may have deleted the cases)
    expected       jsonb NOT NULL DEFAULT '{}',
    readback_ok    boolean,
    readback_errors jsonb NOT NULL DEFAULT '[]',
    checked_at     timestamptz,  -- the last read-back
    error          text,
    created_by     uuid NOT NULL REFERENCES app_user (id),
    created_by_name text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
CREATE INDEX archive_version_created ON archive_version (created_at DESC);
GRANT SELECT, INSERT, UPDATE ON archive_version TO {{tenant_role}};

CREATE TABLE archive_version_case (
    version_id  uuid NOT NULL REFERENCES archive_version (id),
    hovedsag_id uuid NOT NULL,
    PRIMARY KEY (version_id, hovedsag_id)
);
CREATE INDEX archive_version_case_case ON archive_version_case (hovedsag_id);
GRANT SELECT, INSERT ON archive_version_case TO {{tenant_role}};
