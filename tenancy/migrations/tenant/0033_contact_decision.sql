-- Contact during a placement (samvær og kontakt, Barnets Lov §§ 103-105): the kommune's
-- decisions on the placed child's contact with parents and network, each with its review
-- date. Changing a decision writes a new row that names the one it replaces (replaces_id,
-- no foreign key: a case carried to another kommune renews ids consistently) and stamps
-- the old one replaced, so the history stays. The person is a member of the child's
-- network; their name and relation are copied, so the decision reads the same if the
-- network changes later. The review is an `activity` (rule 'samvaer-revurdering') about
-- the decision (concerns 'samvaer').
CREATE TABLE contact_decision (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id       uuid NOT NULL REFERENCES hovedsag (id),
    network_member_id uuid REFERENCES network_member (id),
    person_name       text NOT NULL CHECK (length(btrim(person_name)) BETWEEN 1 AND 200),
    person_relation   text NOT NULL,
    form              text NOT NULL CHECK (form IN ('samvaer', 'samvaer_overnatning',
                          'stoettet_samvaer', 'overvaaget_samvaer', 'telefon', 'video',
                          'skriftlig', 'ingen')),
    frequency         text NOT NULL CHECK (length(btrim(frequency)) BETWEEN 1 AND 200),
    restrictions      text CHECK (restrictions IS NULL OR length(restrictions) <= 4000),
    decided_on        date NOT NULL,
    review_on         date NOT NULL CHECK (review_on >= decided_on),
    replaces_id       uuid,
    replaced_at       timestamptz,
    replaced_by       text,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_decision_case ON contact_decision (hovedsag_id) WHERE replaced_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON contact_decision TO {{tenant_role}};

-- A review activity is about its decision.
ALTER TABLE activity DROP CONSTRAINT activity_concerns_check;
ALTER TABLE activity ADD CONSTRAINT activity_concerns_check
    CHECK (concerns IN ('underretning', 'enkeltsag', 'indsats', 'child', 'samvaer'));
