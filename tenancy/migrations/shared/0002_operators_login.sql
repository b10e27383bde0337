-- Operators (the central operator's staff). Only the operator's own database role reads
-- or writes them; the application role has no access.
CREATE TABLE shared.operator_user (
    username      text PRIMARY KEY CHECK (username = lower(btrim(username))),
    display_name  text NOT NULL,
    issuer        text,
    subject       text,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    UNIQUE (issuer, subject)
);
GRANT SELECT, INSERT, UPDATE ON shared.operator_user TO {{operator_role}};

-- What the operator may know about a kommune's use of Trekant: counts and times, never
-- content. SECURITY DEFINER (owned by the schema owner) so the operator role needs no
-- rights on any kommune schema; it returns aggregates only.
CREATE FUNCTION shared.kommune_usage()
RETURNS TABLE (code text, users bigint, active_users bigint, last_login timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tn.code, tn.schema_name FROM shared.tenant tn ORDER BY tn.code LOOP
        IF to_regclass(quote_ident(t.schema_name) || '.app_user') IS NULL THEN
            code := t.code; users := 0; active_users := 0; last_login := NULL;
        ELSE
            EXECUTE format('SELECT count(*), count(*) FILTER (WHERE active), max(last_login_at) FROM %I.app_user', t.schema_name)
                INTO users, active_users, last_login;
            code := t.code;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION shared.kommune_usage() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shared.kommune_usage() TO {{operator_role}};

-- Each kommune schema's migration version, for the operator console (same reasoning).
CREATE FUNCTION shared.kommune_versions()
RETURNS TABLE (code text, version integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tn.code, tn.schema_name FROM shared.tenant tn ORDER BY tn.code LOOP
        code := t.code;
        IF to_regclass(quote_ident(t.schema_name) || '.schema_migrations') IS NULL THEN
            version := 0;
        ELSE
            EXECUTE format('SELECT coalesce(max(version), 0) FROM %I.schema_migrations', t.schema_name)
                INTO version;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION shared.kommune_versions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shared.kommune_versions() TO {{operator_role}};
