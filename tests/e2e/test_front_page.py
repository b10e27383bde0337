"""A caseworker's first path: choose the kommune, log in at its provider, see the front
page; and the shell's offline and caching behaviour."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import expect

from tests.conftest import SPARE_REALM, new_kommune, username
from tests.e2e.conftest import check_axe, log_in, log_out, provider_form


async def test_login_and_front_page_show_the_kommune_and_health(page):
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await check_axe(page, "log ind")
    await log_in(page, "Testby", username("sagsbehandler", "0202"))
    await expect(page.get_by_role("banner")).to_contain_text("Testby")
    await expect(page.get_by_role("tab", name=re.compile("^Mine aktiviteter"))).to_be_visible()
    await check_axe(page, "forside")
    # The system status is on the administrator's front page.
    await log_out(page)
    await log_in(page, "Testby", username("admin", "0202"))
    status = page.get_by_role("status").filter(has_text="Database")
    await expect(status).to_contain_text("Database: OK")
    await expect(status).to_contain_text("Redis: OK")


async def test_kommune_picker_works_by_keyboard(page):
    await page.goto("/")
    field = page.get_by_label("Kommune")
    await field.click()
    await field.type("køb")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="Log ind").click()
    await expect(page.get_by_role("heading", name=re.compile("København"))).to_be_visible()
    await provider_form(page, username("sagsbehandler", "0101"))
    await expect(page.get_by_role("banner")).to_contain_text("København")


async def test_wrong_password_stays_at_the_provider(page):
    await page.goto("/")
    await page.get_by_label("Kommune").fill("København")
    await page.get_by_role("button", name="Log ind").click()
    await provider_form(page, username("sagsbehandler", "0101"), "forkert")
    await expect(page.get_by_text("Forkert brugernavn eller adgangskode")).to_be_visible()


async def test_logout_ends_the_session(page):
    await log_in(page, "København", username("sagsbehandler", "0101"))
    await log_out(page)
    r = await page.request.get("/api/overview")
    assert r.status == 401


async def test_not_provisioned_person_sees_ask_your_administrator(page):
    await page.goto("/")
    await page.get_by_label("Kommune").fill("København")
    await page.get_by_role("button", name="Log ind").click()
    await provider_form(page, username("ny.medarbejder", "0101"))
    await expect(page.get_by_role("heading", name="Du er ikke oprettet i Trekant")).to_be_visible()
    await check_axe(page, "ikke oprettet")


async def test_suspended_kommune_sees_a_danish_explanation(page, registry, fresh_code):
    await new_kommune(registry, fresh_code, "Lukketby", children=2)
    await log_in(page, "Lukketby", username("sagsbehandler", SPARE_REALM))
    await registry.set_status(fresh_code, "suspended", "test")
    try:
        await page.reload()
        await expect(page.get_by_text(re.compile("suspenderet")).first).to_be_visible()
        await check_axe(page, "suspenderet kommune")
        await page.context.clear_cookies()  # someone else tries to log in
        await page.goto(f"/api/auth/login?kommune={fresh_code}")
        await expect(page.get_by_text("Kommunen er midlertidigt lukket i Trekant")).to_be_visible()
        await check_axe(page, "log ind med fejl")
    finally:
        await registry.set_status(fresh_code, "active")


async def test_service_worker_precaches_the_shell_and_never_api_responses(page):
    await log_in(page, "København", username("sagsbehandler", "0101"))
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    await page.reload()  # now controlled by the worker
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()
    cached = await page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const req of await cache.keys()) urls.push(req.url);
            }
            return urls;
        }"""
    )
    assert any("/index.html" in u for u in cached), cached
    assert not [u for u in cached if "/api/" in u or "/health" in u], cached
    # Offline, the shell still starts (from the precache).
    await page.context.set_offline(True)
    await page.reload()
    await expect(page.get_by_text("Trekant").first).to_be_visible()
    await page.context.set_offline(False)


def test_page_and_worker_are_served_no_cache(server):
    for path in ("/", "/index.html", "/sw.js", "/administration"):
        r = httpx.get(server + path)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "no-cache", path
    js = httpx.get(server + "/sw.js")
    assert js.headers["content-type"].startswith("text/javascript")
