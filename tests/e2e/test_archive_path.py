"""Issue 18 item 3 in the browser: the administrator opens Administration › Arkivering, is
told at the field that a period with no closed cases holds nothing to archive, then makes an
arkiveringsversion of a period with two closed cases, follows its progress, and sees it read
back without errors, with its zip to download. axe; screenshots at 1366×768 and 768×1024
under test-results/."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from tests.archive.test_archive import a_day, close_on
from tests.conftest import KOMMUNE_A, username
from tests.e2e.conftest import check_axe, log_in
from tests.factories import child as new_child

SHOTS = Path(__file__).resolve().parents[2] / "test-results"
A = KOMMUNE_A[0]


async def shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= w, f"{name} scrolls sideways at {w} px"
    await page.set_viewport_size({"width": 1366, "height": 768})


def danish(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day:%d.%m.%Y}"


async def test_the_administrator_makes_a_version_that_reads_back(page, as_user) -> None:  # type: ignore[no-untyped-def]
    worker = await as_user(A, "sagsbehandler")
    day, empty = a_day(), a_day()
    for last_name in ("Arkivsen", "Bevaringsen"):
        made = await new_child(worker, first_name="Emil", last_name=last_name)
        await close_on(worker, made.case_id, A, day)

    await log_in(page, "København", username("admin", "0101"))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Administration")
        .click()
    )
    await (
        page.get_by_role("navigation", name="Administration")
        .get_by_role("link", name="Arkivering")
        .click()
    )
    section = page.get_by_role("region", name="Arkivering til Rigsarkivet")
    await expect(section.get_by_role("heading", name="Arkiveringsversioner")).to_be_visible()

    await section.get_by_label("Sager lukket fra").fill(empty.isoformat())
    await section.get_by_label("Til og med").fill(empty.isoformat())
    await section.get_by_role("button", name="Dan arkiveringsversion").click()
    message = (
        f"Ingen sager blev lukket fra {danish(empty)} til {danish(empty)}; vælg en anden periode"
    )
    await expect(section.locator("#period_from-error")).to_contain_text(message)
    await check_axe(page, "administration: arkivering, tom periode")

    await section.get_by_label("Sager lukket fra").fill(day.isoformat())
    await section.get_by_label("Til og med").fill(day.isoformat())
    await section.get_by_role("button", name="Dan arkiveringsversion").click()
    await expect(section.get_by_text("Arkiveringsversionen dannes")).to_be_visible()
    row = section.get_by_role("row").filter(has_text=f"Sager lukket {danish(day)}")
    await expect(row).to_contain_text("2 sager")
    # The worker writes it; the list polls until it has been read back.
    await expect(row.get_by_text("Læst tilbage uden fejl")).to_be_visible(timeout=60_000)
    link = row.get_by_role("link", name="Hent zip")
    assert (await link.get_attribute("href") or "").endswith("/zip")
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename.endswith(".1.zip")
    assert Path(await download.path()).read_bytes()[:2] == b"PK"
    await check_axe(page, "administration: arkivering")
    await shots(page, "administration-arkivering")
