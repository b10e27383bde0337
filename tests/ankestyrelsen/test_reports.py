"""Reports to Ankestyrelsen after a placement (issue 18 item 2): the duty arises when the
placement starts, with its deadline four weeks after the decision; the report is prefilled
from the case; bad input is a Danish 400 at the field and sends nothing; sending reaches
the receiver once, completes the activity and is journalised; a second send is refused;
another kommune's activity is 404; the administrator's overview lists it."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import httpx

from backend.casework.rules import DK, _end_of
from backend.core.danish import today_dk
from backend.core.workdays import next_working_day
from tests import factories
from tests.conftest import AsUser

A, B = "0101", "0202"
REPORT = {
    "reasons": ["omsorgssvigt", "foraeldre_misbrug"],
    "child_experience": "Hun er lettet over at bo hos plejefamilien, men savner sin lillebror.",
    "child_informed": True,
}


async def _placed(c: httpx.AsyncClient, decided: date) -> tuple[factories.Child, dict[str, Any]]:
    """A child placed (§ 46, foster family) by a decision on ``decided``; its report activity."""
    made = await factories.child(c)
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": decided.isoformat(),
            "summary": "Anbringelse med samtykke i plejefamilie.",
            "measure": "plejefamilie",
            "starts_on": today_dk().isoformat(),
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    duty = [a for a in r.json()["activities"] if a["rule_id"] == "indberet-anbringelse"]
    assert len(duty) == 1
    return made, duty[0]


def _received(report_id: str) -> dict[str, Any]:
    r = httpx.get(f"{os.environ['TREKANT_ANKESTYRELSEN_URL']}/indberetninger/{report_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_placement_creates_the_duty_four_weeks_after_the_decision(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    decided = today_dk() - timedelta(days=3)
    _, duty = await _placed(c, decided)
    assert duty["title"] == "Indberet anbringelsen til Ankestyrelsen"
    assert duty["completion"] == "indberetning"
    assert duty["basis_confirmed"] is False
    due = _end_of(next_working_day(decided + timedelta(weeks=4)))
    assert duty["due_at"] is not None
    assert duty["due_at"][:10] == due.astimezone(DK).date().isoformat()
    # "Udført" does not complete it: the report's own dialog does.
    r = await c.post(f"/api/activities/{duty['id']}/complete", json={"version": duty["version"]})
    assert r.status_code == 409
    assert "Ankestyrelsen" in r.json()["detail"]


async def test_the_report_is_prefilled_from_the_case(as_user: AsUser) -> None:
    c = await as_user(A)
    decided = today_dk() - timedelta(days=1)
    made, duty = await _placed(c, decided)
    r = await c.get(f"/api/activities/{duty['id']}/ankestyrelsen")
    assert r.status_code == 200, r.text
    form = r.json()
    assert form["case_id"] == made.case_id
    assert form["paragraph"] == "46"
    assert form["paragraph_label"] == "§ 46 (anbringelse med samtykke)"
    assert form["measure_label"] == "Anbringelse i plejefamilie"
    assert form["decided_on"] == decided.isoformat()
    assert form["starts_on"] == today_dk().isoformat()
    assert form["decided_by"]
    assert form["child_name"]
    assert form["sent"] is None
    assert {o["value"] for o in form["reasons"]} >= {"omsorgssvigt", "andet"}


async def test_bad_input_is_a_danish_400_at_the_field_and_sends_nothing(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    _, duty = await _placed(c, today_dk())
    r = await c.post(
        f"/api/activities/{duty['id']}/ankestyrelsen",
        json={"reasons": ["andet"], "child_experience": "  "},
    )
    assert r.status_code == 400
    errors = {e["key"]: e["message"] for e in r.json()["extra"]}
    assert errors == {
        "reason_other": "Beskriv den anden årsag",
        "child_experience": "Skriv barnets egen oplevelse af situationen – den skal indgå i "
        "indberetningen",
        "child_informed": "Svar på, om barnet er orienteret om indberetningen",
    }
    form = (await c.get(f"/api/activities/{duty['id']}/ankestyrelsen")).json()
    assert form["sent"] is None


async def test_sending_reaches_ankestyrelsen_once_completes_and_journalises(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made, duty = await _placed(c, today_dk())
    r = await c.post(f"/api/activities/{duty['id']}/ankestyrelsen", json=REPORT)
    assert r.status_code == 201, r.text
    sent = r.json()
    assert sent["receipt"].startswith("AST-")
    assert sent["reasons"] == ["Omsorgssvigt", "Misbrug hos forældrene"]
    received = _received(sent["id"])
    assert received["gange"] == 1
    assert received["kvittering"] == sent["receipt"]
    message = received["indberetning"]
    assert message["type"] == "anbringelse"
    assert message["kommunekode"] == A
    assert message["afgoerelse"]["paragraf"] == "Barnets Lov § 46"
    assert message["barnets_oplevelse"] == REPORT["child_experience"]
    assert "cpr" not in str(message).lower()
    # sent twice: refused, and the receiver still has it once
    again = await c.post(f"/api/activities/{duty['id']}/ankestyrelsen", json=REPORT)
    assert again.status_code == 409
    assert "allerede sendt" in again.json()["detail"]
    assert _received(sent["id"])["gange"] == 1
    # the activity is done, and the journal names what was reported, when and by whom
    activities = (await c.get(f"/api/cases/{made.case_id}")).json()["activities"]
    done = next(a for a in activities if a["id"] == duty["id"])
    assert done["status"] == "done"
    journal = (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    entry = next(e for e in journal if e["title"].startswith("Indberetning til Ankestyrelsen"))
    assert entry["title"] == (
        "Indberetning til Ankestyrelsen sendt: anbringelse i plejefamilie efter § 46 "
        f"(afgørelse {today_dk().strftime('%d.%m.%Y')})"
    )
    assert sent["receipt"] in entry["body"]
    assert sent["sent_by_name"] in entry["body"]
    form = (await c.get(f"/api/activities/{duty['id']}/ankestyrelsen")).json()
    assert form["sent"]["receipt"] == sent["receipt"]
    # the administrator sees it as sent, with the case's number and the caseworker
    admin = await as_user(A, "admin")
    r = await admin.get("/api/ankestyrelsen/overview")
    assert r.status_code == 200, r.text
    row = next(x for x in r.json()["rows"] if x["activity_id"] == duty["id"])
    assert row["status"] == "sendt"
    assert row["receipt"] == sent["receipt"]
    assert row["case_id"] == made.case_id
    assert r.json()["months"][0]["sent"] >= 1
    # a caseworker may not see the kommune's overview
    assert (await c.get("/api/ankestyrelsen/overview")).status_code == 403


async def test_another_kommunes_report_is_404(as_user: AsUser) -> None:
    c = await as_user(A)
    _, duty = await _placed(c, today_dk())
    other = await as_user(B)
    assert (await other.get(f"/api/activities/{duty['id']}/ankestyrelsen")).status_code == 404
    r = await other.post(f"/api/activities/{duty['id']}/ankestyrelsen", json=REPORT)
    assert r.status_code == 404
    admin_b = await as_user(B, "admin")
    rows = (await admin_b.get("/api/ankestyrelsen/overview")).json()["rows"]
    assert duty["id"] not in {x["activity_id"] for x in rows}
