"""A caseworker's own activities (issue 17 item 7): added to a case with a title and a due
date, on the worklist as "Egen aktivitet", completed with an optional note or cancelled,
journalled; bad input is a Danish 400 at the field and writes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

from backend.core.danish import today_dk
from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import AsUser, username

A, B = "0101", "0202"


async def user_id(code: str, role: str) -> str:
    async with tenant_transaction(DB, code) as scope:
        found = await scope.connection.fetchval(
            "SELECT id FROM app_user WHERE username = $1", username(role, code)
        )
    return str(found)


def _errors(r) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {e["key"]: e["message"] for e in r.json()["extra"]}


async def _journal_titles(c, case_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["title"] for e in (await c.get(f"/api/cases/{case_id}/journal")).json()["items"]]


async def _own_count(c) -> int:  # type: ignore[no-untyped-def]
    types = (await c.get("/api/worklist/summary")).json()["types"]
    own = [t for t in types if t["value"] == "egen"]
    assert all(t["label"] == "Egen aktivitet" for t in own)
    return sum(t["count"] for t in own)


async def test_an_own_activity_is_on_the_worklist_and_is_completed_with_a_note(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    due = today_dk() + timedelta(days=3)
    before = await _own_count(c)
    r = await c.post(
        f"/api/cases/{made.case_id}/activities",
        json={
            "title": "Ring til skolen om fraværet",
            "due_on": due.isoformat(),
            "description": "Spørg klasselæreren om de sidste to uger.",
        },
    )
    assert r.status_code == 201, r.text
    activity = r.json()
    assert activity["rule_id"] == "egen"
    assert activity["title"] == "Ring til skolen om fraværet"
    assert activity["description"] == "Spørg klasselæreren om de sidste to uger."
    assert activity["completion"] == "record"
    assert activity["due_at"].startswith(due.isoformat())

    # The type filter counts all of the user's open activities (other tests add own ones too).
    assert await _own_count(c) == before + 1
    window = "this_week" if due.isocalendar().week == today_dk().isocalendar().week else "later"
    page = await c.get(
        "/api/worklist/activities",
        params={"vindue": window, "type": "egen", "sag": made.case_id},
    )
    assert page.status_code == 200, page.text
    assert [a["id"] for a in page.json()["items"]] == [activity["id"]]
    assert "Aktivitet oprettet: Ring til skolen om fraværet" in await _journal_titles(
        c, made.case_id
    )

    forms = {f["rule_id"]: f for f in (await c.get("/api/activities/completion-forms")).json()}
    assert forms["egen"]["action"] == "Udført"
    assert [(f["key"], f["required"]) for f in forms["egen"]["fields"]] == [("bemaerkning", False)]
    done = await c.post(
        f"/api/activities/{activity['id']}/complete",
        json={"version": activity["version"], "record": {"bemaerkning": "Talt med læreren."}},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    entries = (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    assert entries[0]["title"] == "Udført: Ring til skolen om fraværet"
    assert entries[0]["body"] == "Talt med læreren."


async def test_an_own_activity_is_completed_without_a_note_and_cancelled_with_a_reason(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    today = today_dk().isoformat()
    ids = []
    for title in ("Send referat", "Book mødelokale"):
        r = await c.post(
            f"/api/cases/{made.case_id}/activities", json={"title": title, "due_on": today}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = await c.post(f"/api/activities/{ids[0]}/complete", json={"version": 1, "record": None})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "done"
    r = await c.post(
        f"/api/activities/{ids[1]}/cancel", json={"version": 1, "reason": "Mødet blev aflyst"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"


async def test_bad_input_is_named_at_each_field_and_nothing_is_written(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    other = await factories.child(c)
    started = await factories.investigation(c, other.case_id)
    before = len((await c.get(f"/api/cases/{made.case_id}")).json()["activities"])
    yesterday = (today_dk() - timedelta(days=1)).isoformat()
    r = await c.post(
        f"/api/cases/{made.case_id}/activities",
        json={"title": "  ", "due_on": yesterday, "enkeltsag_id": started["enkeltsag_id"]},
    )
    assert r.status_code == 400, r.text
    assert _errors(r) == {
        "title": "Skriv hvad der skal gøres",
        "due_on": "Fristen ligger i fortiden. Vælg i dag eller senere.",
        "enkeltsag_id": "Vælg en enkeltsag på denne sag",
    }
    r = await c.post(
        f"/api/cases/{made.case_id}/activities",
        json={"title": "x" * 201, "due_on": None},
    )
    assert r.status_code == 400, r.text
    assert set(_errors(r)) == {"title", "due_on"}
    # Someone outside the caseworker's teams (the read-only auditor) cannot be given it.
    reader_id = await user_id(A, "revisor")
    r = await c.post(
        f"/api/cases/{made.case_id}/activities",
        json={"title": "Ring", "due_on": today_dk().isoformat(), "owner_id": reader_id},
    )
    assert r.status_code == 400, r.text
    assert _errors(r) == {"owner_id": "Vælg dig selv eller en kollega fra dit team"}
    assert len((await c.get(f"/api/cases/{made.case_id}")).json()["activities"]) == before
    assert not any(
        t.startswith("Aktivitet oprettet") for t in await _journal_titles(c, made.case_id)
    )


async def test_the_owners_are_me_first_then_my_teams_members(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    r = await c.get(f"/api/cases/{made.case_id}/activity-owners")
    assert r.status_code == 200, r.text
    owners = r.json()
    assert owners[0] == {"user_id": await user_id(A, "sagsbehandler"), "name": "Sara Sagsbehandler"}
    assert len({o["user_id"] for o in owners}) == len(owners)


async def test_another_kommune_cannot_add_to_the_case(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    other = await as_user(B)
    r = await other.post(
        f"/api/cases/{made.case_id}/activities",
        json={"title": "Ring", "due_on": today_dk().isoformat()},
    )
    assert r.status_code == 404, r.text


async def test_an_own_activity_is_carried_in_a_transfer_package(as_user: AsUser) -> None:
    from backend.casework import lifecycle

    c = await as_user(A)
    made = await factories.child(c)
    r = await c.post(
        f"/api/cases/{made.case_id}/activities",
        json={"title": "Følg op", "due_on": today_dk().isoformat(), "description": "Med mor"},
    )
    assert r.status_code == 201, r.text
    async with tenant_transaction(DB, A):
        exported = await lifecycle.export_case(uuid.UUID(made.case_id), frozenset())
    assert exported is not None
    rows = [a for a in exported.tables["activity"] if a["rule_id"] == "egen"]
    assert [(a["title"], a["description"]) for a in rows] == [("Følg op", "Med mor")]
