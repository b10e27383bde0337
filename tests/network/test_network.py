"""The child's network: parents and custody from the CPR source, contacts, removal."""

from __future__ import annotations

import httpx

from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from tests.casework.test_casework_api import _caseworker, _register, new_cpr
from tests.conftest import KOMMUNE_B


async def _child_with_parents(http: httpx.AsyncClient, seed: int) -> tuple[str, str, str]:
    cpr = new_cpr(seed)
    mother, father = new_cpr(seed + 1, years=35), new_cpr(seed + 2, years=40)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Barn"),
                parents=[
                    CprPerson(mother, "Mona Mor", "Vej 1"),
                    CprPerson(father, "Frank Far", "Gade 2"),
                ],
                custody=[mother],
            )
        },
    )
    r = await _register(http, cpr)
    return r.json()["child_id"], r.json()["hovedsag_id"], mother


async def test_parents_and_custody_come_from_the_cpr_source(http, seeded):
    await _caseworker(http)
    child_id, case_id, _ = await _child_with_parents(http, 201)
    r = await http.post(f"/api/children/{child_id}/network/from-cpr")
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["updated"]) == (2, 0)
    members = {m["name"]: m for m in (await http.get(f"/api/children/{child_id}/network")).json()}
    assert members["Mona Mor"]["custody"] is True and members["Frank Far"]["custody"] is False
    assert members["Mona Mor"]["source"] == "cpr" and members["Mona Mor"]["circle"] == "forældre"
    again = (await http.post(f"/api/children/{child_id}/network/from-cpr")).json()
    assert (again["added"], again["updated"]) == (0, 0)
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert titles[0].startswith("Forældre og forældremyndighed hentet fra CPR (2 nye")


async def test_contacts_with_phone_and_email_and_removal(http, seeded):
    await _caseworker(http)
    child_id, case_id, _ = await _child_with_parents(http, 211)
    r = await http.post(
        f"/api/children/{child_id}/network",
        json={
            "relation": "skole",
            "name": "Lærer Lone",
            "organisation": "Nørre Skole",
            "phone": "+45 12 34 56 78",
            "email": "lone@skole.dk",
        },
    )
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["circle"] == "professionelt" and member["phone"] == "+45 12 34 56 78"
    bad = await http.post(
        f"/api/children/{child_id}/network",
        json={"relation": "ven", "name": "", "phone": "12", "email": "nej"},
    )
    assert bad.status_code == 400
    assert {e["key"] for e in bad.json()["extra"]} == {"relation", "name", "phone", "email"}
    gone = await http.post(
        f"/api/network/{member['id']}/remove", json={"version": member["version"]}
    )
    assert gone.status_code == 200
    assert (
        await http.post(f"/api/network/{member['id']}/remove", json={"version": member["version"]})
    ).status_code == 404
    assert not (await http.get(f"/api/children/{child_id}/network")).json()
    titles = [e["title"] for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]]
    assert titles[:2] == ["Netværk: Lærer Lone fjernet", "Netværk: Lærer Lone (skole) tilføjet"]


async def test_unknown_to_cpr_and_unborn_children(http, seeded):
    await _caseworker(http)
    r = await _register(http, new_cpr(221))
    assert (
        await http.post(f"/api/children/{r.json()['child_id']}/network/from-cpr")
    ).status_code == 404
    from datetime import date, timedelta

    unborn = await http.post(
        "/api/children",
        json={
            "mother_cpr": new_cpr(222, years=28),
            "expected_date": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    r = await http.post(f"/api/children/{unborn.json()['child_id']}/network/from-cpr")
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "cpr"


async def test_another_kommunes_child_network_is_404(http, seeded):
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as b:
        await _caseworker(b, KOMMUNE_B[0])
        other = (await _register(b, new_cpr(231))).json()["child_id"]
    await _caseworker(http)
    assert (await http.get(f"/api/children/{other}/network")).status_code == 404
    assert (
        await http.post(f"/api/children/{other}/network", json={"relation": "skole", "name": "X"})
    ).status_code == 404


async def test_demo_children_have_parents_in_the_demo_register(seeded):
    import json

    data = json.loads(demo_file().read_text())
    some = next(iter(data.values()))
    assert len(some["parents"]) == 2 and some["custody"]
