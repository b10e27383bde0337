"""Browser tests: the production build of the PWA, served by a real API process, driven by
Playwright in Debian's Chromium, with axe-core checking WCAG 2.1 A/AA on every screen."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.devprocess import listens

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TREKANT_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server(seeded) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real API process (uvicorn) and a real worker on the test database, serving
    pwa/dist, on the port the identity provider knows (TREKANT_E2E_PORT)."""
    dist = Path(os.environ.get("TREKANT_PWA_DIST", ROOT / "pwa" / "dist"))
    if not (dist / "index.html").exists():
        pytest.fail(f"{dist} is not built: run the tests with `just test`")
    port = int(os.environ["TREKANT_E2E_PORT"])
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TREKANT_PORT=str(port), TREKANT_HOST="127.0.0.1", TREKANT_PUBLIC_URL=url)
    worker = subprocess.Popen([sys.executable, "-m", "backend.cli", "worker"], cwd=ROOT, env=env)
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "api"], cwd=ROOT, env=env)
    # Generous: on a loaded 2-core machine the API's start (imports, pools) can take long.
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if listens(url) and httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the API process did not start")
            time.sleep(0.1)
        yield url
    finally:
        # Never leave a worker behind: a stray one would take later tests' outbox jobs.
        for p in (proc, worker):
            p.terminate()
        for p in (proc, worker):
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright, expect

    # `just test` runs three test processes on two cores, two of them with a browser and an
    # API process at once: Playwright's 5 s default for an expectation was too short for a
    # screen to change there now and then (2026-12-07). Waiting longer only slows a failure.
    expect.set_options(timeout=15_000)

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `just test` installs Debian's chromium")
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser, server) -> AsyncIterator[Any]:  # type: ignore[no-untyped-def]
    context = await browser.new_context(base_url=server, locale="da-DK")
    pg = await context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


async def log_in(page: Any, kommune: str, user: str, password: str = "demo") -> None:
    """Pick the kommune in Trekant, log in at its provider, land on the front page."""
    from playwright.async_api import expect

    await page.goto("/")
    await expect(page.get_by_role("heading", name="Log ind i Trekant")).to_be_visible()
    await page.get_by_label("Kommune").fill(kommune)
    await page.get_by_role("button", name="Log ind").click()
    await provider_form(page, user, password)
    await expect(page.get_by_role("heading", level=1, name="Forside")).to_be_visible()


async def provider_form(page: Any, user: str, password: str = "demo") -> None:
    """The development identity provider's Danish login form."""
    try:
        await page.get_by_label("Brugernavn").fill(user, timeout=10_000)
    except Exception:
        # Where did the browser end up instead? (pytest shows this with the failure)
        (ROOT / "test-results").mkdir(exist_ok=True)
        await page.screenshot(path=str(ROOT / "test-results" / "provider-form-missing.png"))
        print("URL at failure:", page.url, (await page.content())[:2000])
        raise
    await page.get_by_label("Adgangskode").fill(password)
    await page.get_by_role("button", name="Log ind").click()


async def log_out(page: Any) -> None:
    from playwright.async_api import expect

    await page.get_by_role("button", name="Log ud").click()
    await expect(
        page.get_by_role("heading", name=re.compile("Log ind i Trekant|Trekant drift"))
    ).to_be_visible()


async def check_axe(page: Any, screen: str) -> None:
    """Fail with the list of WCAG 2.1 A/AA violations on the current screen."""
    await page.evaluate("() => {" + AXE.read_text() + "\n}")
    result = await page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not violations, f"axe on {screen}: " + "; ".join(violations)


async def open_worklist_group(page: Any, group: str, row_text: str) -> Any:
    """The front page's worklist group ``group`` (e.g. "Senere") opened, and its row with
    ``row_text``. A filter just chosen may still be loading: its answer can open the group
    by default (the first group with activities opens) just as a click toggles it, so the
    toggle is checked again until the row shows."""
    from playwright.async_api import expect

    section = page.locator("section.worklist-group").filter(
        has=page.get_by_role("button", name=re.compile(f"^{group}"))
    )
    toggle = section.get_by_role("button", name=re.compile(f"^{group}"))
    row = section.locator("tbody > tr").filter(has_text=row_text)
    for _ in range(5):
        if await toggle.get_attribute("aria-expanded") == "false":
            await toggle.click()
        try:
            await expect(row.first).to_be_visible(timeout=3_000)
            return row
        except AssertionError:
            continue
    await expect(row.first).to_be_visible()
    return row
