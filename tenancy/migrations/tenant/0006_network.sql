-- The child's network: parents and custody holders (from the CPR source), siblings,
-- primary and secondary network, and professionals with their contact details.
CREATE TABLE network_member (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    child_id     uuid NOT NULL REFERENCES child (id),
    relation     text NOT NULL CHECK (relation IN ('mor', 'far', 'forælder', 'søskende',
                     'bedsteforælder', 'anden_familie', 'netværk', 'plejefamilie', 'skole',
                     'dagtilbud', 'læge', 'sundhedspleje', 'politi', 'anden_fagperson')),
    circle       text NOT NULL CHECK (circle IN ('forældre', 'primært', 'sekundært', 'professionelt')),
    name         text NOT NULL CHECK (length(btrim(name)) > 0),
    cpr          text CHECK (cpr ~ '^[0-9]{10}$'),
    custody      boolean NOT NULL DEFAULT false,
    organisation text,
    phone        text,
    email        text,
    note         text,
    source       text NOT NULL DEFAULT 'manuel' CHECK (source IN ('cpr', 'manuel')),
    sibling_child_id uuid REFERENCES child (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz,
    version      integer NOT NULL DEFAULT 1
);
CREATE INDEX network_child ON network_member (child_id) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX network_cpr_once ON network_member (child_id, cpr)
    WHERE cpr IS NOT NULL AND removed_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON network_member TO {{tenant_role}};
