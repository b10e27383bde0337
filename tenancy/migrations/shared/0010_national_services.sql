-- National services per kommune (issue 20 item 5): which Serviceplatform service each
-- kommune uses (FK Organisation SF1500, Sags- og dokumentindeks SF1470, CPR SF1520, the
-- Context Handler), its endpoint, service agreement, user system, the kommune's CVR and the
-- system certificate. Configured by the operator; read by the API and the worker.
CREATE TABLE shared.national_service (
    code                   text NOT NULL REFERENCES shared.tenant (code) ON DELETE CASCADE,
    kind                   text NOT NULL CHECK (kind IN ('sf1500', 'sf1470', 'sf1520', 'contexthandler')),
    endpoint               text NOT NULL CHECK (length(endpoint) BETWEEN 1 AND 2000),
    service_agreement_uuid uuid NOT NULL,
    user_system_uuid       uuid NOT NULL,
    cvr                    text NOT NULL CHECK (cvr ~ '^[0-9]{8}$'),
    cert_pem               text,
    cert_subject           text,
    cert_not_after         timestamptz,
    enabled                boolean NOT NULL DEFAULT true,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    updated_by             text NOT NULL,
    -- health, written by the API and the worker after each call
    last_call_at           timestamptz,
    last_ok_at             timestamptz,
    last_error             text,
    last_error_at          timestamptz,
    PRIMARY KEY (code, kind)
);
GRANT SELECT ON shared.national_service TO {{app_role}};
GRANT UPDATE (last_call_at, last_ok_at, last_error, last_error_at) ON shared.national_service
    TO {{app_role}};
GRANT SELECT, INSERT, DELETE ON shared.national_service TO {{operator_role}};
GRANT UPDATE (endpoint, service_agreement_uuid, user_system_uuid, cvr, cert_pem, cert_subject,
    cert_not_after, enabled, updated_at, updated_by) ON shared.national_service TO {{operator_role}};

-- The certificate's private key, sealed (backend/sealing.py, bound to the kommune, the
-- service and the certificate). The operator writes it and can see that it exists, never
-- the value: no SELECT on `sealed` for the operator role.
CREATE TABLE shared.national_service_key (
    code       text NOT NULL,
    kind       text NOT NULL,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, kind),
    FOREIGN KEY (code, kind) REFERENCES shared.national_service (code, kind) ON DELETE CASCADE
);
GRANT SELECT ON shared.national_service_key TO {{app_role}};
GRANT SELECT (code, kind, updated_at), INSERT, DELETE ON shared.national_service_key
    TO {{operator_role}};
GRANT UPDATE (sealed, updated_at) ON shared.national_service_key TO {{operator_role}};

-- Whether the calling kommune pushes to the Sags- og dokumentindeks (SF1470): the tenant
-- triggers of migration 0045 write an outbox row only then. False outside a kommune's tenant
-- transaction (the owner restoring an export, a migration), never an error there. Granted
-- to each kommune role by tenant migration 0045.
CREATE FUNCTION shared.sagsindeks_enabled() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM shared.national_service s
                   WHERE s.code = shared.caller_kommune() AND s.kind = 'sf1470' AND s.enabled)
$$;
REVOKE ALL ON FUNCTION shared.sagsindeks_enabled() FROM PUBLIC;
