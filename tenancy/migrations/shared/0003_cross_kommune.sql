-- Across kommuner (backend/crosskommune, docs/crosskommune-notes.md): the prior-case index,
-- its audit, transfer packages (Barnets Lov § 132), transfer requests, and notifications
-- forwarded after a transfer.
--
-- Who may touch what:
-- * A kommune role (trekant_kNNNN) is given its rights by tenant migration 0010 (and by
--   the loop at the end of this file for kommuner that already exist). It never reads
--   another kommune's schema; everything that crosses goes through this schema.
-- * The kommune a statement runs for is never a parameter: ``shared.caller_kommune()``
--   maps the role the tenant transaction switched to (``current_setting('role')``, which a
--   SECURITY DEFINER function still sees as the caller's) to its code.
-- * The operator role gets nothing here: it cannot read the index, a package, a request or
--   the cross-kommune audit.

-- The kommune of the calling tenant transaction, or NULL outside one.
CREATE FUNCTION shared.caller_kommune() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT t.code FROM shared.tenant t WHERE t.role_name = current_setting('role', true)
$$;
REVOKE ALL ON FUNCTION shared.caller_kommune() FROM PUBLIC;

CREATE FUNCTION shared.require_kommune() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE me text := shared.caller_kommune();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'only a kommune''s tenant transaction may call this'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
REVOKE ALL ON FUNCTION shared.require_kommune() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- The prior-case index: a keyed hash of the CPR number (HMAC-SHA256, key outside the
-- database), never the number. One row per main case (hovedsag) of every kommune.
CREATE TABLE shared.cpr_index (
    tenant_code    text NOT NULL REFERENCES shared.tenant (code),
    hovedsag_ref   uuid NOT NULL,
    cpr_hmac       bytea NOT NULL CHECK (length(cpr_hmac) = 32),
    -- 'barn': the child's own CPR number; 'ufoedt': an unborn child, by the mother's
    subject        text NOT NULL CHECK (subject IN ('barn', 'ufoedt')),
    opened_on      date NOT NULL,
    closed_on      date,
    transferred_to text,  -- closed because the case was transferred to this kommune
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_code, hovedsag_ref)
);
CREATE INDEX cpr_index_hmac ON shared.cpr_index (cpr_hmac);

-- Every lookup, whoever asked: appended by the lookup function only. No one but the
-- database owner reads it (data-protection supervision).
CREATE TABLE shared.cross_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    kommune_code text NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    purpose      text NOT NULL,
    hmac_prefix  bytea NOT NULL,  -- first 4 bytes: ties lookups of one child together
    result_count integer NOT NULL
);
CREATE INDEX cross_audit_at ON shared.cross_audit (at DESC);

-- Keep the caller's row for one of its main cases current (the index job calls this).
CREATE FUNCTION shared.cpr_index_sync(
    p_ref uuid, p_hmac bytea, p_subject text, p_opened date, p_closed date,
    p_transferred_to text
) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE me text := shared.require_kommune();
BEGIN
    INSERT INTO shared.cpr_index AS i (tenant_code, hovedsag_ref, cpr_hmac, subject,
                                       opened_on, closed_on, transferred_to)
    VALUES (me, p_ref, p_hmac, p_subject, p_opened, p_closed, p_transferred_to)
    ON CONFLICT (tenant_code, hovedsag_ref) DO UPDATE
        SET cpr_hmac = EXCLUDED.cpr_hmac, subject = EXCLUDED.subject,
            opened_on = EXCLUDED.opened_on, closed_on = EXCLUDED.closed_on,
            transferred_to = EXCLUDED.transferred_to, updated_at = now()
        WHERE (i.cpr_hmac, i.subject, i.opened_on, i.closed_on, i.transferred_to)
              IS DISTINCT FROM (EXCLUDED.cpr_hmac, EXCLUDED.subject, EXCLUDED.opened_on,
                                EXCLUDED.closed_on, EXCLUDED.transferred_to);
END $$;

-- Other kommuner's cases on any of ``p_hmacs``: which kommune, when, open or closed;
-- never the caller's own rows, never a case reference. Every call is audited here.
CREATE FUNCTION shared.cpr_prior_cases(p_hmacs bytea[], p_actor text, p_purpose text)
RETURNS TABLE (kommune_code text, kommune_name text, subject text, opened_on date,
               closed_on date, transferred_to text, transferred_to_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    me text := shared.require_kommune();
    n integer;
BEGIN
    IF coalesce(array_length(p_hmacs, 1), 0) = 0 THEN
        RAISE EXCEPTION 'no key to look up' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
        SELECT i.tenant_code, t.name, i.subject, i.opened_on, i.closed_on, i.transferred_to,
               tt.name
        FROM shared.cpr_index i
        JOIN shared.tenant t ON t.code = i.tenant_code
        LEFT JOIN shared.tenant tt ON tt.code = i.transferred_to
        WHERE i.cpr_hmac = ANY (p_hmacs) AND i.tenant_code <> me
        ORDER BY (i.closed_on IS NULL) DESC, i.opened_on DESC, i.tenant_code;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO shared.cross_audit (kommune_code, actor, action, purpose, hmac_prefix,
                                    result_count)
    VALUES (me, coalesce(p_actor, '?'), 'cpr.prior_cases', coalesce(p_purpose, '?'),
            substring(p_hmacs[1] FROM 1 FOR 4), n);
END $$;

-- The caller's own main cases on ``p_hmac`` (to find which case a request is about).
CREATE FUNCTION shared.cpr_own_cases(p_hmac bytea)
RETURNS TABLE (hovedsag_ref uuid, opened_on date, closed_on date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT i.hovedsag_ref, i.opened_on, i.closed_on FROM shared.cpr_index i
    WHERE i.cpr_hmac = p_hmac AND i.tenant_code = shared.require_kommune()
    ORDER BY (i.closed_on IS NULL) DESC, i.opened_on DESC
$$;

REVOKE ALL ON FUNCTION shared.cpr_index_sync(uuid, bytea, text, date, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION shared.cpr_prior_cases(bytea[], text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION shared.cpr_own_cases(bytea) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- Jobs for another kommune: the one narrow bridge into another schema. A kommune may put
-- a row in another kommune's outbox for a fixed set of jobs whose payload is a reference
-- to a row of this schema (the handler reads that row under row-level security). The
-- sender is stamped by the function, not taken from the caller. The existing outbox then
-- runs it exactly once in the receiving kommune's own tenant transaction.
CREATE FUNCTION shared.post_job(p_to text, p_job text, p_payload jsonb) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    me text := shared.require_kommune();
    target_schema text;
    new_id uuid;
BEGIN
    IF p_job NOT IN ('cross.transfer_received', 'cross.transfer_accepted',
                     'cross.transfer_rejected', 'cross.transfer_completed',
                     'cross.transfer_failed', 'cross.notification_forwarded',
                     'cross.request_received', 'cross.request_answered') THEN
        RAISE EXCEPTION 'job % may not cross kommuner', p_job
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_to = me THEN
        RAISE EXCEPTION 'a kommune does not post cross-kommune jobs to itself'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT t.schema_name INTO target_schema FROM shared.tenant t WHERE t.code = p_to;
    IF target_schema IS NULL THEN
        RAISE EXCEPTION 'unknown kommune %', p_to USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('INSERT INTO %I.outbox (job, payload) VALUES ($1, $2) RETURNING id',
                   target_schema)
        INTO new_id
        USING p_job, coalesce(p_payload, '{}'::jsonb) || jsonb_build_object('from', me);
    RETURN new_id;
END $$;
REVOKE ALL ON FUNCTION shared.post_job(text, text, jsonb) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- Transfer packages. Each row is readable and changeable only by its two kommuner
-- (row-level security); the package itself is written once and never changed (no role
-- has UPDATE on it), and carries a SHA-256 and an HMAC with a server key so a tampered or
-- truncated package is refused.
CREATE TABLE shared.transfer (
    id                uuid PRIMARY KEY,
    from_code         text NOT NULL REFERENCES shared.tenant (code),
    to_code           text NOT NULL REFERENCES shared.tenant (code),
    from_name         text NOT NULL,
    to_name           text NOT NULL,
    from_case_ref     uuid NOT NULL,  -- the sender's main case (its id is in the package too)
    status            text NOT NULL DEFAULT 'sendt'
                          CHECK (status IN ('sendt', 'accepteret', 'afvist', 'importeret', 'fejl')),
    summary           text NOT NULL CHECK (length(btrim(summary)) > 0),
    child_name        text NOT NULL,
    child_birth_date  date,
    package           bytea NOT NULL,
    package_sha256    bytea NOT NULL CHECK (length(package_sha256) = 32),
    package_mac       bytea NOT NULL CHECK (length(package_mac) = 32),
    package_version   integer NOT NULL,
    package_counts    jsonb NOT NULL DEFAULT '{}'::jsonb,
    sent_at           timestamptz NOT NULL DEFAULT now(),
    sent_by           text NOT NULL,
    sent_by_name      text NOT NULL,
    request_id        uuid,
    decided_at        timestamptz,
    decided_by        text,
    decided_by_name   text,
    reason            text,
    imported_at       timestamptz,
    imported_case_ref uuid,
    error             text,
    sender_closed_at  timestamptz,
    CHECK (from_code <> to_code),
    CHECK (status <> 'afvist' OR length(btrim(coalesce(reason, ''))) > 0)
);
CREATE INDEX transfer_to ON shared.transfer (to_code, sent_at DESC);
CREATE INDEX transfer_from ON shared.transfer (from_code, sent_at DESC);

-- Is ``p_code`` a kommune that may receive now (registered and active)?
CREATE FUNCTION shared.kommune_is_active(p_code text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM shared.tenant t WHERE t.code = p_code AND t.status = 'active')
$$;
REVOKE ALL ON FUNCTION shared.kommune_is_active(text) FROM PUBLIC;

ALTER TABLE shared.transfer ENABLE ROW LEVEL SECURITY;
CREATE POLICY transfer_read ON shared.transfer FOR SELECT
    USING ((SELECT shared.caller_kommune()) IN (from_code, to_code));
CREATE POLICY transfer_send ON shared.transfer FOR INSERT
    WITH CHECK (from_code = (SELECT shared.caller_kommune()) AND status = 'sendt'
                AND shared.kommune_is_active(to_code));
CREATE POLICY transfer_change ON shared.transfer FOR UPDATE
    USING ((SELECT shared.caller_kommune()) IN (from_code, to_code))
    WITH CHECK ((SELECT shared.caller_kommune()) IN (from_code, to_code));

-- Who may move a transfer where: the receiver decides and imports, the sender records
-- that it closed its case. Everything else is refused by the database.
CREATE FUNCTION shared.transfer_transition() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE me text := shared.caller_kommune();
BEGIN
    IF me IS NULL THEN
        RETURN NEW;  -- the database owner (maintenance)
    END IF;
    IF me = OLD.to_code AND (OLD.status, NEW.status) IN (
            ('sendt', 'accepteret'), ('sendt', 'afvist'), ('accepteret', 'importeret'),
            ('accepteret', 'fejl'))
       AND NEW.sender_closed_at IS NOT DISTINCT FROM OLD.sender_closed_at THEN
        RETURN NEW;
    END IF;
    IF me = OLD.from_code AND NEW.status = OLD.status AND OLD.status = 'importeret'
       AND (NEW.decided_at, NEW.decided_by, NEW.decided_by_name, NEW.reason, NEW.imported_at,
            NEW.imported_case_ref, NEW.error)
           IS NOT DISTINCT FROM
           (OLD.decided_at, OLD.decided_by, OLD.decided_by_name, OLD.reason, OLD.imported_at,
            OLD.imported_case_ref, OLD.error) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'transfer %: % may not change it from % to %', OLD.id, me, OLD.status,
        NEW.status USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER transfer_transition BEFORE UPDATE ON shared.transfer
    FOR EACH ROW EXECUTE FUNCTION shared.transfer_transition();

-- ---------------------------------------------------------------------------------------
-- A kommune asks another for its case on a child (the child is named by the keyed hash;
-- the asking kommune knows the number, the holder finds its case through its own index
-- rows). Readable by the two kommuner only.
CREATE TABLE shared.transfer_request (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    from_code       text NOT NULL REFERENCES shared.tenant (code),  -- asks
    to_code         text NOT NULL REFERENCES shared.tenant (code),  -- holds the case
    from_name       text NOT NULL,
    to_name         text NOT NULL,
    cpr_hmac        bytea NOT NULL CHECK (length(cpr_hmac) = 32),
    child_name      text NOT NULL,
    message         text NOT NULL CHECK (length(btrim(message)) > 0),
    status          text NOT NULL DEFAULT 'aaben'
                        CHECK (status IN ('aaben', 'sendt', 'afvist')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    created_by_name text NOT NULL,
    answered_at     timestamptz,
    answered_by     text,
    answered_by_name text,
    answer          text,
    transfer_id     uuid REFERENCES shared.transfer (id),
    CHECK (from_code <> to_code),
    CHECK (status <> 'afvist' OR length(btrim(coalesce(answer, ''))) > 0)
);
CREATE INDEX transfer_request_to ON shared.transfer_request (to_code, created_at DESC);
CREATE INDEX transfer_request_from ON shared.transfer_request (from_code, created_at DESC);
ALTER TABLE shared.transfer_request ENABLE ROW LEVEL SECURITY;
CREATE POLICY transfer_request_read ON shared.transfer_request FOR SELECT
    USING ((SELECT shared.caller_kommune()) IN (from_code, to_code));
CREATE POLICY transfer_request_ask ON shared.transfer_request FOR INSERT
    WITH CHECK (from_code = (SELECT shared.caller_kommune()) AND status = 'aaben'
                AND shared.kommune_is_active(to_code));
-- Only the kommune asked may answer.
CREATE POLICY transfer_request_answer ON shared.transfer_request FOR UPDATE
    USING (to_code = (SELECT shared.caller_kommune()))
    WITH CHECK (to_code = (SELECT shared.caller_kommune()));

-- ---------------------------------------------------------------------------------------
-- A notification the old kommune received after the transfer, on its way to the new one.
CREATE TABLE shared.transfer_forward (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    transfer_id  uuid NOT NULL REFERENCES shared.transfer (id),
    from_code    text NOT NULL REFERENCES shared.tenant (code),
    to_code      text NOT NULL REFERENCES shared.tenant (code),
    kind         text NOT NULL CHECK (kind IN ('underretning')),
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    imported_at  timestamptz,
    imported_ref uuid,
    CHECK (from_code <> to_code)
);
CREATE INDEX transfer_forward_transfer ON shared.transfer_forward (transfer_id);
ALTER TABLE shared.transfer_forward ENABLE ROW LEVEL SECURITY;
CREATE POLICY transfer_forward_read ON shared.transfer_forward FOR SELECT
    USING ((SELECT shared.caller_kommune()) IN (from_code, to_code));
CREATE POLICY transfer_forward_send ON shared.transfer_forward FOR INSERT
    WITH CHECK (from_code = (SELECT shared.caller_kommune()) AND EXISTS (
        SELECT 1 FROM shared.transfer t WHERE t.id = transfer_id
        AND t.from_code = transfer_forward.from_code AND t.to_code = transfer_forward.to_code));
CREATE POLICY transfer_forward_receive ON shared.transfer_forward FOR UPDATE
    USING (to_code = (SELECT shared.caller_kommune()))
    WITH CHECK (to_code = (SELECT shared.caller_kommune()));

-- ---------------------------------------------------------------------------------------
-- What every kommune role gets. Tenant migration 0010 grants the same to each kommune
-- as it is created; this covers kommuner that existed before this migration.
CREATE FUNCTION shared.grant_cross_kommune(p_role regrole) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA shared TO %s', p_role);
    EXECUTE format('GRANT SELECT (code, name, status) ON shared.tenant TO %s', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION shared.caller_kommune(), '
                   'shared.kommune_is_active(text), '
                   'shared.cpr_index_sync(uuid, bytea, text, date, date, text), '
                   'shared.cpr_prior_cases(bytea[], text, text), shared.cpr_own_cases(bytea), '
                   'shared.post_job(text, text, jsonb) TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (id, from_code, to_code, from_name, to_name, from_case_ref, status, '
                   'summary, child_name, child_birth_date, package, package_sha256, package_mac, '
                   'package_version, package_counts, sent_at, sent_by, sent_by_name, request_id), '
                   'UPDATE (status, decided_at, decided_by, decided_by_name, reason, imported_at, '
                   'imported_case_ref, error, sender_closed_at) ON shared.transfer TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (from_code, to_code, from_name, to_name, cpr_hmac, '
                   'child_name, message, status, created_by, created_by_name), '
                   'UPDATE (status, answered_at, answered_by, answered_by_name, answer, '
                   'transfer_id) ON shared.transfer_request TO %s', p_role);
    EXECUTE format('GRANT SELECT, INSERT (transfer_id, from_code, to_code, kind, payload, '
                   'created_by), UPDATE (imported_at, imported_ref) '
                   'ON shared.transfer_forward TO %s', p_role);
END $$;
REVOKE ALL ON FUNCTION shared.grant_cross_kommune(regrole) FROM PUBLIC;

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT role_name FROM shared.tenant LOOP
        PERFORM shared.grant_cross_kommune(r.role_name::regrole);
    END LOOP;
END $$;
