-- When a user's Trekant account was bound to an identity at the provider, and by which
-- claim; the administrator sees it and can reset it (the subject itself stays internal).
ALTER TABLE app_user ADD COLUMN bound_at timestamptz;
ALTER TABLE app_user ADD COLUMN bound_claim text
    CHECK (bound_claim IN ('upn', 'preferred_username', 'email'));
