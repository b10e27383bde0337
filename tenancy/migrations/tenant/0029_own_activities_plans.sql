-- The caseworker's own activities and the teams' activity plans (issue 17 item 7).
-- An own activity is an `activity` row with rule_id 'egen' and the caseworker's own text;
-- one created from a plan names the plan (id and name, no foreign key: a case carried to
-- another kommune keeps them as text). A plan is its team's template: its items are copied
-- into activities when it is applied, so changing a plan never changes activities made
-- from it (`version` counts its changes and guards a save against one made meanwhile).
ALTER TABLE activity
    ADD COLUMN description text CHECK (description IS NULL OR length(description) <= 2000),
    ADD COLUMN plan_id     uuid,
    ADD COLUMN plan_name   text,
    ADD COLUMN plan_version integer,
    ADD COLUMN created_by  text;
CREATE INDEX activity_case_plan ON activity (hovedsag_id, plan_id) WHERE plan_id IS NOT NULL;

CREATE TABLE activity_plan (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id    uuid NOT NULL REFERENCES team (id),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    note       text CHECK (note IS NULL OR length(note) <= 2000),
    version    integer NOT NULL DEFAULT 1,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    retired_by text
);
CREATE UNIQUE INDEX activity_plan_team_name ON activity_plan (team_id, lower(btrim(name)))
    WHERE retired_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON activity_plan TO {{tenant_role}};

CREATE TABLE activity_plan_item (
    plan_id     uuid NOT NULL REFERENCES activity_plan (id),
    position    integer NOT NULL CHECK (position >= 0),
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    days        integer NOT NULL CHECK (days BETWEEN 0 AND 3650),
    day_kind    text NOT NULL CHECK (day_kind IN ('kalenderdage', 'arbejdsdage')),
    description text CHECK (description IS NULL OR length(description) <= 2000),
    PRIMARY KEY (plan_id, position)
);
GRANT SELECT, INSERT, DELETE ON activity_plan_item TO {{tenant_role}};
