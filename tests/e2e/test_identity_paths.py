"""Issue 3's newcomer path in the browser: the administrator provisions a caseworker who
then logs in; the operator onboards a kommune. axe on every Trekant screen."""

from __future__ import annotations

import os
import re

import httpx
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
    await page.get_by_role("button", name="Opret bruger").click()
    dialog = page.get_by_role("dialog", name="Opret bruger")
    await expect(dialog.get_by_label("Navn", exact=True)).to_be_focused()
    await page.get_by_label("Navn", exact=True).fill("Nina Nyansat")
    await page.get_by_label("Brugernavn (e-mail/UPN)").fill(newcomer)
    await page.get_by_role("group", name="Roller", exact=True).get_by_label("Sagsbehandler").check()
    await page.get_by_role("group", name="Teams").get_by_label("Modtagelsen").check()
    await dialog.get_by_role("button", name="Opret bruger").click()
    await expect(page.get_by_text("Brugeren er oprettet")).to_be_visible()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_role("table", name="Brugere")).to_contain_text(newcomer)

    # A duplicate is refused next to the field, in Danish.
    await page.get_by_role("button", name="Opret bruger").click()
    await page.get_by_label("Navn", exact=True).fill("Nina igen")
    await page.get_by_label("Brugernavn (e-mail/UPN)").fill(newcomer)
    await dialog.get_by_role("button", name="Opret bruger").click()
    await expect(page.locator("#user-username-error")).to_contain_text("findes allerede")
    await check_axe(page, "administration med fejl")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)

    await menu.get_by_role("link", name="Revisionslog").click()
    await expect(page.get_by_role("heading", level=1, name="Revisionslog")).to_be_visible()
    await check_axe(page, "revisionslog")

    await log_out(page)
    await log_in(page, "Testby", newcomer)
    await expect(page.get_by_role("banner")).to_contain_text("Nina Nyansat")
    await expect(page.get_by_role("tab", name=re.compile("^Mine aktiviteter"))).to_be_visible()
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
    await page.get_by_label("Udsteder-adresse (OpenID Connect)").fill(idp().issuer(SPARE_REALM))
    await page.get_by_label("Klient-id").fill(f"trekant-{SPARE_REALM}")
    await page.get_by_label("Klienthemmelighed").fill(os.environ[secret_env(SPARE_REALM)])
    await page.get_by_label("Første administrators brugernavn").fill(username("admin", SPARE_REALM))
    await page.get_by_label("Første administrators navn").fill("Anders Administrator")
    login_claim = page.get_by_label("Brugernavn i log-in-svaret")
    await expect(login_claim).to_have_value("preferred_username")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await login_claim.scroll_into_view_if_needed()
        await page.screenshot(path=f"test-results/onboarding-{width}.png")
    await page.get_by_role("button", name="Opret kommune").click()
    await expect(page.get_by_text("Kommunen er oprettet", exact=True)).to_be_visible(timeout=20_000)
    await expect(page.get_by_role("table", name="Kommuner i Trekant")).to_contain_text(
        "Frederiksberg Test"
    )
    # The secret is never shown again, only that it is set.
    row = (
        page.get_by_role("table", name="Kommuner i Trekant")
        .get_by_role("row")
        .filter(has_text="Frederiksberg Test")
    )
    await expect(row).to_contain_text("Klienthemmelighed: angivet")
    assert os.environ[secret_env(SPARE_REALM)] not in await page.content()
    await page.set_viewport_size({"width": 1366, "height": 768})
    await page.screenshot(path="test-results/drift-onboarded-1366.png", full_page=True)
    await page.set_viewport_size({"width": 768, "height": 1024})
    await page.screenshot(path="test-results/drift-onboarded-768.png", full_page=True)
    # The log reads in Danish: the backend's label and the kommune's name (issue 12 item 17).
    log = page.get_by_role("region", name="Driftens log, tabel")
    onboarded = log.get_by_role("row").filter(has_text="Kommune oprettet").first
    await expect(onboarded).to_contain_text("Frederiksberg Test")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await log.scroll_into_view_if_needed()
        await page.screenshot(path=f"test-results/drift-log-{width}.png")
    await page.set_viewport_size({"width": 1366, "height": 768})
    await check_axe(page, "drift efter onboarding")

    await log_out(page)
    await log_in(page, "Frederiksberg Test", username("admin", SPARE_REALM))
    await expect(page.get_by_role("banner")).to_contain_text("Frederiksberg Test")


async def test_callback_opened_by_another_client_logs_no_one_in(server):
    """Issue 13.4 over real HTTP: the callback URL alone (leaked, or planted in someone
    else's browser) logs no one in; only the browser that began the login holds the
    HttpOnly cookie the pending login is bound to."""
    from tests.oidc_login import provider_login

    async with (
        httpx.AsyncClient(base_url=server) as victim,
        httpx.AsyncClient(base_url=server) as attacker,
    ):
        r = await victim.get("/api/auth/login?kommune=0101")
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("trekant_login=")
        assert "HttpOnly" in cookie and "Path=/api/auth" in cookie
        assert "samesite=lax" in cookie.lower()
        assert "Secure" not in cookie  # plain http in tests; https everywhere else
        callback = await provider_login(r.headers["location"], username("sagsbehandler", "0101"))
        stolen = await attacker.get(callback.path_and_query)
        assert stolen.status_code == 303
        assert stolen.headers["location"] == "/log-ind?fejl=anden-browser"
        assert "trekant_session" not in stolen.headers.get("set-cookie", "")
        assert (await attacker.get("/api/session")).status_code == 401
        # The real browser's login is not spoiled by the attempt.
        own = await victim.get(callback.path_and_query)
        assert own.status_code == 303 and own.headers["location"] == "/"
        assert (await victim.get("/api/session")).json()["username"] == username(
            "sagsbehandler", "0101"
        )


async def test_administrator_sees_and_resets_a_login_binding(page, server):
    from tests.oidc_login import login as oidc_login

    async with httpx.AsyncClient(base_url=server) as reader:  # binds Rikke's account
        r = await oidc_login(reader, "0202", username("revisor", "0202"))
        assert r.headers["location"] == "/"
    await log_in(page, "Testby", username("admin", "0202"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Administration")
        .click()
    )
    await page.get_by_role("link", name="Ret Rikke Revisor").click()
    binding = page.get_by_role("region", name="Log-in-binding")
    await expect(binding).to_contain_text("Felt i log-in-svaret: Brugernavn.")
    await check_axe(page, "bruger med log-in-binding")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await binding.scroll_into_view_if_needed()
        await page.screenshot(path=f"test-results/binding-{width}.png", full_page=True)
    await binding.get_by_role("button", name="Nulstil log-in-binding").click()
    await check_axe(page, "bekræft nulstilling af binding")
    await binding.get_by_role("button", name="Bekræft nulstilling").click()
    await expect(binding.get_by_text("Bindingen er nulstillet")).to_be_visible()
    await expect(binding).to_contain_text("Ikke bundet")
    await page.screenshot(path="test-results/binding-reset-768.png", full_page=True)
    await expect(binding.get_by_role("button", name="Nulstil log-in-binding")).to_have_count(0)
