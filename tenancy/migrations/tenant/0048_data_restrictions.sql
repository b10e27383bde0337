-- Issue 20 item 1: the data restrictions (dataafgrænsninger, KLE and organisation unit) a
-- role carries from Fælleskommunal Adgangsstyring (user_role.constraints, 0046), enforced by
-- the database. For a restricted user the tenant middleware sets, in the request's
-- transaction only (set_config(..., true), like the kommune's role and search_path):
--   trekant.scope_user        the user's id
--   trekant.scope_wide_teams  the teams whose every case a kommune-wide role reaches
--   trekant.scope_own_teams   the teams where the user's own cases are reached ('*': any)
-- (backend/core/scope.py computes them; backend/auth/repository.py set_case_scope).
-- Unset or empty (every unrestricted user, every job, the demo seed, the administrator's
-- routes) the policy lets every case through: behaviour exactly as before.
-- Every cast reads the setting through nullif(…, ''): an unset setting reads ''.
-- "Own" is what backend/casework/repository.py ON_CASE says: responsible caseworker, added
-- caseworker, member of the case's team, stepped in (case_access, not expired).
-- Whether case (id, caseworker, team) is the restricted user's own. PL/pgSQL, so the
-- planner sees one function call instead of three subqueries: a policy's subqueries are
-- planned with every query on hovedsag, for every user (about 0.4 ms each, measured), while
-- this is only called for a restricted user's rows in her own teams (its plans are cached
-- per connection). Unqualified names resolve in the kommune's schema (the tenant
-- transaction's search_path).
CREATE FUNCTION hovedsag_is_own(case_id uuid, caseworker uuid, team uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    me uuid := nullif(current_setting('trekant.scope_user', true), '')::uuid;
BEGIN
    RETURN me IS NOT NULL AND (
        caseworker = me
        OR EXISTS (SELECT 1 FROM hovedsag_worker w WHERE w.hovedsag_id = case_id AND w.user_id = me)
        OR EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = team AND m.user_id = me)
        OR EXISTS (SELECT 1 FROM case_access a WHERE a.hovedsag_id = case_id AND a.user_id = me
                   AND a.expires_at > now()));
END
$$;
GRANT EXECUTE ON FUNCTION hovedsag_is_own(uuid, uuid, uuid) TO {{tenant_role}};

ALTER TABLE hovedsag ENABLE ROW LEVEL SECURITY;

-- Each setting is read in a scalar subquery: an InitPlan, evaluated once per statement, not
-- once per row. Read per row, the unrestricted user's "no restriction" test alone cost the
-- request mix (bench/mix_bench.py) 40 % of its throughput (148 -> 86 requests a second);
-- in this form it is 217 (2026-12-07, quiet 2-core machine).
CREATE POLICY hovedsag_data_restriction ON hovedsag FOR SELECT TO {{tenant_role}} USING (
    (SELECT coalesce(current_setting('trekant.scope_user', true), '') = '')
    OR hovedsag.team_id = ANY ((SELECT nullif(current_setting('trekant.scope_wide_teams', true),
                                              ''))::uuid[])
    OR (
        ((SELECT current_setting('trekant.scope_own_teams', true) = '*')
         OR hovedsag.team_id = ANY ((SELECT nullif(nullif(
             current_setting('trekant.scope_own_teams', true), '*'), ''))::uuid[]))
        AND hovedsag_is_own(hovedsag.id, hovedsag.caseworker_id, hovedsag.team_id)
    )
);
-- Writing needs reading the row (every UPDATE and DELETE here names it in WHERE), so the
-- SELECT policy above already keeps a restricted user's writes to the cases she reaches.
CREATE POLICY hovedsag_insert ON hovedsag FOR INSERT TO {{tenant_role}} WITH CHECK (true);
CREATE POLICY hovedsag_update ON hovedsag FOR UPDATE TO {{tenant_role}} USING (true) WITH CHECK (true);
CREATE POLICY hovedsag_delete ON hovedsag FOR DELETE TO {{tenant_role}} USING (true);
