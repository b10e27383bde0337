-- Issue 13 (findings 5 and 7): the kommune administrator is alerted to unusual prior-case
-- lookups, and chooses which roles may take cases offline for home visits.

-- Prior-case lookups (POST /api/cpr/prior-cases) per user and Copenhagen day, counted in
-- the lookup's own transaction.
CREATE TABLE prior_case_lookup_day (
    user_id  uuid NOT NULL REFERENCES app_user (id),
    day      date NOT NULL,
    lookups  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);
GRANT SELECT, INSERT, UPDATE ON prior_case_lookup_day TO {{tenant_role}};

-- An alert for the kommune's administrator: a user looked up more CPR numbers in other
-- kommuner in one day than their registrations that day explain. One per user and day;
-- ``lookups`` follows the count. The administrator marks it seen (audited).
CREATE TABLE security_alert (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind           text NOT NULL CHECK (kind IN ('prior_case_lookups')),
    user_id        uuid NOT NULL REFERENCES app_user (id),
    day            date NOT NULL,
    lookups        integer NOT NULL,
    registrations  integer NOT NULL,
    raised_at      timestamptz NOT NULL DEFAULT now(),
    seen_at        timestamptz,
    seen_by        text,
    UNIQUE (kind, user_id, day)
);
CREATE INDEX security_alert_unseen ON security_alert (raised_at DESC) WHERE seen_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON security_alert TO {{tenant_role}};

-- The roles that may register a device and download cases for offline use. Home visits are
-- made by caseworkers and their managers; the read-only role (revision) never by default.
ALTER TABLE kommune_settings ADD COLUMN offline_roles text[] NOT NULL
    DEFAULT '{sagsbehandler,leder}';
