"""Management information against a small known data set in a kommune of its own: the
manager's teams by default, the kommune on request; deadline compliance on the
Børnesagsbarometer's measures, notifications by source, children by measure type, age and
supplier, young people turning 18, caseload and costs."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from backend.casework.rules import today_dk
from backend.casework.workdays import add_months
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
    assert compliance["vurdering_24t"] == {
        "measure_key": "vurdering_24t",
        "measure": "Vurdering af underretning inden 24 timer",
        "counted": 5,
        "on_time": 3,
        "late": 1,
        "missed": 1,
        "cancelled": 1,
        "rate": 60.0,
    }
    assert (compliance["boernesamtale"]["counted"], compliance["boernesamtale"]["on_time"]) == (
        3,
        2,
    )
    assert compliance["boernesamtale"]["rate"] == 66.7
    assert compliance["foerste_opfoelgning"]["counted"] == 1  # the future one is not due yet
    assert compliance["undersoegelse_4m"]["rate"] is None  # nothing due: no rate
    by_month = _table(board, "compliance_by_month")
    last = [x for x in by_month if x["month"] == known["last_month"].isoformat()]
    assert next(x for x in last if x["measure_key"] == "vurdering_24t")["on_time"] == 3
    assert len(by_month) == 5 * 12
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
