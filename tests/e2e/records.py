"""Filling in an activity's completion form in its dialog (pwa/src/pages/sag/
CompleteActivity.tsx, and the offline case view's), shared by the browser tests."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

ASSESSMENT = "Vurdering inden 24 timer"
RECEIPT = "Kvittering sendt til fagpersonen"


def record_dialog(page: Page, title: str = ASSESSMENT) -> Locator:
    return page.get_by_role("dialog", name=title)


async def fill_assessment(dialog: Locator, text: str = "Ingen akut fare for barnet.") -> None:
    """The 24-hour assessment: not in danger, no acute measures, a text, next step (none:
    "Afdækning" would start an afdækning, test_front_of_process.py)."""
    danger = dialog.get_by_role("group", name="Er barnets sundhed eller udvikling i fare?")
    await danger.get_by_label("Nej").check()
    acute = dialog.get_by_role("group", name="Er der behov for akutte foranstaltninger?")
    await acute.get_by_label("Nej").check()
    await dialog.get_by_label("Vurdering", exact=True).fill(text)
    await dialog.get_by_role("group", name="Næste skridt").get_by_label("Ingen yderligere").check()


async def fill_receipt(dialog: Locator) -> None:
    """The receipt to the professional: today (the default), by Digital Post."""
    await dialog.get_by_role("group", name="Sendt med").get_by_label("Digital Post").check()


async def fill_open_record(page: Page) -> str:
    """Fill whichever completion form is open; returns its title."""
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    title = (await dialog.get_by_role("heading", level=2).inner_text()).strip()
    if title == ASSESSMENT:
        await fill_assessment(dialog)
    elif title == RECEIPT:
        await fill_receipt(dialog)
    else:
        raise AssertionError(f"no filler for the form {title!r}")
    return title
