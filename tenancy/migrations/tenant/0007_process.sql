-- The rest of the legal process: visitation and decisions (§§ 32, 46, 47), measures
-- (indsatser) with follow-up, the steps that complete statutory activities, what an
-- activity concerns (so a changed date recomputes its deadline), several caseworkers
-- per case, and audited step-in access for colleagues.

-- What an activity is about: an underretning, an investigation or visitation
-- (enkeltsag), a measure (indsats) or the child. Deadlines are recomputed from it.
ALTER TABLE activity ADD COLUMN concerns text
    CHECK (concerns IN ('underretning', 'enkeltsag', 'indsats', 'child'));
ALTER TABLE activity ADD COLUMN concerns_id uuid;
ALTER TABLE activity ADD COLUMN due_reason text;
CREATE INDEX activity_concerns ON activity (concerns_id) WHERE status = 'open';

-- Who changed a record last, so a stale write can be told what changed.
ALTER TABLE hovedsag ADD COLUMN changed_by text;
ALTER TABLE hovedsag ADD COLUMN changed_at timestamptz;
ALTER TABLE hovedsag ADD COLUMN close_reason text;
ALTER TABLE activity ADD COLUMN changed_by text;
ALTER TABLE activity ADD COLUMN changed_at timestamptz;

ALTER TABLE underretning ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE underretning ADD COLUMN changed_by text;
ALTER TABLE underretning ADD COLUMN changed_at timestamptz;
GRANT UPDATE (received_at, version, changed_by, changed_at) ON underretning TO {{tenant_role}};

-- An investigation knows when the kommune became aware; a visitation the section it
-- prepares a decision under; both end with a summary.
ALTER TABLE enkeltsag ADD COLUMN aware_since date;
ALTER TABLE enkeltsag ADD COLUMN paragraph text CHECK (paragraph IN ('32', '46', '47'));
ALTER TABLE enkeltsag ADD COLUMN summary text;
ALTER TABLE enkeltsag ADD COLUMN changed_by text;
ALTER TABLE enkeltsag ADD COLUMN changed_at timestamptz;
CREATE INDEX enkeltsag_open ON enkeltsag (hovedsag_id, kind) WHERE closed_at IS NULL;

CREATE TABLE afgoerelse (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id  uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id uuid NOT NULL REFERENCES enkeltsag (id),
    paragraph    text NOT NULL CHECK (paragraph IN ('32', '46', '47')),
    outcome      text NOT NULL CHECK (outcome IN ('bevilget', 'afslag')),
    decided_on   date NOT NULL,
    summary      text NOT NULL CHECK (length(btrim(summary)) > 0),
    -- Required steps the decision was made without, each with the caseworker's reason.
    exceptions   jsonb NOT NULL DEFAULT '[]',
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX afgoerelse_case ON afgoerelse (hovedsag_id);
GRANT SELECT, INSERT ON afgoerelse TO {{tenant_role}};

CREATE TABLE indsats (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id   uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id  uuid NOT NULL REFERENCES enkeltsag (id),
    afgoerelse_id uuid REFERENCES afgoerelse (id),
    kind          text NOT NULL,
    paragraph     text NOT NULL CHECK (paragraph IN ('32', '46', '47')),
    placement     boolean NOT NULL,
    starts_on     date NOT NULL,
    ends_on       date,
    end_reason    text,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    changed_by    text,
    changed_at    timestamptz,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX indsats_case ON indsats (hovedsag_id);
CREATE INDEX indsats_running_kind ON indsats (kind, hovedsag_id) WHERE ends_on IS NULL;
GRANT SELECT, INSERT, UPDATE ON indsats TO {{tenant_role}};

-- A step the caseworker has carried out (child conversation, hearing, plan, follow-up,
-- transition planning, re-assessment). Recording it completes the activities it answers.
CREATE TABLE case_step (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id  uuid NOT NULL REFERENCES hovedsag (id),
    enkeltsag_id uuid REFERENCES enkeltsag (id),
    indsats_id   uuid REFERENCES indsats (id),
    kind         text NOT NULL CHECK (kind IN ('boernesamtale', 'partshoering', 'plan',
                     'ungeplan', 'opfoelgning', 'overgang', 'revurdering')),
    happened_on  date NOT NULL,
    note         text NOT NULL DEFAULT '',
    next_due     date,
    next_reason  text,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_step_case ON case_step (hovedsag_id, happened_on);
GRANT SELECT, INSERT ON case_step TO {{tenant_role}};

-- Caseworkers on the case besides the responsible one (hovedsag.caseworker_id).
CREATE TABLE hovedsag_worker (
    hovedsag_id uuid NOT NULL REFERENCES hovedsag (id),
    user_id     uuid NOT NULL REFERENCES app_user (id),
    added_by    text NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hovedsag_id, user_id)
);
CREATE INDEX hovedsag_worker_user ON hovedsag_worker (user_id);
GRANT SELECT, INSERT, DELETE ON hovedsag_worker TO {{tenant_role}};

-- A colleague who is not on the case opens it to step in: with a reason, for a while.
CREATE TABLE case_access (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id uuid NOT NULL REFERENCES hovedsag (id),
    user_id     uuid NOT NULL REFERENCES app_user (id),
    reason      text NOT NULL CHECK (length(btrim(reason)) > 0),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX case_access_user ON case_access (user_id, hovedsag_id, expires_at);
GRANT SELECT, INSERT ON case_access TO {{tenant_role}};

-- Afklaring starts from an underretning, or from a henvendelse or an ansøgning (from the
-- family or the young person). An ansøgning gets the kommune's own processing deadline
-- (retssikkerhedsloven § 3, stk. 2), which the kommune's administrator sets.
ALTER TABLE underretning ADD COLUMN kind text NOT NULL DEFAULT 'underretning'
    CHECK (kind IN ('underretning', 'henvendelse', 'ansoegning'));
ALTER TABLE kommune_settings ADD COLUMN application_days integer NOT NULL DEFAULT 28
    CHECK (application_days BETWEEN 1 AND 365);
