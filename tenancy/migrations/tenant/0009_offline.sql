-- Offline use of the PWA on home visits (backend/offline, docs/offline-notes.md): the
-- devices that hold offline data, the cases a caseworker chose to take along beyond their
-- own, the idempotency keys that make a replayed write happen once, who last changed a
-- network member (for the conflict view), and the kommune's maximum offline period.

-- A browser that holds offline data for one user. The device proves itself without a
-- session by a random secret (only its SHA-256 is kept), so a device that comes back
-- after days with an expired session still learns that it must wipe.
CREATE TABLE offline_device (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES app_user (id),
    label          text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    token_hash     bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_bundle_at timestamptz,
    revoked_at     timestamptz,
    revoked_by     text,
    revoke_reason  text
);
CREATE INDEX offline_device_user ON offline_device (user_id);
GRANT SELECT, INSERT, UPDATE ON offline_device TO {{tenant_role}};

-- Cases the caseworker chose to take along ("Gem sagen til hjemmebesøg") beyond their own.
-- Access is checked again at every download.
CREATE TABLE offline_choice (
    user_id     uuid NOT NULL REFERENCES app_user (id),
    hovedsag_id uuid NOT NULL REFERENCES hovedsag (id),
    chosen_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, hovedsag_id)
);
GRANT SELECT, INSERT, DELETE ON offline_choice TO {{tenant_role}};

-- Writes sent with an Idempotency-Key (a client-generated UUID): the first successful
-- answer is kept and replayed for a retry with the same key, so a retry never writes twice.
-- ``fingerprint`` is the SHA-256 of method, path and body: the same key with another
-- request is refused. Answers of 400 and above are not kept (the transaction rolls back).
CREATE TABLE idempotency_key (
    key              uuid PRIMARY KEY,
    user_id          uuid NOT NULL REFERENCES app_user (id),
    fingerprint      bytea NOT NULL,
    status           integer,
    content_type     text,
    content_encoding text,
    body             bytea,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO {{tenant_role}};

-- Who last changed a network member and when: a contact correction made on a stale copy
-- gets a 409 that says so.
ALTER TABLE network_member ADD COLUMN changed_by text;
ALTER TABLE network_member ADD COLUMN changed_at timestamptz;

-- How long a device may go without reaching the server before its offline case data are
-- wiped (the queued changes wait for the next login).
ALTER TABLE kommune_settings ADD COLUMN offline_max_days integer NOT NULL DEFAULT 14
    CHECK (offline_max_days BETWEEN 1 AND 90);
