"""The kommune administrator's security alert (unusual prior-case lookups) and the choice
of roles that may go offline, in the browser: Danish, axe-clean, at 1366 and 768 px."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.async_api import expect

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_B, username
from tests.e2e.conftest import check_axe, log_in

B = KOMMUNE_B[0]
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


async def _raise_alert() -> None:
    async with tenant_transaction(DB, B) as scope:
        user = await scope.connection.fetchval(
            "SELECT id FROM app_user WHERE username = $1", username("kollega", B)
        )
        await scope.connection.execute(
            "INSERT INTO security_alert (kind, user_id, day, lookups, registrations) "
            "VALUES ('prior_case_lookups', $1, $2, 57, 2) ON CONFLICT DO NOTHING",
            user,
            date(2026, 12, 3),
        )


async def test_the_administrator_sees_and_acknowledges_a_security_alert(page):
    await _raise_alert()
    await log_in(page, "Testby", username("admin", B))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Administration").click()
    section = page.get_by_role("region", name="Sikkerhedsadvarsler")
    await expect(section).to_contain_text(
        f"Karl Kollega ({username('kollega', B)}) slog 57 CPR-numre op i andre kommuner den "
        "03.12.2026 og lavede kun 2 registreringer"
    )
    await expect(section).to_contain_text("1 advarsel er ikke set")
    await check_axe(page, "administration med sikkerhedsadvarsel")
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await section.scroll_into_view_if_needed()
        await page.screenshot(path=str(SHOTS / f"security-alert-{width}.png"))
    await page.set_viewport_size({"width": 1366, "height": 768})
    # The offline roles are among the settings (Administration › Indstillinger).
    subnav = page.get_by_role("navigation", name="Administration")
    await subnav.get_by_role("link", name="Indstillinger").click()
    roles = page.get_by_role("group", name="Roller, der må gemme sager til hjemmebesøg")
    await expect(roles.get_by_label("Sagsbehandler")).to_be_checked()
    await expect(roles.get_by_label("Læseadgang (fx revision)")).not_to_be_checked()
    await check_axe(page, "administration: indstillinger")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await roles.scroll_into_view_if_needed()
        await page.screenshot(path=str(SHOTS / f"offline-roles-{width}.png"))

    await subnav.get_by_role("link", name="Brugere").click()
    await section.get_by_role("button", name="Markér som set").click()
    # Who saw it, by name (the username is the administrator's secondary information only
    # in the alert's own text, beside the name of the person it is about).
    await expect(section).to_contain_text("set af Anders Administrator")
    await expect(section).not_to_contain_text(f"set af {username('admin', B)}")
    await expect(section).to_contain_text("Alle advarsler er set.")
    await check_axe(page, "administration med set advarsel")
    for width, height in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": width, "height": height})
        await section.scroll_into_view_if_needed()
        await page.screenshot(path=str(SHOTS / f"security-alert-seen-{width}.png"))


async def _offline_roles(roles: list[str]) -> None:
    async with tenant_transaction(DB, B) as scope:
        await scope.connection.execute("UPDATE kommune_settings SET offline_roles = $1", roles)


async def test_the_offline_panel_follows_the_kommunes_offline_roles(page):
    await log_in(page, "Testby", username("sagsbehandler", B))
    panel = page.get_by_role("heading", level=2, name="Hjemmebesøg uden forbindelse")
    await expect(panel).to_be_visible()
    try:
        await _offline_roles(["leder"])
        await page.reload()
        await expect(page.get_by_role("heading", level=2, name="Mine aktiviteter")).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await expect(panel).to_have_count(0)
    finally:
        await _offline_roles(["leder", "sagsbehandler"])
