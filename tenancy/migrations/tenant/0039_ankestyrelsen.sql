-- Reports to Ankestyrelsen (issue 18 item 2, backend/ankestyrelsen): one row per report a
-- caseworker sent, with what was sent (the structured message, no CPR number) and the
-- receiver's receipt. One report per activity: the activity "Indberet anbringelsen til
-- Ankestyrelsen" is reported once, so a repeated send never reaches Ankestyrelsen twice.
CREATE TABLE ankestyrelsen_report (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id  uuid NOT NULL REFERENCES hovedsag (id),
    activity_id  uuid NOT NULL UNIQUE REFERENCES activity (id),
    indsats_id   uuid REFERENCES indsats (id),
    kind         text NOT NULL CHECK (kind IN ('anbringelse')),
    content      jsonb NOT NULL,
    due_at       timestamptz,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    sent_by      text NOT NULL,
    sent_by_name text NOT NULL,
    receipt      text NOT NULL CHECK (length(btrim(receipt)) > 0)
);
CREATE INDEX ankestyrelsen_report_case ON ankestyrelsen_report (hovedsag_id);
CREATE INDEX ankestyrelsen_report_sent ON ankestyrelsen_report (sent_at DESC);
GRANT SELECT, INSERT ON ankestyrelsen_report TO {{tenant_role}};
-- The administrator's overview lists the report activities without reading every activity.
CREATE INDEX activity_ankestyrelsen ON activity (due_at) WHERE rule_id = 'indberet-anbringelse';
