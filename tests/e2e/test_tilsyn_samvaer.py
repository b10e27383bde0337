"""Supervision and contact for a placed child (issue 17 items 5-6), in the browser: the
case's "Tilsyn og samvær" shows the overdue visit → "Registrér tilsynsbesøg" (a date in the
future and "not alone" without a reason are refused at the field) → the visit is listed
and the next one planned 6 months after it → a decision on contact is registered and
listed with its review date. axe on the place and the dialogs; screenshots at 1366×768 and
768×1024, no sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from backend.core.danish import today_dk
from backend.core.workdays import add_months, next_working_day
from tests import factories
from tests.conftest import AsUser, username
from tests.e2e.conftest import check_axe, log_in

B = "0202"
OUT = Path(__file__).resolve().parents[2] / "test-results" / "tilsyn"


async def _shots(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for w, h in ((1366, 768), (768, 1024)):
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        await page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=True)
        wide = await page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
        assert not wide, f"{name} scrolls sideways at {w}×{h}"
    await page.set_viewport_size({"width": 1366, "height": 768})


async def test_a_visit_is_recorded_and_a_contact_decision_registered(page, as_user: AsUser):
    c = await as_user(B, "sagsbehandler")
    made = await factories.child(c, first_name="Tilde", last_name="Tilsynsen")
    today = today_dk()
    starts = today - timedelta(days=200)
    r = await c.post(
        f"/api/cases/{made.case_id}/afgoerelser",
        json={
            "paragraph": "46",
            "outcome": "bevilget",
            "decided_on": starts.isoformat(),
            "summary": "Anbringelse med samtykke i plejefamilie.",
            "measure": "plejefamilie",
            "starts_on": starts.isoformat(),
            "exceptions": {"boernesamtale": "Holdt", "partshoering": "Samtykke"},
        },
    )
    assert r.status_code == 201, r.text
    await factories.network_member(c, made.child_id, relation="mor", name="Mette Tilsynsen")

    await log_in(page, "Testby", username("sagsbehandler", B))
    await page.goto(f"/sager/{made.case_id}")
    await page.get_by_role("link", name="Tilsyn og samvær").click()
    await expect(page.get_by_role("heading", name="Tilsyn og samvær", level=2)).to_be_visible()
    await expect(page.get_by_text("Anbringelse i plejefamilie efter § 46")).to_be_visible()
    next_visit = page.locator(".tilsyn-next")
    await expect(next_visit).to_contain_text("Overskredet")
    await check_axe(page, "tilsyn og samvær")
    await _shots(page, "tilsyn-overskredet")

    # Record the visit: the server refuses a date in the future and "not alone" without why.
    opener = next_visit.get_by_role("button", name="Registrér tilsynsbesøg: Tilsynsbesøg")
    await opener.click()
    dialog = page.get_by_role("dialog", name="Tilsynsbesøg")
    await expect(dialog).to_be_visible()
    await check_axe(page, "registrér tilsynsbesøg")
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(opener).to_be_focused()
    await opener.click()
    await dialog.get_by_label("Dato for besøget").fill((today + timedelta(days=2)).isoformat())
    await dialog.get_by_label("Hvor fandt besøget sted?").fill("Plejefamiliens hjem")
    await dialog.get_by_label("Hvem besøgte barnet?").fill("Sara Sagsbehandler")
    alone = dialog.get_by_role("group", name="Blev samtalen med barnet holdt alene?")
    await alone.get_by_label("Nej").check()
    await dialog.get_by_label("Hvad fortalte barnet?").fill("Tilde er glad for sin nye skole.")
    await dialog.get_by_label("Iagttagelser").fill("Tryg i plejefamilien.")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(
        dialog.get_by_text("Fejl: Begrund, hvorfor samtalen ikke blev holdt alene")
    ).to_be_visible()
    await dialog.get_by_label("Hvorfor blev samtalen ikke holdt alene?").fill(
        "Tilde ønskede plejemor med."
    )
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog.get_by_text("Fejl: Datoen ligger i fremtiden")).to_be_visible()
    await check_axe(page, "tilsynsbesøg med fejl")
    visited = today - timedelta(days=1)
    await dialog.get_by_label("Dato for besøget").fill(visited.isoformat())
    await _shots(page, "tilsynsbesoeg-dialog")
    await dialog.get_by_role("button", name="Gem og markér som udført").click()
    await expect(dialog).to_have_count(0)
    nxt = next_working_day(add_months(visited, 6))
    await expect(next_visit).to_contain_text(f"senest {nxt:%d.%m.%Y}")
    await expect(next_visit).not_to_contain_text("Overskredet")
    held = page.locator(".tilsyn-held details").first
    await expect(held).to_contain_text(f"Tilsynsbesøg {visited:%d.%m.%Y} – samtale alene: nej")
    await expect(held).to_contain_text("Tilde ønskede plejemor med.")

    # A decision on contact with the mother, reviewed 6 months after it by default.
    open_contact = page.get_by_role("button", name="Registrér afgørelse om samvær")
    await open_contact.click()
    contact = page.get_by_role("dialog", name="Registrér afgørelse om samvær")
    await expect(contact).to_be_visible()
    await contact.get_by_role("button", name="Registrér afgørelsen").click()
    await expect(contact.locator("#sv-person-error")).to_have_text(
        "Fejl: Vælg hvem samværet eller kontakten er med"
    )
    await check_axe(page, "afgørelse om samvær med fejl")
    await contact.get_by_label("Med hvem").select_option(label="Mette Tilsynsen (mor)")
    await contact.get_by_label("Form").select_option("overvaaget_samvaer")
    await contact.get_by_label("Hyppighed").fill("Hver anden uge, to timer")
    await contact.get_by_label("Begrænsninger og vilkår (valgfri)").fill("På familiecentret")
    review = add_months(today, 6)
    await expect(contact.get_by_label("Revurderes senest")).to_have_value(review.isoformat())
    await _shots(page, "samvaer-dialog")
    await contact.get_by_role("button", name="Registrér afgørelsen").click()
    await expect(contact).to_have_count(0)
    await expect(
        page.get_by_text("Afgørelsen om samvær med Mette Tilsynsen er registreret")
    ).to_be_visible()
    row = page.locator("table.tilsyn-table tbody tr").filter(has_text="Mette Tilsynsen")
    await expect(row).to_contain_text("Overvåget samvær")
    await expect(row).to_contain_text(f"{review:%d.%m.%Y}")
    await check_axe(page, "tilsyn og samvær udfyldt")
    await _shots(page, "tilsyn-udfyldt")

    # The review is on the worklist under its short name.
    await page.goto(f"/?sag={made.case_id}&type=samvaer-revurdering")
    await expect(page.get_by_label("Type")).to_have_value("samvaer-revurdering")
    later = page.get_by_role("button", name=re.compile("^Senere"))
    if await later.get_attribute("aria-expanded") == "false":
        await later.click()
    await expect(
        page.get_by_role("cell", name=re.compile("Revurdér samværet med Mette Tilsynsen"))
    ).to_be_visible()
