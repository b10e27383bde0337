-- Teams can be renamed and closed (issue 16 item 7). A closed team keeps its name and its
-- closed cases' history but takes no new members or cases; `version` guards a rename or a
-- close against a change made meanwhile (as app_user.version does for users).
ALTER TABLE team
    ADD COLUMN version   integer NOT NULL DEFAULT 1,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by text;

