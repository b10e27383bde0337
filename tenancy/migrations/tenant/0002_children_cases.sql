-- Children and their main cases (hovedsager). The case-core issue extends these.
CREATE TABLE child (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cpr         text NOT NULL UNIQUE CHECK (cpr ~ '^[0-9]{10}$'),
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    birth_date  date NOT NULL,
    address     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX child_name ON child (lower(last_name), lower(first_name));
GRANT SELECT, INSERT, UPDATE ON child TO {{tenant_role}};

CREATE TABLE hovedsag (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    child_id    uuid NOT NULL REFERENCES child (id),
    opened_at   date NOT NULL,
    closed_at   date,
    stage       text NOT NULL CHECK (stage IN ('afklaring', 'undersoegelse', 'afgoerelse', 'indsats', 'afsluttet')),
    version     integer NOT NULL DEFAULT 1,
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);
CREATE INDEX hovedsag_child ON hovedsag (child_id);
CREATE INDEX hovedsag_open ON hovedsag (stage) WHERE closed_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON hovedsag TO {{tenant_role}};
