-- Which claim of the kommune's identity provider binds a pre-registered Trekant user at the
-- first login: the one the provider is configured to assert for its own users (upn or
-- preferred_username for Entra ID). `email` binds only when the token says email_verified.
ALTER TABLE shared.tenant ADD COLUMN login_claim text NOT NULL DEFAULT 'preferred_username'
    CHECK (login_claim IN ('upn', 'preferred_username', 'email'));
GRANT UPDATE (login_claim) ON shared.tenant TO {{operator_role}};
