"""The demo population: cases at every stage, built through the real services."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.workdays import add_months, previous_working_day
from backend.db import DB
from backend.demo import seed_casework
from tenancy.context import tenant_transaction
from tests.conftest import new_kommune


async def test_demo_kommune_has_cases_at_every_stage(registry, fresh_code, app):
    await new_kommune(registry, fresh_code, "Demoby", children=90)
    made = await seed_casework(fresh_code, seed=5)
    assert made > 50
    assert await seed_casework(fresh_code, seed=5) == 0  # idempotent
    async with tenant_transaction(DB, fresh_code) as scope:
        conn = scope.connection
        # Issue 18: closed cases past their retention period wait for the administrator, and
        # last night's raw data extract is there.
        from backend.retention.service import expired_list

        assert len((await expired_list()).items) == 6
        assert await conn.fetchval("SELECT count(*) FROM raw_extract WHERE status = 'faerdig'") == 1
        stages = {
            r["stage"]: r["n"]
            for r in await conn.fetch("SELECT stage, count(*) AS n FROM hovedsag GROUP BY stage")
        }
        assert set(stages) == {"afklaring", "undersoegelse", "afgoerelse", "indsats", "afsluttet"}
        overdue = await conn.fetchval(
            "SELECT count(*) FROM activity WHERE status = 'open' AND due_at < now()"
        )
        upcoming = await conn.fetchval(
            "SELECT count(*) FROM activity WHERE status = 'open' AND due_at > now()"
        )
        assert overdue > 0 and upcoming > 0
        assert await conn.fetchval("SELECT count(*) FROM indsats WHERE placement") > 0
        assert await conn.fetchval("SELECT count(*) FROM indsats WHERE NOT placement") > 0
        assert await conn.fetchval("SELECT count(*) FROM case_step WHERE kind = 'opfoelgning'") > 0
        assert await conn.fetchval("SELECT count(*) FROM hovedsag_worker") > 0
        # Issue 17 item 7: the caseworker's team's plan, and one own activity.
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM activity_plan_item i "
                "JOIN activity_plan p ON p.id = i.plan_id "
                "WHERE p.name = 'Underretning om vold'"
            )
            == 4
        )
        assert await conn.fetchval("SELECT count(*) FROM activity WHERE rule_id = 'egen'") == 1
        # Issue 17 item 3: a complaint being reconsidered, one sent to Ankestyrelsen.
        states = await conn.fetch("SELECT state FROM klage ORDER BY state")
        assert [r["state"] for r in states] == ["genvurderes", "sendt"]
        # Issue 17 items 5-6: a placed child with a visit held, the next overdue, and a
        # decision on contact with its review.
        held = await conn.fetchval(
            "SELECT hovedsag_id FROM activity WHERE rule_id = 'tilsynsbesoeg' "
            "AND status = 'done' AND record->>'besoegt_af' = 'Sagsbehandleren'"
        )
        assert held is not None
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM activity WHERE hovedsag_id = $1 AND status = 'open' "
                "AND rule_id = 'naeste-tilsynsbesoeg' AND due_at < now()",
                held,
            )
            == 1
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM contact_decision d JOIN activity a ON a.concerns_id = d.id "
                "WHERE d.hovedsag_id = $1 AND a.rule_id = 'samvaer-revurdering'",
                held,
            )
            == 1
        )
        # Issue 18 item 2: that placement was reported to Ankestyrelsen (journalised); the
        # committee's placement of today has its report open, due in four weeks; Liva Holm's
        # change of place two months ago was reported (skema 2); the placement that ended
        # at 18 has its end report open (skema 2), and the continued stay after 18 its
        # skema 3.
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM journal_entry WHERE hovedsag_id = $1 "
                "AND event = 'ankestyrelsen.indberettet'",
                held,
            )
            == 1
        )
        liva = await conn.fetchval(
            "SELECT h.id FROM hovedsag h JOIN child c ON c.id = h.child_id "
            "WHERE c.first_name = 'Liva' AND c.last_name = 'Holm'"
        )
        assert await conn.fetchval(
            "SELECT array_agg(kind ORDER BY kind) FROM ankestyrelsen_report WHERE hovedsag_id = $1",
            liva,
        ) == ["aendring", "anbringelse"]
        for rule_id in ("indberet-ophoer", "indberet-eftervaern"):
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM activity WHERE rule_id = $1 AND status = 'open'",
                    rule_id,
                )
                >= 1
            ), rule_id
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM activity WHERE rule_id = 'indberet-anbringelse' "
                "AND status = 'open' AND due_at > now()"
            )
            > 0
        )
        # Issue 17 item 4: a placed young person whose § 111 decision is due six months
        # before 18 (on the worklist, not yet due), and one of 19 with support after 18 under
        # § 114 (continued stay, a bevilling until the 23rd birthday's eve) linked from the
        # transition.
        due = await conn.fetchrow(
            "SELECT (a.due_at AT TIME ZONE 'Europe/Copenhagen')::date AS due, c.birth_date "
            "FROM activity a JOIN hovedsag h ON h.id = a.hovedsag_id "
            "JOIN child c ON c.id = h.child_id WHERE c.first_name = 'Jonas' "
            "AND c.last_name = 'Overgaard' AND a.rule_id = 'overgang-18' AND a.status = 'open'"
        )
        assert due is not None and due["due"] > date.today()
        assert due["due"] == previous_working_day(
            add_months(add_months(due["birth_date"], 18 * 12), -6)
        )
        support = await conn.fetchrow(
            "SELECT i.kind, i.planned_end, b.period_to, c.birth_date, "
            "EXISTS (SELECT 1 FROM case_step s WHERE s.afgoerelse_id = i.afgoerelse_id "
            "AND s.kind = 'overgang') AS linked "
            "FROM indsats i JOIN hovedsag h ON h.id = i.hovedsag_id "
            "JOIN child c ON c.id = h.child_id JOIN bevilling b ON b.indsats_id = i.id "
            "WHERE i.paragraph = '114' AND i.ends_on IS NULL AND c.first_name = 'Amalie'"
        )
        assert support is not None and support["kind"] == "viderefoert_anbringelse"
        last = add_months(support["birth_date"], 23 * 12) - timedelta(days=1)
        assert support["planned_end"] == last and support["period_to"] == last
        assert support["linked"] is True
        # Issue 17 item 1: an afdækning under way, suspected abuse awaiting the § 20
        # decision, an investigation past its preliminary assessment.
        for rule_id in ("afdaekning", "overgreb-stillingtagen", "undersoegelse-afslut"):
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM activity WHERE rule_id = $1 AND status = 'open'",
                    rule_id,
                )
                >= 1
            ), rule_id
        # Issue 17 item 2: an indstilling awaiting the committee (the parents offered
        # counsel), one decided by the committee; no § 47 decision without it.
        ind = await conn.fetch("SELECT state, afgoerelse_id FROM indstilling ORDER BY state")
        assert [r["state"] for r in ind] == ["afgjort", "forberedes"]
        assert await conn.fetchval("SELECT count(*) FROM indstilling_tilbud") >= 2
        assert (
            await conn.fetchval("SELECT count(*) FROM afgoerelse WHERE paragraph = '47'") == 1
            and ind[0]["afgoerelse_id"] is not None
        )
        # Every open case is held by someone, in that person's team.
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM hovedsag h WHERE h.closed_at IS NULL AND "
                "(h.caseworker_id IS NULL OR NOT EXISTS (SELECT 1 FROM team_member m "
                "WHERE m.user_id = h.caseworker_id AND m.team_id = h.team_id))"
            )
            == 0
        )
