"""The teams' activity plans (issue 17 item 7): the team's manager keeps them; a caseworker
of the team previews one on a case (dates from a start day, working days by
core.workdays) and applies it in one transaction; applying twice warns first; changing the
plan later changes nothing already made; bad input is a Danish 400 at the field, a plan of
another team or kommune is 404."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.danish import today_dk
from backend.core.workdays import add_working_days
from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import AsUser, username

A, B = "0101", "0202"

ITEMS = [
    {"title": "Samtale med barnet", "days": 2, "day_kind": "arbejdsdage"},
    {"title": "Kontakt skolen", "days": 5, "day_kind": "arbejdsdage", "description": "Klasselærer"},
    {"title": "Kontakt egen læge", "days": 7, "day_kind": "kalenderdage"},
    {"title": "Børnefaglig vurdering", "days": 0, "day_kind": "kalenderdage"},
]


async def _team_of(code: str, role: str) -> str:
    async with tenant_transaction(DB, code) as scope:
        found = await scope.connection.fetchval(
            "SELECT m.team_id FROM team_member m JOIN app_user u ON u.id = m.user_id "
            "JOIN team t ON t.id = m.team_id WHERE u.username = $1 ORDER BY t.name LIMIT 1",
            username(role, code),
        )
    return str(found)


async def _manager_in_caseworkers_team(code: str) -> str:
    """The demo manager joins the demo caseworker's team (as the team overview test does);
    returns that team."""
    await factories.manager_joins_caseworkers_team(code)
    return await _team_of(code, "sagsbehandler")


def _errors(r) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {e["key"]: e["message"] for e in r.json()["extra"]}


async def _plan(leder, team_id: str, name: str, items=ITEMS) -> str:  # type: ignore[no-untyped-def]
    r = await leder.post(
        "/api/activity-plans",
        json={"team_id": team_id, "name": name, "note": "Ved vold i hjemmet", "items": items},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_a_manager_makes_a_plan_and_a_caseworker_applies_it(as_user: AsUser) -> None:
    team = await _manager_in_caseworkers_team(B)
    leder = await as_user(B, "leder")
    plan_id = await _plan(leder, team, "Underretning om vold (test 1)")
    c = await as_user(B)
    listed = (await c.get("/api/activity-plans")).json()
    mine = next(p for p in listed["plans"] if p["id"] == plan_id)
    assert mine["can_manage"] is False and listed["manageable_teams"] == []
    assert [i["title"] for i in mine["items"]] == [i["title"] for i in ITEMS]

    made = await factories.child(c)
    start = date(2026, 12, 22)  # before Christmas: working days skip 24-26/12
    r = await c.get(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/preview",
        params={"start": start.isoformat()},
    )
    if start < today_dk() - timedelta(days=90):  # the test outlived its date: from today
        start = today_dk()
        r = await c.get(
            f"/api/cases/{made.case_id}/activity-plans/{plan_id}/preview",
            params={"start": start.isoformat()},
        )
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["applied_on"] == []
    assert [i["due_on"] for i in preview["items"]] == [
        add_working_days(start, 2).isoformat(),
        add_working_days(start, 5).isoformat(),
        (start + timedelta(days=7)).isoformat(),
        start.isoformat(),
    ]

    r = await c.post(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/apply",
        json={"version": preview["version"], "start_on": start.isoformat()},
    )
    assert r.status_code == 201, r.text
    assert r.json()["count"] == 4
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    made_from = [a for a in case["activities"] if a["plan_name"]]
    assert sorted(a["title"] for a in made_from) == sorted(i["title"] for i in ITEMS)
    assert {a["rule_id"] for a in made_from} == {"egen"}
    journal = (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    assert (
        journal[0]["title"]
        == "Aktivitetsplan anvendt: Underretning om vold (test 1) (4 aktiviteter)"
    )

    # Twice: a warning first (409 with the earlier day), then allowed.
    again = await c.post(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/apply",
        json={"version": preview["version"], "start_on": start.isoformat()},
    )
    assert again.status_code == 409, again.text
    assert again.json()["extra"] == {"applied_on": [today_dk().isoformat()]}
    r = await c.get(f"/api/cases/{made.case_id}/activity-plans/{plan_id}/preview")
    assert r.json()["applied_on"] == [today_dk().isoformat()]
    r = await c.post(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/apply",
        json={"version": preview["version"], "start_on": start.isoformat(), "again": True},
    )
    assert r.status_code == 201, r.text

    # The manager changes the plan: what the case has stays as it was.
    r = await leder.put(
        f"/api/activity-plans/{plan_id}",
        json={"version": 1, "name": "Vold (ny)", "items": [{"title": "Nyt punkt", "days": 1}]},
    )
    assert r.status_code == 200, r.text
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    assert "Nyt punkt" not in {a["title"] for a in case["activities"]}
    assert len([a for a in case["activities"] if a["plan_name"]]) == 8
    # An apply with the version the caseworker previewed is refused: the plan changed.
    r = await c.post(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/apply",
        json={"version": 1, "again": True},
    )
    assert r.status_code == 409, r.text


async def test_bad_plans_are_named_at_the_field_and_nothing_is_saved(as_user: AsUser) -> None:
    team = await _manager_in_caseworkers_team(B)
    leder = await as_user(B, "leder")
    r = await leder.post("/api/activity-plans", json={"team_id": team, "name": " ", "items": []})
    assert r.status_code == 400, r.text
    assert _errors(r) == {
        "name": "Giv planen et navn",
        "items": "Tilføj mindst én aktivitet til planen",
    }
    r = await leder.post(
        "/api/activity-plans",
        json={
            "team_id": team,
            "name": "Tom titel",
            "items": [{"title": "", "days": -1, "day_kind": "uger"}],
        },
    )
    assert r.status_code == 400, r.text
    assert _errors(r) == {
        "items[0].title": "Skriv hvad der skal gøres",
        "items[0].days": "Antal dage skal være mellem 0 og 3.650",
        "items[0].day_kind": "Vælg kalenderdage eller arbejdsdage",
    }
    names = {p["name"] for p in (await leder.get("/api/activity-plans")).json()["plans"]}
    assert "Tom titel" not in names
    # A team that is not the manager's own.
    async with tenant_transaction(DB, B) as scope:
        foreign = await scope.connection.fetchval(
            "SELECT t.id FROM team t WHERE NOT EXISTS (SELECT 1 FROM team_member m JOIN "
            "app_user u ON u.id = m.user_id WHERE m.team_id = t.id AND u.username = $1) "
            "AND t.closed_at IS NULL ORDER BY t.name LIMIT 1",
            username("leder", B),
        )
    r = await leder.post(
        "/api/activity-plans",
        json={"team_id": str(foreign), "name": "Fremmed", "items": ITEMS},
    )
    assert r.status_code == 400, r.text
    assert _errors(r) == {"team_id": "Vælg et af dine egne teams"}
    # A caseworker does not manage plans.
    c = await as_user(B)
    r = await c.post("/api/activity-plans", json={"team_id": team, "name": "X", "items": ITEMS})
    assert r.status_code == 403, r.text


async def test_a_plan_of_another_team_or_kommune_is_not_found(as_user: AsUser) -> None:
    await _manager_in_caseworkers_team(B)
    leder = await as_user(B, "leder")
    own_teams = {
        t["id"] for t in (await leder.get("/api/activity-plans")).json()["manageable_teams"]
    }
    caseworkers = await _team_of(B, "sagsbehandler")
    other_team = next(t for t in sorted(own_teams) if t != caseworkers)
    plan_id = await _plan(leder, other_team, "Kun for det andet team")
    c = await as_user(B)
    made = await factories.child(c)
    r = await c.get(f"/api/cases/{made.case_id}/activity-plans/{plan_id}/preview")
    assert r.status_code == 404, r.text
    r = await c.post(
        f"/api/cases/{made.case_id}/activity-plans/{plan_id}/apply", json={"version": 1}
    )
    assert r.status_code == 404, r.text
    assert plan_id not in {p["id"] for p in (await c.get("/api/activity-plans")).json()["plans"]}
    # Kommune A's users never see B's plans.
    a = await as_user(A, "leder")
    assert plan_id not in {p["id"] for p in (await a.get("/api/activity-plans")).json()["plans"]}
    a_case = await factories.child(await as_user(A))
    r = await a.get(f"/api/cases/{a_case.case_id}/activity-plans/{plan_id}/preview")
    assert r.status_code == 404, r.text
