-- The case core: unborn children, the parts of a main case (enkeltsager), notifications,
-- statutory activities and the journal.
ALTER TABLE child ALTER COLUMN cpr DROP NOT NULL;
ALTER TABLE child ADD COLUMN mother_cpr text CHECK (mother_cpr ~ '^[0-9]{10}$');
ALTER TABLE child ADD COLUMN expected_date date;
ALTER TABLE child ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE child ADD CONSTRAINT child_identified
    CHECK (cpr IS NOT NULL OR (mother_cpr IS NOT NULL AND expected_date IS NOT NULL));
CREATE INDEX child_mother ON child (mother_cpr) WHERE cpr IS NULL;

ALTER TABLE hovedsag ADD COLUMN caseworker_id uuid REFERENCES app_user (id);
ALTER TABLE hovedsag ADD COLUMN team_id uuid REFERENCES team (id);
CREATE INDEX hovedsag_caseworker ON hovedsag (caseworker_id) WHERE closed_at IS NULL;

CREATE TABLE enkeltsag (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id uuid NOT NULL REFERENCES hovedsag (id),
    kind        text NOT NULL CHECK (kind IN ('afklaring', 'undersoegelse', 'afgoerelse', 'indsats')),
    opened_at   timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz,
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX enkeltsag_hovedsag ON enkeltsag (hovedsag_id);
GRANT SELECT, INSERT, UPDATE ON enkeltsag TO {{tenant_role}};

CREATE TABLE underretning (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enkeltsag_id    uuid NOT NULL REFERENCES enkeltsag (id),
    received_at     timestamptz NOT NULL,
    notifier_kind   text NOT NULL CHECK (notifier_kind IN ('fagperson', 'privat', 'anonym')),
    source          text NOT NULL CHECK (source IN ('politi', 'skole', 'dagtilbud', 'sundhed',
                        'familie', 'nabo', 'barnet', 'anonym', 'andet')),
    notifier_name   text,
    notifier_contact text,
    concerns        text NOT NULL CHECK (length(btrim(concerns)) > 0),
    suspected_abuse boolean NOT NULL DEFAULT false,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX underretning_received ON underretning (received_at DESC);
CREATE INDEX underretning_source ON underretning (source, received_at);
GRANT SELECT, INSERT ON underretning TO {{tenant_role}};

CREATE TABLE activity (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id   uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id  uuid REFERENCES enkeltsag (id),
    rule_id       text,
    title         text NOT NULL,
    basis         text,
    owner_id      uuid REFERENCES app_user (id),
    due_at        timestamptz,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    cancel_reason text,
    completed_at  timestamptz,
    completed_by  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    CHECK (status <> 'cancelled' OR length(btrim(coalesce(cancel_reason, ''))) > 0)
);
CREATE INDEX activity_owner_open ON activity (owner_id, due_at) WHERE status = 'open';
CREATE INDEX activity_case ON activity (hovedsag_id);
GRANT SELECT, INSERT, UPDATE ON activity TO {{tenant_role}};

-- Entries are never edited or deleted: a correction is a new entry pointing at the old.
CREATE TABLE journal_entry (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hovedsag_id  uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id uuid REFERENCES enkeltsag (id),
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    author       text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('haendelse', 'notat', 'rettelse')),
    event        text,
    title        text NOT NULL,
    body         text NOT NULL DEFAULT '',
    corrects_id  bigint REFERENCES journal_entry (id),
    CHECK ((kind = 'rettelse') = (corrects_id IS NOT NULL))
);
CREATE INDEX journal_case_at ON journal_entry (hovedsag_id, at DESC, id DESC);
GRANT SELECT, INSERT ON journal_entry TO {{tenant_role}};
