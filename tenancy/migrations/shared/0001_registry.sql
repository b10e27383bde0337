-- The tenant registry and the operator's audit. Everything here is schema-qualified.
CREATE TABLE shared.tenant (
    code              text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name              text NOT NULL CHECK (length(btrim(name)) > 0),
    schema_name       text NOT NULL UNIQUE,
    role_name         text NOT NULL UNIQUE,
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    status_reason     text,
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    -- Identity-provider settings (filled by the operator when onboarding; see docs/architecture.md)
    idp_issuer        text,
    idp_client_id     text,
    idp_client_secret_ref text,
    idp_settings      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shared.operator_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    action       text NOT NULL,
    kommune_code text,
    detail       jsonb NOT NULL DEFAULT '{}'::jsonb
);

GRANT USAGE ON SCHEMA shared TO {{app_role}}, {{operator_role}};
-- The application reads the registry to open a tenant transaction; it never writes it.
GRANT SELECT ON shared.tenant TO {{app_role}};
GRANT SELECT, UPDATE (status, status_reason, status_changed_at, idp_issuer, idp_client_id,
                      idp_client_secret_ref, idp_settings)
    ON shared.tenant TO {{operator_role}};
-- The operator audit is append-only for everyone but the database owner.
GRANT SELECT, INSERT ON shared.operator_audit TO {{operator_role}};
