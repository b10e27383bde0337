"""The case number ("2026-00123": year of opening, the year's sequence in the kommune) and
the case header the case page shows: the child's name, CPR number, age, the case number,
phase, caseworker and team — read with the case, only by those who may open it."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta

import httpx

from backend.casework.rules import age_on
from backend.core.danish import today_dk
from backend.db import DB
from tenancy import migrate
from tenancy.context import tenant_transaction
from tenancy.registry import Registry
from tests.casework.test_casework_api import A, B, _caseworker, _register, new_cpr
from tests.conftest import sign_in


def _seq(number: str) -> tuple[int, int]:
    year, n = number.split("-")
    assert len(year) == 4 and len(n) == 5, number
    return int(year), int(n)


async def test_the_case_read_carries_the_header(http, seeded):  # type: ignore[no-untyped-def]
    await _caseworker(http)
    cpr = new_cpr(2001)
    r = await _register(http, cpr, first_name="Hanne", last_name="Hovedsen")
    assert r.status_code == 201, r.text
    case_id = r.json()["hovedsag_id"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    birth = date.fromisoformat(case["birth_date"])
    header = {
        k: case[k]
        for k in (
            "child_name",
            "cpr",
            "age",
            "unborn",
            "expected_date",
            "address",
            "stage",
            "caseworker",
            "team",
        )
    }
    assert header == {
        "child_name": "Hanne Hovedsen",
        "cpr": f"{cpr[:6]}-{cpr[6:]}",
        "age": age_on(birth, today_dk()),
        "unborn": False,
        "expected_date": None,
        "address": "Skolevej 1",
        "stage": "afklaring",
        "caseworker": "Sara Sagsbehandler",
        "team": case["team"],
    }
    assert case["team"] is not None
    assert birth.strftime("%d%m%y") == cpr[:6]
    year, _ = _seq(case["case_number"])
    assert year == today_dk().year


async def test_case_numbers_follow_each_other_in_a_kommune_and_not_across(http, seeded):  # type: ignore[no-untyped-def]
    async def counter(code: str) -> int:
        async with tenant_transaction(DB, code) as scope:
            return int(
                await scope.connection.fetchval(
                    "SELECT last FROM case_number_counter WHERE year = $1", today_dk().year
                )
                or 0
            )

    await _caseworker(http)
    first = (await _register(http, new_cpr(2002))).json()["hovedsag_id"]
    b_before = await counter(B)
    second = (await _register(http, new_cpr(2003))).json()["hovedsag_id"]
    n1 = _seq((await http.get(f"/api/cases/{first}")).json()["case_number"])
    n2 = _seq((await http.get(f"/api/cases/{second}")).json()["case_number"])
    assert n2 == (n1[0], n1[1] + 1)
    assert await counter(A) == n2[1]
    assert await counter(B) == b_before  # kommune B's sequence did not move
    async with tenant_transaction(DB, A) as scope:
        total, distinct, missing = await scope.connection.fetchrow(
            "SELECT count(*), count(DISTINCT case_number), count(*) FILTER "
            "(WHERE case_number !~ '^[0-9]{4}-[0-9]{5}$') FROM hovedsag"
        )
    assert total == distinct and missing == 0


async def test_the_header_is_404_for_another_kommune_and_for_a_case_not_mine(http, seeded):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as b:
        await _caseworker(b, B)
        case_b = (await _register(b, new_cpr(2004))).json()["hovedsag_id"]
    await _caseworker(http, A)
    mine = (await _register(http, new_cpr(2005))).json()["hovedsag_id"]
    other_kommune = await http.get(f"/api/cases/{case_b}")
    assert other_kommune.status_code == 404
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as k:
        await sign_in(k, A, "kollega")
        not_mine = await k.get(f"/api/cases/{mine}")
        assert not_mine.status_code == 404
        assert not_mine.json() == other_kommune.json()
        assert "case_number" not in not_mine.text and "cpr" not in not_mine.text


async def test_existing_cases_are_numbered_by_year_of_opening(
    settings, registry, fresh_code, tmp_path
):  # type: ignore[no-untyped-def]
    # A kommune migrated up to before the case number, holding cases from two years.
    older = tmp_path / "tenant"
    shutil.copytree(migrate.TENANT_DIR, older)
    for path in older.glob("*.sql"):
        if int(path.name[:4]) >= 20:
            path.unlink()
    before = Registry(registry.dsn, registry.prefix, tenant_migrations=older)
    await before.create(fresh_code, f"Nummerby {fresh_code}")
    schema = registry.names_for(fresh_code)["schema"]
    conn = await registry.connect()
    try:
        async with conn.transaction():
            await conn.execute(f'SET LOCAL search_path = "{schema}"')
            opened = [date(2025, 3, 1), date(2024, 12, 31), date(2025, 1, 2), date(2025, 3, 1)]
            ids = []
            for i, day in enumerate(opened):
                child = await conn.fetchval(
                    "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                    "VALUES ($1, 'Bo', 'Nummer', '2015-01-01') RETURNING id",
                    f"01011500{i:02d}",
                )
                ids.append(
                    await conn.fetchval(
                        "INSERT INTO hovedsag (child_id, opened_at, stage) "
                        "VALUES ($1, $2, 'afklaring') RETURNING id",
                        child,
                        day,
                    )
                )
        results = await registry.migrate_all(codes=[fresh_code])
        assert results[0].error is None
        async with conn.transaction():
            await conn.execute(f'SET LOCAL search_path = "{schema}"')
            numbers = {
                r["id"]: r["case_number"]
                for r in await conn.fetch("SELECT id, case_number FROM hovedsag")
            }
            tie = sorted(ids[i] for i in (0, 3))
            assert numbers[ids[1]] == "2024-00001"
            assert numbers[ids[2]] == "2025-00001"
            assert [numbers[tie[0]], numbers[tie[1]]] == ["2025-00002", "2025-00003"]
            # The next case of 2025 continues the sequence.
            child = await conn.fetchval(
                "INSERT INTO child (cpr, first_name, last_name, birth_date) "
                "VALUES ('0101150099', 'Ny', 'Nummer', '2015-01-01') RETURNING id"
            )
            nxt = await conn.fetchval(
                "INSERT INTO hovedsag (child_id, opened_at, stage) "
                "VALUES ($1, '2025-06-01', 'afklaring') RETURNING case_number",
                child,
            )
            assert nxt == "2025-00004"
    finally:
        await conn.close()


async def test_the_case_number_shows_in_search_and_on_the_front_page(http, seeded):  # type: ignore[no-untyped-def]
    await _caseworker(http)
    r = await _register(http, new_cpr(2006), first_name="Nummerine", last_name="Linjesen")
    case_id = r.json()["hovedsag_id"]
    number = (await http.get(f"/api/cases/{case_id}")).json()["case_number"]
    year, n = _seq(number)

    # Search: the hit carries it, and typing the number (with or without its zeros) finds it.
    by_name = (await http.post("/api/search", json={"text": "Nummerine"})).json()
    assert [(h["hovedsag_id"], h["case_number"]) for h in by_name["items"]] == [(case_id, number)]
    for typed in (number, f"{year}-{n}"):
        found = (await http.post("/api/search", json={"text": typed})).json()
        assert [h["hovedsag_id"] for h in found["items"]] == [case_id], typed
    nothing = await http.post("/api/search", json={"text": f"{year - 50}-{n}"})
    assert nothing.status_code == 200 and nothing.json()["total"] == 0

    # "Mine sager": the line carries it, and its name filter takes the number too.
    mine = (await http.get("/api/worklist/cases", params={"navn": number})).json()
    assert [(c["id"], c["case_number"]) for c in mine["items"]] == [(case_id, number)]

    # An activity line names the case by its number beside the child's name.
    await http.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "notifier_kind": "anonym",
            "source": "anonym",
            "concerns": "x",
        },
    )
    page = (
        await http.get("/api/worklist/activities", params={"vindue": "overdue", "sag": case_id})
    ).json()
    assert page["total"] >= 1
    assert {(a["child_name"], a["case_number"]) for a in page["items"]} == {
        ("Nummerine Linjesen", number)
    }
