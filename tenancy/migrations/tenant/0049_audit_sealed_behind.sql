-- Issue 19: the audit of a read is one INSERT in the request's own transaction, not an
-- outbox row, an arq job and a worker transaction per read (the worker managed about 30 a
-- second while one API process served 500 case reads). The event is written unsealed
-- (hash NULL); the worker's sealing job (backend/audit/seal.py, every few seconds) chains
-- the unsealed events by hash in batches, in the order it seals them (seq).
--
-- A row's seal (seq, prev_hash, hash) is set once: the kommune role may update those three
-- columns and no other, and only on a row not yet sealed (the trigger). It still may never
-- delete a row. A removed, altered or re-sealed row breaks the chain (verify_chain).
ALTER TABLE audit_event ADD COLUMN seq bigint;
ALTER TABLE audit_event ALTER COLUMN hash DROP NOT NULL;
-- The events chained so far keep their order: the chain was written in id order.
UPDATE audit_event SET seq = id;
CREATE UNIQUE INDEX audit_event_seq ON audit_event (seq);
-- What the sealing job reads: small, since events are sealed within seconds.
CREATE INDEX audit_event_unsealed ON audit_event (id) WHERE hash IS NULL;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_sealed_whole
    CHECK ((seq IS NULL) = (hash IS NULL));

CREATE FUNCTION audit_event_seal_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit event % is sealed already', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.hash IS NULL
       OR (NEW.id, NEW.outbox_id, NEW.at, NEW.actor, NEW.action, NEW.subject, NEW.detail)
          IS DISTINCT FROM
          (OLD.id, OLD.outbox_id, OLD.at, OLD.actor, OLD.action, OLD.subject, OLD.detail) THEN
        RAISE EXCEPTION 'an audit event may only be sealed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_event_seal_once BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_seal_once();

GRANT UPDATE (seq, prev_hash, hash) ON audit_event TO {{tenant_role}};
