"""Issue 4's path in the browser: register a child, a notification from a school, see the
statutory activities with their deadlines, complete one, and find every step in the
journal. axe on every screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.records import fill_assessment, record_dialog

OUT = Path(__file__).resolve().parents[2] / "test-results" / "underretning"


async def _shots(page: Any, name: str) -> None:
    """The dialog at 1366×768 and 768×1024, without sideways scrolling."""
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_caseworker_registers_a_notification_and_completes_the_assessment(page):
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    await expect(page.get_by_role("heading", name="Mine aktiviteter")).to_be_visible()
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Registrér barn")).to_be_visible()
    await check_axe(page, "registrér barn")

    await page.get_by_label("CPR-nummer").fill("310210-1234")  # 31 Feb does not exist
    await page.get_by_label("Fornavn").fill("Alma")
    await page.get_by_label("Efternavn").fill("Browsersen")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_text("gyldig fødselsdato").first).to_be_visible()
    await check_axe(page, "registrér barn med fejl")

    cpr = new_cpr(4242)
    await page.get_by_label("CPR-nummer").fill(cpr)
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Alma Browsersen")).to_be_visible()
    await check_axe(page, "sagen")

    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Skole")
    await page.get_by_label("Underretterens navn").fill("Lærer Hansen")
    await page.get_by_label("Hvad handler underretningen om").fill("Alma kommer sulten i skole.")
    # What it is about, by Danmarks Statistik's causes (several): sent to DST unretyped.
    causes = page.get_by_role("group", name="Hvad underrettes der om")
    await causes.get_by_label("Skoleproblemer, fx fravær").check()
    await causes.get_by_label("Utilstrækkelig omsorg").check()
    await check_axe(page, "underretning med årsager")
    await _shots(page, "underretning-aarsager")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    confirmation = page.get_by_role("status").filter(has_text="Underretningen er registreret")
    await expect(confirmation).to_be_visible()
    await expect(confirmation).to_contain_text("24 timer")
    await expect(confirmation).to_contain_text("kvittering")
    await check_axe(page, "underretning registreret")

    # The case's Forløb shows the causes in DST's order, in Danish.
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Forløb").click()
    await expect(
        page.get_by_text("Årsager: Utilstrækkelig omsorg; Skoleproblemer, fx fravær")
    ).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Journal").click()
    journal = page.get_by_role("heading", name="Journal", exact=True)
    await expect(journal).to_be_visible()
    await expect(page.get_by_text("Underretning modtaget fra skole").first).to_be_visible()

    case_id = re.search(r"/sager/([0-9a-f-]{36})", page.url)
    assert case_id, page.url
    await page.goto(f"/?sag={case_id[1]}")  # the worklist for this child only
    buttons = page.get_by_role("button", name="Registrér vurdering: Vurdér inden 24 timer")
    await expect(buttons.first).to_be_visible()
    await check_axe(page, "forside med aktiviteter")
    before = await buttons.count()
    await buttons.first.click()
    await fill_assessment(record_dialog(page))
    await record_dialog(page).get_by_role("button", name="Gem og markér som udført").click()
    await expect(buttons).to_have_count(before - 1)


async def test_caseworker_starts_an_investigation_and_sees_its_deadline(page):
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(4343))
    await page.get_by_label("Fornavn").fill("Oskar")
    await page.get_by_label("Efternavn").fill("Undersøgesen")
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Oskar Undersøgesen")).to_be_visible()
    await page.get_by_role("button", name="Start børnefaglig undersøgelse").click()
    dialog = page.get_by_role("dialog", name="Start børnefaglig undersøgelse")
    await dialog.get_by_role("button", name="Start børnefaglig undersøgelse").click()
    started = page.get_by_role("status").filter(has_text="Den børnefaglige undersøgelse er startet")
    await expect(started).to_be_visible()
    await expect(started).to_contain_text("Frist:")
    await check_axe(page, "undersøgelse startet")


async def test_manager_sees_the_team_overview_and_searches(page):
    await log_in(page, "Testby", username("leder", "0202"))
    await expect(page.get_by_role("heading", name="Overblik over mine teams")).to_be_visible()
    await check_axe(page, "forside for leder")
    await page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Søg").click()
    await expect(page.get_by_role("heading", level=1, name="Søg i sager")).to_be_visible()
    await page.get_by_label("Frister").select_option(label="Overskredne frister")
    await page.get_by_role("button", name="Søg", exact=True).click()
    await expect(page.get_by_text("fundet").first).to_be_visible()
    await check_axe(page, "søgning")
    assert "/sog" in page.url and "0101" not in page.url


async def test_network_from_cpr_and_a_phone_number_in_two_clicks(page):
    from backend.network.cpr_source import CprPerson, CprRelations, add_to_demo_file, demo_file

    cpr, mother = new_cpr(4444), new_cpr(4445, years=33)
    add_to_demo_file(
        demo_file(),
        {
            cpr: CprRelations(
                child=CprPerson(cpr, "Netta Netværk", "Netvej 1"),
                parents=[CprPerson(mother, "Mette Netværk")],
                custody=[mother],
            )
        },
    )
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Registrér barn")
        .click()
    )
    # Name, address and parents come from the CPR register; the mother is left out here
    # and fetched from the case page instead.
    await page.get_by_label("CPR-nummer").fill(cpr)
    await expect(page.get_by_text("Fra CPR-registret")).to_be_visible()
    await page.get_by_label("Mette Netværk (forældremyndighed)").uncheck()
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(page.get_by_role("heading", level=1, name="Netta Netværk")).to_be_visible()
    await page.get_by_role("navigation", name="Sagen").get_by_role("link", name="Netværk").click()
    await page.get_by_role("button", name="Hent forældre fra CPR").click()
    await expect(page.get_by_text("1 nye, 0 ændrede", exact=True)).to_be_visible()
    await expect(page.get_by_text("Mette Netværk")).to_be_visible()
    await page.get_by_role("button", name="Tilføj person").click()
    await page.get_by_label("Relation").select_option(label="Skole")
    await page.get_by_label("Personens navn").fill("Lærer Lars")
    await page.get_by_label("Telefon").fill("+45 11 22 33 44")
    await page.get_by_role("button", name="Tilføj til netværket").click()
    call = page.get_by_role("link", name="Ring til Lærer Lars på +45 11 22 33 44")
    await expect(call).to_have_attribute("href", "tel:+4511223344")
    await check_axe(page, "netværk")


async def test_unborn_child_is_born_and_the_case_follows(page):
    import random
    from datetime import date, timedelta

    from backend.demo import synthetic_cpr

    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Registrér barn")
        .click()
    )
    await page.get_by_label("Ufødt barn").check()
    await page.get_by_label("Morens CPR-nummer").fill(new_cpr(4646, years=30))
    due = date.today() + timedelta(days=20)
    await page.get_by_label("Forventet termin").fill(due.isoformat())
    await page.get_by_role("button", name="Registrér barn").click()
    await expect(
        page.get_by_text(f"Ufødt barn – termin {due.strftime('%d.%m.%Y')}")
    ).to_be_visible()
    await check_axe(page, "ufødt barn")
    await page.get_by_role("button", name="Registrér fødsel").click()
    cpr = synthetic_cpr(random.Random(4747), date.today() - timedelta(days=2))
    await page.get_by_label("Barnets CPR-nummer").fill(cpr)
    await page.get_by_label("Barnets fornavn").fill("Bo")
    await page.get_by_label("Barnets efternavn").fill("Nyfødt")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér fødsel").click()
    await expect(page.get_by_role("heading", level=1, name="Bo Nyfødt")).to_be_visible()
    await expect(page.get_by_text("Ufødt barn registreret").first).to_be_visible()


async def test_cancelling_an_activity_with_a_reason(page):
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(4848))
    await page.get_by_label("Fornavn").fill("Anna")
    await page.get_by_label("Efternavn").fill("Annullersen")
    await page.get_by_role("button", name="Registrér barn").click()
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Dagtilbud")
    await page.get_by_label("Hvad handler underretningen om").fill("Bekymring.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()
    case_id = re.search(r"/sager/([0-9a-f-]{36})", page.url)
    assert case_id, page.url
    await page.goto(f"/?sag={case_id[1]}&type=kvittering-fagperson")
    cancel = page.get_by_role("button", name="Annullér Send kvittering").first
    await cancel.click()
    await page.get_by_role("button", name="Bekræft annullering").click()
    await expect(page.get_by_text("Angiv hvorfor aktiviteten annulleres")).to_be_visible()
    await page.get_by_label("Begrundelse for annullering").fill("Underretter ville ikke have det")
    await page.get_by_role("button", name="Bekræft annullering").click()
    await expect(page.get_by_text("Aktiviteten er annulleret")).to_be_visible()
    await check_axe(page, "aktivitet annulleret")


async def test_an_application_from_the_family_gets_the_kommunes_own_deadline(page):
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(4949))
    await page.get_by_label("Fornavn").fill("Ane")
    await page.get_by_label("Efternavn").fill("Ansøgersen")
    await page.get_by_role("button", name="Registrér barn").click()
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Ansøgning").check()
    await expect(page.get_by_role("group", name="Hvem søger")).to_be_visible()
    # Only the fields of an application: no notifier, no anonymity, no suspicion of abuse.
    await expect(page.get_by_label("Underretterens navn")).to_have_count(0)
    await expect(page.get_by_role("radio", name="Anonym")).to_have_count(0)
    await expect(page.get_by_label("Mistanke om overgreb")).to_have_count(0)
    await page.get_by_role("radio", name="Privatperson").check()
    await page.get_by_label("Kilde").select_option(label="Familie")
    await page.get_by_label("Hvad handler ansøgningen om").fill("Forældrene søger aflastning.")
    await page.get_by_role("dialog").get_by_role("button", name="Registrér ansøgning").click()
    done = page.get_by_role("status").filter(has_text="Ansøgningen er registreret")
    await expect(done).to_be_visible()
    # The kommune's own processing deadline, not the 24-hour rule for notifications.
    await expect(
        done.get_by_text("Tag stilling til henvendelsen eller ansøgningen")
    ).to_be_visible()
    await expect(done.get_by_text("Vurdér inden 24 timer")).to_have_count(0)
    await check_axe(page, "ansøgning registreret")
