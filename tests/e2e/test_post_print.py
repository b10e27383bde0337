"""Issue 15 item 5 in the browser: a letter to a parent exempt from Digital Post waits in the
day's print batch; the administrator finds it under Administration › Udskrivning, downloads
the batch as one PDF and marks it printed (a DKFDS confirmation dialog), after which the
letter stands as sent. axe on the screen and the dialog; screenshots at 1366×768 and
768×1024 under test-results/."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from backend.post.service import Recipient
from tests.conftest import username
from tests.e2e.conftest import check_axe, log_in
from tests.post.conftest import a_case, delivery, exempt_parent, run_post_jobs, send

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


async def shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= w, f"{name} scrolls sideways at {w} px"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_administrator_prints_the_batch_and_marks_it_printed(page) -> None:  # type: ignore[no-untyped-def]
    parent = exempt_parent()
    _, [did] = await send(
        await a_case(),
        [Recipient(parent["name"], "Far", cpr=parent["cpr"], address=parent["address"])],
        title="Afgørelse om støtte",
    )
    await run_post_jobs()  # the worker may have taken it already: either way it is queued
    assert (await delivery(did))["print_batch_id"] is not None
    await log_in(page, "København", username("admin", "0101"))
    menu = page.get_by_role("navigation", name="Hovedmenu")
    await menu.get_by_role("link", name="Administration").click()
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Udskrivning")
        .click()
    )
    section = page.get_by_role("region", name="Udskrivning (fjernprint)")
    waiting = section.get_by_role("row").filter(has_text="Venter på udskrivning").first
    await expect(waiting).to_be_visible()
    link = waiting.get_by_role("link", name="Hent PDF")
    assert (await link.get_attribute("href") or "").endswith("/pdf")
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename.startswith("udskrift-")
    assert Path(await download.path()).read_bytes().startswith(b"%PDF-")
    await check_axe(page, "administration: udskrivning")
    await shots(page, "administration-udskrivning")
    await waiting.get_by_role("button", name="Markér som udskrevet").click()
    dialog = page.get_by_role("dialog", name="Markér bunken som udskrevet?")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Fortryd")).to_be_focused()
    await check_axe(page, "administration: udskrivning, bekræft")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await waiting.get_by_role("button", name="Markér som udskrevet").click()
    await dialog.get_by_role("button", name="Markér som udskrevet").click()
    await expect(section.get_by_text("Bunken er markeret som udskrevet")).to_be_visible()
    assert (await delivery(did))["status"] == "sendt"
