"""A newcomer's first path: log in to a demo kommune and see its front page."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import expect

from tests.e2e.conftest import check_axe


async def _log_in(page, kommune: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await page.get_by_label("Kommune").fill(kommune)
    await page.get_by_role("button", name="Log ind").click()
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()


async def test_login_and_front_page_show_the_kommune_and_health(page):
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await expect(page.get_by_role("combobox", name="Kommune")).to_be_visible()
    await check_axe(page, "log ind")

    await _log_in(page, "Testby")
    await expect(page.get_by_role("banner")).to_contain_text("Testby")
    status = page.get_by_role("status").filter(has_text="Database")
    await expect(status).to_contain_text("Database: OK")
    await expect(status).to_contain_text("Redis: OK")
    await expect(page.get_by_role("table", name="Åbne sager fordelt på fase")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("8")  # Testby's eight children
    await check_axe(page, "forside")


async def test_kommune_picker_works_by_keyboard(page):
    await page.goto("/")
    field = page.get_by_label("Kommune")
    await field.click()
    await field.type("køb")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="Log ind").click()
    await expect(page.get_by_role("banner")).to_contain_text("København")


async def test_logout_returns_to_login(page):
    await _log_in(page, "København")
    await page.get_by_role("button", name="Log ud").click()
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    r = await page.request.get("/api/overview")
    assert r.status == 401


async def test_suspended_kommune_sees_a_danish_explanation(page, registry, fresh_code):
    from backend.demo import seed_kommune

    await registry.create(fresh_code, "Lukketby")
    await seed_kommune(fresh_code, 2, seed=9)
    await _log_in(page, "Lukketby")
    await registry.set_status(fresh_code, "suspended", "test")
    try:
        await page.reload()
        await expect(page.get_by_text(re.compile("suspenderet"))).to_be_visible()
        await check_axe(page, "suspenderet kommune")
    finally:
        await registry.set_status(fresh_code, "active")


async def test_service_worker_precaches_the_shell_and_never_api_responses(page, server):
    await _log_in(page, "København")
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
    # Offline, the shell still starts (from the precache) and says it cannot reach Trekant.
    await page.context.set_offline(True)
    await page.reload()
    await expect(page.get_by_text("Trekant").first).to_be_visible()
    await page.context.set_offline(False)


def test_page_and_worker_are_served_no_cache(server):
    for path in ("/", "/index.html", "/sw.js", "/forside"):
        r = httpx.get(server + path)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "no-cache", path
    js = httpx.get(server + "/sw.js")
    assert js.headers["content-type"].startswith("text/javascript")
