"""Issue 3's newcomer path in the browser: the administrator provisions a caseworker who
then logs in; the operator onboards a kommune. axe on every Trekant screen."""

from __future__ import annotations

from playwright.async_api import expect

from infra.devidp import secret_env
from tests.conftest import SPARE_REALM, idp, username
from tests.e2e.conftest import check_axe, log_in, log_out, provider_form


async def test_administrator_provisions_a_caseworker_who_then_logs_in(page):
    await log_in(page, "Testby", username("admin", "0202"))
    await check_axe(page, "forside for administrator")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Administration").click()
    await expect(page.get_by_role("table", name="Brugere")).to_be_visible()
    await check_axe(page, "administration")

    newcomer = username("ny.medarbejder", "0202")
    await page.get_by_label("Navn", exact=True).fill("Nina Nyansat")
    await page.get_by_label("Brugernavn (e-mail/UPN)").fill(newcomer)
    await page.get_by_role("group", name="Roller").get_by_label("Sagsbehandler").check()
    await page.get_by_role("group", name="Teams").get_by_label("Modtagelsen").check()
    await page.get_by_role("button", name="Opret bruger").click()
    await expect(page.get_by_text("Brugeren er oprettet")).to_be_visible()
    await expect(page.get_by_role("table", name="Brugere")).to_contain_text(newcomer)

    # A duplicate is refused next to the field, in Danish.
    await page.get_by_label("Navn", exact=True).fill("Nina igen")
    await page.get_by_label("Brugernavn (e-mail/UPN)").fill(newcomer)
    await page.get_by_role("button", name="Opret bruger").click()
    await expect(page.locator("#user-username-error")).to_contain_text("findes allerede")
    await check_axe(page, "administration med fejl")

    await menu.get_by_role("link", name="Revisionslog").click()
    await expect(page.get_by_role("heading", level=1, name="Revisionslog")).to_be_visible()
    await check_axe(page, "revisionslog")

    await log_out(page)
    await log_in(page, "Testby", newcomer)
    await expect(page.get_by_role("banner")).to_contain_text("Nina Nyansat")
    await expect(page.get_by_role("table", name="Åbne sager fordelt på fase")).to_be_visible()
    await expect(menu.get_by_role("link", name="Administration")).to_have_count(0)
    await check_axe(page, "forside for ny sagsbehandler")


async def test_operator_onboards_a_fourth_kommune(page, fresh_code):
    await page.goto("/drift")
    await expect(page.get_by_role("heading", level=1, name="Trekant drift")).to_be_visible()
    await check_axe(page, "drift log ind")
    await page.get_by_role("link", name="Log ind som drift").click()
    await provider_form(page, "drift@trekant.dk")
    await expect(page.get_by_role("table", name="Kommuner i Trekant")).to_be_visible()
    await check_axe(page, "drift kommuner")

    await page.get_by_label("Kommunekode").fill("12")
    await page.get_by_role("button", name="Opret kommune").click()
    await expect(page.get_by_text("Der er fejl i formularen")).to_be_visible()
    await check_axe(page, "drift onboarding med fejl")

    await page.get_by_label("Kommunekode").fill(fresh_code)
    await page.get_by_label("Navn", exact=True).fill("Frederiksberg Test")
    await page.get_by_label("Udsteder (issuer)").fill(idp().issuer(SPARE_REALM))
    await page.get_by_label("Klient-id").fill(f"trekant-{SPARE_REALM}")
    await page.get_by_label("Miljøvariabel med klienthemmelighed").fill(secret_env(SPARE_REALM))
    await page.get_by_label("Første administrators brugernavn").fill(username("admin", SPARE_REALM))
    await page.get_by_label("Første administrators navn").fill("Anders Administrator")
    await page.get_by_role("button", name="Opret kommune").click()
    await expect(page.get_by_text("Kommunen er oprettet", exact=True)).to_be_visible(timeout=20_000)
    await expect(page.get_by_role("table", name="Kommuner i Trekant")).to_contain_text(
        "Frederiksberg Test"
    )
    await check_axe(page, "drift efter onboarding")

    await log_out(page)
    await log_in(page, "Frederiksberg Test", username("admin", SPARE_REALM))
    await expect(page.get_by_role("banner")).to_contain_text("Frederiksberg Test")
