"""The front of the process (issue 17 item 1; backend/casework/front.py): afdækning (§ 19)
as its own enkeltsag and what follows it, a notification about suspected abuse (§ 20, stk. 1,
nr. 2 and § 137, stk. 3-4), the § 137, stk. 1 re-assessment by someone not on the case, and
the preliminary assessment of an investigation (§ 20, stk. 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from backend.core.danish import DK, today_dk
from backend.core.workdays import add_months, add_working_days, next_working_day
from tests import factories
from tests.casework.test_casework_api import B, _caseworker, _user_id
from tests.casework.test_process import _measure
from tests.conftest import KOMMUNE_A

A = KOMMUNE_A[0]


async def _case(http: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    r = await http.get(f"/api/cases/{case_id}")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _open(case: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [a for a in case["activities"] if a["rule_id"] == rule_id and a["status"] == "open"]


def _kinds(case: dict[str, Any], *, open_only: bool = True) -> list[str]:
    return sorted(e["kind"] for e in case["enkeltsager"] if not (open_only and e["closed_at"]))


def _due_day(activity: dict[str, Any]) -> date:
    return datetime.fromisoformat(activity["due_at"]).astimezone(DK).date()


def _errors(r: httpx.Response) -> dict[str, str]:
    return {e["key"]: e["message"] for e in r.json()["extra"]}


async def _complete(
    http: httpx.AsyncClient, activity: dict[str, Any], record: dict[str, Any]
) -> httpx.Response:
    return await http.post(
        f"/api/activities/{activity['id']}/complete",
        json={"version": activity["version"], "record": record},
    )


async def _titles(http: httpx.AsyncClient, case_id: str) -> list[str]:
    items = (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]
    return [e["title"] for e in items]


async def test_suspected_abuse_leads_to_the_20_decision_and_the_conversation(http, seeded):
    await _caseworker(http)
    child = await factories.child(http)
    received = datetime.now(UTC) - timedelta(days=3)
    made = await factories.underretning(
        http, child.case_id, suspected_abuse=True, received_at=received.isoformat()
    )
    acts = {a["rule_id"]: a for a in made["activities"]}
    assert set(acts) == {
        "vurdering-24-timer",
        "kvittering-fagperson",
        "overgreb-stillingtagen",
        "overgreb-samtale",
    }  # no § 137, stk. 1 re-assessment: the child has no measure
    day = received.astimezone(DK).date()
    decision = acts["overgreb-stillingtagen"]
    assert _due_day(decision) == add_working_days(day, 2)
    assert _due_day(acts["overgreb-samtale"]) == add_working_days(day, 5)
    assert decision["title"] == "Tag stilling til børnefaglig undersøgelse (§ 20)"
    assert decision["basis"].startswith("Barnets Lov § 20, stk. 1, nr. 2")

    # Bad input: each field named in Danish, nothing written.
    r = await _complete(http, decision, {"undersoegelse": "måske"})
    assert r.status_code == 400
    assert _errors(r) == {
        "undersoegelse": "Svar ja eller nej",
        "begrundelse": "Begrund beslutningen",
    }
    case = await _case(http, child.case_id)
    assert len(_open(case, "overgreb-stillingtagen")) == 1
    assert "undersoegelse" not in _kinds(case)

    # "Ja" starts the investigation, its 4 months counted from the notification's receipt.
    r = await _complete(
        http, decision, {"undersoegelse": True, "begrundelse": "Mistanke om vold fra far."}
    )
    assert r.status_code == 200, r.text
    case = await _case(http, child.case_id)
    investigation = next(e for e in case["enkeltsager"] if e["kind"] == "undersoegelse")
    assert investigation["aware_since"] == day.isoformat()
    assert case["stage"] == "undersoegelse"
    (four,) = _open(case, "undersoegelse-4-maaneder")
    assert _due_day(four) == next_working_day(add_months(day, 4))
    titles = await _titles(http, child.case_id)
    assert "Stillingtagen til børnefaglig undersøgelse" in titles
    assert "Beslutning om børnefaglig undersøgelse (Barnets Lov § 20)" in titles


async def test_137_reassessment_only_with_a_running_measure_and_not_by_the_caseworker(http, seeded):
    await _caseworker(http)
    child = await factories.child(http)
    first = await factories.underretning(http, child.case_id)
    assert "revurdering-137" not in {a["rule_id"] for a in first["activities"]}
    await _measure(http, child.case_id, today_dk() - timedelta(days=10))
    second = await factories.underretning(http, child.case_id, notifier_kind="privat")
    acts = {a["rule_id"]: a for a in second["activities"]}
    assert set(acts) == {"vurdering-24-timer", "revurdering-137"}
    reassessment = acts["revurdering-137"]
    assert reassessment["basis"].startswith("Barnets Lov § 137, stk. 1")
    record = {"konklusion": "Indsatsen fortsætter; skolen kontaktes."}

    # The case's own caseworker has taken part: refused at the field, nothing written.
    before = await _titles(http, child.case_id)
    mine = await _user_id(A, "sagsbehandler")
    r = await _complete(http, reassessment, {**record, "revurderet_af": mine})
    assert r.status_code == 400
    assert _errors(r) == {
        "revurderet_af": "Sara Sagsbehandler har deltaget i behandlingen af sagen. "
        "Genvurderingen skal foretages af en medarbejder, der ikke tidligere har deltaget "
        "(§ 137, stk. 1)."
    }
    r = await _complete(http, reassessment, {**record, "revurderet_af": "Teamlederen"})
    assert _errors(r) == {"revurderet_af": "Vælg en medarbejder på listen"}
    assert await _titles(http, child.case_id) == before
    assert len(_open(await _case(http, child.case_id), "revurdering-137")) == 1

    # A colleague who has never been on the case.
    colleague = await _user_id(A, "kollega")
    r = await _complete(http, reassessment, {**record, "revurderet_af": colleague})
    assert r.status_code == 200, r.text
    assert r.json()["record"] == {**record, "revurderet_af": colleague}
    entry = (await http.get(f"/api/cases/{child.case_id}/journal")).json()["items"][0]
    assert entry["title"] == "Genvurdering af sagen"
    assert entry["body"].startswith("Hvem har foretaget genvurderingen? ")
    assert colleague not in entry["body"]  # the name, never the id


async def test_afdaekning_and_what_follows_it(http, seeded):
    await _caseworker(http)
    # Started from the 24-hour assessment's next step.
    child = await factories.child(http)
    made = await factories.underretning(http, child.case_id)
    assessment = made["activities"][0]
    record = {**(factories.completion_record("vurdering-24-timer") or {})}
    r = await _complete(http, assessment, {**record, "naeste_skridt": "afdaekning"})
    assert r.status_code == 200, r.text
    case = await _case(http, child.case_id)
    assert _kinds(case) == ["afdaekning"]  # the afklaring closed: the case moved on
    (afd,) = _open(case, "afdaekning")
    assert _due_day(afd) == add_working_days(today_dk(), 20)
    assert afd["basis_confirmed"] is False  # the law sets no deadline: the kommune's own
    again = await http.post(f"/api/cases/{child.case_id}/afdaekning", json={})
    assert again.status_code == 400
    assert _errors(again) == {"purpose": "Der er allerede en afdækning i gang på sagen"}

    # Bad input names the field and changes nothing.
    base = {"afdaekket": "Talt med skolen og mor.", "konklusion": "Behov for en undersøgelse."}
    r = await _complete(http, afd, {**base, "hvad_nu": "undersoegelse"})
    assert _errors(r) == {
        "opmaerksom": "Angiv datoen, hvor kommunen blev opmærksom på barnets forhold"
    }
    assert _kinds(await _case(http, child.case_id)) == ["afdaekning"]

    # ... → a børnefaglig undersøgelse, 4 months from when the kommune became aware.
    aware = today_dk() - timedelta(days=14)
    r = await _complete(
        http, afd, {**base, "hvad_nu": "undersoegelse", "opmaerksom": aware.isoformat()}
    )
    assert r.status_code == 200, r.text
    case = await _case(http, child.case_id)
    assert _kinds(case) == ["undersoegelse"]
    closed = next(e for e in case["enkeltsager"] if e["kind"] == "afdaekning")
    assert (
        closed["summary"]
        == "Behov for en undersøgelse.\n\nHerefter: Børnefaglig undersøgelse (§ 20)"
    )
    (four,) = _open(case, "undersoegelse-4-maaneder")
    assert _due_day(four) == next_working_day(add_months(aware, 4))
    assert "Afdækning afsluttet: Børnefaglig undersøgelse (§ 20)" in await _titles(
        http, child.case_id
    )

    # ... → support without a full investigation: a decision under § 32 is prepared.
    child2 = await factories.child(http)
    r = await http.post(f"/api/cases/{child2.case_id}/afdaekning", json={"purpose": "Skolefravær"})
    assert r.status_code == 201, r.text
    (afd2,) = r.json()["activities"]
    r = await _complete(http, afd2, {**base, "hvad_nu": "stoette"})
    assert r.status_code == 200, r.text
    case2 = await _case(http, child2.case_id)
    assert _kinds(case2) == ["afgoerelse"]
    assert next(e for e in case2["enkeltsager"] if e["kind"] == "afgoerelse")["paragraph"] == "32"
    assert case2["stage"] == "afgoerelse"

    # ... → nothing more: the afdækning closes and no new enkeltsag opens.
    child3 = await factories.child(http)
    r = await http.post(f"/api/cases/{child3.case_id}/afdaekning", json={})
    (afd3,) = r.json()["activities"]
    r = await _complete(http, afd3, {**base, "hvad_nu": "ingen"})
    assert r.status_code == 200, r.text
    case3 = await _case(http, child3.case_id)
    assert _kinds(case3) == [] and _kinds(case3, open_only=False) == ["afdaekning"]
    assert case3["activities"][0]["status"] == "done"


async def test_preliminary_assessment_completes_the_4_months_and_plans_the_end(http, seeded):
    await _caseworker(http)
    child = await factories.child(http)
    await factories.investigation(http, child.case_id, today_dk() - timedelta(days=110))
    url = f"/api/cases/{child.case_id}/undersoegelse/foreloebig"
    today = today_dk()

    r = await http.post(
        url,
        json={
            "assessed_on": (today + timedelta(days=1)).isoformat(),
            "assessment": " ",
            "expected_on": today.isoformat(),
        },
    )
    assert r.status_code == 400
    assert _errors(r) == {
        "assessment": "Skriv den foreløbige vurdering",
        "assessed_on": "Datoen ligger i fremtiden",
        "expected_on": "Den forventede afslutning skal ligge efter i dag",
    }
    assert len(_open(await _case(http, child.case_id), "undersoegelse-4-maaneder")) == 1

    expected = today + timedelta(days=30)
    r = await http.post(
        url,
        json={
            "assessed_on": today.isoformat(),
            "assessment": "Barnet trives bedre; skolens udtalelse mangler.",
            "expected_on": expected.isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    (finish,) = r.json()["activities"]
    assert finish["rule_id"] == "undersoegelse-afslut"
    assert finish["title"] == "Afslut den børnefaglige undersøgelse"
    assert _due_day(finish) == next_working_day(expected)
    case = await _case(http, child.case_id)
    four = next(a for a in case["activities"] if a["rule_id"] == "undersoegelse-4-maaneder")
    assert four["status"] == "done"
    assert four["record"] == {
        "dato": today.isoformat(),
        "vurdering": "Barnet trives bedre; skolens udtalelse mangler.",
        "forventet": expected.isoformat(),
    }
    assert "Foreløbig vurdering (Barnets Lov § 20, stk. 3)" in await _titles(http, child.case_id)
    twice = await http.post(
        url,
        json={
            "assessed_on": today.isoformat(),
            "assessment": "Igen",
            "expected_on": expected.isoformat(),
        },
    )
    assert twice.status_code == 400

    # Finishing the investigation completes the planned end.
    r = await http.post(
        f"/api/cases/{child.case_id}/undersoegelse/afslut",
        json={"completed_on": today.isoformat(), "conclusion": "Støtte efter § 32."},
    )
    assert r.status_code == 200, r.text
    case = await _case(http, child.case_id)
    assert _open(case, "undersoegelse-afslut") == []


async def test_another_kommune_gets_404(http, seeded):
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as b:
        await _caseworker(b, B)
        other = await factories.child(b)
        await factories.investigation(b, other.case_id)
    await _caseworker(http)
    r = await http.post(f"/api/cases/{other.case_id}/afdaekning", json={})
    assert r.status_code == 404
    r = await http.post(
        f"/api/cases/{other.case_id}/undersoegelse/foreloebig",
        json={
            "assessed_on": today_dk().isoformat(),
            "assessment": "x",
            "expected_on": (today_dk() + timedelta(days=9)).isoformat(),
        },
    )
    assert r.status_code == 404
