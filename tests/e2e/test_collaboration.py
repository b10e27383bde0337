"""Working together on cases in the browser: a colleague who is not on a case steps in
with a reason from the search, lands on the case and filters its journal; siblings are
linked by CPR number in the network; a manager puts a co-caseworker on a case. axe on
every screen."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out

KOMMUNE = "København"
CODE = "0101"


async def _register_child(page, cpr: str, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(cpr)
    await page.get_by_label("Fornavn").fill(first)
    await page.get_by_label("Efternavn").fill(last)
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name=f"{first} {last}")).to_be_visible()


async def _search(page, text: str) -> None:  # type: ignore[no-untyped-def]
    await page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Søg").click()
    await expect(page.get_by_role("heading", level=1, name="Søg i sager")).to_be_visible()
    await page.get_by_label("Navn eller CPR-nummer").fill(text)
    await page.get_by_role("button", name="Søg", exact=True).click()


async def test_a_colleague_steps_in_from_the_search_and_filters_the_journal(page):
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await _register_child(page, new_cpr(701), "Tilde", "Vikarsen")
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Hvad handler underretningen om").fill("Tilde kommer ikke i skole.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()
    await log_out(page)

    # Karl is neither on the case nor in its team: he finds it, but must step in.
    await log_in(page, KOMMUNE, username("kollega", CODE))
    await _search(page, "Vikarsen")
    row = page.get_by_role("row").filter(has_text="Tilde Vikarsen")
    await expect(row.get_by_text("Du er ikke på sagen")).to_be_visible()
    await expect(row.get_by_role("link", name="Tilde Vikarsen")).to_have_count(0)
    step_in = page.get_by_role("button", name="Træd til i sagen om Tilde Vikarsen")
    await expect(step_in).to_have_attribute("aria-expanded", "false")

    # The Indsats filter comes from the process options and narrows the search.
    await page.get_by_label("Indsats", exact=True).select_option(label="Fast kontaktperson")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(page.get_by_text("Ingen sager matcher søgningen")).to_be_visible()
    await page.get_by_label("Indsats", exact=True).select_option(label="Alle")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(step_in).to_be_visible()
    await check_axe(page, "søgning med træd til")

    await step_in.click()
    await expect(step_in).to_have_attribute("aria-expanded", "true")
    reason = page.get_by_label("Begrundelse", exact=True)
    await expect(reason).to_be_focused()
    await expect(page.get_by_text("Det bliver logget, at du træder til")).to_be_visible()
    await page.get_by_role("button", name="Træd til og åbn sagen").click()
    await expect(page.get_by_text("Skriv, hvorfor du træder til i sagen")).to_be_visible()
    await expect(reason).to_have_attribute("aria-invalid", "true")
    await check_axe(page, "træd til uden begrundelse")
    await reason.fill("Sara er syg; skolen ringer akut")
    await page.get_by_role("button", name="Træd til og åbn sagen").click()

    await expect(page.get_by_role("heading", level=1, name="Tilde Vikarsen")).to_be_visible()
    assert re.search(r"/sager/[0-9a-f-]{36}\?barn=[0-9a-f-]{36}$", page.url), page.url
    await expect(page.get_by_text("Du er trådt til i sagen")).to_be_visible()
    # The address is the case's own: a reload shows the same case (the one-shot notice aside).
    await page.reload()
    await expect(page.get_by_role("heading", level=1, name="Tilde Vikarsen")).to_be_visible()
    await expect(_fact(page, "Født")).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    stepped_in = page.get_by_role("heading", name="Karl Kollega har åbnet sagen for at træde til")
    await expect(stepped_in).to_be_visible()
    notification = page.get_by_role("heading", name=re.compile("Underretning modtaget fra skole"))
    await expect(notification).to_be_visible()
    await check_axe(page, "sagen efter træd til")

    # Journal filters: type, then enkeltsag; applied with "Filtrér", cleared with "Nulstil".
    await page.get_by_role("button", name="Filtrér journalen").click()
    journal = page.get_by_role("form", name="Filtrér journalen")
    await journal.get_by_label("Type", exact=True).select_option(label="Notater")
    await journal.get_by_role("button", name="Filtrér", exact=True).click()
    await expect(page.get_by_text("Ingen indlæg matcher filteret")).to_be_visible()
    await journal.get_by_label("Type", exact=True).select_option(label="Hændelser")
    await journal.get_by_role("button", name="Filtrér", exact=True).click()
    await expect(stepped_in).to_be_visible()
    await expect(page.get_by_text("der matcher filteret")).to_be_visible()

    await journal.get_by_role("button", name="Nulstil").click()
    await expect(journal.get_by_label("Type", exact=True)).to_have_value("")
    today = datetime.now(ZoneInfo("Europe/Copenhagen")).strftime("%d.%m.%Y")
    await journal.get_by_label("Enkeltsag").select_option(label=f"Afklaring (åbnet {today})")
    await journal.get_by_role("button", name="Filtrér", exact=True).click()
    await expect(notification).to_be_visible()
    await expect(stepped_in).to_have_count(0)  # stepping in belongs to no enkeltsag
    await check_axe(page, "journal filtreret på enkeltsag")

    # An "until" before "from" is caught next to the field.
    await journal.get_by_label("Fra", exact=True).fill("2026-05-10")
    await journal.get_by_label("Til", exact=True).fill("2026-05-01")
    await journal.get_by_role("button", name="Filtrér", exact=True).click()
    await expect(
        journal.get_by_text("„Til“ skal være samme dato som eller senere end „Fra“").first
    ).to_be_visible()


async def test_a_sibling_linked_by_cpr_opens_the_siblings_case(page):
    older = new_cpr(702, years=10)
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await _register_child(page, older, "Ebbe", "Broersen")
    await _register_child(page, new_cpr(703, years=6), "Frida", "Broersen")
    tabs = page.get_by_role("navigation", name="Sagen")
    await tabs.get_by_role("link", name="Netværk").click()

    sibling_cpr = page.get_by_label("Søskendes CPR-nummer (hvis barnet er kendt i kommunen)")
    await page.get_by_role("button", name="Tilføj person").click()
    await expect(sibling_cpr).to_have_count(0)
    await page.get_by_label("Relation").select_option(label="Søskende")
    await expect(sibling_cpr).to_be_visible()
    await sibling_cpr.fill(new_cpr(704, years=3))  # a valid number, but no child here
    await page.get_by_label("Personens navn").fill("Ebbe Broersen")
    await page.get_by_role("button", name="Tilføj til netværket").click()
    await expect(
        page.get_by_text("Der er ikke et barn med det CPR-nummer i kommunen").first
    ).to_be_visible()
    await expect(sibling_cpr).to_have_attribute("aria-invalid", "true")

    await sibling_cpr.fill(older)
    await page.get_by_role("button", name="Tilføj til netværket").click()
    await expect(page.get_by_text("Ebbe Broersen er tilføjet netværket")).to_be_visible()
    link = page.get_by_role("link", name="Åbn søskendes sag")
    await expect(link).to_be_visible()
    await check_axe(page, "netværk med søskende")

    await link.click()
    await expect(page.get_by_role("heading", level=1, name="Ebbe Broersen")).to_be_visible()
    # The link goes both ways: Ebbe's network points back to Frida's case.
    await tabs.get_by_role("link", name="Netværk").click()
    await expect(page.get_by_role("heading", name="Frida Broersen", exact=True)).to_be_visible()
    await page.get_by_role("link", name="Åbn søskendes sag").click()
    await expect(page.get_by_role("heading", level=1, name="Frida Broersen")).to_be_visible()


def _fact(page, name: str):  # type: ignore[no-untyped-def]
    """The value of one of the case facts (dl.case-facts), e.g. "Medbehandlere"."""
    facts = page.locator("dl.case-facts > div")
    return facts.filter(has=page.locator("dt", has_text=name)).locator("dd")


async def test_a_manager_puts_a_co_caseworker_on_the_case(page):
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await _register_child(page, new_cpr(705), "Mads", "Makkersen")
    # Only a manager (case.write + team.overview) sees "Fordel sagen".
    await expect(page.get_by_role("button", name="Fordel sagen")).to_have_count(0)
    await expect(_fact(page, "Medbehandlere")).to_have_text("Ingen")
    await log_out(page)

    # The manager picks among the kommune's caseworkers and managers (Karl is in another
    # team than hers), never the read-only revisor.
    await log_in(page, KOMMUNE, username("leder", CODE))
    await _search(page, "Makkersen")
    await page.get_by_role("link", name="Mads Makkersen").click()
    await expect(page.get_by_role("heading", level=1, name="Mads Makkersen")).to_be_visible()
    await page.get_by_role("button", name="Fordel sagen").click()
    await expect(page.get_by_role("dialog", name="Fordel sagen")).to_be_visible()
    await expect(page.get_by_role("heading", name="Medbehandlere")).to_be_visible()
    await expect(page.get_by_text("Der er ingen medbehandlere på sagen.")).to_be_visible()

    add = page.get_by_role("button", name="Tilføj medbehandler")
    await add.click()
    await expect(
        page.get_by_text("Vælg den medarbejder, der skal være medbehandler").first
    ).to_be_visible()
    worker = page.get_by_label("Medbehandler", exact=True)
    for picker in (worker, page.get_by_label("Ny sagsbehandler")):
        await expect(picker.locator("option", has_text="Rikke Revisor")).to_have_count(0)
        await expect(picker.locator("option", has_text="Øjvind Økonomi")).to_have_count(0)
    await worker.select_option(label="Karl Kollega (Modtagelsen)")
    await add.click()
    added = page.get_by_role("status").filter(
        has_text="Karl Kollega er sat på sagen som medbehandler"
    )
    await expect(added).to_be_visible()
    remove = page.get_by_role("button", name="Fjern Karl Kollega som medbehandler")
    await expect(remove).to_be_visible()
    await expect(_fact(page, "Medbehandlere")).to_have_text("Karl Kollega")
    await check_axe(page, "medbehandler tilføjet")

    await remove.click()
    await expect(
        page.get_by_role("status").filter(
            has_text="Karl Kollega er taget af sagen som medbehandler"
        )
    ).to_be_visible()
    await expect(page.get_by_text("Der er ingen medbehandlere på sagen.")).to_be_visible()
    await expect(_fact(page, "Medbehandlere")).to_have_text("Ingen")

    await worker.select_option(label="Karl Kollega (Modtagelsen)")
    await add.click()
    await expect(remove).to_be_visible()
    # Closing the dialog: the Overblik's latest journal entries say what happened.
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("dialog", name="Fordel sagen")).to_have_count(0)
    recent = page.get_by_role("region", name="Seneste i journalen")
    await expect(
        recent.get_by_text("Karl Kollega er sat på sagen som medbehandler").first
    ).to_be_visible()
    await log_out(page)

    # Karl is on the case now (and not in its team): no stepping in.
    await log_in(page, KOMMUNE, username("kollega", CODE))
    await _search(page, "Makkersen")
    await page.get_by_role("link", name="Mads Makkersen").click()
    await expect(page.get_by_role("heading", level=1, name="Mads Makkersen")).to_be_visible()
    await expect(_fact(page, "Medbehandlere")).to_have_text("Karl Kollega")
