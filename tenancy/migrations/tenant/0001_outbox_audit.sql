-- Outbox: jobs that must follow a committed change. Relayed to arq with _job_id = id.
CREATE TABLE outbox (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job         text NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    enqueued_at timestamptz,
    done_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE done_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON outbox TO {{tenant_role}};

-- Audit: who did or saw what. Written behind the request by the audit job from the
-- outbox (exactly once per outbox row), chained by hash so that a removed or altered
-- row is detectable. The kommune role may insert and read, never change or delete.
CREATE TABLE audit_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id   uuid UNIQUE,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    subject     text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   bytea,
    hash        bytea NOT NULL
);
CREATE INDEX audit_event_at ON audit_event (at DESC);
GRANT SELECT, INSERT ON audit_event TO {{tenant_role}};
