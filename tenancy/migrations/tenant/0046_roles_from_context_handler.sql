-- Issue 20 item 1: with Fælleskommunal Adgangsstyring a user's roles come from the
-- assertion's privileges at each login (granted_by 'fk-adgangsstyring'), each with the data
-- restrictions (dataafgrænsninger) FK Administrationsmodul gave it, e.g.
-- {"kle": ["27.*"], "orgenhed": ["<uuid>"]}; an empty object is no restriction.
ALTER TABLE user_role ADD COLUMN constraints jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(constraints) = 'object');
-- A Context Handler login binds the account by the assertion's persistent NameID.
ALTER TABLE app_user DROP CONSTRAINT app_user_bound_claim_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_bound_claim_check
    CHECK (bound_claim IN ('upn', 'preferred_username', 'email', 'fk-adgangsstyring'));
