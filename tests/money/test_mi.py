"""Management information against a small known data set in a kommune of its own: the
manager's teams by default, the kommune on request; deadline compliance on the
Børnesagsbarometer's measures, notifications by source, children by measure type, age and
supplier, young people turning 18, caseload and costs."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from backend.core.danish import today_dk
from backend.core.workdays import add_months
from backend.db import DB
from backend.demo import synthetic_cpr
from backend.money import catalogue, visitation
from tenancy.context import tenant_transaction
from tests.conftest import SPARE_REALM, new_kommune


def _table(board: dict, key: str) -> list[dict]:
    t = board[key]
    cols = [c["key"] for c in t["columns"]]
    return [dict(zip(cols, r, strict=True)) for r in t["rows"]]


async def _known_data(code: str) -> dict:
    """Team Syd (the manager's) and team Nord, with activities, notifications, measures
    and a bevilling whose numbers the test knows."""
    today = today_dk()
    now = datetime.now(UTC)
    last_month = add_months(date(today.year, today.month, 1), -1)
    due = datetime.combine(last_month + timedelta(days=9), datetime.min.time(), UTC) + timedelta(
        hours=12
    )
    async with tenant_transaction(DB, code) as scope:
        c = scope.connection
        teams = {r["name"]: r["id"] for r in await c.fetch("SELECT id, name FROM team")}
        leder = await c.fetchval("SELECT id FROM app_user WHERE username LIKE 'leder@%'")
        worker = await c.fetchval("SELECT id FROM app_user WHERE username LIKE 'sagsbehandler@%'")
        seq = iter(range(1000))

        async def case(team: str, birth: date, owner) -> tuple:  # type: ignore[no-untyped-def]
            child = await c.fetchval(
                "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                "VALUES ($1, 'MI', 'Barn', $2) RETURNING id",
                synthetic_cpr(random.Random(next(seq) + 4242), birth),
                birth,
            )
            h = await c.fetchval(
                "INSERT INTO hovedsag (child_id, opened_at, stage, team_id, caseworker_id) "
                "VALUES ($1, $2, 'indsats', $3, $4) RETURNING id",
                child,
                today - timedelta(days=200),
                teams[team],
                owner,
            )
            e = await c.fetchval(
                "INSERT INTO enkeltsag (hovedsag_id, kind) VALUES ($1, 'afklaring') RETURNING id",
                h,
            )
            return h, e

        async def activity(h, rule: str, status: str, due_at, completed_at) -> None:  # type: ignore[no-untyped-def]
            await c.execute(
                "INSERT INTO activity (hovedsag_id, rule_id, title, status, due_at, "
                "completed_at, cancel_reason) VALUES ($1, $2, 'x', $3, $4, $5, $6)",
                h,
                rule,
                status,
                due_at,
                completed_at,
                "Begrundelse" if status == "cancelled" else None,
            )

        async def notification(e, source: str) -> None:  # type: ignore[no-untyped-def]
            await c.execute(
                "INSERT INTO underretning (enkeltsag_id, received_at, notifier_kind, source, "
                "concerns, created_by) VALUES ($1, $2, 'fagperson', $3, 'x', 'test')",
                e,
                due - timedelta(days=1),
                source,
            )

        eighteen_soon = add_months(today, -18 * 12) + timedelta(days=90)
        syd_a, syd_a_e = await case("Familieteam Syd", eighteen_soon, leder)
        syd_b, syd_b_e = await case("Familieteam Syd", today - timedelta(days=8 * 366), leder)
        nord_c, nord_c_e = await case("Familieteam Nord", today - timedelta(days=4 * 366), worker)
        hour = timedelta(hours=1)
        for status, completed in (
            ("done", due - hour),
            ("done", due - hour),
            ("done", due - hour),
            ("done", due + timedelta(days=1)),
            ("open", None),
            ("cancelled", due - hour),
        ):
            await activity(syd_a, "vurdering-24-timer", status, due, completed)
        for _ in range(2):
            await activity(nord_c, "vurdering-24-timer", "done", due, due - hour)
        for status in ("done", "done", "cancelled"):
            await activity(syd_b, "boernesamtale", status, None, due)
        await activity(syd_b, "foerste-opfoelgning", "done", due, due - hour)
        await activity(syd_b, "foerste-opfoelgning", "open", now + timedelta(days=30), None)
        for e, source in (
            (syd_a_e, "skole"),
            (syd_a_e, "skole"),
            (syd_b_e, "skole"),
            (syd_a_e, "politi"),
            (syd_b_e, "politi"),
            (nord_c_e, "nabo"),
        ):
            await notification(e, source)
        start = last_month
        measures = {}
        for h, kind, placement in (
            (syd_a, "opholdssted", True),
            (syd_b, "familiebehandling", False),
            (nord_c, "kontaktperson", False),
        ):
            es = await c.fetchval(
                "INSERT INTO enkeltsag (hovedsag_id, kind, paragraph) "
                "VALUES ($1, 'indsats', $2) RETURNING id",
                h,
                "46" if placement else "32",
            )
            measures[kind] = await c.fetchval(
                "INSERT INTO indsats (hovedsag_id, enkeltsag_id, kind, paragraph, placement, "
                "starts_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'test') RETURNING id",
                h,
                es,
                kind,
                "46" if placement else "32",
                placement,
                start,
            )
        sid = await catalogue.do_create_supplier(
            "test", name="Opholdsstedet MI", kind="opholdssted", cvr="29123454",
            tilbudsportalen_id=None, address="",
        )  # fmt: skip
        oid = await catalogue.do_create_offer(
            "test", sid, name="Ophold", measure_kind="opholdssted", unit="day",
            tilbudsportalen_id=None, first_price=(date(today.year - 1, 1, 1), None, 300000),
        )  # fmt: skip
        o = await visitation.check_offer(oid, None, start)
        await visitation.create_bevilling(
            "test", hovedsag_id=syd_a, indsats_id=measures["opholdssted"], afgoerelse_id=None,
            draft_line_id=None, offer=o, paragraph="46", quantity=Decimal(1), frequency="day",
            period_from=start, period_to=None, approved_by="test", approved_at=None,
        )  # fmt: skip
    return {"start": start, "last_month": last_month, "supplier": sid}


async def test_the_managers_dashboard_and_the_kommunes(registry, fresh_code, client):
    await new_kommune(registry, fresh_code, "Tælleby")
    known = await _known_data(fresh_code)
    manager = await client(fresh_code, "leder", SPARE_REALM)
    r = await manager.get("/api/mi/dashboard")
    assert r.status_code == 200, r.text
    board = r.json()
    assert board["scope"] == "teams" and board["teams"] == ["Familieteam Syd"]

    compliance = {row["measure_key"]: row for row in _table(board, "compliance")}
    v24 = compliance["vurdering_24t"]
    assert v24["definition"].startswith("Underretninger, hvis 24-timersfrist faldt i måneden")
    assert {k: v for k, v in v24.items() if k != "definition"} == {
        "measure_key": "vurdering_24t",
        "measure": "Vurdering af underretning inden 24 timer",
        "counted": 5,  # the cancelled one (with a reason) is not counted
        "on_time": 3,
        "omitted": 0,
        "late": 1,
        "missed": 1,
        "rate": 60.0,
    }
    # The decision measures count cases with a decision: there are none here, however many
    # activities exist (the unit is not the activity).
    assert compliance["boernesamtale"]["counted"] == 0
    assert compliance["foerste_opfoelgning"]["counted"] == 0
    assert compliance["undersoegelse_4m"]["rate"] is None  # nothing counted: no rate
    by_month = _table(board, "compliance_by_month")
    last = [x for x in by_month if x["month"] == known["last_month"].isoformat()]
    assert next(x for x in last if x["measure_key"] == "vurdering_24t")["on_time"] == 3
    assert len(by_month) == 6 * 12  # six measures, twelve months
    by_team = _table(board, "compliance_by_team")
    assert {x["team"] for x in by_team} == {"Familieteam Syd"}

    pie = {x["source_key"]: x for x in _table(board, "notifications_by_source")}
    assert (pie["skole"]["count"], pie["politi"]["count"], pie["nabo"]["count"]) == (3, 2, 0)
    assert pie["skole"]["share"] == 60.0 and board["notifications_by_source"]["chart"] == "pie"
    months = _table(board, "notifications_by_month")
    assert next(x for x in months if x["month"] == known["last_month"].isoformat())["total"] == 5

    kinds = {x["measure_key"]: x["children"] for x in _table(board, "children_by_measure")}
    assert kinds == {"opholdssted": 1, "familiebehandling": 1}
    ages = {x["age_band"]: x for x in _table(board, "children_by_age")}
    assert (ages["15-17 år"]["placed"], ages["6-11 år"]["support"]) == (1, 1)
    assert _table(board, "children_by_supplier") == [
        {"supplier": "Opholdsstedet MI", "supplier_kind": "Opholdssted", "children": 1}
    ]
    assert board["turning_18_count"] == 1
    assert sum(x["young_people"] for x in _table(board, "turning_18")) == 1
    caseload = _table(board, "caseload")
    assert [(x["caseworker"], x["open_cases"]) for x in caseload] == [("Lene Leder", 2)]

    today = today_dk()
    month_days = (add_months(date(today.year, today.month, 1), 1) - timedelta(days=1)).day
    costs = _table(board, "costs_by_measure")
    assert costs == [
        {
            "key": "opholdssted",
            "label": "Anbringelse på opholdssted",
            "expected_month": month_days * 300000,
            "paid_year": 0,
        }
    ]
    assert _table(board, "costs_by_supplier")[0]["label"] == "Opholdsstedet MI"

    # The kommune: team Nord too.
    board = (await manager.get("/api/mi/dashboard", params={"scope": "kommune"})).json()
    assert board["scope"] == "kommune" and board["teams"] == []
    compliance = {row["measure_key"]: row for row in _table(board, "compliance")}
    assert (compliance["vurdering_24t"]["counted"], compliance["vurdering_24t"]["on_time"]) == (
        7,
        5,
    )
    pie = {x["source_key"]: x["count"] for x in _table(board, "notifications_by_source")}
    assert pie["nabo"] == 1
    assert {x["team"] for x in _table(board, "compliance_by_team")} == {
        "Familieteam Syd",
        "Familieteam Nord",
    }
    finance = await client(fresh_code, "oekonomi", SPARE_REALM)
    assert (await finance.get("/api/mi/dashboard")).json()["scope"] == "kommune"
    # The list of young people turning 18 names them, and reading it is audited.
    young = (await manager.get("/api/mi/turning-18")).json()
    assert len(young["rows"]) == 1 and young["rows"][0][0] == "MI Barn"
    assert young["rows"][0][4] == "Opholdsstedet MI"


async def test_who_may_see_management_information(registry, fresh_code, client):
    await new_kommune(registry, fresh_code, "Adgangsby")
    worker = await client(fresh_code, "sagsbehandler", SPARE_REALM)
    assert (await worker.get("/api/mi/dashboard")).status_code == 403
    reader = await client(fresh_code, "revisor", SPARE_REALM)
    assert (await reader.get("/api/mi/turning-18")).status_code == 403
    manager = await client(fresh_code, "leder", SPARE_REALM)
    empty = await manager.get("/api/mi/dashboard")
    assert empty.status_code == 200
    assert all(x["counted"] == 0 for x in _table(empty.json(), "compliance"))
    bad = await manager.get("/api/mi/dashboard", params={"months": 0})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "months"
    import uuid

    other = await manager.get("/api/mi/dashboard", params={"team_id": str(uuid.uuid4())})
    assert other.status_code == 400 and other.json()["extra"][0]["key"] == "team_id"


async def _barometer_data(code: str) -> date:
    """Three cases in team Syd decided (§ 46, § 32, § 32) on the same day 150 days ago, one
    meeting every requirement, one with lawful omissions and no investigation, one late on
    everything; a refusal and a case in team Nord that are not counted. Returns the day."""
    today = today_dk()
    decided = today - timedelta(days=150)

    def at(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)

    async with tenant_transaction(DB, code) as scope:
        c = scope.connection
        teams = {r["name"]: r["id"] for r in await c.fetch("SELECT id, name FROM team")}
        seq = iter(range(1000))

        async def case(team: str) -> object:
            child = await c.fetchval(
                "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                "VALUES ($1, 'Baro', 'Barn', $2) RETURNING id",
                synthetic_cpr(random.Random(next(seq) + 777), date(2015, 3, 3)),
                date(2015, 3, 3),
            )
            return await c.fetchval(
                "INSERT INTO hovedsag (child_id, opened_at, stage, team_id) "
                "VALUES ($1, $2, 'indsats', $3) RETURNING id",
                child,
                decided - timedelta(days=200),
                teams[team],
            )

        async def enkeltsag(h: object, kind: str, opened: date, closed: date | None) -> object:
            return await c.fetchval(
                "INSERT INTO enkeltsag (hovedsag_id, kind, opened_at, closed_at) "
                "VALUES ($1, $2, $3, $4) RETURNING id",
                h,
                kind,
                at(opened),
                at(closed) if closed else None,
            )

        async def activity(  # type: ignore[no-untyped-def]
            h, rule, status, due, *, enkeltsag=None, concerns=None
        ) -> None:
            await c.execute(
                "INSERT INTO activity (hovedsag_id, enkeltsag_id, rule_id, title, status, due_at, "
                "completed_at, cancel_reason, concerns_id) "
                "VALUES ($1, $2, $3, 'x', $4, $5, $6, $7, $8)",
                h,
                enkeltsag,
                rule,
                status,
                at(due) if due else None,
                datetime.now(UTC) if status != "open" else None,  # typed in today
                "Begrundelse" if status == "cancelled" else None,
                concerns,
            )

        async def step(h, kind: str, day: date, indsats=None) -> None:  # type: ignore[no-untyped-def]
            await c.execute(
                "INSERT INTO case_step (hovedsag_id, kind, happened_on, created_by, indsats_id) "
                "VALUES ($1, $2, $3, 'test', $4)",
                h,
                kind,
                day,
                indsats,
            )

        async def decide(h, paragraph: str, outcome: str = "bevilget"):  # type: ignore[no-untyped-def]
            visit = await enkeltsag(h, "afgoerelse", decided - timedelta(days=10), decided)
            d = await c.fetchval(
                "INSERT INTO afgoerelse (hovedsag_id, enkeltsag_id, paragraph, outcome, "
                "decided_on, summary, created_by) VALUES ($1, $2, $3, $4, $5, 'x', 'test') "
                "RETURNING id",
                h,
                visit,
                paragraph,
                outcome,
                decided,
            )
            es = await enkeltsag(h, "indsats", decided, None)
            i = await c.fetchval(
                "INSERT INTO indsats (hovedsag_id, enkeltsag_id, afgoerelse_id, kind, paragraph, "
                "placement, starts_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'test') "
                "RETURNING id",
                h,
                es,
                d,
                "opholdssted" if paragraph == "46" else "kontaktperson",
                paragraph,
                paragraph == "46",
                decided,
            )
            return visit, i

        plan_due = decided + timedelta(days=92)
        fu_due = decided + timedelta(days=92)
        # 1: everything on time, by the dates the steps happened (typed in today).
        good = await case("Familieteam Syd")
        inv = await enkeltsag(
            good, "undersoegelse", decided - timedelta(days=100), decided - timedelta(days=20)
        )
        await activity(
            good, "undersoegelse-4-maaneder", "done", decided + timedelta(days=20), enkeltsag=inv
        )
        visit, i = await decide(good, "46")
        await activity(good, "boernesamtale", "done", None, enkeltsag=visit)
        await step(good, "boernesamtale", decided - timedelta(days=5))
        await activity(good, "barnets-plan-46", "done", plan_due, concerns=visit)
        await step(good, "plan", decided + timedelta(days=30))
        await activity(good, "foerste-opfoelgning", "done", fu_due, concerns=i)
        await step(good, "opfoelgning", decided + timedelta(days=80), i)
        # 2: no investigation; the conversation lawfully omitted and no plan (§ 32), both
        # with a reason; the follow-up never held.
        lawful = await case("Familieteam Syd")
        visit, i = await decide(lawful, "32")
        await activity(lawful, "boernesamtale", "cancelled", None, enkeltsag=visit)
        await activity(lawful, "barnets-plan-32", "cancelled", plan_due, concerns=visit)
        await activity(lawful, "foerste-opfoelgning", "open", fu_due, concerns=i)
        # 3: late on everything.
        late = await case("Familieteam Syd")
        inv = await enkeltsag(
            late, "undersoegelse", decided - timedelta(days=130), decided + timedelta(days=10)
        )
        await activity(
            late, "undersoegelse-4-maaneder", "done", decided - timedelta(days=5), enkeltsag=inv
        )
        visit, i = await decide(late, "32")
        await activity(late, "boernesamtale", "done", None, enkeltsag=visit)
        await step(late, "boernesamtale", decided + timedelta(days=3))
        await activity(late, "barnets-plan-32", "done", plan_due, concerns=visit)
        await step(late, "plan", decided + timedelta(days=100))
        await activity(late, "foerste-opfoelgning", "done", fu_due, concerns=i)
        await step(late, "opfoelgning", decided + timedelta(days=95), i)
        # Not counted: a refusal, and team Nord's case (the manager's scope is Syd).
        await decide(await case("Familieteam Syd"), "32", "afslag")
        await decide(await case("Familieteam Nord"), "32")
    return decided


async def test_the_barometer_counts_cases_with_a_decision_as_ankestyrelsen_does(
    registry, fresh_code, client
):
    """Issue 12 item 10: the unit is a case with a decision; a case decided without an
    investigation is a miss; a lawful omission of the child conversation and a reasoned
    § 32 decision not to make a plan are met; on time is judged by the date the step
    happened, not when it was typed in; each measure shows its definition."""
    await new_kommune(registry, fresh_code, "Målby")
    decided = await _barometer_data(fresh_code)
    manager = await client(fresh_code, "leder", SPARE_REALM)
    board = (await manager.get("/api/mi/dashboard")).json()
    rows = {row["measure_key"]: row for row in _table(board, "compliance")}

    def numbers(key: str) -> tuple:
        r = rows[key]
        return (r["counted"], r["on_time"], r["omitted"], r["late"], r["missed"], r["rate"])

    assert numbers("undersoegelse_4m") == (3, 1, 0, 1, 1, 33.3)
    assert numbers("boernesamtale") == (3, 2, 1, 1, 0, 66.7)
    assert numbers("barnets_plan") == (3, 2, 1, 1, 0, 66.7)
    assert numbers("foerste_opfoelgning") == (3, 1, 0, 1, 1, 33.3)
    assert (
        "afgjort uden undersøgelse tæller som ikke overholdt"
        in rows["undersoegelse_4m"]["definition"]
    )
    assert "§ 5, stk. 4" in rows["boernesamtale"]["definition"]
    assert "ikke at lave en plan" in rows["barnets_plan"]["definition"]
    # Counted in the month of the decision.
    month = date(decided.year, decided.month, 1).isoformat()
    by_month = [
        x
        for x in _table(board, "compliance_by_month")
        if x["month"] == month and x["measure_key"] == "boernesamtale"
    ]
    assert [(x["counted"], x["on_time"]) for x in by_month] == [(3, 2)]
