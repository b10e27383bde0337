-- Secrets the database holds but must not show (issue 13, finding 1 and item 9).
--
-- 1. A kommune's OIDC client secret is its own. Either the operator enters it once and it
--    is stored here sealed (AES-GCM under a key derived from TREKANT_DATA_KEY, which is
--    in the environment only, bound to the kommune, its issuer and its client id), or the
--    registry names the kommune's *own* environment variable, TREKANT_IDP_SECRET_<code>,
--    and nothing else (enforced below). The operator role can see that a sealed secret
--    exists, never the value; it can no longer change a kommune's issuer or client id
--    directly (onboarding runs as the owner in the worker).
CREATE TABLE shared.idp_secret (
    code       text PRIMARY KEY REFERENCES shared.tenant (code) ON DELETE CASCADE,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON shared.idp_secret TO {{app_role}};
GRANT SELECT (code, updated_at) ON shared.idp_secret TO {{operator_role}};

-- A reference to any other variable (DATABASE_URL, TREKANT_SECRET_KEY, another kommune's
-- secret) is dropped: that kommune's logins stop with "ikke konfigureret" until its secret
-- is entered again. Each such row is recorded in the operator audit.
INSERT INTO shared.operator_audit (actor, action, kommune_code, detail)
SELECT 'migration 0004', 'kommune.idp_secret_cleared', t.code,
       jsonb_build_object('secret_ref', t.idp_client_secret_ref)
FROM shared.tenant t
WHERE t.idp_client_secret_ref IS NOT NULL
  AND t.idp_client_secret_ref <> 'TREKANT_IDP_SECRET_' || t.code;
UPDATE shared.tenant SET idp_client_secret_ref = NULL
WHERE idp_client_secret_ref IS NOT NULL AND idp_client_secret_ref <> 'TREKANT_IDP_SECRET_' || code;
ALTER TABLE shared.tenant ADD CONSTRAINT tenant_idp_secret_ref_own
    CHECK (idp_client_secret_ref IS NULL OR idp_client_secret_ref = 'TREKANT_IDP_SECRET_' || code);
REVOKE UPDATE (idp_issuer, idp_client_id, idp_client_secret_ref) ON shared.tenant
    FROM {{operator_role}};

-- 2. Transfer packages are sealed (AES-GCM, key derived from TREKANT_DATA_KEY and the
--    transfer id, bound to the transfer, its sender and its receiver). Packages written
--    before this migration are plaintext until `trekant db bootstrap` (or `tenant migrate`,
--    `just run`) seals them; the reader knows which is which by this column. Kommune roles
--    cannot set it (their INSERT grant names the columns), so a new row is always sealed.
ALTER TABLE shared.transfer ADD COLUMN package_sealed boolean NOT NULL DEFAULT false;
ALTER TABLE shared.transfer ALTER COLUMN package_sealed SET DEFAULT true;
