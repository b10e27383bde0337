"""Usability task (d): from the case page, fetch the parents from the CPR register, give one
a phone number (the register has none: typing it is counted) and call them (issue 16 item
8). Counted from the case page."""

from __future__ import annotations

from playwright.async_api import expect

from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from tests.casework.test_casework_api import new_cpr
from tests.conftest import logged_in, username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.usability import Task

KOMMUNE = "København"
CODE = "0101"


async def test_add_a_parent_from_cpr_and_call_them(page, app):
    cpr, mother, father = new_cpr(9401, years=9), new_cpr(9402, years=36), new_cpr(9403, years=41)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Theo Ringesen", "Ringvej 1, 2100 København Ø"),
                parents=[
                    CprPerson(mother, "Rikke Ringesen", "Ringvej 1, 2100 København Ø"),
                    CprPerson(father, "Rasmus Ringesen", "Kaldvej 9, 2450 København SV"),
                ],
                custody=[mother],
            )
        },
    )
    async with await logged_in(app, CODE) as c:
        # Registered before the register was asked: the network is empty.
        r = await c.post(
            "/api/children",
            json={
                "cpr": cpr,
                "first_name": "Theo",
                "last_name": "Ringesen",
                "address": "Ringvej 1",
            },
        )
        assert r.status_code == 201, r.text
        case = r.json()
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.goto(f"/sager/{case['hovedsag_id']}?barn={case['child_id']}")
    await expect(page.get_by_role("heading", level=1, name="Theo Ringesen")).to_be_visible()

    task = Task(page, "d", "Tilføj en forælder fra CPR, og ring til vedkommende", budget=5)
    tabs = page.get_by_role("navigation", name="Sagen")
    await task.click(tabs.get_by_role("link", name="Netværk"))
    network = page.get_by_role("region", name="Netværk")
    await task.click(network.get_by_role("button", name="Hent forældre fra CPR"))
    await expect(network.get_by_text("2 nye, 0 ændrede", exact=True)).to_be_visible()
    await task.click(network.get_by_role("button", name="Tilføj nummer for Rikke Ringesen"))
    dialog = page.get_by_role("dialog", name="Ret kontaktoplysninger")
    await expect(dialog.get_by_label("Telefon")).to_be_focused()
    await check_axe(page, "ret kontaktoplysninger")
    await task.shot("kontakt")
    await task.fill(dialog.get_by_label("Telefon"), "+45 21 43 65 87")
    await task.click(dialog.get_by_role("button", name="Gem kontaktoplysninger"))
    await expect(dialog).to_have_count(0)
    call = network.get_by_role("link", name="Ring til Rikke Ringesen på +45 21 43 65 87")
    await expect(call).to_have_attribute("href", "tel:+4521436587")
    box = await call.bounding_box()
    assert box is not None and box["height"] >= 44
    await check_axe(page, "netværk med telefonnummer")
    await task.shot("netvaerk")
    task.done()
