-- Reports to Ankestyrelsen, every event of a placement (issue 18 item 2, backend/ankestyrelsen):
-- skema 1 (a placement, also a re-placement), skema 2 (a change of place, type or legal basis;
-- the placement ends), skema 3 (døgnophold i efterværn, § 114) and decisions under Barnets
-- Lov § 139 (access to the home without a court order; enforcement). One table, one report
-- per activity as before; the kind says which report, event_id what it is about (the
-- measure, or the § 139 decision).
ALTER TABLE ankestyrelsen_report DROP CONSTRAINT ankestyrelsen_report_kind_check;
ALTER TABLE ankestyrelsen_report ADD CONSTRAINT ankestyrelsen_report_kind_check
    CHECK (kind IN ('anbringelse', 'aendring', 'ophoer', 'eftervaern', 'indgreb_139'));
ALTER TABLE ankestyrelsen_report ADD COLUMN event_id uuid;
UPDATE ankestyrelsen_report SET event_id = indsats_id;

-- A decision under Barnets Lov § 139 (nothing else in Trekant records one): which kind,
-- when, who decided, whether the police assisted, what happened. Journalised when recorded;
-- it raises the report duty (activity concerns 'indgreb_139').
CREATE TABLE indgreb_139 (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id  uuid NOT NULL REFERENCES hovedsag (id),
    kind         text NOT NULL
                 CHECK (kind IN ('fuldbyrdelse_hjem', 'fuldbyrdelse_anbringelsessted',
                                 'adgang_undersoegelse')),
    decided_on   date NOT NULL,
    carried_out_on date,
    decided_by   text NOT NULL CHECK (length(btrim(decided_by)) > 0),
    police       boolean NOT NULL,
    description  text NOT NULL CHECK (length(btrim(description)) > 0),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indgreb_139_case ON indgreb_139 (hovedsag_id);
GRANT SELECT, INSERT ON indgreb_139 TO {{tenant_role}};
-- Case rows: deleted only inside the retention job's deletion of the case (see 0041).
GRANT DELETE ON indgreb_139 TO {{tenant_role}};
CREATE TRIGGER indgreb_139_delete_guard BEFORE DELETE ON indgreb_139 FOR EACH ROW
    EXECUTE FUNCTION case_delete_guard();

ALTER TABLE activity DROP CONSTRAINT activity_concerns_check;
ALTER TABLE activity ADD CONSTRAINT activity_concerns_check
    CHECK (concerns IN ('underretning', 'enkeltsag', 'indsats', 'child', 'samvaer',
                        'indgreb_139'));

-- The administrator's overview lists every report activity without reading every activity.
DROP INDEX activity_ankestyrelsen;
CREATE INDEX activity_ankestyrelsen ON activity (due_at)
    WHERE rule_id IN ('indberet-anbringelse', 'indberet-aendring', 'indberet-ophoer',
                      'indberet-eftervaern', 'indberet-139');
