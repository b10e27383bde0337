-- Danmarks Statistik (issue 18 item 1): every delivery of the kommune's measures and
-- notifications to DST is kept whole: the exact XML sent, when and by whom, its status and
-- DST's receipt, and one row per record with its action (ny/rettelse/sletning), the hash of
-- the content sent (what a later change is compared with) and DST's verdict.
CREATE TABLE dst_delivery (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    period       text NOT NULL CHECK (period ~ '^[0-9]{4}K[1-4]$'),
    status       text NOT NULL CHECK (status IN ('klar', 'sendt', 'modtaget', 'afvist_delvist', 'afvist')),
    payload      bytea NOT NULL,
    records      integer NOT NULL CHECK (records >= 0),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    receipt      text,
    accepted     integer,
    rejected     integer
);
-- One delivery on its way at a time: a double click or a second administrator gets a 409.
CREATE UNIQUE INDEX dst_delivery_one_open ON dst_delivery ((true)) WHERE status IN ('klar', 'sendt');
CREATE INDEX dst_delivery_created ON dst_delivery (created_at DESC);
GRANT SELECT, INSERT, UPDATE ON dst_delivery TO {{tenant_role}};

CREATE TABLE dst_record (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES dst_delivery (id),
    record_key   text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('foranstaltning', 'underretning')),
    action       text NOT NULL CHECK (action IN ('ny', 'rettelse', 'sletning')),
    hovedsag_id  uuid,
    content_hash text NOT NULL,
    status       text NOT NULL CHECK (status IN ('sendt', 'modtaget', 'afvist')),
    reason       text,
    UNIQUE (delivery_id, record_key)
);
CREATE INDEX dst_record_key ON dst_record (record_key, id DESC);
GRANT SELECT, INSERT, UPDATE ON dst_record TO {{tenant_role}};
