"""The caseworker's front page in pages (GET /api/worklist/summary, /activities,
/notifications, /cases): group counts, filters that combine, pages that neither skip nor
repeat, totals, and bad filter values named in Danish.

The session's database is shared by all tests, so each test filters on its own case (or
its own children's unusual last name) to know the exact answer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests import factories
from tests.conftest import KOMMUNE_A, KOMMUNE_B, AsUser

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def _case_with_overdue(c: httpx.AsyncClient, notifications: int = 3) -> factories.Child:
    """A child with ``notifications`` underretninger from a school received 20+ days ago
    (each: a 24-hour assessment and a receipt, both overdue: 20 days is past six working days
    whatever the weekday and holidays) and an investigation (due in
    four months: later)."""
    made = await factories.child(c)
    for i in range(notifications):
        received = datetime.now(UTC) - timedelta(days=20 + i)
        await factories.underretning(c, made.case_id, received_at=received.isoformat())
    await factories.investigation(c, made.case_id)
    return made


async def _get(c: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    r = await c.get(path, params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_summary_counts_groups_under_the_filters(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await _case_with_overdue(c)
    s = await _get(c, "/api/worklist/summary", sag=made.case_id)
    assert s["windows"] == [
        {"key": "overdue", "total": 6},
        {"key": "this_week", "total": 0},
        {"key": "later", "total": 1},
        {"key": "without_deadline", "total": 0},
    ]
    mine = [o for o in s["cases"] if o["id"] == made.case_id]
    assert mine == [{"id": made.case_id, "child_name": "Ida Testesen", "count": 7}]
    labels = {t["value"]: t["label"] for t in s["types"]}
    assert labels["vurdering-24-timer"] == "24-timers vurdering"
    assert labels["kvittering-fagperson"] == "Kvittering til fagperson"
    both = await _get(c, "/api/worklist/summary", sag=made.case_id, type="vurdering-24-timer")
    assert [w["total"] for w in both["windows"]] == [3, 0, 0, 0]
    # The choices do not shrink with the filters: one can switch type without clearing.
    assert both["types"] == s["types"] and both["cases"] == s["cases"]


async def test_activities_page_through_a_group_without_skipping(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await _case_with_overdue(c)
    path = "/api/worklist/activities"
    first = await _get(c, path, vindue="overdue", sag=made.case_id, limit=4)
    second = await _get(c, path, vindue="overdue", sag=made.case_id, limit=4, offset=4)
    past = await _get(c, path, vindue="overdue", sag=made.case_id, limit=4, offset=8)
    assert (first["total"], second["total"], past["total"]) == (6, 6, 6)
    assert (len(first["items"]), len(second["items"]), past["items"]) == (4, 2, [])
    rows = first["items"] + second["items"]
    assert len({a["id"] for a in rows}) == 6
    keys = [(a["due_at"], a["id"]) for a in rows]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)  # by deadline
    assert all(a["overdue"] and a["hovedsag_id"] == made.case_id for a in rows)
    whole = await _get(c, path, vindue="overdue", sag=made.case_id, limit=50)
    assert [a["id"] for a in whole["items"]] == [a["id"] for a in rows]
    later = await _get(c, path, vindue="later", sag=made.case_id)
    assert [a["rule_id"] for a in later["items"]] == ["undersoegelse-4-maaneder"]
    assert later["total"] == 1


async def test_type_and_case_filters_combine(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await _case_with_overdue(c, notifications=2)
    other = await _case_with_overdue(c, notifications=1)
    path = "/api/worklist/activities"
    receipts = await _get(c, path, vindue="overdue", sag=made.case_id, type="kvittering-fagperson")
    assert receipts["total"] == 2
    assert {(a["rule_id"], a["hovedsag_id"]) for a in receipts["items"]} == {
        ("kvittering-fagperson", made.case_id)
    }
    theirs = await _get(c, path, vindue="overdue", sag=other.case_id, type="kvittering-fagperson")
    assert theirs["total"] == 1
    none = await _get(c, path, vindue="overdue", sag=made.case_id, type="anden")
    assert none == {"items": [], "total": 0}


async def test_bad_filter_values_are_named_in_danish(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    for path, params, key, words in (
        ("/api/worklist/activities", {"vindue": "igaar"}, "vindue", "Ukendt frist"),
        ("/api/worklist/activities", {"vindue": "overdue", "type": "x"}, "type", "aktivitetstype"),
        ("/api/worklist/summary", {"sag": "123"}, "sag", "Ukendt sag"),
        ("/api/worklist/activities", {"vindue": "later", "limit": "0"}, "limit", "mellem 1 og 50"),
        ("/api/worklist/notifications", {"offset": "-1"}, "offset", "negativ"),
        ("/api/worklist/cases", {"offset": str(10**30)}, "offset", "for stor"),
        ("/api/worklist/cases", {"sort": "alder"}, "sort", "Ukendt sortering"),
    ):
        r = await c.get(path, params=params)
        assert r.status_code == 400, (path, params, r.text)
        assert r.json()["extra"] == [{"key": key, "message": r.json()["detail"]}]
        assert words in r.json()["detail"], r.json()


async def test_cases_sort_filter_and_page(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    family = "Sidesen" + uuid.uuid4().hex[:6]
    anna = await factories.child(c, first_name="Anna", last_name=family)
    bo = await factories.child(c, first_name="Bo", last_name=family)
    carl = await factories.child(c, first_name="Carl", last_name=family)
    old = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    await factories.underretning(c, bo.case_id, received_at=old)  # two overdue
    path = "/api/worklist/cases"
    first = await _get(c, path, navn=family.lower(), sort="navn", limit=2)
    rest = await _get(c, path, navn=family, sort="navn", limit=2, offset=2)
    assert [x["child_name"] for x in first["items"]] == [f"Anna {family}", f"Bo {family}"]
    assert [x["id"] for x in rest["items"]] == [carl.case_id]
    assert (first["total"], rest["total"]) == (3, 3)
    by_overdue = await _get(c, path, navn=family, sort="overskredne")
    assert by_overdue["items"][0]["id"] == bo.case_id
    assert by_overdue["items"][0]["overdue_activities"] == 2
    assert {x["id"] for x in by_overdue["items"]} == {anna.case_id, bo.case_id, carl.case_id}
    nobody = await _get(c, path, navn="%" + family)  # % is a letter here, not a wildcard
    assert nobody == {"items": [], "total": 0}


async def test_notifications_page_with_totals(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await factories.child(c)
    mine = [
        (
            await factories.underretning(
                c,
                made.case_id,
                received_at=(datetime.now(UTC) - timedelta(hours=i + 1)).isoformat(),
            )
        )["id"]
        for i in range(3)
    ]
    path = "/api/worklist/notifications"
    total = (await _get(c, path, limit=1))["total"]
    seen: list[dict[str, Any]] = []
    for offset in range(0, total, 7):
        page = await _get(c, path, limit=7, offset=offset)
        assert page["total"] == total
        seen += page["items"]
    assert len(seen) == total == len({n["id"] for n in seen})
    order = [(n["received_at"], n["id"]) for n in seen]
    assert [n["id"] for n in seen if n["id"] in mine] == mine  # newest first
    assert [o[0] for o in order] == sorted((o[0] for o in order), reverse=True)
    assert (await _get(c, path))["unassessed"] == sum(not n["assessed"] for n in seen)
    assert {n["id"]: n["assessed"] for n in seen if n["id"] in mine} == dict.fromkeys(mine, False)


async def test_another_kommune_sees_none_of_it(as_user: AsUser) -> None:
    c = await as_user(A, "sagsbehandler")
    made = await _case_with_overdue(c, notifications=1)
    other = await as_user(B, "sagsbehandler")
    s = await _get(other, "/api/worklist/summary", sag=made.case_id)
    assert [w["total"] for w in s["windows"]] == [0, 0, 0, 0]
    assert made.case_id not in {o["id"] for o in s["cases"]}
    page = await _get(other, "/api/worklist/activities", vindue="overdue", sag=made.case_id)
    assert page == {"items": [], "total": 0}


async def test_a_user_without_case_access_may_not_read_it(as_user: AsUser) -> None:
    c = await as_user(A, "admin")
    assert (await c.get("/api/worklist/summary")).status_code == 403


def test_every_rule_has_a_short_name() -> None:
    from backend.casework.rules import (
        APPEAL_RULES,
        COMMITTEE_RULES,
        CONTACT_REVIEW_RULE,
        OWN_RULE,
        RULES,
        SHORT_TITLES,
        short_title,
    )

    # The rules' activities, the caseworker's own (issue 17 item 7), the complaint's steps
    # (item 3) and the review of a decision on contact (item 6).
    assert set(SHORT_TITLES) == {r.id for r in RULES} | {OWN_RULE, CONTACT_REVIEW_RULE} | set(
        APPEAL_RULES
    ) | set(COMMITTEE_RULES)
    assert all(0 < len(short_title(r)) <= 30 for r in COMMITTEE_RULES)
    assert short_title(CONTACT_REVIEW_RULE) == "Revurdering af samvær"
    assert short_title(OWN_RULE) == "Egen aktivitet"
    assert all(0 < len(short_title(r.id)) <= 30 for r in RULES)
    assert short_title(None) == "Andre aktiviteter"
