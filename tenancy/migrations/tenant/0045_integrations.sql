-- Issue 20 items 3 and 4: users and teams from FK Organisation (SF1500), and case and
-- document metadata pushed to the Sags- og dokumentindeks (SF1470).

-- FK Organisation: a user from FK Organisation carries its Bruger UUID and job title and is
-- not edited by hand (except roles); a team maps to one OrganisationEnhed.
ALTER TABLE app_user ADD COLUMN fkorg_uuid uuid UNIQUE;
ALTER TABLE app_user ADD COLUMN job_title text;
ALTER TABLE app_user ADD COLUMN fkorg_synced_at timestamptz;
ALTER TABLE team ADD COLUMN fkorg_unit_uuid uuid UNIQUE;
ALTER TABLE team ADD COLUMN fkorg_unit_name text;

-- One import run (nightly or "Hent nu"): what it did, or why it stopped.
CREATE TABLE fkorg_import (
    id           uuid PRIMARY KEY,
    requested_by text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'koerer' CHECK (status IN ('koerer', 'faerdig', 'fejlet')),
    units        integer NOT NULL DEFAULT 0,
    created      integer NOT NULL DEFAULT 0,
    updated      integer NOT NULL DEFAULT 0,
    deactivated  integer NOT NULL DEFAULT 0,
    error        text
);
GRANT SELECT, INSERT, UPDATE ON fkorg_import TO {{tenant_role}};

-- Sags- og dokumentindeks: what the index holds of each case (created there or not), so a
-- push is Opret the first time, Ret after, Slet when the case is deleted.
CREATE TABLE sagsindeks_state (
    hovedsag_id uuid PRIMARY KEY,
    pushed_at   timestamptz NOT NULL,
    operation   text NOT NULL CHECK (operation IN ('Opret', 'Ret', 'Slet')),
    call_id     uuid NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON sagsindeks_state TO {{tenant_role}};
GRANT EXECUTE ON FUNCTION shared.sagsindeks_enabled() TO {{tenant_role}};

-- Every change of a case's or a document's metadata writes one outbox row in the same
-- transaction (a trigger, so no code path can forget it), only while the kommune pushes to
-- the index; several changes of one case in one transaction give one row (xmin: written by
-- this transaction). The sweep relays it (backend/outbox/tasks.py). The job reads the
-- case as it is when it runs.
CREATE FUNCTION sagsindeks_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    case_id uuid;
    deleted boolean := false;
BEGIN
    IF NOT shared.sagsindeks_enabled() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'hovedsag' THEN
        case_id := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
        deleted := TG_OP = 'DELETE';
    ELSE
        case_id := CASE WHEN TG_OP = 'DELETE' THEN OLD.hovedsag_id ELSE NEW.hovedsag_id END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job = 'sagsindeks.push'
                   AND o.xmin::text = (txid_current() % 4294967296)::text
                   AND o.payload ->> 'case_id' = case_id::text
                   AND (o.payload ->> 'deleted')::boolean = deleted) THEN
        INSERT INTO outbox (job, payload) VALUES ('sagsindeks.push',
            jsonb_build_object('case_id', case_id, 'deleted', deleted,
                               'call_id', gen_random_uuid(), 'attempt', 0));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER hovedsag_sagsindeks AFTER INSERT OR DELETE OR UPDATE OF stage, closed_at,
    case_number, team_id, caseworker_id, transferred_to ON hovedsag
    FOR EACH ROW EXECUTE FUNCTION sagsindeks_changed();
CREATE TRIGGER document_sagsindeks AFTER INSERT OR DELETE OR UPDATE OF state, title, kind
    ON document FOR EACH ROW EXECUTE FUNCTION sagsindeks_changed();
