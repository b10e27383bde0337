-- Users of the kommune, their roles and teams. The identity provider proves who someone
-- is; the kommune's administrator decides here what they may do (backend/auth/permissions.py).
CREATE TABLE app_user (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username       text NOT NULL CHECK (username = lower(btrim(username)) AND length(username) BETWEEN 3 AND 254),
    display_name   text NOT NULL CHECK (length(btrim(display_name)) > 0),
    email          text,
    issuer         text,
    subject        text,
    active         boolean NOT NULL DEFAULT true,
    provisioned_by text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    deactivated_by text,
    last_login_at  timestamptz,
    version        integer NOT NULL DEFAULT 1,
    UNIQUE (username),
    UNIQUE (issuer, subject),
    CHECK ((issuer IS NULL) = (subject IS NULL))
);
GRANT SELECT, INSERT, UPDATE ON app_user TO {{tenant_role}};

CREATE TABLE user_role (
    user_id    uuid NOT NULL REFERENCES app_user (id),
    role       text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by text NOT NULL,
    PRIMARY KEY (user_id, role)
);
GRANT SELECT, INSERT, DELETE ON user_role TO {{tenant_role}};

CREATE TABLE team (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON team TO {{tenant_role}};

CREATE TABLE team_member (
    team_id uuid NOT NULL REFERENCES team (id),
    user_id uuid NOT NULL REFERENCES app_user (id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_member_user ON team_member (user_id);
GRANT SELECT, INSERT, DELETE ON team_member TO {{tenant_role}};

-- One row: the kommune's own login settings.
CREATE TABLE kommune_settings (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    jit_provisioning boolean NOT NULL DEFAULT false,
    jit_default_role text NOT NULL DEFAULT 'laeser'
);
INSERT INTO kommune_settings DEFAULT VALUES;
GRANT SELECT, UPDATE ON kommune_settings TO {{tenant_role}};

CREATE INDEX audit_event_action ON audit_event (action, at DESC);
CREATE INDEX audit_event_actor ON audit_event (actor, at DESC);
