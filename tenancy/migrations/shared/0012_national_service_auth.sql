-- How Trekant authenticates to a kommune's national service (issue 20, items 2-4):
-- 'tls'   the system certificate as the TLS client certificate (Serviceplatformen's older
--         service versions, as before);
-- 'token' a SAML token from the Serviceplatform's STS (WS-Trust 1.3 Issue signed with the
--         system certificate, for the service's entity id and the kommune's CVR), presented
--         in the call's WS-Security header with the message signed (OIO IDWS, holder-of-key).
ALTER TABLE shared.national_service
    ADD COLUMN auth text NOT NULL DEFAULT 'tls' CHECK (auth IN ('tls', 'token'));
GRANT UPDATE (auth) ON shared.national_service TO {{operator_role}};
