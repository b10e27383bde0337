-- Danmarks Statistik (issue 18 item 1), session 11: the cause of a notification and the
-- nightly automatic send. docs/reporting.md "Danmarks Statistik".

-- What the notification is about ("hvad underrettes der om"), DST's cause categories, one
-- or more (DST counts every cause given: UND3). Codes as in backend/core/vocab.py
-- NOTIFICATION_CAUSES; an empty list is "not stated" (older notifications, henvendelser).
ALTER TABLE underretning ADD COLUMN causes text[] NOT NULL DEFAULT '{}'
    CHECK (causes <@ ARRAY['overgreb', 'vold_i_hjemmet', 'misbrug_foraeldre', 'omsorg',
        'bolig', 'sundhed_barn', 'misbrug_barn', 'kriminalitet_barn', 'skole',
        'andet']::text[]);
-- A notification about suspected abuse is about abuse: what DST received for it until now.
UPDATE underretning SET causes = '{overgreb}' WHERE suspected_abuse AND kind = 'underretning';

-- The kommune's DST settings: send what is due automatically every night (default off).
CREATE TABLE dst_setting (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    auto_send   boolean NOT NULL DEFAULT false,
    changed_by  text,
    changed_at  timestamptz
);
INSERT INTO dst_setting DEFAULT VALUES;
GRANT SELECT, UPDATE ON dst_setting TO {{tenant_role}};

-- A delivery the nightly job made (shown as "Sendt automatisk").
ALTER TABLE dst_delivery ADD COLUMN automatic boolean NOT NULL DEFAULT false;
