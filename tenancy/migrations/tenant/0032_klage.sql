-- Complaints against a decision (issue 17 item 3, backend/appeals): registered with the
-- day the kommune received it, reconsidered (genvurdering) within 4 weeks, then either
-- granted by the kommune (imødekommet: a new decision follows) or upheld and sent to
-- Ankestyrelsen as one PDF package (a document of the case), and Ankestyrelsen's answer.
-- state: genvurderes → imoedekommet | fastholdt → sendt → afgjort.
CREATE TABLE klage (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hovedsag_id           uuid NOT NULL REFERENCES hovedsag (id),
    afgoerelse_id         uuid NOT NULL REFERENCES afgoerelse (id),
    received_on           date NOT NULL,
    complainant           text NOT NULL CHECK (length(btrim(complainant)) BETWEEN 1 AND 300),
    complainant_member_id uuid,
    about                 text NOT NULL CHECK (length(btrim(about)) BETWEEN 1 AND 5000),
    complaint_document_id uuid REFERENCES document (id),
    complaint_deadline    date,
    reconsider_by         date NOT NULL,
    state                 text NOT NULL DEFAULT 'genvurderes' CHECK (state IN
                              ('genvurderes', 'imoedekommet', 'fastholdt', 'sendt', 'afgjort')),
    reconsidered_on       date,
    reconsider_reasons    text CHECK (reconsider_reasons IS NULL
                              OR length(reconsider_reasons) <= 10000),
    sent_on               date,
    package_document_id   uuid REFERENCES document (id),
    answered_on           date,
    answer_outcome        text CHECK (answer_outcome IN
                              ('stadfaestet', 'aendret', 'ophaevet', 'hjemvist')),
    answer_document_id    uuid REFERENCES document (id),
    answer_note           text CHECK (answer_note IS NULL OR length(answer_note) <= 5000),
    created_by            text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    changed_by            text NOT NULL,
    changed_at            timestamptz NOT NULL DEFAULT now(),
    version               integer NOT NULL DEFAULT 1
);
CREATE INDEX klage_case ON klage (hovedsag_id);
CREATE INDEX klage_open ON klage (state) WHERE state IN ('genvurderes', 'fastholdt', 'sendt');
GRANT SELECT, INSERT, UPDATE ON klage TO {{tenant_role}};
