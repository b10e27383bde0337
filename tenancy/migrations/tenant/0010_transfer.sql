-- Across kommuner (backend/crosskommune): a case in transfer or transferred away, a case
-- received by transfer, journal entries that came with it, the inbox of transfers received
-- and the team that takes them in. The shared side is tenancy/migrations/shared/0003.

-- The sending side: the transfer under way (closed_at IS NULL) or that took the case away
-- (closed_at set, transferred_to = the receiving kommune's code).
ALTER TABLE hovedsag ADD COLUMN transfer_id uuid;
ALTER TABLE hovedsag ADD COLUMN transferred_to text;
CREATE INDEX hovedsag_transfer ON hovedsag (transfer_id) WHERE transfer_id IS NOT NULL;

-- The receiving side: the case was created from transfer ``received_transfer_id`` (at most
-- one case per transfer: the import's exactly-once guarantee, held by the database).
ALTER TABLE hovedsag ADD COLUMN received_transfer_id uuid;
ALTER TABLE hovedsag ADD COLUMN received_from text;  -- "0101 København"
CREATE UNIQUE INDEX hovedsag_received_once ON hovedsag (received_transfer_id)
    WHERE received_transfer_id IS NOT NULL;

-- Journal entries keep their time and author when they move; these say where they came
-- from and which entry they were there.
ALTER TABLE journal_entry ADD COLUMN received_from text;
ALTER TABLE journal_entry ADD COLUMN original_id bigint;

-- Transfers received: the deadline for reading and taking over, and the team it lands on.
-- The transfer itself (status, package) lives in shared.transfer.
CREATE TABLE transfer_inbox (
    transfer_id uuid PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    due_at      timestamptz NOT NULL,
    team_id     uuid REFERENCES team (id),
    hovedsag_id uuid REFERENCES hovedsag (id),
    decided_at  timestamptz
);
GRANT SELECT, INSERT, UPDATE ON transfer_inbox TO {{tenant_role}};

-- The team that receives transferred cases (the administrator chooses; see the notes).
ALTER TABLE kommune_settings ADD COLUMN transfer_team_id uuid REFERENCES team (id);

-- Rights on the cross-kommune objects in shared (functions, row-level-secured tables).
-- If the shared migration is not applied yet, it grants them itself when it runs.
DO $$
BEGIN
    IF to_regprocedure('shared.grant_cross_kommune(regrole)') IS NOT NULL THEN
        PERFORM shared.grant_cross_kommune('{{tenant_role}}'::regrole);
    END IF;
END $$;
