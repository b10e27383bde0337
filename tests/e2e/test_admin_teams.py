"""Administration in the browser (issue 16 item 7): the user list searched on the server
with the query in the URL, a team created, inspected with its members, renamed and closed,
each form in a dialog; axe-clean, screenshots at 1366×768 and 768×1024."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests.conftest import KOMMUNE_B, username
from tests.e2e.conftest import check_axe, log_in

B = KOMMUNE_B[0]
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "admin"


async def _shots(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= w, f"{name} scrolls sideways at {w} px ({width} px wide)"
        await page.screenshot(path=str(SHOTS / f"{name}-{w}x{h}.png"), full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_the_administrator_searches_users(page):
    await log_in(page, "Testby", username("admin", B))
    await (
        page.get_by_role("navigation", name="Hovedmenu")
        .get_by_role("link", name="Administration")
        .click()
    )
    table = page.get_by_role("table", name="Brugere")
    await expect(table).to_contain_text("Rikke Revisor")
    await check_axe(page, "administration: brugere")
    await _shots(page, "brugere")

    await page.get_by_label("Søg bruger").fill("rikke rev")
    await expect(page).to_have_url(re.compile(r"/administration\?q=rikke\+rev$"))
    await expect(page.get_by_role("status").filter(has_text="passer")).to_have_text(
        "1 bruger passer til søgningen"
    )
    await expect(table.get_by_role("row")).to_have_count(2)  # the header and Rikke
    await expect(table).to_contain_text(username("revisor", B))

    # The URL keeps the search: a reload (or a shared link) shows the same.
    await page.reload()
    await expect(page.get_by_label("Søg bruger")).to_have_value("rikke rev")
    await expect(table.get_by_role("row")).to_have_count(2)

    await page.get_by_label("Søg bruger").fill("")
    await page.get_by_label("Rolle").select_option(label="Økonomimedarbejder")
    await expect(page).to_have_url(re.compile(r"/administration\?rolle=oekonomi$"))
    await expect(table).to_contain_text("Øjvind Økonomi")
    await expect(table).not_to_contain_text("Rikke Revisor")

    await page.get_by_label("Rolle").select_option(label="Alle roller")
    await page.get_by_label("Søg bruger").fill("findes ikke")
    await expect(page.get_by_text("Ingen brugere passer til søgningen.")).to_be_visible()
    await check_axe(page, "administration: ingen brugere fundet")


async def test_the_administrator_creates_inspects_renames_and_closes_a_team(page):
    name = f"Familieteam {uuid.uuid4().hex[:6]}"
    await log_in(page, "Testby", username("admin", B))
    await page.goto("/administration/teams")
    teams = page.get_by_role("table", name="Teams")
    await expect(teams).to_contain_text("Modtagelsen")
    await check_axe(page, "administration: teams")
    await _shots(page, "teams")

    opener = page.get_by_role("button", name="Opret team")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Opret team")
    await expect(dialog.get_by_label("Teamnavn")).to_be_focused()
    await dialog.get_by_label("Teamnavn").fill("Modtagelsen")
    await dialog.get_by_role("button", name="Opret team").click()
    await expect(dialog.locator("#team-name-error")).to_contain_text(
        "Der findes allerede et team med navnet Modtagelsen"
    )
    await check_axe(page, "opret team med fejl")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await dialog.get_by_label("Teamnavn").fill(name)
    await dialog.get_by_role("button", name="Opret team").click()
    await expect(page.get_by_text(f"{name} kan nu vælges for brugerne.")).to_be_visible()

    # A team with members and open cases: what the administrator sees.
    await teams.get_by_role("link", name="Familieteam Nord").click()
    await expect(page.get_by_role("heading", level=2, name="Familieteam Nord")).to_be_visible()
    members = page.get_by_role("table", name="Medlemmer")
    await expect(members.get_by_role("row").first).to_be_visible()
    await check_axe(page, "administration: et team")
    await _shots(page, "team-medlemmer")

    await page.goto("/administration/teams")
    await teams.get_by_role("link", name=name).click()
    await expect(page.get_by_text("Teamet har ingen medlemmer endnu.")).to_be_visible()
    await page.get_by_role("button", name="Omdøb team").click()
    rename = page.get_by_role("dialog", name="Omdøb team")
    await rename.get_by_label("Nyt navn").fill(f"{name} Øst")
    await rename.get_by_role("button", name="Gem navn").click()
    await expect(page.get_by_text(f"Teamet hedder nu {name} Øst.")).to_be_visible()
    await expect(page.get_by_role("heading", level=2, name=f"{name} Øst")).to_be_visible()

    await page.get_by_role("button", name="Luk team").click()
    confirm = page.get_by_role("dialog", name=f"Luk {name} Øst?")
    await expect(confirm).to_contain_text("kan derefter ikke få nye medlemmer eller sager")
    await check_axe(page, "bekræft lukning af team")
    await confirm.get_by_role("button", name="Luk team").click()
    await expect(page.get_by_text(f"{name} Øst er lukket.")).to_be_visible()
    await expect(page.get_by_text(re.compile(r"^Lukket \d{2}\.\d{2}\.\d{4}$"))).to_be_visible()
    await expect(page.get_by_role("button", name="Luk team")).to_have_count(0)
    await check_axe(page, "lukket team")

    await page.get_by_role("link", name="Alle teams").click()
    row = teams.get_by_role("row").filter(has_text=f"{name} Øst")
    await expect(row).to_contain_text("Lukket")
