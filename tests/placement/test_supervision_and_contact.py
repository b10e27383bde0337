"""A placed child's supervision (Barnets Lov § 156, stk. 5) and contact decisions
(§§ 103-105), issue 17 items 5-6: a placement plans its first supervision visit 6 months
from the start; recording a visit (not in the future; "not alone" needs a reason) completes
it and plans the next 6 months after the visit, plus an optional follow-up activity; a
decision on contact puts its review on the worklist; changing it keeps the old in the
history; bad input is a Danish 400 at the field and writes nothing; another kommune's case
is 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from backend.core.danish import DK, today_dk
from backend.core.workdays import add_months, next_working_day
from backend.db import DB
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import SPARE_REALM, AsUser, new_kommune

A, B = "0101", "0202"


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(DK).date()


def _errors(r: httpx.Response) -> dict[str, str]:
    return {e["key"]: e["message"] for e in r.json()["extra"]}


async def _count(sql: str, *args: object) -> int:
    async with tenant_transaction(DB, A) as scope:
        return int(await scope.connection.fetchval(sql, *args))


async def _placed(c: httpx.AsyncClient, starts: date) -> tuple[factories.Child, dict[str, Any]]:
    """A child placed (§ 46, foster family) from ``starts``; the first visit's activity."""
    made = await factories.child(c)
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": min(starts, today_dk()).isoformat(),
            "summary": "Anbringelse med samtykke i plejefamilie.",
            "measure": "plejefamilie",
            "starts_on": starts.isoformat(),
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    visit = next(a for a in r.json()["activities"] if a["rule_id"] == "tilsynsbesoeg")
    return made, visit


def _visit(day: date, **fields: object) -> dict[str, object]:
    return {
        "dato": day.isoformat(),
        "sted": "Plejefamiliens hjem",
        "besoegt_af": "Sara Sagsbehandler",
        "alene": True,
        "barnets_ord": "Jeg har det godt, men savner mor.",
        "iagttagelser": "Barnet virker tryg og glad.",
        **fields,
    }


async def test_a_placement_plans_the_first_visit_six_months_from_its_start(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    starts = today_dk() - timedelta(days=10)
    made, visit = await _placed(c, starts)
    assert visit["title"] == "Tilsynsbesøg hos det anbragte barn"
    assert visit["completion"] == "record"
    assert visit["basis"].startswith("Barnets Lov § 156, stk. 5")
    assert visit["basis_confirmed"] is True
    assert _day(visit["due_at"]) == next_working_day(add_months(starts, 6))
    place = (await c.get(f"/api/cases/{made.case_id}/placement")).json()
    assert place["placed"] is True
    assert [p["label"] for p in place["placements"]] == ["Anbringelse i plejefamilie efter § 46"]
    assert [(v["activity_id"], v["status"], v["overdue"]) for v in place["visits"]] == [
        (visit["id"], "open", False)
    ]


async def test_a_visit_in_the_future_or_not_alone_without_a_reason_is_refused(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made, visit = await _placed(c, today_dk() - timedelta(days=30))
    url = f"/api/activities/{visit['id']}/complete"
    future = await c.post(
        url,
        json={"version": visit["version"], "record": _visit(today_dk() + timedelta(days=1))},
    )
    assert future.status_code == 400, future.text
    assert _errors(future) == {"dato": "Datoen ligger i fremtiden"}
    not_alone = await c.post(
        url, json={"version": visit["version"], "record": _visit(today_dk(), alene=False)}
    )
    assert not_alone.status_code == 400, not_alone.text
    assert _errors(not_alone) == {
        "ikke_alene_begrundelse": "Begrund, hvorfor samtalen ikke blev holdt alene"
    }
    past_follow_up = await c.post(
        url,
        json={
            "version": visit["version"],
            "record": _visit(today_dk(), opfoelgning_frist=(today_dk() - timedelta(1)).isoformat()),
        },
    )
    assert past_follow_up.status_code == 400, past_follow_up.text
    assert _errors(past_follow_up) == {
        "opfoelgning_frist": "Fristen ligger i fortiden. Vælg i dag eller senere."
    }
    # Nothing half-written: the visit is still open, no next visit, no follow-up.
    assert (
        await _count(
            "SELECT count(*) FROM activity WHERE hovedsag_id = $1 AND (rule_id IN "
            "('naeste-tilsynsbesoeg', 'egen') OR (rule_id = 'tilsynsbesoeg' AND status <> 'open'))",
            made.case_id,
        )
        == 0
    )


async def test_recording_a_visit_plans_the_next_from_its_date_and_the_follow_up(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made, visit = await _placed(c, today_dk() - timedelta(days=200))
    assert (await c.get(f"/api/cases/{made.case_id}/placement")).json()["visits"][0]["overdue"] is (
        _day(visit["due_at"]) < today_dk()
    )
    visited = today_dk() - timedelta(days=3)
    follow_up = today_dk() + timedelta(days=14)
    r = await c.post(
        f"/api/activities/{visit['id']}/complete",
        json={
            "version": visit["version"],
            "record": _visit(
                visited,
                alene=False,
                ikke_alene_begrundelse="Barnet ønskede plejemor med.",
                opfoelgning="Tal med skolen om mobning.",
                opfoelgning_frist=follow_up.isoformat(),
            ),
        },
    )
    assert r.status_code == 200, r.text
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    nxt = [a for a in case["activities"] if a["rule_id"] == "naeste-tilsynsbesoeg"]
    assert len(nxt) == 1
    assert nxt[0]["status"] == "open"
    assert _day(nxt[0]["due_at"]) == next_working_day(add_months(visited, 6))
    assert nxt[0]["due_reason"] == f"6 måneder efter tilsynsbesøget {visited:%d.%m.%Y}"
    own = [a for a in case["activities"] if a["rule_id"] == "egen"]
    assert [(a["title"], a["description"], _day(a["due_at"])) for a in own] == [
        ("Opfølgning på tilsynsbesøg", "Tal med skolen om mobning.", follow_up)
    ]
    place = (await c.get(f"/api/cases/{made.case_id}/placement")).json()
    assert [v["status"] for v in place["visits"]] == ["open", "done"]
    held = place["visits"][1]
    assert held["visited_on"] == visited.isoformat()
    assert held["alone"] is False
    assert held["not_alone_reason"] == "Barnet ønskede plejemor med."
    assert held["child_said"] == "Jeg har det godt, men savner mor."
    assert held["recorded_by"] == "Sara Sagsbehandler"
    journal = (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    titles = [e["title"] for e in journal]
    assert "Tilsynsbesøg" in titles
    assert "Aktivitet oprettet: Opfølgning på tilsynsbesøg" in titles
    body = next(e["body"] for e in journal if e["title"] == "Tilsynsbesøg")
    assert "Blev samtalen med barnet holdt alene? Nej" in body
    # The next visit is on the worklist under its short name.
    summary = (await c.get("/api/worklist/summary", params={"sag": made.case_id})).json()
    assert {"value": "naeste-tilsynsbesoeg", "label": "Tilsynsbesøg", "count": 1} in summary[
        "types"
    ]


async def _parent(c: httpx.AsyncClient, child_id: str, name: str = "Mette Mor") -> str:
    member = await factories.network_member(c, child_id, relation="mor", name=name)
    return str(member["id"])


async def test_a_contact_decision_puts_its_review_on_the_worklist_and_a_change_keeps_history(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made, _ = await _placed(c, today_dk() - timedelta(days=20))
    mor = await _parent(c, made.child_id)
    decided = today_dk() - timedelta(days=2)
    r = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": mor,
            "form": "overvaaget_samvaer",
            "frequency": "Hver anden uge, 2 timer",
            "restrictions": "Ikke i hjemmet",
            "decided_on": decided.isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    place = (await c.get(f"/api/cases/{made.case_id}/placement")).json()
    assert [
        (d["person_name"], d["person_relation"], d["form_label"], d["review_on"])
        for d in place["contact"]
    ] == [
        (
            "Mette Mor",
            "Mor",
            "Overvåget samvær (kommunen til stede)",
            add_months(decided, 6).isoformat(),
        )
    ]
    assert [p["name"] for p in place["people"]] == ["Mette Mor"]  # not the professionals
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    review = [a for a in case["activities"] if a["rule_id"] == "samvaer-revurdering"]
    assert [(a["title"], a["status"], _day(a["due_at"])) for a in review] == [
        ("Revurdér samværet med Mette Mor", "open", add_months(decided, 6))
    ]
    summary = (await c.get("/api/worklist/summary", params={"sag": made.case_id})).json()
    assert {"value": "samvaer-revurdering", "label": "Revurdering af samvær", "count": 1} in (
        summary["types"]
    )

    changed = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions/{first}/change",
        json={
            "network_member_id": mor,
            "form": "samvaer",
            "frequency": "Hver weekend",
            "decided_on": today_dk().isoformat(),
            "review_on": (today_dk() + timedelta(days=90)).isoformat(),
        },
    )
    assert changed.status_code == 201, changed.text
    place = (await c.get(f"/api/cases/{made.case_id}/placement")).json()
    assert [(d["id"], d["frequency"]) for d in place["contact"]] == [
        (changed.json()["id"], "Hver weekend")
    ]
    assert [(d["id"], d["frequency"]) for d in place["history"]] == [
        (first, "Hver anden uge, 2 timer")
    ]
    case = (await c.get(f"/api/cases/{made.case_id}")).json()
    review = sorted(
        (a["status"], _day(a["due_at"]))
        for a in case["activities"]
        if a["rule_id"] == "samvaer-revurdering"
    )
    assert review == [
        ("done", add_months(decided, 6)),
        ("open", today_dk() + timedelta(days=90)),
    ]
    again = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions/{first}/change",
        json={
            "network_member_id": mor,
            "form": "samvaer",
            "frequency": "x",
            "decided_on": today_dk().isoformat(),
        },
    )
    assert again.status_code == 409, again.text


async def test_a_bad_contact_decision_names_each_field_and_writes_nothing(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made, _ = await _placed(c, today_dk() - timedelta(days=20))
    school = await factories.network_member(c, made.child_id)  # a professional
    r = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": school["id"],
            "form": "brevduer",
            "frequency": " ",
            "decided_on": (today_dk() + timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 400, r.text
    assert _errors(r) == {
        "network_member_id": "Vælg en forælder eller en person fra barnets netværk",
        "form": "Vælg formen for samværet eller kontakten",
        "frequency": "Skriv hvor ofte, fx „hver anden weekend“",
        "decided_on": "Afgørelsens dato ligger i fremtiden",
    }
    mor = await _parent(c, made.child_id)
    early = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": mor,
            "form": "telefon",
            "frequency": "Hver søndag",
            "decided_on": today_dk().isoformat(),
            "review_on": today_dk().isoformat(),
        },
    )
    assert early.status_code == 400, early.text
    assert _errors(early) == {"review_on": "Revurderingen skal ligge efter afgørelsens dato"}
    assert (
        await _count("SELECT count(*) FROM contact_decision WHERE hovedsag_id = $1", made.case_id)
        == 0
    )
    assert (
        await _count(
            "SELECT count(*) FROM activity WHERE hovedsag_id = $1 "
            "AND rule_id = 'samvaer-revurdering'",
            made.case_id,
        )
        == 0
    )


async def test_contact_needs_a_placement(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    mor = await _parent(c, made.child_id)
    r = await c.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": mor,
            "form": "telefon",
            "frequency": "Hver søndag",
            "decided_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith("Barnet er ikke anbragt")
    place = (await c.get(f"/api/cases/{made.case_id}/placement")).json()
    assert (place["placed"], place["visits"], place["contact"]) == (False, [], [])


async def test_another_kommunes_placement_is_not_found(as_user: AsUser) -> None:
    a = await as_user(A)
    made, _ = await _placed(a, today_dk() - timedelta(days=20))
    mor = await _parent(a, made.child_id)
    b = await as_user(B)
    assert (await b.get(f"/api/cases/{made.case_id}/placement")).status_code == 404
    r = await b.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": mor,
            "form": "telefon",
            "frequency": "Hver søndag",
            "decided_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 404, r.text


async def test_overdue_visits_are_counted_per_caseworker_in_management_information(
    registry, fresh_code, client
) -> None:  # type: ignore[no-untyped-def]
    await new_kommune(registry, fresh_code, "Tilsynsby")
    worker = await client(fresh_code, "sagsbehandler", SPARE_REALM)
    # Started 200 days ago: the first visit was due 6 months after, so it is overdue.
    await _placed(worker, today_dk() - timedelta(days=200))
    await _placed(worker, today_dk() - timedelta(days=10))  # not yet due
    manager = await client(fresh_code, "leder", SPARE_REALM)
    board = (await manager.get("/api/mi/dashboard", params={"scope": "kommune"})).json()
    t = board["caseload"]
    cols = [c["key"] for c in t["columns"]]
    assert cols[-1] == "overdue_supervision"
    assert t["columns"][-1]["label"] == "Anbragte børn med overskredet tilsynsbesøg"
    assert sorted(r[-1] for r in t["rows"] if r[-1]) == [1]
