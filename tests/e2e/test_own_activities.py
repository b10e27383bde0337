"""Own activities and the team's activity plans (issue 17 item 7), in the browser: the
manager makes a plan under "Teamets aktivitetsplaner" → the caseworker applies it to a case
(the preview's dates) → the activities are on the worklist as "Egen aktivitet" → the
caseworker adds an own activity (an error at the field first) and completes it with a
note. axe on each dialog; screenshots at 1366×768 and 768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.core.workdays import add_working_days
from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in, log_out

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "own-activities"
PLAN = "Underretning om vold (browser)"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


def _dk(day: Any) -> str:
    return day.strftime("%d.%m.%Y")


async def test_a_plan_is_made_applied_and_an_own_activity_completed(page, as_user: AsUser):
    # The manager shares the demo caseworker's team (as in the team overview's test).
    await factories.manager_joins_caseworkers_team(B)
    c = await as_user(B, "sagsbehandler")
    made = await factories.child(c, first_name="Otto", last_name="Planesen")

    # 1. The manager makes the plan.
    await log_in(page, "Testby", username("leder", B))
    await page.get_by_role("link", name="Teamets aktivitetsplaner").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Teamets aktivitetsplaner")
    await page.get_by_role("button", name="Ny aktivitetsplan").click()
    dialog = page.get_by_role("dialog", name="Ny aktivitetsplan")
    await expect(dialog).to_be_visible()
    await check_axe(page, "ny aktivitetsplan")
    await dialog.get_by_role("button", name="Gem planen").click()
    await expect(dialog.locator("#pl-name-error")).to_have_text("Fejl: Giv planen et navn")
    await expect(dialog.locator("#pl-item-0-title-error")).to_have_text(
        "Fejl: Skriv hvad der skal gøres"
    )
    await check_axe(page, "ny aktivitetsplan med fejl")
    await dialog.get_by_label("Navn").fill(PLAN)
    await dialog.get_by_label("Hvornår bruges planen (valgfri)").fill(
        "Efter en underretning om vold"
    )
    await dialog.get_by_label("Aktivitet 1: hvad skal gøres").fill("Samtale med barnet")
    await dialog.locator("#pl-item-0-days").fill("2")
    await dialog.get_by_role("button", name="Tilføj aktivitet til planen").click()
    await dialog.get_by_label("Aktivitet 2: hvad skal gøres").fill("Kontakt skolen")
    await dialog.locator("#pl-item-1-days").fill("5")
    await dialog.get_by_role("button", name="Tilføj aktivitet til planen").click()
    await dialog.get_by_label("Aktivitet 3: hvad skal gøres").fill("Kontakt sundhedsplejen")
    await dialog.locator("#pl-item-2-days").fill("7")
    await dialog.locator("#pl-item-2-kind").select_option("kalenderdage")
    await _shots(page, "ny-plan-dialog")
    await dialog.get_by_role("button", name="Gem planen").click()
    await expect(dialog).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=PLAN)
    await expect(row).to_contain_text("3 aktiviteter")
    await check_axe(page, "teamets aktivitetsplaner")
    await _shots(page, "aktivitetsplaner")
    await log_out(page)

    # 2. The caseworker applies it to the case: the preview shows the dates.
    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{made.case_id}")
    opener = page.get_by_role("button", name="Anvend aktivitetsplan")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Anvend aktivitetsplan")
    await dialog.get_by_label("Aktivitetsplan").select_option(label=PLAN)
    today = today_dk()
    preview = dialog.locator("table.plan-preview tbody > tr")
    await expect(preview).to_have_count(3)
    await expect(preview.nth(0)).to_contain_text(_dk(add_working_days(today, 2)))
    await expect(preview.nth(0)).to_contain_text("2 arbejdsdage efter start")
    await expect(preview.nth(1)).to_contain_text(_dk(add_working_days(today, 5)))
    await expect(preview.nth(2)).to_contain_text("7 dage efter start")
    await check_axe(page, "anvend aktivitetsplan")
    await _shots(page, "anvend-plan-dialog")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await dialog.get_by_label("Aktivitetsplan").select_option(label=PLAN)
    await expect(preview).to_have_count(3)
    await dialog.get_by_role("button", name="Opret aktiviteterne").click()
    await expect(dialog).to_have_count(0)
    await expect(page.get_by_text(f"Aktivitetsplanen {PLAN} er anvendt")).to_be_visible()
    due = page.get_by_role("region", name="Det skal gøres")
    await expect(due.get_by_text("Samtale med barnet")).to_be_visible()

    # 3. On the worklist, as "Egen aktivitet".
    await page.goto(f"/?sag={made.case_id}&type=egen")
    await expect(page.get_by_label("Type")).to_have_value("egen")
    dues = [add_working_days(today, 2), add_working_days(today, 5), today + timedelta(days=7)]
    sunday = today + timedelta(days=6 - today.weekday())
    this_week = sum(d <= sunday for d in dues)

    def n_activities(n: int) -> str:
        return f"{n} aktivitet" if n == 1 else f"{n} aktiviteter"

    week = page.get_by_role("button", name=re.compile("^Denne uge"))
    later = page.get_by_role("button", name=re.compile("^Senere"))
    await expect(week).to_have_accessible_name(f"Denne uge {n_activities(this_week)}")
    await expect(later).to_have_accessible_name(f"Senere {n_activities(3 - this_week)}")
    if await later.get_attribute("aria-expanded") == "false":
        await later.click()
    await expect(
        page.get_by_role("cell", name=re.compile("Kontakt sundhedsplejen"))
    ).to_be_visible()
    await _shots(page, "forside-egen-aktivitet")

    # 4. An own activity: a date in the past is refused at the field, then it is added…
    await page.goto(f"/sager/{made.case_id}")
    opener = page.get_by_role("button", name="Tilføj aktivitet")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Tilføj aktivitet")
    await expect(dialog.get_by_label("Hvad skal gøres")).to_be_focused()
    await dialog.get_by_label("Hvad skal gøres").fill("Ring til moster om weekenden")
    await dialog.get_by_label("Frist").fill("2020-01-01")
    await dialog.get_by_role("button", name="Opret aktivitet").click()
    await expect(dialog.locator("#ea-due-error")).to_have_text(
        "Fejl: Fristen ligger i fortiden. Vælg i dag eller senere."
    )
    await check_axe(page, "tilføj aktivitet med fejl")
    await dialog.get_by_label("Frist").fill(today.isoformat())
    await dialog.get_by_label("Beskrivelse (valgfri)").fill("Hun kan tage Otto fredag.")
    await _shots(page, "tilfoej-aktivitet-dialog")
    await dialog.get_by_role("button", name="Opret aktivitet").click()
    await expect(dialog).to_have_count(0)
    await expect(
        page.get_by_text("Aktiviteten er oprettet: Ring til moster om weekenden")
    ).to_be_visible()

    # …and completed with a note.
    await due.get_by_role("button", name="Udført: Ring til moster om weekenden").click()
    done = page.get_by_role("dialog", name="Udført")
    await done.get_by_label("Bemærkning (valgfri)").fill("Moster henter fredag kl. 15.")
    await check_axe(page, "udført med bemærkning")
    await done.get_by_role("button", name="Gem og markér som udført").click()
    await expect(done).to_have_count(0)
    await expect(due.get_by_text("Ring til moster om weekenden")).to_have_count(0)
    await _shots(page, "overblik-efter")
    await page.get_by_role("link", name="Forløb").click()
    await expect(page.get_by_role("button", name="Anvend aktivitetsplan")).to_be_visible()
    await check_axe(page, "forløb med egne aktiviteter")
    await _shots(page, "forloeb")
    journal = (await c.get(f"/api/cases/{made.case_id}/journal")).json()["items"]
    titles = [e["title"] for e in journal]
    assert titles[0] == "Udført: Ring til moster om weekenden"
    assert journal[0]["body"] == "Moster henter fredag kl. 15."
    assert "Aktivitet oprettet: Ring til moster om weekenden" in titles
    assert f"Aktivitetsplan anvendt: {PLAN} (3 aktiviteter)" in titles
