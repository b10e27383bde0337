"""Placement without consent (§ 47) by børne- og ungeudvalget (issue 17 item 2): a
caseworker cannot decide it; the indstilling, the offers of counsel (the child from 10),
the plan before the meeting, the committee's decision through the decision machinery, the
chair's provisional decision and its confirmation, complaints straight to Ankestyrelsen;
bad input is a Danish answer and writes nothing; another kommune's case is 404."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import httpx

from backend.core.danish import DK, today_dk
from backend.core.workdays import add_months, previous_working_day
from tests.casework.test_casework_api import A, _caseworker
from tests.conftest import AsUser
from tests.crosskommune.conftest import B
from tests.factories import child as new_child


def _due(activity: dict) -> date:
    return datetime.fromisoformat(activity["due_at"]).astimezone(DK).date()


async def _open(http: httpx.AsyncClient, case_id: str) -> dict[str, dict]:
    case = (await http.get(f"/api/cases/{case_id}")).json()
    return {a["rule_id"]: a for a in case["activities"] if a["status"] == "open"}


async def _udvalg(http: httpx.AsyncClient, case_id: str) -> dict:
    r = await http.get(f"/api/cases/{case_id}/udvalg")
    assert r.status_code == 200, r.text
    return r.json()


async def _prepared(http: httpx.AsyncClient, years: int = 13) -> tuple[str, dict]:
    made = await new_child(http, years=years, address="Skolevej 1")
    r = await http.post(
        f"/api/cases/{made.case_id}/udvalg",
        json={
            "measure": "plejefamilie",
            "reasons": "Åbenbar risiko for alvorlig skade; forældrene samtykker ikke.",
            "meeting_on": (today_dk() + timedelta(days=14)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    return made.case_id, (await _udvalg(http, made.case_id))["indstillinger"][0]


async def _steps(http: httpx.AsyncClient, case_id: str, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        r = await http.post(
            f"/api/cases/{case_id}/steps",
            json={"kind": kind, "happened_on": today_dk().isoformat(), "note": ""},
        )
        assert r.status_code == 201, r.text


async def _offer(
    http: httpx.AsyncClient, ind_id: str, party: str, **more: object
) -> httpx.Response:
    return await http.post(
        f"/api/udvalg/{ind_id}/tilbud",
        json={"party": party, "offered_on": today_dk().isoformat(), "accepted": True} | more,
    )


async def test_a_caseworker_cannot_decide_47_whatever_the_reasons(http, seeded):
    await _caseworker(http)
    made = await new_child(http, years=9, address="Skolevej 1")
    r = await http.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "47",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Anbringelse uden samtykke.",
            "measure": "plejefamilie",
            "starts_on": today_dk().isoformat(),
            "exceptions": {
                "boernesamtale": "Akut",
                "partshoering": "Akut",
                "barnets-plan-47": "Akut",
            },
        },
    )
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "paragraph"
    assert r.json()["extra"][0]["message"].startswith(
        "En anbringelse uden samtykke træffes af børne- og ungeudvalget"
    )
    case = (await http.get(f"/api/cases/{made.case_id}")).json()
    assert case["afgoerelser"] == [] and case["stage"] != "afgoerelse"


async def test_the_committee_decides_after_the_plan_and_the_placement_starts(http, seeded):
    await _caseworker(http)
    case_id, ind = await _prepared(http, years=13)
    meeting = date.fromisoformat(ind["meeting_on"])
    assert ind["state"] == "forberedes" and ind["parties"] == ["foraeldre", "barn"]
    opened = await _open(http, case_id)
    assert {"boernesamtale", "partshoering", "barnets-plan-47", "udvalg-advokat"} <= set(opened)
    assert _due(opened["udvalg-moede"]) == meeting
    assert _due(opened["udvalg-advokat"]) == previous_working_day(meeting - timedelta(days=1))
    assert opened["udvalg-advokat"]["completion"] == "udvalg"
    assert opened["udvalg-advokat"]["basis_confirmed"] is False
    # Both parties offered (the child is 13): the activity is done.
    assert (await _offer(http, ind["id"], "foraeldre", lawyer="Advokat Holm")).status_code == 200
    assert "udvalg-advokat" in await _open(http, case_id)
    assert (await _offer(http, ind["id"], "barn", accepted=False)).status_code == 200
    assert "udvalg-advokat" not in await _open(http, case_id)
    await _steps(http, case_id, ("boernesamtale", "partshoering"))
    decision = {
        "version": (await _udvalg(http, case_id))["indstillinger"][0]["version"],
        "outcome": "bevilget",
        "decided_on": today_dk().isoformat(),
        "reasons": "Betingelserne i § 47, stk. 1, nr. 1, er opfyldt.",
        "starts_on": today_dk().isoformat(),
        "review_months": 12,
    }
    # Without the plan: 409 naming it, nothing written.
    r = await http.post(f"/api/udvalg/{ind['id']}/afgoerelse", json=decision)
    assert r.status_code == 409, r.text
    assert "Udarbejd barnets plan" in r.json()["detail"]
    assert (await _udvalg(http, case_id))["indstillinger"][0]["state"] == "forberedes"
    assert (await http.get(f"/api/cases/{case_id}")).json()["afgoerelser"] == []
    await _steps(http, case_id, ("plan",))
    r = await http.post(f"/api/udvalg/{ind['id']}/afgoerelse", json=decision)
    assert r.status_code == 200, r.text
    assert r.json()["indsats_id"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["afgoerelser"][0]["paragraph"] == "47"
    assert case["afgoerelser"][0]["summary"].startswith("Børne- og ungeudvalgets afgørelse")
    opened = {a["rule_id"]: a for a in case["activities"] if a["status"] == "open"}
    assert {"tilsynsbesoeg", "foerste-opfoelgning", "udvalg-send", "udvalg-genbehandling"} <= set(
        opened
    )
    assert "udvalg-moede" not in opened
    review = previous_working_day(add_months(today_dk(), 12))
    assert _due(opened["udvalg-genbehandling"]) == review
    assert opened["udvalg-genbehandling"]["concerns_id"] == r.json()["indsats_id"]
    ind = (await _udvalg(http, case_id))["indstillinger"][0]
    assert (ind["state"], ind["outcome"], ind["review_months"]) == ("afgjort", "bevilget", 12)
    # Decided once only.
    again = await http.post(
        f"/api/udvalg/{ind['id']}/afgoerelse", json=decision | {"version": ind["version"]}
    )
    assert again.status_code == 409


async def test_the_meeting_moves_and_its_deadlines_with_it(http, seeded):
    await _caseworker(http)
    case_id, ind = await _prepared(http, years=13)
    later = today_dk() + timedelta(days=30)
    r = await http.post(
        f"/api/udvalg/{ind['id']}/moede",
        json={"version": ind["version"], "meeting_on": later.isoformat(), "reason": ""},
    )
    assert r.status_code == 400 and [e["key"] for e in r.json()["extra"]] == ["reason"]
    r = await http.post(
        f"/api/udvalg/{ind['id']}/moede",
        json={"version": ind["version"], "meeting_on": later.isoformat(), "reason": "Aflyst"},
    )
    assert r.status_code == 200, r.text
    opened = await _open(http, case_id)
    assert _due(opened["udvalg-moede"]) == later
    assert _due(opened["udvalg-advokat"]) == previous_working_day(later - timedelta(days=1))
    assert (await _udvalg(http, case_id))["indstillinger"][0]["meeting_on"] == later.isoformat()
    # The old version is stale now.
    r = await http.post(
        f"/api/udvalg/{ind['id']}/moede",
        json={"version": ind["version"], "meeting_on": later.isoformat(), "reason": "Igen"},
    )
    assert r.status_code == 409


async def test_a_child_under_10_is_not_offered_counsel_of_their_own(http, seeded):
    await _caseworker(http)
    case_id, ind = await _prepared(http, years=8)
    assert ind["parties"] == ["foraeldre"]
    r = await _offer(http, ind["id"], "barn")
    assert r.status_code == 400, r.text
    assert r.json()["extra"][0]["key"] == "party"
    assert (await _udvalg(http, case_id))["indstillinger"][0]["offers"] == []
    assert (await _offer(http, ind["id"], "foraeldre", accepted=False)).status_code == 200
    assert "udvalg-advokat" not in await _open(http, case_id)


async def test_bad_input_names_every_field_and_writes_nothing(http, seeded):
    await _caseworker(http)
    made = await new_child(http, years=11, address="Skolevej 1")
    r = await http.post(
        f"/api/cases/{made.case_id}/udvalg",
        json={
            "measure": "familiebehandling",
            "reasons": "  ",
            "meeting_on": (today_dk() - timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 400, r.text
    assert [e["key"] for e in r.json()["extra"]] == ["measure", "reasons", "meeting_on"]
    assert (await _udvalg(http, made.case_id))["indstillinger"] == []
    assert (await _open(http, made.case_id)) == {}
    case_id, ind = await _prepared(http, years=11)
    r = await _offer(
        http,
        ind["id"],
        "foraeldre",
        offered_on=(today_dk() + timedelta(days=1)).isoformat(),
        accepted=False,
        lawyer="Advokat Holm",
    )
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["offered_on", "lawyer"]
    r = await http.post(
        f"/api/udvalg/{ind['id']}/afgoerelse",
        json={
            "version": ind["version"],
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "reasons": "",
            "starts_on": (today_dk() - timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["reasons", "starts_on", "review_months"]
    assert (await _udvalg(http, case_id))["indstillinger"][0]["offers"] == []


async def _mi(leder: httpx.AsyncClient) -> tuple[int, int]:
    board = (await leder.get("/api/mi/dashboard", params={"scope": "kommune"})).json()
    return board["awaiting_committee"], board["awaiting_confirmation"]


async def test_the_chairs_provisional_decision_must_be_confirmed(http, as_user):
    leder = await as_user(A, "leder")
    before = await _mi(leder)
    await _caseworker(http)
    case_id, ind = await _prepared(http, years=13)
    assert await _mi(leder) == (before[0] + 1, before[1])
    r = await http.post(
        f"/api/udvalg/{ind['id']}/formand",
        json={
            "version": ind["version"],
            "decided_on": today_dk().isoformat(),
            "reasons": "Barnet kan ikke blive hjemme i nat.",
            "starts_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["indsats_id"]
    opened = await _open(http, case_id)
    assert _due(opened["udvalg-formand"]) == today_dk() + timedelta(days=7)
    assert "tilsynsbesoeg" in opened and "barnets-plan-47" not in opened
    ind = (await _udvalg(http, case_id))["indstillinger"][0]
    assert ind["state"] == "formand"
    assert await _mi(leder) == (before[0], before[1] + 1)
    r = await http.post(
        f"/api/udvalg/{ind['id']}/godkendelse",
        json={
            "version": ind["version"],
            "confirmed": False,
            "decided_on": today_dk().isoformat(),
            "reasons": "Betingelserne var ikke opfyldt.",
        },
    )
    assert r.status_code == 200, r.text
    ind = (await _udvalg(http, case_id))["indstillinger"][0]
    assert (ind["state"], ind["outcome"]) == ("bortfaldet", "ikke_godkendt")
    assert await _mi(leder) == before
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert all(m["ends_on"] == today_dk().isoformat() for m in case["indsatser"])
    opened = {a["rule_id"] for a in case["activities"] if a["status"] == "open"}
    assert not opened & {"udvalg-formand", "udvalg-moede", "udvalg-advokat", "tilsynsbesoeg"}


async def test_a_complaint_against_the_committee_goes_straight_to_ankestyrelsen(http, seeded):
    await _caseworker(http)
    case_id, ind = await _prepared(http, years=13)
    r = await http.post(
        f"/api/udvalg/{ind['id']}/formand",
        json={
            "version": ind["version"],
            "decided_on": today_dk().isoformat(),
            "reasons": "Akut fare.",
            "starts_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    ind = (await _udvalg(http, case_id))["indstillinger"][0]
    r = await http.post(
        f"/api/udvalg/{ind['id']}/godkendelse",
        json={
            "version": ind["version"],
            "confirmed": True,
            "decided_on": today_dk().isoformat(),
            "reasons": "Udvalget godkender.",
            "review_months": 24,
        },
    )
    assert r.status_code == 200, r.text
    decision_id = (await _udvalg(http, case_id))["indstillinger"][0]
    klager = (await http.get(f"/api/cases/{case_id}/klager")).json()
    r = await http.post(
        f"/api/cases/{case_id}/klager",
        json={
            "afgoerelse_id": klager["decisions"][0]["id"],
            "received_on": today_dk().isoformat(),
            "complainant": "barn",
            "about": "Jeg vil hjem.",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "fastholdt"
    opened = await _open(http, case_id)
    assert "klage-genvurdering" not in opened and "klage-send" in opened
    assert "udvalg-genbehandling" in opened and decision_id["review_months"] == 24


async def test_another_kommunes_indstilling_is_not_found(as_user: AsUser) -> None:
    a = await as_user(A)
    case_id, ind = await _prepared(a, years=13)
    b = await as_user(B)
    assert (await b.get(f"/api/cases/{case_id}/udvalg")).status_code == 404
    r = await _offer(b, ind["id"], "foraeldre")
    assert r.status_code == 404, r.text
    r = await b.post(
        f"/api/cases/{case_id}/udvalg",
        json={"measure": "plejefamilie", "reasons": "x", "meeting_on": today_dk().isoformat()},
    )
    assert r.status_code == 404


async def test_the_indstilling_travels_with_a_transferred_case(seeded, client: AsUser) -> None:
    from tests.crosskommune.conftest import drain, fetch

    a, b = await client(A), await client(B)
    case_id, ind = await _prepared(a, years=13)
    assert (await _offer(a, ind["id"], "foraeldre", lawyer="Advokat Holm")).status_code == 200
    sent = await a.post(
        f"/api/cases/{case_id}/transfers",
        json={"to_kommune": B, "summary": "Familien er flyttet før udvalgets møde."},
    )
    assert sent.status_code == 201, sent.text
    t = sent.json()
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    new = (await b.get(f"/api/transfers/{t['id']}")).json()["transfer"]["hovedsag_id"]
    there = (await _udvalg(b, new))["indstillinger"]
    assert [(i["state"], i["offers"][0]["lawyer"]) for i in there] == [
        ("forberedes", "Advokat Holm")
    ]
    assert there[0]["id"] != ind["id"]
    rows = await fetch(
        B,
        "SELECT a.rule_id FROM activity a JOIN indstilling i ON i.id = a.concerns_id "
        "WHERE i.hovedsag_id = $1 AND a.status = 'open' ORDER BY a.rule_id",
        uuid.UUID(new),
    )
    assert [r["rule_id"] for r in rows] == ["udvalg-advokat", "udvalg-moede"]
