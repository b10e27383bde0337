"""Issue 16's front page in the browser: the worklist filtered by child and type (kept in
the address through reload and back), a group paged six at a time, the lists as tabs with
their counts, "Mine sager" searched by name (kept when another tab is chosen and this one
again), a bad filter in the address answered in
Danish; and the front pages of finance, the administrator and read-only access."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in, log_out

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "front"


async def _shots(page: Any, name: str) -> None:
    """Screenshots at 1366×768 and 768×1024; the page never scrolls sideways."""
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_worklist_filters_pages_and_tabs(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    family = "Filtersen" + uuid.uuid4().hex[:4]
    made = await factories.child(c, first_name="Filippa", last_name=family)
    # Each: a 24-hour assessment and a receipt, both overdue (11 days back is past six working
    # days on any weekday), a day apart (their rows differ); the first three are still among
    # the new notifications (the last 14 days).
    for i in range(4):
        received = datetime.now(UTC) - timedelta(days=11 + i)
        await factories.underretning(c, made.case_id, received_at=received.isoformat())
    number = (await c.get(f"/api/cases/{made.case_id}")).json()["case_number"]

    await page.set_viewport_size({"width": 1366, "height": 768})
    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.get_by_label("Barn", exact=True).select_option(label=f"Filippa {family} (8)")
    await expect(page).to_have_url(re.compile(f"sag={made.case_id}"))
    overdue = page.locator("section.worklist-group").filter(
        has=page.get_by_role("button", name=re.compile("^Overskredet"))
    )
    toggle = overdue.get_by_role("button", name=re.compile("^Overskredet"))
    await expect(toggle).to_have_accessible_name("Overskredet 8 aktiviteter")
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    rows = overdue.locator("tbody > tr")
    await expect(rows).to_have_count(6)
    # Each line names the case by the child and its case number.
    child_cell = rows.first.get_by_role("cell").nth(0)
    await expect(child_cell).to_contain_text(f"Filippa {family}")
    await expect(child_cell).to_contain_text(f"Sag {number}")
    first_page = await rows.all_inner_texts()
    await overdue.get_by_role("button", name="Næste").click()
    await expect(overdue.get_by_text("Side 2 af 2")).to_be_visible()
    await expect(rows).to_have_count(2)
    assert not set(await rows.all_inner_texts()) & set(first_page)
    folded = page.get_by_role("button", name=re.compile("^Senere"))
    await expect(folded).to_have_accessible_name("Senere 0 aktiviteter")
    await check_axe(page, "forside filtreret på barn")
    await _shots(page, "forside-filtreret")

    # The type narrows further; the address keeps both, through reload and back.
    await page.get_by_label("Type").select_option("vurdering-24-timer")
    await expect(toggle).to_have_accessible_name("Overskredet 4 aktiviteter")
    await expect(page).to_have_url(re.compile("type=vurdering-24-timer"))
    await page.reload()
    await expect(toggle).to_have_accessible_name("Overskredet 4 aktiviteter")
    await expect(page.get_by_label("Type")).to_have_value("vurdering-24-timer")
    await page.go_back()
    await expect(toggle).to_have_accessible_name("Overskredet 8 aktiviteter")
    await expect(page.get_by_label("Type")).to_have_value("")

    # "Mine sager" is a tab with its count; search by the child's name.
    await page.get_by_role("tab", name=re.compile("^Mine sager")).click()
    await expect(page).to_have_url(re.compile("vis=sager"))
    cases = page.get_by_role("region", name="Mine sager")
    await cases.get_by_label("Barnets navn").fill(family)
    await cases.get_by_role("button", name="Søg").click()
    await expect(cases.get_by_text("1 sag med")).to_be_visible()
    await expect(cases.locator("tbody > tr")).to_have_count(1)
    await expect(cases.locator("tbody > tr")).to_contain_text(f"Filippa {family}")
    await expect(cases.locator("tbody > tr")).to_contain_text(f"Sag {number}")
    # The case number finds it too.
    await cases.get_by_label("Barnets navn eller sagsnummer").fill(number)
    await cases.get_by_role("button", name="Søg").click()
    await expect(cases.get_by_text(f"1 sag med „{number}“")).to_be_visible()
    await expect(cases.locator("tbody > tr")).to_contain_text(f"Filippa {family}")
    await check_axe(page, "forside mine sager")
    await _shots(page, "forside-mine-sager")

    await page.get_by_role("tab", name=re.compile("^Nye underretninger")).click()
    news = page.get_by_role("region", name="Nye underretninger")
    await expect(news.get_by_text(re.compile("mangler vurdering"))).to_be_visible()
    await check_axe(page, "forside nye underretninger")
    # Back on "Mine sager": the search is still there (the tab's panel is mounted anew; what
    # the person chose lives in the worklist).
    await page.get_by_role("tab", name=re.compile("^Mine sager")).click()
    await expect(cases.get_by_label("Barnets navn eller sagsnummer")).to_have_value(number)
    await expect(cases.get_by_text(f"1 sag med „{number}“")).to_be_visible()

    # A filter value the worklist does not know: said in Danish, and one click clears it.
    await page.goto("/?type=findes-ikke")
    alert = page.get_by_role("alert").filter(has_text="Ukendt aktivitetstype")
    await expect(alert).to_be_visible()
    await page.get_by_role("button", name="Nulstil filtre").first.click()
    await expect(page).not_to_have_url(re.compile("type="))
    await expect(page.get_by_role("button", name=re.compile("^Overskredet"))).to_be_visible()


async def test_each_role_has_its_own_front_page(page):
    await page.set_viewport_size({"width": 1366, "height": 768})
    await log_in(page, "Testby", username("oekonomi", B))
    for heading in ("Betalinger til godkendelse", "Klar til eksport", "Prisopdateringer"):
        await expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    await expect(page.get_by_role("link", name="Gå til prisopdatering")).to_be_visible()
    await expect(page.get_by_role("tab", name=re.compile("^Mine aktiviteter"))).to_have_count(0)
    await check_axe(page, "forside for økonomi")
    await _shots(page, "forside-oekonomi")
    await log_out(page)

    await log_in(page, "Testby", username("admin", B))
    for heading in ("Brugere", "Log-in-indstillinger", "Seneste hændelser", "Systemstatus"):
        await expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    await expect(page.get_by_text(re.compile(r"\d+ aktive brugere"))).to_be_visible()
    await expect(page.get_by_role("link", name="Gå til revisionsloggen")).to_be_visible()
    await check_axe(page, "forside for administrator")
    await _shots(page, "forside-administrator")
    await log_out(page)

    await log_in(page, "Testby", username("revisor", B))
    await expect(page.get_by_role("heading", level=2, name="Læseadgang")).to_be_visible()
    await expect(
        page.get_by_role("heading", level=2, name=re.compile("^Overblik for"))
    ).to_be_visible()
    await expect(page.get_by_role("link", name="Søg i sagerne")).to_be_visible()
    await check_axe(page, "forside for læseadgang")
    await _shots(page, "forside-laeseadgang")
