"""Usability task (c): find a child by name when two children have that name, and open the
right one by birth date (issue 16 item 8). Counted from the front page after log-in."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import logged_in, username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.usability import Task

KOMMUNE = "København"
CODE = "0101"


def _dk(cpr: str) -> str:
    from stdnum.dk import cpr as cpr_lib

    return cpr_lib.get_birth_date(cpr).strftime("%d.%m.%Y")


async def test_find_the_right_one_of_two_children_with_one_name(page, app):
    older, younger = new_cpr(9301, years=12), new_cpr(9302, years=5)
    async with await logged_in(app, CODE) as c:
        ids = {}
        for cpr in (older, younger):
            r = await c.post(
                "/api/children",
                json={
                    "cpr": cpr,
                    "first_name": "Maja",
                    "last_name": "Tvillingsen",
                    "address": "Vej 3",
                },
            )
            assert r.status_code == 201, r.text
            ids[cpr] = r.json()["hovedsag_id"]
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))

    task = Task(page, "c", "Find et barn ved navn, når to har samme navn", budget=4)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await task.click(menu.get_by_role("link", name="Søg"))
    await task.fill(page.get_by_label("Navn eller CPR-nummer"), "Maja Tvillingsen")
    await task.click(page.get_by_role("button", name="Søg", exact=True))
    rows = page.get_by_role("row").filter(has=page.get_by_role("link", name="Maja Tvillingsen"))
    await expect(rows).to_have_count(2)
    # Two of one name: the birth date (and, for a caseworker, the CPR number) tells them apart.
    the_younger = rows.filter(has_text=_dk(younger))
    await expect(the_younger).to_have_count(1)
    await expect(the_younger).to_contain_text(f"CPR {younger[:6]}-{younger[6:]}")
    await expect(rows.filter(has_text=_dk(older))).to_have_count(1)
    # And each names its case by number, as the case page's header does.
    await expect(rows.filter(has_text=re.compile(r"Sag \d{4}-\d{5}"))).to_have_count(2)
    await check_axe(page, "søgeresultat med to af samme navn")
    await task.shot("soegeresultat", full_page=True)
    await task.click(the_younger.get_by_role("link", name="Maja Tvillingsen"))
    await expect(page.get_by_role("heading", level=1, name="Maja Tvillingsen")).to_be_visible()
    assert f"/sager/{ids[younger]}" in page.url
    task.done()
