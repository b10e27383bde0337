-- Issue 20: KOMBIT publishes the Context Handler's metadata signed. The operator may give the
-- certificate that signs it (PEM, public: not a secret); when set, fetched metadata without a
-- valid XML signature by it is refused and the login stops (backend/auth/saml.py,
-- idp_metadata). NULL: the metadata is trusted on its https address alone, as before.
ALTER TABLE shared.tenant ADD COLUMN ch_metadata_cert text
    CHECK (ch_metadata_cert IS NULL OR (length(ch_metadata_cert) BETWEEN 100 AND 20000
           AND ch_metadata_cert LIKE '-----BEGIN CERTIFICATE-----%'));
GRANT UPDATE (ch_metadata_cert) ON shared.tenant TO {{operator_role}};
