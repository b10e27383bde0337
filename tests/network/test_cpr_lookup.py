"""Registration from the CPR register: a person lookup (found, unknown, no answer in time)
that is rate-limited, audited and counted like the prior-case lookups, and registration
that puts the chosen parents in the new child's network."""

from __future__ import annotations

import pytest

from backend.limits.config import Limit
from backend.network.cpr_source import (
    CprPerson,
    CprRelations,
    add_to_demo_file,
    demo_file,
)
from tests.casework.test_casework_api import _caseworker, new_cpr
from tests.conftest import KOMMUNE_A, SPARE_REALM, new_kommune, sf1520_server
from tests.limits.test_alerts import _audited


def _in_register(seed: int) -> tuple[str, str, str]:
    """A child in the development CPR register with two parents (custody: the mother)."""
    cpr = new_cpr(seed)
    mother, father = new_cpr(seed + 1, years=35), new_cpr(seed + 2, years=40)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Maja Sofie Lund", "Lærkevej 4, 2400 København NV"),
                parents=[
                    CprPerson(mother, "Mette Lund", "Lærkevej 4, 2400 København NV"),
                    CprPerson(father, "Jesper Holm", "Havnegade 2, 1058 København K"),
                ],
                custody=[mother],
            )
        },
    )
    return cpr, mother, father


async def test_a_child_in_the_register_is_answered_with_name_address_and_parents(http, seeded):
    await _caseworker(http)
    cpr, mother, father = _in_register(601)
    r = await http.post("/api/cpr/person", json={"cpr": f"{cpr[:6]}-{cpr[6:]}"})
    assert r.status_code == 200, r.text
    person = r.json()["person"]
    assert r.json()["outcome"] == "fundet" and r.json()["message"] is None
    assert (person["cpr"], person["first_name"], person["last_name"]) == (cpr, "Maja Sofie", "Lund")
    assert person["address"] == "Lærkevej 4, 2400 København NV"
    assert person["parents"] == [
        {
            "cpr": mother,
            "name": "Mette Lund",
            "address": "Lærkevej 4, 2400 København NV",
            "custody": True,
            "address_protected": False,
        },
        {
            "cpr": father,
            "name": "Jesper Holm",
            "address": "Havnegade 2, 1058 København K",
            "custody": False,
            "address_protected": False,
        },
    ]
    audited = await _audited(KOMMUNE_A[0], "cpr.person")
    assert audited[-1]["subject"] is None
    assert audited[-1]["detail"] == {"purpose": "registrering", "found": "fundet"}
    assert cpr not in str(audited)


async def test_a_number_the_register_does_not_know(http, seeded):
    await _caseworker(http)
    r = await http.post("/api/cpr/person", json={"cpr": new_cpr(611)})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "outcome": "ukendt",
        "person": None,
        "message": "CPR-nummeret findes ikke i CPR-registret",
    }
    assert (await _audited(KOMMUNE_A[0], "cpr.person"))[-1]["detail"]["found"] == "ukendt"


async def test_a_malformed_number_is_refused_next_to_the_field(http, seeded):
    await _caseworker(http)
    r = await http.post("/api/cpr/person", json={"cpr": "12345"})
    assert r.status_code == 400
    assert r.json()["extra"] == [
        {"key": "cpr", "message": "CPR-nummeret skal have 10 cifre (DDMMÅÅ-XXXX)"}
    ]


@pytest.fixture
def slow_register(monkeypatch):  # type: ignore[no-untyped-def]
    """The development SF1520 service answers each call after 2 s; Trekant waits 0.3 s."""
    monkeypatch.setenv("TREKANT_CPR_TIMEOUT", "0.3")
    sf1520_server().set_mode("langsom", 2)
    yield
    sf1520_server().set_mode("normal")


async def test_a_register_that_does_not_answer_in_time(http, seeded, slow_register):
    await _caseworker(http)
    r = await http.post("/api/cpr/person", json={"cpr": new_cpr(621)})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "outcome": "svarer_ikke",
        "person": None,
        "message": "CPR-registret svarer ikke lige nu – du kan registrere barnet manuelt",
    }
    detail = (await _audited(KOMMUNE_A[0], "cpr.person"))[-1]["detail"]
    assert (detail["found"], detail["cpr_error"]) == ("svarer_ikke", "timeout")
    # Registration without the lookup still works (manual entry).
    body = {"cpr": new_cpr(622), "first_name": "Ida", "last_name": "Hånd", "address": "Vej 1"}
    assert (await http.post("/api/children", json=body)).status_code == 201


async def test_lookups_share_the_prior_case_buckets(limits, client, seeded):
    user = await client(KOMMUNE_A[0], "sagsbehandler")
    limits(prior_user=Limit(2, 3600))
    assert (await user.post("/api/cpr/person", json={"cpr": new_cpr(631)})).status_code == 200
    assert (await user.post("/api/cpr/prior-cases", json={"cpr": new_cpr(632)})).status_code == 200
    refused = await user.post("/api/cpr/person", json={"cpr": new_cpr(633)})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Du har sendt for mange forespørgsler")


async def test_lookups_count_towards_the_days_alert(limits, client, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Opslagby")
    limits(alert_lookups_per_day=2)
    sweeper = await client(fresh_code, "kollega", SPARE_REALM)
    admin = await client(fresh_code, "admin", SPARE_REALM)
    for i in range(3):
        r = await sweeper.post("/api/cpr/person", json={"cpr": new_cpr(640 + i)})
        assert r.status_code == 200, r.text
    alerts = (await admin.get("/api/admin/alerts")).json()
    assert [(a["lookups"], a["registrations"]) for a in alerts] == [(3, 0)]


async def test_registration_puts_the_chosen_parents_in_the_network(http, seeded):
    await _caseworker(http)
    cpr, mother, _father = _in_register(651)
    found = (await http.post("/api/cpr/person", json={"cpr": cpr})).json()["person"]
    body = {
        "cpr": cpr,
        "first_name": found["first_name"],
        "last_name": found["last_name"],
        "address": found["address"],
        "parent_cprs": [mother],
    }
    r = await http.post("/api/children", json=body)
    assert r.status_code == 201, r.text
    child_id, case_id = r.json()["child_id"], r.json()["hovedsag_id"]
    members = (await http.get(f"/api/children/{child_id}/network")).json()
    assert [(m["name"], m["custody"], m["source"]) for m in members] == [
        ("Mette Lund", True, "cpr")
    ]
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert "Forældre og forældremyndighed hentet fra CPR (1 nye, 0 ændrede)" in titles
