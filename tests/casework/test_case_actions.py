"""Who a case can be given to (and the team it follows them to), what a closed case
refuses, and which intake fields belong to which kind of intake — over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.casework.test_casework_api import A, _caseworker, _register, _user_id, new_cpr
from tests.conftest import sign_in

GRANDAD = {"relation": "bedsteforælder", "name": "Ole Olsen"}


def _intake(kind: str = "underretning", **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": kind,
        "received_at": datetime.now(UTC).isoformat(),
        "notifier_kind": "privat",
        "source": "familie",
        "concerns": "Familien beder om hjælp",
    }
    body.update(extra)
    return body


async def test_the_assignable_list_is_caseworkers_and_managers_case_team_first(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(901))).json()["hovedsag_id"]
    r = await http.get(f"/api/cases/{case_id}/assignable")
    assert r.status_code == 200, r.text
    people = r.json()
    ids = [p["user_id"] for p in people]
    # The read-only revisor, finance and the administrator can never hold a case.
    for role in ("revisor", "oekonomi", "admin"):
        assert await _user_id(A, role) not in ids, role
    for role in ("sagsbehandler", "leder", "kollega"):
        assert await _user_id(A, role) in ids, role
    # The case's own team (Sara's, Familieteam Nord) comes first.
    flags = [p["in_case_team"] for p in people]
    assert flags == sorted(flags, reverse=True)
    sara = next(p for p in people if p["display_name"] == "Sara Sagsbehandler")
    assert (sara["in_case_team"], sara["team"]) == (True, "Familieteam Nord")
    karl = next(p for p in people if p["display_name"] == "Karl Kollega")
    assert (karl["in_case_team"], karl["team"]) == (False, "Modtagelsen")


async def test_the_assignable_list_is_only_for_those_on_the_case(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(902))).json()["hovedsag_id"]
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as k:
        await sign_in(k, A, "kollega")
        assert (await k.get(f"/api/cases/{case_id}/assignable")).status_code == 404


async def test_a_reassigned_case_follows_the_caseworker_to_their_team(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(903))).json()["hovedsag_id"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["team"] == "Familieteam Nord"
    r = await http.post(
        f"/api/cases/{case_id}/assignment",
        json={"version": case["version"], "caseworker_id": await _user_id(A, "kollega")},
    )
    assert r.status_code == 200, r.text
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as lead:
        await sign_in(lead, A, "leder")
        lead.headers["X-CSRF-Token"] = (await lead.get("/api/session")).json()["csrf_token"]
        after = (await lead.get(f"/api/cases/{case_id}")).json()
        assert (after["caseworker"], after["team"]) == ("Karl Kollega", "Modtagelsen")
        titles = [
            e["title"] for e in (await lead.get(f"/api/cases/{case_id}/journal")).json()["items"]
        ]
        assert titles[:2] == [
            "Sagen er flyttet til Modtagelsen",
            "Sagsbehandler skiftet: Sara Sagsbehandler → Karl Kollega",
        ]
        # A team chosen explicitly wins over the caseworker's own.
        nord = case["team_id"]
        r = await lead.post(
            f"/api/cases/{case_id}/assignment",
            json={
                "version": after["version"],
                "caseworker_id": await _user_id(A, "leder"),
                "team_id": nord,
            },
        )
        assert r.status_code == 200, r.text
        again = (await lead.get(f"/api/cases/{case_id}")).json()
        assert (again["caseworker"], again["team"]) == ("Lene Leder", "Familieteam Nord")


async def test_a_closed_case_refuses_new_intake_investigation_and_network(http, seeded):
    await _caseworker(http)
    reg = (await _register(http, new_cpr(904))).json()
    case_id, child_id = reg["hovedsag_id"], reg["child_id"]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    closed = await http.post(
        f"/api/cases/{case_id}/close", json={"version": case["version"], "reason": "Flyttet"}
    )
    assert closed.status_code == 200, closed.text
    r = await http.post(f"/api/cases/{case_id}/underretninger", json=_intake())
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith("Sagen er lukket.")
    r = await http.post(f"/api/cases/{case_id}/undersoegelse", json={"aware_since": "2026-01-05"})
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith("Sagen er lukket.")
    r = await http.post(f"/api/children/{child_id}/network", json=GRANDAD)
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith("Barnets sag er lukket")
    assert (await http.post(f"/api/children/{child_id}/network/from-cpr")).status_code == 409
    # A new period of involvement opens the network again.
    again = (await _register(http, new_cpr(904))).json()
    assert again["hovedsag_id"] != case_id
    r = await http.post(f"/api/children/{child_id}/network", json=GRANDAD)
    assert r.status_code == 201, r.text


async def test_an_application_or_enquiry_takes_only_its_own_fields(http, seeded):
    await _caseworker(http)
    case_id = (await _register(http, new_cpr(905))).json()["hovedsag_id"]
    url = f"/api/cases/{case_id}/underretninger"
    for kind in ("ansoegning", "henvendelse"):
        r = await http.post(url, json=_intake(kind, suspected_abuse=True))
        assert r.status_code == 400, r.text
        assert r.json()["extra"] == [
            {
                "key": "suspected_abuse",
                "message": "Mistanke om overgreb registreres som en underretning. "
                "Vælg „Underretning“.",
            }
        ]
    r = await http.post(url, json=_intake("ansoegning", notifier_kind="anonym"))
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "notifier_kind", r.text
    r = await http.post(url, json=_intake("ansoegning", source="anonym"))
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "source", r.text
    # What applies is accepted: an anonymous enquiry, an application from the family,
    # an underretning about suspected abuse.
    assert (
        await http.post(url, json=_intake("henvendelse", notifier_kind="anonym", source="anonym"))
    ).status_code == 201
    assert (
        await http.post(url, json=_intake("ansoegning", notifier_name="Mette Hansen"))
    ).status_code == 201
    assert (await http.post(url, json=_intake(suspected_abuse=True))).status_code == 201
