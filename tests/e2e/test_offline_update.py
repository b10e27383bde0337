"""A new version of the app is offered, never forced: "Opdatér nu" does not reload while
the caseworker is writing (issue 7, point 4)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import expect

from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.e2e.test_offline import CODE, KOMMUNE


async def test_the_update_prompt_never_reloads_while_someone_is_writing(page):
    await log_in(page, KOMMUNE, username("sagsbehandler", CODE))
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    await page.reload()  # controlled by the worker now

    # The server now has a new version of the worker (the build it serves, changed in place
    # for this test and restored afterwards).
    worker = Path(os.environ["TREKANT_PWA_DIST"]) / "sw.js"
    original = worker.read_bytes()
    try:
        worker.write_bytes(original + b"\n// version 2\n")
        await page.evaluate(
            "async () => (await navigator.serviceWorker.getRegistration()).update()"
        )
    finally:
        worker.write_bytes(original)
    prompt = page.get_by_role("region", name="Ny version")
    await expect(prompt).to_be_visible(timeout=15_000)
    await check_axe(page, "ny version")

    # Someone is writing (here: choosing a passphrase for home visits).
    await page.evaluate("() => { window.__sameDocument = true; }")
    panel = page.get_by_role("region", name="Hjemmebesøg uden forbindelse")
    await panel.get_by_role("button", name="Gem til hjemmebesøg").click()
    await page.get_by_label("Adgangsfrase til offline-brug", exact=True).fill("halvt skrevet")
    await prompt.get_by_role("button", name="Opdatér nu").click()
    await expect(prompt.get_by_text("Du er i gang med at skrive")).to_be_visible()
    await page.wait_for_timeout(1500)
    assert await page.evaluate("() => window.__sameDocument === true")
    await expect(page.get_by_label("Adgangsfrase til offline-brug", exact=True)).to_have_value(
        "halvt skrevet"
    )

    # The text is gone (saved or cleared): now the update may reload the page.
    await page.get_by_label("Adgangsfrase til offline-brug", exact=True).fill("")
    async with page.expect_navigation():
        await prompt.get_by_role("button", name="Opdatér nu").click()
    assert await page.evaluate("() => window.__sameDocument === undefined")
