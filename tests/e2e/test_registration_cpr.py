"""Registrér barn from the CPR register in the browser (issue 16 item 4): the number fetches
name, address and parents (shown read-only, "Ret manuelt" to type them), the parents go into
the network; a number the register does not know and a register that does not answer leave
the person typing by hand, told so next to the field; a child and mother with address
protection show "Adressebeskyttet" and no address anywhere. axe on each state; screenshots at
1366×768 and 768×1024 in test-results/screens/."""

from __future__ import annotations

from playwright.async_api import expect

from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file
from tests.casework.test_casework_api import new_cpr
from tests.conftest import sf1520_server, username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_screens import shots

KOMMUNE = "København"
CODE = "0101"


async def _open_form(page) -> None:  # type: ignore[no-untyped-def]
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Registrér barn")).to_be_visible()


async def test_registering_from_the_cpr_register_puts_the_parents_in_the_network(page):
    cpr = new_cpr(8801, years=7)
    mother, father = new_cpr(8802, years=34), new_cpr(8803, years=38)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Signe Marie Registersen", "Birkevej 12, 2300 København S"),
                parents=[
                    CprPerson(mother, "Hanne Registersen", "Birkevej 12, 2300 København S"),
                    CprPerson(father, "Ole Registersen", "Møllegade 3, 2200 København N"),
                ],
                custody=[mother, father],
            )
        },
    )
    await _open_form(page)
    await page.get_by_label("CPR-nummer").fill(f"{cpr[:6]}-{cpr[6:]}")
    found = page.get_by_role("region", name="Fra CPR-registret")
    await expect(found).to_contain_text("Signe Marie Registersen")
    await expect(found).to_contain_text("Birkevej 12, 2300 København S")
    # Read-only until asked: no name field to type over.
    await expect(page.get_by_label("Fornavn")).to_have_count(0)
    mother_box = page.get_by_label("Hanne Registersen (forældremyndighed)")
    await expect(mother_box).to_be_checked()
    await expect(page.get_by_label("Ole Registersen (forældremyndighed)")).to_be_checked()
    await check_axe(page, "registrér barn fra CPR")
    await shots(page, "registrer-barn-fra-cpr")

    # "Ret manuelt": the register's answer becomes editable fields, nothing typed is lost.
    await page.get_by_role("button", name="Ret manuelt").click()
    await expect(page.get_by_label("Fornavn")).to_have_value("Signe Marie")
    await expect(page.get_by_label("Fornavn")).to_be_focused()
    await page.get_by_label("Fornavn").fill("Signe")
    await page.get_by_label("Ole Registersen (forældremyndighed)").uncheck()
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Signe Registersen")).to_be_visible()
    await expect(
        page.get_by_text("Barnet er registreret, og forælderen er tilføjet netværket")
    ).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Netværk").click()
    network = page.get_by_role("region", name="Netværk")
    await expect(network.get_by_text("Hanne Registersen")).to_be_visible()
    await expect(network.get_by_text("Ole Registersen")).to_have_count(0)

    # A child and mother with address protection (adressebeskyttelse): the register (the
    # development SF1520 service) answers their address; no page shows it.
    await _register_protected_child(page)


SECRET = "Skjultvej 13"


async def _register_protected_child(page) -> None:  # type: ignore[no-untyped-def]
    cpr = new_cpr(8804, years=6)
    mother, father = new_cpr(8805, years=31), new_cpr(8806, years=36)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Alma Beskyttet", f"{SECRET}, 2300 København S", False, True),
                parents=[
                    CprPerson(
                        mother, "Rikke Beskyttet", f"{SECRET}, 2300 København S", False, True
                    ),
                    CprPerson(father, "Tom Beskyttet", "Møllegade 3, 2200 København N"),
                ],
                custody=[mother, father],
            )
        },
    )
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(cpr)
    found = page.get_by_role("region", name="Fra CPR-registret")
    await expect(found).to_contain_text("Alma Beskyttet")
    await expect(found.get_by_text("Adressebeskyttet")).to_be_visible()
    await expect(page.get_by_text("Adressebeskyttet", exact=True)).to_have_count(2)  # + mother
    await check_axe(page, "registrér barn med adressebeskyttelse")
    await shots(page, "registrer-barn-adressebeskyttet")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Alma Beskyttet")).to_be_visible()
    facts = page.get_by_role("region", name="Om sagen")
    await expect(facts.get_by_text("Adressebeskyttet")).to_be_visible()
    await shots(page, "sag-adressebeskyttet")
    assert SECRET not in await page.content()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Netværk").click()
    network = page.get_by_role("region", name="Netværk")
    await expect(network.get_by_text("Rikke Beskyttet")).to_be_visible()
    await expect(network.get_by_text("Adressebeskyttet")).to_have_count(1)
    await expect(network.get_by_text("Møllegade 3, 2200 København N")).to_be_visible()
    await check_axe(page, "netværk med adressebeskyttelse")
    await shots(page, "netvaerk-adressebeskyttet")
    assert SECRET not in await page.content()


async def test_a_number_the_register_does_not_know_is_typed_by_hand(page):
    await _open_form(page)
    cpr = new_cpr(8811, years=5)
    # Typed before the number: kept whatever the register answers.
    await page.get_by_label("Fornavn").fill("Ukendt")
    await page.get_by_label("CPR-nummer").fill(cpr)
    field = page.get_by_label("CPR-nummer")
    await expect(page.locator("#child-cpr-error")).to_contain_text(
        "CPR-nummeret findes ikke i CPR-registret"
    )
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("Barnet registreres uden opslag i CPR.")).to_be_visible()
    await expect(page.get_by_label("Fornavn")).to_have_value("Ukendt")
    await check_axe(page, "registrér barn, ukendt i CPR")
    await shots(page, "registrer-barn-ukendt")
    await page.get_by_label("Efternavn").fill("Håndskrevet")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Ukendt Håndskrevet")).to_be_visible()


async def test_a_register_that_does_not_answer_leaves_manual_entry(page):
    """The development SF1520 service answers after 10 s; the lookup gives up after
    TREKANT_CPR_TIMEOUT (2 s by default)."""
    await _open_form(page)
    sf1520_server().set_mode("langsom", 10)  # type: ignore[attr-defined]
    try:
        await page.get_by_label("CPR-nummer").fill(new_cpr(8821, years=9))
        await expect(page.get_by_text("Slår op i CPR-registret …")).to_be_visible()
        await expect(page.locator("#child-cpr-error")).to_contain_text(
            "CPR-registret svarer ikke lige nu – du kan registrere barnet manuelt", timeout=15000
        )
        await expect(page.get_by_label("Fornavn")).to_be_editable()
        await check_axe(page, "registrér barn, CPR svarer ikke")
    finally:
        sf1520_server().set_mode("normal")  # type: ignore[attr-defined]


async def test_names_typed_before_the_number_are_kept(page):
    cpr = new_cpr(8831, years=3)
    add_to_demo_file(
        demo_file(),
        {cpr: CprRelations(child=CprPerson(cpr, "Bo Registreret", "Parkvej 1"), parents=[])},
    )
    await _open_form(page)
    await page.get_by_label("Fornavn").fill("Bosse")
    await page.get_by_label("CPR-nummer").fill(cpr)
    await expect(
        page.get_by_text("CPR-registret siger: Bo Registreret, Parkvej 1.")
    ).to_be_visible()
    await expect(page.get_by_label("Fornavn")).to_have_value("Bosse")
    await check_axe(page, "registrér barn, eget navn og CPR-registrets")
    await page.get_by_role("button", name="Brug oplysningerne fra CPR-registret").click()
    await expect(page.get_by_role("region", name="Fra CPR-registret")).to_contain_text(
        "Bo Registreret"
    )
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Bo Registreret")).to_be_visible()
