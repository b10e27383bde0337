-- ICS documents: the child investigation (Barnets Lov § 20), barnets plan (§§ 91-92) and
-- the follow-up (§ 95), each a series of versions. A version is a draft (kladde) while it
-- is written, submitted (indsendt) for a manager's approval, and approved (godkendt) and
-- locked for ever. The content is JSON validated by the application
-- (backend/ics/schemas.py) against the ICS method it was written with (``method``).

CREATE TABLE ics_document (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id     uuid NOT NULL REFERENCES hovedsag (id),
    -- investigation: the case core's investigation (enkeltsag kind 'undersoegelse')
    enkeltsag_id    uuid REFERENCES enkeltsag (id),
    kind            text NOT NULL CHECK (kind IN ('undersoegelse', 'plan', 'opfoelgning')),
    series_id       uuid NOT NULL,  -- all versions of one document
    version_no      integer NOT NULL CHECK (version_no >= 1),
    status          text NOT NULL DEFAULT 'kladde'
                        CHECK (status IN ('kladde', 'indsendt', 'godkendt')),
    method          text NOT NULL,
    content         jsonb NOT NULL,
    rev             integer NOT NULL DEFAULT 1,  -- optimistic concurrency of the draft
    based_on_id     uuid REFERENCES ics_document (id),  -- the previous version it copies
    derived_from_id uuid REFERENCES ics_document (id),  -- plan: investigation; follow-up: plan
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    submitted_by    text,
    submitted_at    timestamptz,
    approved_by     text,
    approved_at     timestamptz,
    returned_by     text,
    returned_at     timestamptz,
    return_reason   text,
    UNIQUE (series_id, version_no),
    CHECK (status = 'kladde' OR (submitted_by IS NOT NULL AND submitted_at IS NOT NULL)),
    CHECK ((status = 'godkendt') = (approved_by IS NOT NULL AND approved_at IS NOT NULL)),
    CHECK (kind <> 'undersoegelse' OR enkeltsag_id IS NOT NULL)
);
-- Only one version of a series is open (draft or submitted) at a time.
CREATE UNIQUE INDEX ics_document_one_open ON ics_document (series_id) WHERE status <> 'godkendt';
CREATE INDEX ics_document_case ON ics_document (hovedsag_id, kind);
CREATE INDEX ics_document_derived ON ics_document (derived_from_id)
    WHERE derived_from_id IS NOT NULL;
GRANT SELECT, INSERT ON ics_document TO {{tenant_role}};
GRANT UPDATE (status, content, rev, changed_by, changed_at, submitted_by, submitted_at,
              approved_by, approved_at, returned_by, returned_at, return_reason)
    ON ics_document TO {{tenant_role}};

-- An approved version is locked in the database too, whatever the application does.
CREATE FUNCTION ics_document_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'godkendt' THEN
        RAISE EXCEPTION 'ics_document % is approved and locked', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ics_document_locked BEFORE UPDATE ON ics_document
    FOR EACH ROW EXECUTE FUNCTION ics_document_locked();

-- The kommune decides whether a manager may approve a version they submitted themselves.
ALTER TABLE kommune_settings ADD COLUMN ics_other_approver boolean NOT NULL DEFAULT true;
