"""The later events of a placement and § 139 decisions, each reported to Ankestyrelsen (issue
18 item 2): a change of place (a new placement while one runs) raises skema 2 "ændring", not
skema 1; the placement's end raises skema 2 "ophør" (not when another placement carries on,
not for a measure that is no placement); a re-placement raises skema 1 again, marked as
such; support after 18 as a continued stay raises skema 3; a recorded § 139 decision raises
its report. Each exactly once, prefilled from the case, sent once (a second send is 409 and
the receiver has it once), journalised."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import httpx

from backend.casework.rules import DK, _end_of
from backend.core.danish import today_dk
from backend.core.workdays import add_months, next_working_day
from tests import factories
from tests.conftest import AsUser

A, B = "0101", "0202"
STEPS = {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Samtykke"}
REPORT_RULES = {
    "indberet-anbringelse",
    "indberet-aendring",
    "indberet-ophoer",
    "indberet-eftervaern",
    "indberet-139",
}


async def _decide(
    c: httpx.AsyncClient, case_id: str, measure: str, starts: date, paragraph: str = "46"
) -> dict[str, Any]:
    r = await c.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": paragraph,
            "outcome": "bevilget",
            "decided_on": (starts if starts <= today_dk() else today_dk()).isoformat(),
            "summary": "Afgørelsen med begrundelse.",
            "measure": measure,
            "starts_on": starts.isoformat(),
            "exceptions": STEPS,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _reports(activities: list[dict[str, Any]]) -> list[str]:
    return sorted(a["rule_id"] for a in activities if a["rule_id"] in REPORT_RULES)


async def _case(c: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    r = await c.get(f"/api/cases/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _open_reports(c: httpx.AsyncClient, case_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for a in (await _case(c, case_id))["activities"]:
        if a["rule_id"] in REPORT_RULES and a["status"] == "open":
            found.setdefault(a["rule_id"], []).append(a)
    return found


async def _end(c: httpx.AsyncClient, case_id: str, indsats_id: str, on: date, why: str) -> None:
    measure = next(m for m in (await _case(c, case_id))["indsatser"] if m["id"] == indsats_id)
    r = await c.post(
        f"/api/indsatser/{indsats_id}/ophoer",
        json={"version": measure["version"], "ends_on": on.isoformat(), "reason": why},
    )
    assert r.status_code == 200, r.text


def _received(report_id: str) -> dict[str, Any]:
    r = httpx.get(f"{os.environ['TREKANT_ANKESTYRELSEN_URL']}/indberetninger/{report_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _send_once(
    c: httpx.AsyncClient, activity_id: str, body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send, then send again: 201, then 409, and the receiver has it once."""
    r = await c.post(f"/api/activities/{activity_id}/ankestyrelsen", json=body)
    assert r.status_code == 201, r.text
    sent = dict(r.json())
    again = await c.post(f"/api/activities/{activity_id}/ankestyrelsen", json=body)
    assert again.status_code == 409
    assert "allerede sendt" in again.json()["detail"]
    received = _received(sent["id"])
    assert received["gange"] == 1
    assert received["kvittering"] == sent["receipt"]
    return sent, received["indberetning"]


async def _journal_titles(c: httpx.AsyncClient, case_id: str) -> list[str]:
    items = (await c.get(f"/api/cases/{case_id}/journal")).json()["items"]
    return [e["title"] for e in items]


async def test_change_of_place_end_and_re_placement_each_raise_their_report_once(
    as_user: AsUser,
) -> None:
    c = await as_user(A)
    made = await factories.child(c, first_name="Bo", last_name="Flyttesen")
    first_day = today_dk() - timedelta(days=60)
    first = await _decide(c, made.case_id, "plejefamilie", first_day)
    assert _reports(first["activities"]) == ["indberet-anbringelse"]

    # A new place while the first runs: a change (skema 2), not a new placement.
    moved_on = today_dk() - timedelta(days=10)
    second = await _decide(c, made.case_id, "opholdssted", moved_on)
    assert _reports(second["activities"]) == ["indberet-aendring"]
    change = next(a for a in second["activities"] if a["rule_id"] == "indberet-aendring")
    assert change["title"] == "Indberet ændringen af anbringelsen til Ankestyrelsen"
    assert change["completion"] == "indberetning"
    assert change["due_at"][:10] == (
        _end_of(next_working_day(moved_on + timedelta(weeks=4))).astimezone(DK).date().isoformat()
    )
    # The old place ends the day before: no end report (the placement carries on).
    await _end(c, made.case_id, first["indsats_id"], moved_on - timedelta(days=1), "Flyttet")
    assert set(await _open_reports(c, made.case_id)) == {
        "indberet-anbringelse",  # the first placement's report stays until it is sent
        "indberet-aendring",
    }

    # The change's report, prefilled: from what to what, when, by whose decision.
    form = (await c.get(f"/api/activities/{change['id']}/ankestyrelsen")).json()
    assert form["kind"] == "aendring"
    assert form["kind_label"] == "Ændret anbringelse (skema 2)"
    assert form["asks"] == ["cause", "note"]
    facts = {f["label"]: f["value"] for f in form["facts"]}
    assert facts["Ændring"] == "anbringelsessted"
    assert facts["Fra"].startswith("Anbringelse i plejefamilie efter § 46 (anbringelse med")
    assert f"til {(moved_on - timedelta(days=1)):%d.%m.%Y}" in facts["Fra"]
    assert facts["Til"] == (
        f"Anbringelse på opholdssted efter § 46 (anbringelse med samtykke), fra {moved_on:%d.%m.%Y}"
    )
    assert "sammenbrud" in {o["value"] for o in form["causes"]}
    # Bad input: at the field, nothing sent.
    r = await c.post(f"/api/activities/{change['id']}/ankestyrelsen", json={"cause": "andet"})
    assert r.status_code == 400
    assert r.json()["extra"] == [{"key": "cause_other", "message": "Beskriv den anden årsag"}]
    r = await c.post(f"/api/activities/{change['id']}/ankestyrelsen", json={})
    assert r.json()["extra"] == [
        {"key": "cause", "message": "Vælg hvorfor anbringelsen blev ændret"}
    ]
    sent, message = await _send_once(c, change["id"], {"cause": "sammenbrud"})
    assert sent["kind"] == "aendring"
    assert sent["cause"].startswith("Sammenbrud")
    assert message["type"] == "aendring"
    assert message["skema"] == 2
    assert message["aendringer"] == ["sted"]
    assert message["fra"]["type"] == "plejefamilie"
    assert message["til"]["type"] == "opholdssted"
    assert message["aarsag"] == "sammenbrud"
    assert "cpr" not in str(message).lower()
    assert (
        "Indberetning til Ankestyrelsen sendt: ændret anbringelse fra anbringelse i "
        "plejefamilie efter § 46 til anbringelse på opholdssted efter § 46"
    ) in await _journal_titles(c, made.case_id)

    # The placement ends (hjemgivelse): skema 2 "ophør", once.
    home_on = today_dk() - timedelta(days=3)
    await _end(c, made.case_id, second["indsats_id"], home_on, "Hjemgivet")
    ended = (await _open_reports(c, made.case_id))["indberet-ophoer"]
    assert len(ended) == 1
    assert ended[0]["due_at"][:10] == (
        _end_of(next_working_day(home_on + timedelta(weeks=4))).astimezone(DK).date().isoformat()
    )
    form = (await c.get(f"/api/activities/{ended[0]['id']}/ankestyrelsen")).json()
    assert form["kind"] == "ophoer"
    assert {f["label"]: f["value"] for f in form["facts"]}["Ophørt"] == f"{home_on:%d.%m.%Y}"
    assert {o["value"] for o in form["causes"]} >= {"hjemgivelse", "eftervaern", "fyldt_18"}
    sent, message = await _send_once(c, ended[0]["id"], {"cause": "hjemgivelse"})
    assert message["ophoersaarsag"] == "hjemgivelse"
    assert message["anbringelse"]["slutdato"] == home_on.isoformat()

    # Placed again later: skema 1 again (reasons each time), marked as a re-placement.
    again = await _decide(c, made.case_id, "doegninstitution", today_dk())
    assert _reports(again["activities"]) == ["indberet-anbringelse"]
    duty = next(a for a in again["activities"] if a["rule_id"] == "indberet-anbringelse")
    form = (await c.get(f"/api/activities/{duty['id']}/ankestyrelsen")).json()
    assert form["kind"] == "anbringelse"
    assert form["replacement"] is True
    assert {f["label"]: f["value"] for f in form["facts"]}["Genanbringelse"] == (
        f"Barnet var anbragt før: anbringelse på opholdssted {moved_on:%d.%m.%Y}–{home_on:%d.%m.%Y}"
    )

    # The administrator sees every kind, and the month's count per kind.
    admin = await as_user(A, "admin")
    overview = (await admin.get("/api/ankestyrelsen/overview")).json()
    mine = {r["activity_id"]: r for r in overview["rows"] if r["case_id"] == made.case_id}
    assert mine[change["id"]]["kind_label"] == "Ændret anbringelse (skema 2)"
    assert mine[change["id"]]["status"] == "sendt"
    assert mine[duty["id"]]["status"] == "aaben"
    month = f"{today_dk():%Y-%m}"
    kinds = {m["kind"] for m in overview["months"] if m["month"] == month}
    assert {"aendring", "ophoer"} <= kinds


async def test_a_measure_that_is_no_placement_raises_no_report(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c)
    support = await _decide(c, made.case_id, "familiebehandling", today_dk(), paragraph="32")
    assert _reports(support["activities"]) == []
    await _end(c, made.case_id, support["indsats_id"], today_dk(), "Målet er nået")
    assert await _open_reports(c, made.case_id) == {}


async def test_a_continued_stay_after_18_raises_skema_3(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c, years=17, first_name="Ea", last_name="Efterværnsen")
    await _decide(c, made.case_id, "opholdssted", today_dk())
    birth = date.fromisoformat((await c.get(f"/api/children/{made.child_id}")).json()["birth_date"])
    eighteen = add_months(birth, 18 * 12)
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "114",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Den unge bliver boende på opholdsstedet efter det 18. år.",
            "measure": "viderefoert_anbringelse",
            "starts_on": eighteen.isoformat(),
            "ends_on": (add_months(eighteen, 24)).isoformat(),
            "exceptions": STEPS,
        },
    )
    assert r.status_code == 201, r.text
    assert _reports(r.json()["activities"]) == ["indberet-eftervaern"]
    duty = next(a for a in r.json()["activities"] if a["rule_id"] == "indberet-eftervaern")
    form = (await c.get(f"/api/activities/{duty['id']}/ankestyrelsen")).json()
    assert form["kind_label"] == "Døgnophold i efterværn (skema 3)"
    assert form["asks"] == ["consent", "note"]
    r = await c.post(f"/api/activities/{duty['id']}/ankestyrelsen", json={})
    assert r.json()["extra"] == [
        {"key": "consent", "message": "Svar på, om den unge har givet samtykke til døgnopholdet"}
    ]
    _, message = await _send_once(c, duty["id"], {"consent": True})
    assert message["skema"] == 3
    assert message["doegnophold"]["startdato"] == eighteen.isoformat()
    assert message["samtykke"] is True


async def test_a_139_decision_is_recorded_journalised_and_reported(as_user: AsUser) -> None:
    c = await as_user(A)
    made = await factories.child(c, first_name="Sif", last_name="Hentesen")
    url = f"/api/cases/{made.case_id}/indgreb-139"
    # Bad input: every field at once, nothing recorded.
    r = await c.post(url, json={"decided_by": " ", "description": ""})
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {
        "kind",
        "decided_on",
        "decided_by",
        "police",
        "description",
    }
    assert (await c.get(url)).json()["items"] == []
    decided = today_dk() - timedelta(days=1)
    r = await c.post(
        url,
        json={
            "kind": "fuldbyrdelse_anbringelsessted",
            "decided_on": decided.isoformat(),
            "carried_out_on": today_dk().isoformat(),
            "decided_by": "Børne- og ungeudvalgets formand",
            "police": True,
            "description": "Sif blev hentet på opholdsstedet og kørt til den nye plejefamilie.",
        },
    )
    assert r.status_code == 201, r.text
    recorded = r.json()
    assert recorded["activity_id"]
    assert [i["id"] for i in (await c.get(url)).json()["items"]] == [recorded["id"]]
    titles = await _journal_titles(c, made.case_id)
    assert (
        f"Afgørelse efter Barnets Lov § 139 truffet {decided:%d.%m.%Y} af Børne- og "
        "ungeudvalgets formand (med politiets bistand)"
    ) in titles
    duties = (await _open_reports(c, made.case_id))["indberet-139"]
    assert [d["id"] for d in duties] == [recorded["activity_id"]]
    assert duties[0]["due_at"][:10] == (
        _end_of(next_working_day(decided + timedelta(weeks=2))).astimezone(DK).date().isoformat()
    )
    form = (await c.get(f"/api/activities/{recorded['activity_id']}/ankestyrelsen")).json()
    assert form["asks"] == ["child_experience", "child_informed", "note"]
    assert {f["label"]: f["value"] for f in form["facts"]}["Politiets bistand"] == "Ja"
    r = await c.post(f"/api/activities/{recorded['activity_id']}/ankestyrelsen", json={})
    assert {e["key"] for e in r.json()["extra"]} == {"child_experience", "child_informed"}
    _, message = await _send_once(
        c,
        recorded["activity_id"],
        {
            "child_experience": "Sif var bange, men er glad for plejefamilien.",
            "child_informed": True,
        },
    )
    assert message["type"] == "indgreb_139"
    assert message["indgreb"]["politiets_bistand"] is True
    assert message["barnets_oplevelse"].startswith("Sif var bange")
    # Another kommune: 404 for the list, the recording and the report.
    other = await as_user(B)
    assert (await other.get(url)).status_code == 404
    assert (await other.post(url, json={})).status_code == 404
    r = await other.get(f"/api/activities/{recorded['activity_id']}/ankestyrelsen")
    assert r.status_code == 404
