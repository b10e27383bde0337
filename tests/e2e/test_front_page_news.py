"""Issue 4's front page: new notifications on one's cases, marked until assessed; and the
administrator's processing deadline for applications, with a Danish error at the field."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.casework.test_casework_api import new_cpr
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.records import fill_assessment, record_dialog


async def test_a_new_notification_is_on_the_front_page_until_assessed(page):
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Registrér barn").click()
    await page.get_by_label("CPR-nummer").fill(new_cpr(5151))
    await page.get_by_label("Fornavn").fill("Nora")
    await page.get_by_label("Efternavn").fill("Nyhedsen")
    await page.get_by_role("button", name="Registrér barn").click()
    await page.get_by_role("button", name="Registrér underretning").click()
    await page.get_by_role("radio", name="Fagperson").check()
    await page.get_by_label("Kilde").select_option(label="Politiet")
    await page.get_by_label("Hvad handler underretningen om").fill("Vold i hjemmet.")
    await page.get_by_label("Mistanke om overgreb").check()
    await page.get_by_role("dialog").get_by_role("button", name="Registrér underretning").click()
    await expect(
        page.get_by_role("status").filter(has_text="Underretningen er registreret")
    ).to_be_visible()

    case_id = re.search(r"/sager/([0-9a-f-]{36})", page.url)
    assert case_id, page.url
    await menu.get_by_role("link", name="Forside").click()
    news_tab = page.get_by_role("tab", name=re.compile("^Nye underretninger"))
    await news_tab.click()
    news = page.get_by_role("region", name="Nye underretninger")
    row = news.get_by_role("row").filter(has_text="Nora Nyhedsen")
    await expect(row).to_contain_text("Politiet")
    await expect(row).to_contain_text("Mistanke om overgreb")
    await expect(row).to_contain_text("Ikke vurderet")
    await check_axe(page, "forside med nye underretninger")

    # Completing the 24-hour assessment marks the notification as assessed at once.
    await page.goto(f"/?sag={case_id[1]}")  # the worklist for this child only
    activity = (
        page.get_by_role("row")
        .filter(has_text="Nora Nyhedsen")
        .filter(has_text="Vurdér inden 24 timer")
    )
    await activity.get_by_role("button", name="Registrér vurdering: Vurdér inden 24 timer").click()
    await fill_assessment(record_dialog(page))
    await record_dialog(page).get_by_role("button", name="Gem og markér som udført").click()
    await expect(activity).to_have_count(0)
    await news_tab.click()
    await expect(row).to_contain_text("Vurderet")
    await expect(row).not_to_contain_text("Ikke vurderet")
    await page.reload()
    await expect(
        page.get_by_role("region", name="Nye underretninger")
        .get_by_role("row")
        .filter(has_text="Nora Nyhedsen")
    ).to_contain_text("Vurderet")


async def test_administrator_sets_the_application_deadline(page):
    await log_in(page, "Testby", username("admin", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Administration").click()
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Indstillinger")
        .click()
    )
    field = page.get_by_label("Sagsbehandlingsfrist for ansøgninger (dage)")
    await expect(field).to_have_value("28")
    await field.fill("400")
    await page.get_by_role("button", name="Gem indstillinger").click()
    await expect(page.locator("#settings-application-days-error")).to_be_visible()
    await check_axe(page, "indstillinger med fejl")
    await field.fill("21")
    await page.get_by_role("button", name="Gem indstillinger").click()
    await expect(page.get_by_text("Indstillingerne er gemt")).to_be_visible()
    await page.reload()
    field = page.get_by_label("Sagsbehandlingsfrist for ansøgninger (dage)")
    await expect(field).to_have_value("21")
    # Put the default back for the other tests in this kommune.
    await field.fill("28")
    await page.get_by_role("button", name="Gem indstillinger").click()
    await expect(page.get_by_text("Indstillingerne er gemt")).to_be_visible()


async def test_administrator_sets_the_approval_rules_for_bevillinger_and_payments(page):
    await log_in(page, "Testby", username("admin", "0202"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Administration").click()
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Indstillinger")
        .click()
    )
    rules = page.get_by_role("region", name="Godkendelse af bevillinger og betalinger")
    await expect(rules.get_by_role("radio", name="Altid")).to_be_checked()
    payments = rules.get_by_label("Betalinger skal godkendes af en leder")
    payments_before = await payments.is_checked()
    over = "Når den forventede årlige udgift er over grænsen"
    await rules.get_by_role("radio", name=over).check()
    threshold = rules.get_by_label("Grænse for forventet årlig udgift (kr.)")
    await threshold.fill("mange")
    await rules.get_by_role("button", name="Gem regler for godkendelse").click()
    await expect(page.locator("#money-threshold-error")).to_contain_text("helt antal kroner")
    await check_axe(page, "regler for godkendelse med fejl")
    await threshold.fill("250000")
    await payments.set_checked(not payments_before)
    await rules.get_by_role("button", name="Gem regler for godkendelse").click()
    await expect(rules.get_by_text("Reglerne for godkendelse er gemt")).to_be_visible()
    await page.reload()
    rules = page.get_by_role("region", name="Godkendelse af bevillinger og betalinger")
    await expect(rules.get_by_label("Grænse for forventet årlig udgift (kr.)")).to_have_value(
        "250000"
    )
    payments = rules.get_by_label("Betalinger skal godkendes af en leder")
    assert await payments.is_checked() == (not payments_before)
    # Back to the kommune's rules for the other tests.
    await rules.get_by_role("radio", name="Altid").check()
    await payments.set_checked(payments_before)
    await rules.get_by_role("button", name="Gem regler for godkendelse").click()
    await expect(rules.get_by_text("Reglerne for godkendelse er gemt")).to_be_visible()
