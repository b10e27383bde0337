-- Issue 20 item 1: a kommune logs in either through its own OpenID Connect provider
-- ('oidc', as before) or through KOMBIT's Context Handler, Fælleskommunal Adgangsstyring
-- ('context-handler', SAML 2.0 / OIOSAML 3; backend/auth/saml.py). With the Context
-- Handler the operator records where its metadata is, the entity id it must describe, the
-- kommune's CVR number (the scope of the privileges Trekant accepts) and the lowest NSIS
-- level of assurance the kommune accepts. None of it is secret; the SP's key is the
-- kommune's own environment variable (TREKANT_SAML_KEY_<code>).
ALTER TABLE shared.tenant ADD COLUMN login_kind text NOT NULL DEFAULT 'oidc'
    CHECK (login_kind IN ('oidc', 'context-handler'));
ALTER TABLE shared.tenant ADD COLUMN ch_metadata_url text
    CHECK (ch_metadata_url IS NULL OR length(ch_metadata_url) BETWEEN 8 AND 2000);
ALTER TABLE shared.tenant ADD COLUMN ch_entity_id text
    CHECK (ch_entity_id IS NULL OR length(ch_entity_id) BETWEEN 1 AND 1000);
ALTER TABLE shared.tenant ADD COLUMN ch_cvr text CHECK (ch_cvr IS NULL OR ch_cvr ~ '^[0-9]{8}$');
ALTER TABLE shared.tenant ADD COLUMN ch_nsis_level text NOT NULL DEFAULT 'Substantial'
    CHECK (ch_nsis_level IN ('Low', 'Substantial', 'High'));
ALTER TABLE shared.tenant ADD CONSTRAINT tenant_context_handler_complete
    CHECK (login_kind <> 'context-handler'
           OR (ch_metadata_url IS NOT NULL AND ch_entity_id IS NOT NULL AND ch_cvr IS NOT NULL));
GRANT UPDATE (login_kind, ch_metadata_url, ch_entity_id, ch_cvr, ch_nsis_level)
    ON shared.tenant TO {{operator_role}};
