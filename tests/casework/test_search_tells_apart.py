"""Search results tell two children of one name apart: birth date and age for everyone who
may search, the CPR number only for those who work cases (case.write) on cases they may open."""

from __future__ import annotations

from datetime import date

from tests.casework.test_casework_api import _caseworker, _register, new_cpr
from tests.conftest import KOMMUNE_A


def _birth(cpr: str) -> str:
    from stdnum.dk import cpr as cpr_lib

    return cpr_lib.get_birth_date(cpr).isoformat()


async def test_two_children_of_one_name_differ_by_birth_date_and_cpr(http, seeded):
    await _caseworker(http)
    older, younger = new_cpr(7101, years=11), new_cpr(7102, years=4)
    for cpr in (older, younger):
        r = await _register(http, cpr, first_name="Tvilla", last_name="Navnesen")
        assert r.status_code == 201, r.text
    found = (await http.post("/api/search", json={"text": "Tvilla Navnesen"})).json()["items"]
    assert sorted((h["birth_date"], h["cpr"], h["unborn"]) for h in found) == sorted(
        [(_birth(older), older, False), (_birth(younger), younger, False)]
    )
    ages = {h["cpr"]: h["age"] for h in found}
    assert ages[older] > ages[younger]
    assert date.fromisoformat(found[0]["birth_date"]) <= date.today()


async def test_a_reader_sees_birth_dates_but_no_cpr_numbers(http, client, seeded):
    await _caseworker(http)
    cpr = new_cpr(7111, years=9)
    assert (await _register(http, cpr, first_name="Læsa", last_name="Navnesen")).status_code == 201
    reader = await client(KOMMUNE_A[0], "revisor")
    found = (await reader.post("/api/search", json={"text": "Læsa Navnesen"})).json()["items"]
    assert [(h["birth_date"], h["cpr"]) for h in found] == [(_birth(cpr), None)]
