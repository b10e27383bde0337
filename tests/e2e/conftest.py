"""Browser tests: the production build of the PWA, served by a real API process, driven by
Playwright in Debian's Chromium, with axe-core checking WCAG 2.1 A/AA on every screen."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(seeded) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real API process (uvicorn) on the test database, serving pwa/dist."""
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        pytest.fail("pwa/dist is not built: run the tests with `just test`")
    port = _free_port()
    env = dict(os.environ, TREKANT_PORT=str(port), TREKANT_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "api"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the API process did not start")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

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
