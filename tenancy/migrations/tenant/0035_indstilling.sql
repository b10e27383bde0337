-- Placement without consent (Barnets Lov § 47) is decided by børne- og ungeudvalget in a
-- meeting (§ 142, stk. 1), never by a caseworker alone. The caseworker prepares an
-- indstilling (the proposal: which placement, the reasons), records that the custody
-- holders and the child (from 10 years) were offered free legal counsel and access to the
-- file, and the date of the meeting. The committee's decision — or, in an urgent case, the
-- chair's provisional decision (formandsafgørelse) and the committee's answer to it — is
-- recorded here and made through the case core's decision machinery (afgoerelse_id).
-- state: forberedes → afgjort (the committee decided)
--                   → formand (the chair decided provisionally) → afgjort | bortfaldet
CREATE TABLE indstilling (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id         uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id        uuid NOT NULL REFERENCES enkeltsag (id),
    measure             text NOT NULL,
    reasons             text NOT NULL CHECK (length(btrim(reasons)) BETWEEN 1 AND 8000),
    meeting_on          date NOT NULL,
    state               text NOT NULL DEFAULT 'forberedes'
                            CHECK (state IN ('forberedes', 'formand', 'afgjort', 'bortfaldet')),
    provisional_on      date,
    provisional_reasons text,
    provisional_afgoerelse_id uuid REFERENCES afgoerelse (id),
    decided_on          date,
    outcome             text CHECK (outcome IN ('bevilget', 'afslag', 'godkendt', 'ikke_godkendt')),
    decision_reasons    text,
    review_months       int CHECK (review_months IN (12, 24, 36)),
    afgoerelse_id       uuid REFERENCES afgoerelse (id),
    version             int NOT NULL DEFAULT 1,
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    changed_by          text NOT NULL,
    changed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indstilling_case ON indstilling (hovedsag_id);
CREATE INDEX indstilling_open ON indstilling (state) WHERE state IN ('forberedes', 'formand');
CREATE INDEX indstilling_decision ON indstilling (afgoerelse_id);
CREATE INDEX indstilling_provisional ON indstilling (provisional_afgoerelse_id);
GRANT SELECT, INSERT, UPDATE ON indstilling TO {{tenant_role}};

-- The offer of free legal counsel and access to the file, one row per party (the custody
-- holders together, the child); a new offer to the same party replaces the row. It names
-- its case, so it travels with a transferred case like every table with a hovedsag_id.
CREATE TABLE indstilling_tilbud (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id    uuid NOT NULL REFERENCES hovedsag (id),
    indstilling_id uuid NOT NULL REFERENCES indstilling (id),
    party          text NOT NULL CHECK (party IN ('foraeldre', 'barn')),
    offered_on     date NOT NULL,
    accepted       boolean NOT NULL,
    lawyer         text CHECK (lawyer IS NULL OR length(lawyer) <= 200),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indstilling_id, party)
);
GRANT SELECT, INSERT, UPDATE ON indstilling_tilbud TO {{tenant_role}};
