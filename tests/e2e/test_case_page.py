"""The case page with its own places (issue 16 item 1): the header says who the child is
(name, CPR number, age, case number, phase, caseworker, team) on every place; each place has
its address and heading; back and forward work; a form opens in a dialog (Escape closes it,
focus returns to its button; saving closes it and the page shows the result); an unknown
place and a case that is not the user's answer as before. axe on every place; screenshots
at 1366×768 and 768×1024."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in, log_out

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "case-page"
PLACES = [
    ("Forløb", "forloeb", "Forløb"),
    ("Netværk", "netvaerk", "Netværk"),
    ("Undersøgelse og plan", "undersoegelse", "Undersøgelse og plan (ICS)"),
    ("Tilsyn og samvær", "tilsyn", "Tilsyn og samvær"),
    ("Økonomi", "oekonomi", "Bevillinger og udgifter"),
    ("Journal", "journal", "Journal"),
]


def _fact(page, name: str):  # type: ignore[no-untyped-def]
    facts = page.locator("dl.case-header-facts > div")
    return facts.filter(has=page.locator("dt", has_text=name)).locator("dd")


async def _shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.evaluate("() => window.scrollTo(0, 0)")
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"))
        # No sideways scrolling of the page.
        overflow = await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"{name} at {w}px scrolls sideways by {overflow}px"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_case_page_has_a_header_and_places_with_their_own_addresses(page):  # type: ignore[no-untyped-def]
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    cpr = new_cpr(6161, years=7)
    await page.get_by_label("CPR-nummer").fill(cpr)
    await page.get_by_label("Fornavn").fill("Cecilie")
    await page.get_by_label("Efternavn").fill("Sagsidesen")
    await page.get_by_label("Adresse").fill("Stationsvej 4, 4000 Roskilde")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Cecilie Sagsidesen")).to_be_visible()
    case_url = re.sub(r"\?.*$", "", page.url)
    assert re.fullmatch(r".*/sager/[0-9a-f-]{36}", case_url), page.url

    # The header: name, CPR number (never in the address), age, case number, phase, who.
    await expect(_fact(page, "CPR-nummer")).to_have_text(f"{cpr[:6]}-{cpr[6:]}")
    await expect(_fact(page, "Født")).to_contain_text("7 år")
    await expect(_fact(page, "Sagsnummer")).to_have_text(re.compile(r"^20\d\d-\d{5}$"))
    await expect(_fact(page, "Fase")).to_have_text("Afklaring")
    await expect(_fact(page, "Sagsbehandler")).to_have_text("Sara Sagsbehandler")
    await expect(_fact(page, "Team")).not_to_have_text("Intet team")
    assert cpr not in page.url and cpr[:6] not in page.url
    tabs = page.get_by_role("navigation", name="Sagen")
    await expect(tabs.get_by_role("link", name="Overblik")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(page.get_by_role("heading", name="Det skal gøres")).to_be_visible()
    await expect(page.get_by_role("heading", name="Seneste i journalen")).to_be_visible()
    await expect(page.get_by_text("Barn registreret")).to_be_visible()
    await check_axe(page, "sagens overblik")

    # A form opens in a dialog; Escape closes it and focus is back on its button.
    opener = page.get_by_role("button", name="Registrér underretning")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Registrér underretning, henvendelse eller ansøgning")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("radio", name="Underretning")).to_be_focused()
    await check_axe(page, "registrér underretning i en dialog")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    # Saving closes it and the page says what was created.
    await opener.click()
    await dialog.get_by_role("radio", name="Fagperson").check()
    await dialog.get_by_label("Kilde").select_option(label="Skole")
    await dialog.get_by_label("Hvad handler underretningen om").fill("Cecilie er ofte sulten.")
    await dialog.get_by_role("button", name="Registrér underretning").click()
    await expect(dialog).to_have_count(0)
    done = page.get_by_role("status").filter(has_text="Underretningen er registreret")
    await expect(done).to_be_visible()
    due = page.get_by_role("list", name="Det skal gøres")
    await expect(due.get_by_text("Vurdér inden 24 timer")).to_be_visible()
    action = due.get_by_role(
        "button", name=re.compile(r"^Registrér vurdering: Vurdér inden 24 timer")
    )
    await expect(action).to_be_visible()
    # The Overblik as a caseworker opens it the next time (no messages from the saves).
    await page.reload()
    await expect(due.get_by_text("Vurdér inden 24 timer")).to_be_visible()
    await expect(page.get_by_text("Underretning modtaget fra skole").first).to_be_visible()
    await _shots(page, "overblik")

    # Every place has its own address, tab and heading; axe on each.
    for tab, path, heading in PLACES:
        await tabs.get_by_role("link", name=tab).click()
        await expect(page).to_have_url(f"{case_url}/{path}")
        await expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
        await expect(tabs.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
        await expect(
            page.get_by_role("heading", level=1, name="Cecilie Sagsidesen")
        ).to_be_visible()
        await expect(_fact(page, "Sagsnummer")).to_have_text(re.compile(r"^20\d\d-\d{5}$"))
        await check_axe(page, f"sagens {tab}")

    # Back and forward move between the places.
    await page.go_back()
    await expect(page).to_have_url(f"{case_url}/oekonomi")
    await expect(
        page.get_by_role("heading", level=2, name="Bevillinger og udgifter")
    ).to_be_visible()
    await page.go_forward()
    await expect(page).to_have_url(f"{case_url}/journal")

    # Journal: the note form opens when asked; the filter folds away.
    await expect(page.get_by_role("form", name="Filtrér journalen")).to_be_hidden()
    write = page.get_by_role("button", name="Skriv notat")
    await write.click()
    note = page.get_by_role("dialog", name="Skriv notat")
    await expect(note.get_by_label("Overskrift")).to_be_focused()
    await note.get_by_role("button", name="Gem notat").click()
    await expect(note.get_by_text("Overskrift mangler").first).to_be_visible()
    await note.get_by_label("Overskrift").fill("Samtale med skolen")
    await note.get_by_label("Notat").fill("Skolen ringede om madpakker.")
    await note.get_by_role("button", name="Gem notat").click()
    await expect(note).to_have_count(0)
    await expect(page.get_by_role("status").filter(has_text="Notatet er gemt")).to_be_visible()
    await expect(page.get_by_role("heading", name="Samtale med skolen")).to_be_visible()
    toggle = page.get_by_role("button", name="Filtrér journalen")
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await toggle.click()
    filters = page.get_by_role("form", name="Filtrér journalen")
    await filters.get_by_label("Type", exact=True).select_option(label="Notater")
    await filters.get_by_role("button", name="Filtrér", exact=True).click()
    await expect(page.get_by_text("Kun notater")).to_be_visible()
    await expect(page.get_by_text("Barn registreret")).to_have_count(0)
    await _shots(page, "journal")

    # Old links: ?barn= and #netvaerk; an unknown place is "Siden findes ikke".
    await page.goto(f"{case_url}#netvaerk")
    await expect(page).to_have_url(f"{case_url}/netvaerk#netvaerk")
    await expect(page.get_by_role("heading", level=2, name="Netværk")).to_be_visible()
    await page.goto(f"{case_url}/ukendt")
    await expect(page.get_by_role("heading", level=1, name="Siden findes ikke")).to_be_visible()

    # A colleague who is not on the case: the same 404 message on every place.
    await log_out(page)
    await log_in(page, "Testby", username("kollega", "0202"))
    for path in ("", "/journal", "/netvaerk"):
        await page.goto(f"{case_url}{path}")
        await expect(
            page.get_by_role("heading", level=1, name="Sagen kan ikke vises")
        ).to_be_visible()
        await expect(
            page.get_by_text("Sagen findes ikke, eller du er ikke på sagen")
        ).to_be_visible()
        await expect(page.get_by_text(cpr[:6])).to_have_count(0)
