"""The administrator's teams (rename, close, inspect) and the user search (issue 16 item 7).

Each test makes its own kommune (``fresh_code``), so its users, teams and cases are exactly
the ones it made."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.backend.test_identity import _drain
from tests.conftest import KOMMUNE_A, KOMMUNE_B, SPARE_REALM, login, new_kommune, username
from tests.factories import child

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def _audit(settings, code: str, action: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The kommune's audit rows of ``action`` (the outbox is drained first: audit rows are
    written by the outbox job)."""
    await _drain(settings)
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT actor, subject, detail::text AS detail FROM audit_event WHERE action = $1 "
            "ORDER BY id",
            action,
        )
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]


async def _admin(http: httpx.AsyncClient, registry, code: str, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    await new_kommune(registry, code, name)
    session = await login(http, code, "admin", realm=SPARE_REALM)
    http.headers["X-CSRF-Token"] = session["csrf_token"]
    return session


async def _users(http: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    return {u["display_name"]: u for u in (await http.get("/api/admin/users")).json()}


async def _team(http: httpx.AsyncClient, name: str) -> dict[str, Any]:
    r = await http.post("/api/admin/teams", json={"name": name})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def _join(http: httpx.AsyncClient, user: dict[str, Any], team_ids: list[str]) -> None:
    r = await http.patch(
        f"/api/admin/users/{user['id']}",
        json={"version": user["version"], "team_ids": team_ids},
    )
    assert r.status_code == 200, r.text


async def test_team_is_inspected_with_members_roles_and_open_cases(
    app, http, registry, fresh_code, seeded
):
    await _admin(http, registry, fresh_code, "Teamby")
    team = await _team(http, "Familieteam Øst")
    assert team["members"] == 0 and team["open_cases"] == 0 and team["closed_at"] is None
    users = await _users(http)
    await _join(http, users["Sara Sagsbehandler"], [team["id"]])
    await _join(http, users["Lene Leder"], [team["id"]])
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        s = await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        cw.headers["X-CSRF-Token"] = s["csrf_token"]
        await child(cw)  # the case lands in Sara's (only) team

    r = await http.get(f"/api/admin/teams/{team['id']}")
    assert r.status_code == 200
    assert r.json() == {
        "id": team["id"],
        "name": "Familieteam Øst",
        "version": 1,
        "closed_at": None,
        "open_cases": 1,
        "members": [
            {
                "id": users["Lene Leder"]["id"],
                "display_name": "Lene Leder",
                "username": username("leder", SPARE_REALM),
                "active": True,
                "roles": ["leder"],
            },
            {
                "id": users["Sara Sagsbehandler"]["id"],
                "display_name": "Sara Sagsbehandler",
                "username": username("sagsbehandler", SPARE_REALM),
                "active": True,
                "roles": ["sagsbehandler"],
            },
        ],
    }
    listed = {t["name"]: t for t in (await http.get("/api/admin/teams")).json()}
    assert listed["Familieteam Øst"]["members"] == 2
    assert listed["Familieteam Øst"]["open_cases"] == 1


async def test_rename_with_version_and_audit(app, http, registry, fresh_code, seeded, settings):
    await _admin(http, registry, fresh_code, "Omdøbby")
    team = await _team(http, "Team 1")
    await _team(http, "Team 2")
    r = await http.patch(f"/api/admin/teams/{team['id']}", json={"version": 1, "name": " Nord "})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Nord" and r.json()["version"] == 2
    stale = await http.patch(f"/api/admin/teams/{team['id']}", json={"version": 1, "name": "Syd"})
    assert stale.status_code == 409
    assert stale.json()["detail"] == "Teamet er ændret af en anden i mellemtiden. Hent siden igen."
    taken = await http.patch(
        f"/api/admin/teams/{team['id']}", json={"version": 2, "name": "Team 2"}
    )
    assert taken.status_code == 400
    assert taken.json()["extra"] == [
        {"key": "name", "message": "Der findes allerede et team med navnet Team 2"}
    ]
    empty = await http.patch(f"/api/admin/teams/{team['id']}", json={"version": 2, "name": "  "})
    assert empty.status_code == 400 and empty.json()["extra"][0]["key"] == "name"
    assert (await http.get(f"/api/admin/teams/{team['id']}")).json()["name"] == "Nord"
    audit = await _audit(settings, fresh_code, "team.renamed")
    assert [(a["subject"], a["detail"]) for a in audit] == [
        (team["id"], {"name": "Nord", "previous_name": "Team 1"})
    ]


async def test_team_with_open_cases_is_not_closed(
    app, http, registry, fresh_code, seeded, settings
):
    await _admin(http, registry, fresh_code, "Lukkeby")
    team = await _team(http, "Familieteam Vest")
    users = await _users(http)
    await _join(http, users["Sara Sagsbehandler"], [team["id"]])
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        s = await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        cw.headers["X-CSRF-Token"] = s["csrf_token"]
        await child(cw)
        await child(cw, first_name="Bo")
    r = await http.post(f"/api/admin/teams/{team['id']}/close", json={"version": 1})
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "Familieteam Vest har stadig 2 åbne sager. "
        "Flyt sagerne til et andet team, før teamet lukkes."
    )
    after = (await http.get(f"/api/admin/teams/{team['id']}")).json()
    assert after["closed_at"] is None and len(after["members"]) == 1
    assert await _audit(settings, fresh_code, "team.closed") == []


async def test_closed_team_takes_no_members_or_cases(
    app, http, registry, fresh_code, seeded, settings
):
    admin = await _admin(http, registry, fresh_code, "Teamlukby")
    old = await _team(http, "Gammelt team")
    new = await _team(http, "Nyt team")
    users = await _users(http)
    await _join(http, users["Sara Sagsbehandler"], [new["id"]])
    await _join(http, users["Karl Kollega"], [old["id"]])
    await _join(http, users["Lene Leder"], [old["id"], new["id"]])

    r = await http.post(f"/api/admin/teams/{old['id']}/close", json={"version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["members"] == [] and r.json()["closed_at"] is not None
    assert r.json()["version"] == 2
    again = await http.post(f"/api/admin/teams/{old['id']}/close", json={"version": 2})
    assert again.status_code == 200
    audit = await _audit(settings, fresh_code, "team.closed")
    assert [(a["actor"], a["subject"], a["detail"]) for a in audit] == [
        (
            admin["username"],
            old["id"],
            {"name": "Gammelt team", "released": ["Karl Kollega", "Lene Leder"]},
        )
    ]
    # The kommune's demo teams and "Nyt team" are open; the closed one comes last.
    teams = (await http.get("/api/admin/teams")).json()
    assert [(t["name"], t["closed_at"] is not None) for t in teams][-2:] == [
        ("Nyt team", False),
        ("Gammelt team", True),
    ]

    # No new members …
    karl = (await _users(http))["Karl Kollega"]
    assert karl["team_ids"] == []
    refused = await http.patch(
        f"/api/admin/users/{karl['id']}", json={"version": karl["version"], "team_ids": [old["id"]]}
    )
    assert refused.status_code == 400
    assert refused.json()["extra"] == [
        {"key": "team_ids", "message": "Gammelt team er lukket og kan ikke få nye medlemmer"}
    ]
    created = await http.post(
        "/api/admin/users",
        json={
            "username": f"ny@kommune{fresh_code}.dk",
            "display_name": "Ny",
            "team_ids": [old["id"]],
        },
    )
    assert created.status_code == 400 and created.json()["extra"][0]["key"] == "team_ids"
    # … and no new cases.
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as cw:
        s = await login(cw, fresh_code, "sagsbehandler", realm=SPARE_REALM)
        cw.headers["X-CSRF-Token"] = s["csrf_token"]
        case_id = (await child(cw)).case_id
        case = (await cw.get(f"/api/cases/{case_id}")).json()
        assert case["team_id"] == new["id"]
        moved = await cw.post(
            f"/api/cases/{case_id}/assignment",
            json={"version": case["version"], "team_id": old["id"]},
        )
        assert moved.status_code == 400
        assert moved.json()["extra"] == [{"key": "team_id", "message": "Ukendt team"}]


async def test_other_kommunes_team_is_not_found(http, seeded):
    admin_b = await login(http, B, "admin")
    theirs = (await http.get("/api/admin/teams")).json()[0]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as a:
        s = await login(a, A, "admin")
        a.headers["X-CSRF-Token"] = s["csrf_token"]
        assert (await a.get(f"/api/admin/teams/{theirs['id']}")).status_code == 404
        renamed = await a.patch(
            f"/api/admin/teams/{theirs['id']}", json={"version": theirs["version"], "name": "X"}
        )
        assert renamed.status_code == 404 and renamed.json()["detail"] == "Teamet findes ikke"
        closed = await a.post(
            f"/api/admin/teams/{theirs['id']}/close", json={"version": theirs["version"]}
        )
        assert closed.status_code == 404
        assert (await a.get(f"/api/admin/teams/{uuid.uuid4()}")).status_code == 404
    assert admin_b["username"] == username("admin", B)
    still = next(t for t in (await http.get("/api/admin/teams")).json() if t["id"] == theirs["id"])
    assert still == theirs


async def test_caseworker_cannot_inspect_teams(http, seeded):
    await login(http, A, "sagsbehandler")
    assert (await http.get("/api/admin/users/search")).status_code == 403
    assert (await http.get(f"/api/admin/teams/{uuid.uuid4()}")).status_code == 403


async def test_user_search_by_words_role_and_team_with_paging(
    app, http, registry, fresh_code, seeded
):
    await _admin(http, registry, fresh_code, "Søgeby")
    team = await _team(http, "Søgeteamet")
    users = await _users(http)
    await _join(http, users["Sara Sagsbehandler"], [team["id"]])
    await _join(http, users["Karl Kollega"], [team["id"]])

    async def names(**params: object) -> tuple[list[str], int]:
        r = await http.get("/api/admin/users/search", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        return [u["display_name"] for u in body["items"]], body["total"]

    everyone = [
        "Anders Administrator",
        "Karl Kollega",
        "Lene Leder",
        "Rikke Revisor",
        "Sara Sagsbehandler",
        "Øjvind Økonomi",
    ]
    assert await names() == (everyone, 6)
    assert await names(q="SAGS") == (["Sara Sagsbehandler"], 1)
    assert await names(q="sara sags") == (["Sara Sagsbehandler"], 1)
    assert await names(q="sara leder") == ([], 0)
    assert await names(q=f"leder@kommune{SPARE_REALM}") == (["Lene Leder"], 1)
    assert await names(q="øjvind") == (["Øjvind Økonomi"], 1)
    assert await names(q="%") == ([], 0)
    assert await names(role="sagsbehandler") == (["Karl Kollega", "Sara Sagsbehandler"], 2)
    assert await names(team_id=team["id"]) == (["Karl Kollega", "Sara Sagsbehandler"], 2)
    assert await names(team_id=team["id"], q="karl") == (["Karl Kollega"], 1)
    assert await names(page_size=4) == (everyone[:4], 6)
    assert await names(page_size=4, page=2) == (everyone[4:], 6)
    assert await names(page_size=4, page=3) == ([], 6)

    bad_role = await http.get("/api/admin/users/search", params={"role": "superbruger"})
    assert bad_role.status_code == 400
    assert bad_role.json()["extra"] == [{"key": "role", "message": "Ukendt rolle"}]
    bad_page = await http.get("/api/admin/users/search", params={"page_size": 500})
    assert bad_page.status_code == 400
    assert bad_page.json()["extra"][0]["key"] == "page_size"


async def test_user_search_does_not_see_another_kommune(http, seeded):
    await login(http, A, "admin")
    r = await http.get("/api/admin/users/search", params={"q": username("admin", B)})
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0


async def test_the_team_receiving_transfers_is_not_closed_and_a_closed_one_cannot_be_chosen(
    app, http, registry, fresh_code, seeded
):
    await _admin(http, registry, fresh_code, "Modtagerby")
    team = await _team(http, "Overførselsteamet")
    assert (
        await http.put("/api/transfer-settings", json={"team_id": team["id"]})
    ).status_code == 200
    r = await http.post(f"/api/admin/teams/{team['id']}/close", json={"version": 1})
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "Overførselsteamet modtager sager overført fra andre kommuner. "
        "Vælg et andet team til overførsler, før teamet lukkes."
    )
    assert (await http.put("/api/transfer-settings", json={"team_id": None})).status_code == 200
    closed = await http.post(f"/api/admin/teams/{team['id']}/close", json={"version": 1})
    assert closed.status_code == 200, closed.text
    chosen = await http.put("/api/transfer-settings", json={"team_id": team["id"]})
    assert chosen.status_code == 400
    assert chosen.json()["extra"] == [{"key": "team_id", "message": "Ukendt team"}]
    offered = [t["id"] for t in (await http.get("/api/transfer-settings")).json()["teams"]]
    assert team["id"] not in offered
